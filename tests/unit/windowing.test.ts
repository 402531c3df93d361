import { describe, expect, it } from 'vitest'
import { anchorAt, clampScrollTop, computeOffsets, isNearBottom, maxScrollTop, nextRange, revealScrollTop, rowAt, rowsBetween, scrollTopFor, steadyAnchor, totalHeight } from '../../client/app/src/thread/windowing.ts'

/** Rows of the given heights. */
const offsetsOf = (...heights: number[]) => computeOffsets(heights.length, (i) => heights[i]!)
/** `n` rows of 50px: row i spans [50i, 50i + 50). */
const even = (n: number) => computeOffsets(n, () => 50)

describe('offsets', () => {
  it('are the running sum of the heights', () => {
    expect([...offsetsOf(10, 20, 30)]).toEqual([0, 10, 30, 60])
    expect(totalHeight(offsetsOf(10, 20, 30))).toBe(60)
    expect([...offsetsOf()]).toEqual([0])
    expect(totalHeight(offsetsOf())).toBe(0)
  })

  it('treat a negative height as none', () => {
    expect([...offsetsOf(10, -5, 10)]).toEqual([0, 10, 10, 20])
  })

  it('stay fast for a long thread', () => {
    const t = performance.now()
    const o = computeOffsets(100_000, (i) => 40 + (i % 7))
    expect(o.length).toBe(100_001)
    expect(performance.now() - t).toBeLessThan(200)
  })
})

describe('rowAt and rowsBetween', () => {
  it('finds the row under a height', () => {
    const o = offsetsOf(10, 20, 30)
    expect(rowAt(o, 0)).toBe(0)
    expect(rowAt(o, 9.9)).toBe(0)
    expect(rowAt(o, 10)).toBe(1)
    expect(rowAt(o, 59)).toBe(2)
    expect(rowAt(o, -100)).toBe(0)
    expect(rowAt(o, 1000)).toBe(2)
    expect(rowAt(offsetsOf(), 0)).toBe(-1)
  })

  it('skips empty rows to the last one starting at the height', () => {
    expect(rowAt(offsetsOf(10, 0, 0, 10), 10)).toBe(3)
  })

  it('lists the rows that overlap a band, end exclusive', () => {
    const o = even(100)
    expect(rowsBetween(o, 0, 100)).toEqual({ start: 0, end: 2 })
    expect(rowsBetween(o, 75, 175)).toEqual({ start: 1, end: 4 })
    expect(rowsBetween(o, -500, 100_000)).toEqual({ start: 0, end: 100 })
    expect(rowsBetween(offsetsOf(), 0, 100)).toEqual({ start: 0, end: 0 })
  })
})

describe('nextRange', () => {
  const o = even(1000) // 50 000px
  const viewport = 500
  const overscan = 1000
  const margin = 500

  it('covers the viewport and the overscan on both sides', () => {
    const r = nextRange(null, o, 10_000, viewport, overscan, margin)
    expect(r).toEqual({ start: 180, end: 230 })
    expect(r.end - r.start).toBeLessThan(60)
  })

  it('is cut at the ends of the list', () => {
    expect(nextRange(null, o, 0, viewport, overscan, margin)).toEqual({ start: 0, end: 30 })
    expect(nextRange(null, o, maxScrollTop(o, viewport), viewport, overscan, margin)).toEqual({ start: 970, end: 1000 })
  })

  it('keeps the current range while it covers the viewport with margin to spare', () => {
    const r = nextRange(null, o, 10_000, viewport, overscan, margin)
    expect(nextRange(r, o, 10_400, viewport, overscan, margin)).toBe(r)
    expect(nextRange(r, o, 9_500, viewport, overscan, margin)).toBe(r)
    // Closer than the margin to the rendered edge: a new range around the new position.
    const moved = nextRange(r, o, 10_600, viewport, overscan, margin)
    expect(moved).not.toBe(r)
    expect(moved).toEqual({ start: 192, end: 242 })
  })

  it('renders a short thread whole', () => {
    const short = even(12)
    expect(nextRange(null, short, maxScrollTop(short, viewport), viewport, overscan, margin)).toEqual({ start: 0, end: 12 })
  })

  it('drops a range that no longer fits the rows, and covers a row added at the bottom', () => {
    expect(nextRange({ start: 990, end: 1200 }, o, 49_500, viewport, overscan, margin)).toEqual({ start: 970, end: 1000 })
    const r = nextRange(null, o, maxScrollTop(o, viewport), viewport, overscan, margin)
    const grown = even(1001)
    expect(nextRange(r, grown, maxScrollTop(grown, viewport), viewport, overscan, margin).end).toBe(1001)
  })

  it('has nothing to render without rows', () => {
    expect(nextRange(null, offsetsOf(), 0, viewport, overscan, margin)).toEqual({ start: 0, end: 0 })
  })
})

describe('anchoring', () => {
  const keys = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `m${i + from}`)

  it('keeps the row being read in place when rows are added above', () => {
    const before = even(100)
    const k = keys(100)
    const anchor = anchorAt(before, (i) => k[i]!, 2_020)!
    expect(anchor).toEqual({ key: 'm40', offset: 20 })
    // Ten older messages arrive above.
    const k2 = [...keys(10, -10), ...k]
    const after = even(110)
    expect(scrollTopFor(anchor, after, (key) => k2.indexOf(key))).toBe(2_520)
  })

  it('keeps it in place when rows above are measured taller or shorter than estimated', () => {
    const k = keys(5)
    const anchor = anchorAt(offsetsOf(50, 50, 50, 50, 50), (i) => k[i]!, 160)!
    expect(anchor).toEqual({ key: 'm3', offset: 10 })
    expect(scrollTopFor(anchor, offsetsOf(80, 20, 90, 50, 50), (key) => k.indexOf(key))).toBe(200)
  })

  it('gives up when the row is gone', () => {
    expect(scrollTopFor({ key: 'gone', offset: 0 }, even(3), () => undefined)).toBeNull()
    expect(scrollTopFor({ key: 'm9', offset: 0 }, even(3), () => 9)).toBeNull()
    expect(anchorAt(offsetsOf(), () => 'x', 0)).toBeNull()
  })
})

describe('scroll bounds', () => {
  it('clamps to the list and knows the bottom', () => {
    const o = even(10) // 500px
    expect(maxScrollTop(o, 200)).toBe(300)
    expect(maxScrollTop(o, 800)).toBe(0)
    expect(clampScrollTop(-5, o, 200)).toBe(0)
    expect(clampScrollTop(1_000, o, 200)).toBe(300)
    expect(isNearBottom(300, 200, 500, 0)).toBe(true)
    expect(isNearBottom(230, 200, 500, 80)).toBe(true)
    expect(isNearBottom(210, 200, 500, 80)).toBe(false)
  })
})

describe('steadyAnchor', () => {
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`)
  const indexIn = (list: string[]) => {
    const at = new Map(list.map((k, i) => [k, i]))
    return (key: string) => at.get(key)
  }

  it('keeps the rows in view in place when rows arrive above them', () => {
    const before = keys(100)
    const after = ['new1', 'new2', ...before]
    // Rows 40 to 49 in view, 20px into row 40.
    const anchor = steadyAnchor(even(100), (i) => before[i]!, 2_020, 500, indexIn(after))!
    expect(anchor).toEqual({ key: 'c40', offset: 20 })
    expect(scrollTopFor(anchor, even(102), indexIn(after))).toBe(2_120)
  })

  it('is not dragged along by a row in view that jumps to the top', () => {
    const before = keys(100)
    // The top row in view gets new activity and becomes the first of the list.
    const after = ['c40', ...before.filter((k) => k !== 'c40')]
    const anchor = steadyAnchor(even(100), (i) => before[i]!, 2_020, 500, indexIn(after))!
    expect(anchor.key).not.toBe('c40')
    // The rows below it moved up by one; those above it did not move: the view stays where it was.
    expect(scrollTopFor(anchor, even(100), indexIn(after))).toBe(2_020)
  })

  it('follows the rows in view when rows above them leave', () => {
    const before = keys(100)
    const after = before.slice(5)
    const anchor = steadyAnchor(even(100), (i) => before[i]!, 2_000, 500, indexIn(after))!
    expect(scrollTopFor(anchor, even(95), indexIn(after))).toBe(1_750)
  })

  it('gives up when none of the rows in view is left', () => {
    const before = keys(100)
    expect(steadyAnchor(even(100), (i) => before[i]!, 2_000, 500, indexIn(before.slice(0, 30)))).toBeNull()
    expect(steadyAnchor(offsetsOf(), () => 'x', 0, 500, () => 0)).toBeNull()
  })
})

describe('revealScrollTop', () => {
  const o = even(100) // row i spans [50i, 50i + 50)

  it('leaves a row in view where it is', () => {
    expect(revealScrollTop(o, 10, 400, 200)).toBeNull()
    expect(revealScrollTop(o, 8, 400, 200)).toBeNull()
    expect(revealScrollTop(o, 11, 400, 200)).toBeNull()
  })

  it('scrolls the least that shows the row whole', () => {
    // Above the viewport, or cut at its top: the row at the top.
    expect(revealScrollTop(o, 2, 400, 200)).toBe(100)
    expect(revealScrollTop(o, 7, 360, 200)).toBe(350)
    // Below, or cut at its bottom: the row at the bottom.
    expect(revealScrollTop(o, 90, 400, 200)).toBe(4_350)
    expect(revealScrollTop(o, 11, 410, 200)).toBeNull()
    expect(revealScrollTop(o, 12, 410, 200)).toBe(450)
  })

  it('shows the top of a row taller than the viewport, and ignores rows that do not exist', () => {
    expect(revealScrollTop(offsetsOf(50, 500, 50), 1, 0, 200)).toBe(50)
    expect(revealScrollTop(o, -1, 0, 200)).toBeNull()
    expect(revealScrollTop(o, 100, 0, 200)).toBeNull()
  })
})
