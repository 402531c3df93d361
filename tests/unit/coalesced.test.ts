import { describe, expect, it, vi } from 'vitest'
import { coalesced } from '../../client/data/coalesced.ts'

describe('coalesced', () => {
  it('runs one at a time, and once more after a run for every burst of asks during it', async () => {
    const releases: (() => void)[] = []
    let runs = 0
    const busy: boolean[] = []
    const ask = coalesced(
      () =>
        new Promise<void>((resolve) => {
          runs++
          releases.push(resolve)
        }),
      { onBusy: (b) => busy.push(b) },
    )
    ask()
    ask()
    ask()
    expect(runs).toBe(1)
    releases.shift()!()
    await new Promise((r) => setTimeout(r, 0))
    // Three asks during the first run: one more run, not three.
    expect(runs).toBe(2)
    releases.shift()!()
    await new Promise((r) => setTimeout(r, 0))
    expect(runs).toBe(2)
    expect(busy).toEqual([true, false])
    ask()
    expect(runs).toBe(3)
    releases.shift()!()
  })

  it('keeps answering after a failed run', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    let runs = 0
    const ask = coalesced(async () => {
      runs++
      if (runs === 1) throw new Error('boom')
    })
    ask()
    await new Promise((r) => setTimeout(r, 0))
    ask()
    await new Promise((r) => setTimeout(r, 0))
    expect(runs).toBe(2)
    expect(logged).toHaveBeenCalledTimes(1)
    logged.mockRestore()
  })
})
