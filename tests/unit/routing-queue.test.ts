import { describe, expect, it } from 'vitest'
import { DEFAULT_HANDLING_MS, handlingTime, median, queuePositions, type QueueStats } from '../../shared/routing/queuePositions.ts'

const MIN = 60_000
const w = (id: string, queue: string, since: number) => ({ id, queue, since })

describe('queuePositions', () => {
  it('numbers each queue from 1, oldest first, ties by id', () => {
    const waiting = [w('c', 'g:a', 30), w('b', 'g:a', 10), w('x', 'g:b', 50), w('a', 'g:a', 10)]
    const out = queuePositions(waiting, { handling: {}, capacity: {} })
    expect(out.map((p) => [p.id, p.queue, p.position])).toEqual([
      ['a', 'g:a', 1],
      ['b', 'g:a', 2],
      ['c', 'g:a', 3],
      ['x', 'g:b', 1],
    ])
  })

  // wait = position × median handling time / slots of online agents
  it.each<[string, QueueStats, number, number | null]>([
    ['own median: 10 min, 5 slots, 3rd in line → 6 min', { handling: { 'g:a': [8, 10, 12, 10, 30].map((m) => m * MIN) }, capacity: { 'g:a': 5 } }, 3, 6 * 60],
    ['too few own samples: the workspace median (4 min) instead', { handling: { 'g:a': [60 * MIN], 'g:b': [4, 4, 4, 4, 4].map((m) => m * MIN) }, capacity: { 'g:a': 2 } }, 1, 2 * 60],
    ['no history at all: 5 minutes a chat', { handling: {}, capacity: { 'g:a': 1 } }, 2, (2 * DEFAULT_HANDLING_MS) / 1000],
    ['nobody online: no estimate', { handling: {}, capacity: { 'g:a': 0 } }, 1, null],
    ['a queue nobody can take: no estimate', { handling: {}, capacity: {} }, 1, null],
  ])('%s', (_, stats, position, seconds) => {
    const waiting = Array.from({ length: position }, (_, i) => w(`c${i}`, 'g:a', i))
    expect(queuePositions(waiting, stats).at(-1)).toEqual({ id: `c${position - 1}`, queue: 'g:a', position, waitSeconds: seconds })
  })

  it('uses the last 50 handling times only, and their median (one chat left open all day does not count)', () => {
    const old = Array.from({ length: 50 }, () => 60 * MIN)
    const recent = [...Array.from({ length: 49 }, () => 2 * MIN), 8 * 3600_000]
    expect(handlingTime({ handling: { q: [...old, ...recent] } }, 'q')).toBe(2 * MIN)
  })

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBe(0)
  })
})
