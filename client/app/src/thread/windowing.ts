/**
 * The maths of a windowed list with variable row heights (the thread, the inbox): where each row
 * starts, which rows to render for a scroll position, how to keep the row the reader is looking at
 * in place when heights above it change or rows are inserted above it, and where to scroll to show
 * a row. Pure; the view measures and scrolls.
 *
 * Positions are in list coordinates: 0 is the top of the first row.
 */

/** Rows `[start, end)`. */
export interface Range {
  start: number
  end: number
}

/** Where the reader is: a row, and how far (px) the viewport's top is below that row's top. */
export interface Anchor {
  key: string
  offset: number
}

/** Prefix sums of the heights: `offsets[i]` is the top of row i and `offsets[n]` the total height. */
export function computeOffsets(count: number, heightOf: (index: number) => number): Float64Array {
  const offsets = new Float64Array(count + 1)
  for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i]! + Math.max(0, heightOf(i))
  return offsets
}

/** The total height of the rows. */
export const totalHeight = (offsets: Float64Array) => offsets[offsets.length - 1] ?? 0

/** The row at height `y` (the last row whose top is at or above it), clamped to the rows; -1 when there are none. */
export function rowAt(offsets: Float64Array, y: number): number {
  const count = offsets.length - 1
  if (count <= 0) return -1
  let lo = 0
  let hi = count - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (offsets[mid]! <= y) lo = mid
    else hi = mid - 1
  }
  return lo
}

/** The rows that overlap `[top, bottom)`; empty when there are no rows. */
export function rowsBetween(offsets: Float64Array, top: number, bottom: number): Range {
  const count = offsets.length - 1
  if (count <= 0) return { start: 0, end: 0 }
  const start = rowAt(offsets, top)
  let end = rowAt(offsets, Math.max(top, bottom - 0.5)) + 1
  if (end < start + 1) end = start + 1
  return { start, end: Math.min(count, end) }
}

/** The largest scroll position: the bottom of the list at the bottom of the viewport. */
export const maxScrollTop = (offsets: Float64Array, viewport: number) => Math.max(0, totalHeight(offsets) - viewport)

export const clampScrollTop = (top: number, offsets: Float64Array, viewport: number) => Math.min(Math.max(0, top), maxScrollTop(offsets, viewport))

/**
 * The rows to render for a scroll position: the visible ones and `overscan` px on each side.
 * The current range is kept while it still covers the viewport with `margin` px to spare on each
 * side, so scrolling re-renders in steps rather than on every pixel.
 */
export function nextRange(current: Range | null, offsets: Float64Array, scrollTop: number, viewport: number, overscan: number, margin: number): Range {
  const count = offsets.length - 1
  if (count <= 0) return { start: 0, end: 0 }
  const total = totalHeight(offsets)
  const top = Math.max(0, scrollTop)
  const bottom = Math.min(total, scrollTop + viewport)
  if (current && current.start >= 0 && current.end <= count && current.start < current.end) {
    const coveredTop = offsets[current.start]!
    const coveredBottom = offsets[current.end]!
    if (coveredTop <= Math.max(0, top - margin) && coveredBottom >= Math.min(total, bottom + margin)) return current
  }
  return rowsBetween(offsets, top - overscan, bottom + overscan)
}

/** The anchor for a scroll position: the row at the viewport's top. */
export function anchorAt(offsets: Float64Array, keyOf: (index: number) => string, scrollTop: number): Anchor | null {
  const i = rowAt(offsets, scrollTop)
  if (i < 0) return null
  return { key: keyOf(i), offset: scrollTop - offsets[i]! }
}

/**
 * The scroll position that puts the anchor's row where it was, after heights changed or rows were
 * added or removed; null when the row is gone (the caller keeps its scroll position then).
 */
export function scrollTopFor(anchor: Anchor, offsets: Float64Array, indexOf: (key: string) => number | undefined): number | null {
  const i = indexOf(anchor.key)
  if (i === undefined || i < 0 || i >= offsets.length - 1) return null
  return offsets[i]! + anchor.offset
}

/**
 * The anchor to keep in place after the list changed, among the rows that were in view: one that
 * moved as most of them did (the median move), so that one row jumping elsewhere (a conversation
 * with new activity going to the top of the inbox) does not drag the view along. `offsets` and
 * `keyOf` describe the list before the change, `indexOf` the list after it; null when none of the
 * rows in view is left.
 */
export function steadyAnchor(
  offsets: Float64Array,
  keyOf: (index: number) => string,
  scrollTop: number,
  viewport: number,
  indexOf: (key: string) => number | undefined,
): Anchor | null {
  const { start, end } = rowsBetween(offsets, scrollTop, scrollTop + viewport)
  const moved: { index: number; key: string; by: number }[] = []
  for (let i = start; i < end; i++) {
    const key = keyOf(i)
    const to = indexOf(key)
    if (to !== undefined && to >= 0) moved.push({ index: i, key, by: to - i })
  }
  if (!moved.length) return null
  const median = moved.map((m) => m.by).sort((a, b) => a - b)[(moved.length - 1) >> 1]
  const steady = moved.find((m) => m.by === median)!
  return { key: steady.key, offset: scrollTop - offsets[steady.index]! }
}

/**
 * The scroll position that shows row `index` whole with the least movement (as
 * `scrollIntoView({ block: 'nearest' })`; a row taller than the viewport shows its top); null when
 * it is in view already or there is no such row.
 */
export function revealScrollTop(offsets: Float64Array, index: number, scrollTop: number, viewport: number): number | null {
  if (index < 0 || index >= offsets.length - 1) return null
  const top = offsets[index]!
  const bottom = offsets[index + 1]!
  if (top < scrollTop) return top
  if (bottom > scrollTop + viewport) return Math.min(top, bottom - viewport)
  return null
}

/** Whether a scroll position counts as "at the newest": within `tolerance` px of the bottom. */
export const isNearBottom = (scrollTop: number, viewport: number, scrollHeight: number, tolerance: number) => scrollHeight - scrollTop - viewport <= tolerance
