/**
 * The thread of a conversation, windowed: only the rows in and a few screens around the viewport
 * are in the DOM, so a conversation of thousands of messages opens on its newest ones at once and
 * scrolls smoothly. Rows have their real, measured heights (estimates stand in for rows never
 * shown); the list sticks to the bottom while the agent is there, and otherwise keeps the row
 * they are reading in place when heights change or messages are inserted above it.
 *
 * How: the <ol> is the scroller; a spacer row at each end stands for the rows not rendered (not
 * padding: a flex item cannot shrink below its padding, so the list would grow to its full height).
 * Every change (new rows, a row resized, the viewport resized, a scroll) goes through `flush`,
 * which picks the rows to render, measures the new ones at once (before the browser paints) and
 * sets the scroll position from the bottom or from the anchor row.
 */
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show, type Accessor, type JSX } from 'solid-js'
import type { Conversation } from '../conversation.ts'
import { ThreadRowView } from './ThreadRowView.tsx'
import { buildRows, estimateRowHeight, type ThreadRow } from './threadRows.ts'
import { anchorAt, computeOffsets, isNearBottom, nextRange, scrollTopFor, totalHeight, type Anchor, type Range } from './windowing.ts'

/** Vertical padding of the list (px) above the first row and below the last. */
const LIST_PADDING = 12
/** How close to the bottom (px) still counts as "reading the newest": new messages then scroll into view. */
const STICK_TO_BOTTOM_PX = 80
/** Screens of rows kept rendered above and below the viewport, so fast scrolling rarely meets a blank. */
const OVERSCAN_SCREENS = 2
/** The rendered rows are moved once fewer than this many screens are left beyond the viewport. */
const MARGIN_SCREENS = 1
/** Floor for the overscan (px), for very short viewports (a phone with its keyboard open). */
const MIN_OVERSCAN_PX = 600
/** Rounds of render-then-measure per flush: one settles it in practice; the cap stops a loop on pathological CSS. */
const MAX_SETTLE_ROUNDS = 4
/** A rough average glyph width (px) at the default font size, to guess how many lines a message wraps to. */
const AVERAGE_CHAR_PX = 8
/** The share of the thread's width a bubble may take (see `.message` max-width). */
const BUBBLE_WIDTH_SHARE = 0.8

interface View {
  rows: ThreadRow[]
  padTop: number
  padBottom: number
}

export interface ThreadProps {
  conversation: Conversation
  me: string
  now: Accessor<number>
  /** Shown instead of rows when there are none (loading, empty, not on this device). */
  placeholder: () => JSX.Element
}

export function Thread(props: ThreadProps) {
  let el!: HTMLOListElement
  const heights = new Map<string, number>()
  const keyOfElement = new WeakMap<Element, string>()
  const unmeasured = new Set<HTMLElement>()
  let byKey = new Map<string, ThreadRow>()
  let indexOf = new Map<string, number>()
  let offsets: Float64Array = new Float64Array(1)
  let offsetsDirty = true
  let range: Range | null = null
  let stick = true
  let anchor: Anchor | null = null
  let charsPerLine = 40
  let lastWidth = -1
  let flushQueued = false
  let disposed = false

  const [view, setView] = createSignal<View>({ rows: [], padTop: LIST_PADDING, padBottom: LIST_PADDING })
  const [atBottom, setAtBottom] = createSignal(true)
  const [announcement, setAnnouncement] = createSignal('')

  const rows = createMemo<ThreadRow[]>(() => {
    const built = buildRows(props.conversation.messages(), byKey)
    byKey = built.byKey
    indexOf = new Map(built.rows.map((r, i) => [r.key, i]))
    offsetsDirty = true
    return built.rows
  })

  const messageCount = createMemo(() => {
    let n = 0
    for (const r of rows()) if (r.kind === 'message') n++
    return n
  })

  const heightOf = (row: ThreadRow) => heights.get(row.key) ?? estimateRowHeight(row, charsPerLine)

  function ensureOffsets(): void {
    if (!offsetsDirty) return
    const rs = rows()
    offsets = computeOffsets(rs.length, (i) => heightOf(rs[i]!))
    offsetsDirty = false
  }

  /** Reads the heights of rows rendered since the last call; true when any differs from what was assumed. */
  function measureNew(): boolean {
    let changed = false
    for (const row of unmeasured) {
      const key = keyOfElement.get(row)
      if (!key) continue
      const h = row.getBoundingClientRect().height
      if (h > 0 && Math.abs((heights.get(key) ?? -1) - h) >= 0.5) {
        heights.set(key, h)
        changed = true
      }
    }
    unmeasured.clear()
    if (changed) offsetsDirty = true
    return changed
  }

  function render(r: Range): void {
    const rs = rows()
    const total = totalHeight(offsets)
    const next: View = {
      rows: rs.slice(r.start, r.end),
      padTop: LIST_PADDING + (offsets[r.start] ?? 0),
      padBottom: LIST_PADDING + total - (offsets[r.end] ?? total),
    }
    const cur = view()
    const same = cur.padTop === next.padTop && cur.padBottom === next.padBottom && cur.rows.length === next.rows.length && cur.rows.every((row, i) => row === next.rows[i])
    if (!same) setView(next)
  }

  /**
   * Lays the window out again. `fromScroll`: the agent scrolled, so their position is the truth
   * (only measuring may move it, to keep the anchor row still); otherwise the bottom when stuck
   * to it, else the anchor row.
   */
  function flush(fromScroll = false): void {
    if (disposed || !el) return
    const vh = el.clientHeight
    const overscan = Math.max(MIN_OVERSCAN_PX, vh * OVERSCAN_SCREENS)
    const margin = Math.max(MIN_OVERSCAN_PX / 2, vh * MARGIN_SCREENS)
    const followBottom = stick && !fromScroll
    const current = el.scrollTop - LIST_PADDING
    /** Where the viewport's top should be, in list coordinates, with the heights known now. */
    const wanted = () => {
      ensureOffsets()
      const bottom = totalHeight(offsets) + LIST_PADDING - vh
      const pos = followBottom ? bottom : ((anchor && scrollTopFor(anchor, offsets, (k) => indexOf.get(k))) ?? current)
      return Math.max(-LIST_PADDING, Math.min(pos, bottom))
    }
    updateCharsPerLine()
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      const pos = wanted()
      range = nextRange(range, offsets, pos, vh, overscan, margin)
      render(range)
      // Rows just rendered are measured now, before the paint, so nothing visibly jumps.
      if (!measureNew()) break
    }
    const target = followBottom ? el.scrollHeight : wanted() + LIST_PADDING
    if (Math.abs(el.scrollTop - target) >= 1) el.scrollTop = target
  }

  function scheduleFlush(): void {
    if (flushQueued) return
    flushQueued = true
    // After Solid has finished the current update (so the DOM is current), before the next paint.
    queueMicrotask(() => {
      flushQueued = false
      flush()
    })
  }

  function updateCharsPerLine(): void {
    const w = el.clientWidth
    if (w === lastWidth) return
    lastWidth = w
    charsPerLine = Math.max(10, Math.floor((w * BUBBLE_WIDTH_SHARE) / AVERAGE_CHAR_PX))
    offsetsDirty = true
  }

  function onScroll(): void {
    const nearBottom = isNearBottom(el.scrollTop, el.clientHeight, el.scrollHeight, STICK_TO_BOTTOM_PX)
    stick = nearBottom
    setAtBottom(nearBottom)
    ensureOffsets()
    const rs = rows()
    anchor = anchorAt(offsets, (i) => rs[i]!.key, el.scrollTop - LIST_PADDING)
    flush(true)
  }

  function scrollToLatest(): void {
    stick = true
    setAtBottom(true)
    flush()
  }

  // Rows resized after they were first measured: web fonts, a new width, a wider viewport.
  const rowObserver = new ResizeObserver((entries) => {
    let changed = false
    for (const entry of entries) {
      const key = keyOfElement.get(entry.target)
      if (!key) continue
      const h = entry.borderBoxSize?.[0]?.blockSize ?? (entry.target as HTMLElement).getBoundingClientRect().height
      if (h > 0 && Math.abs((heights.get(key) ?? -1) - h) >= 0.5) {
        heights.set(key, h)
        changed = true
      }
    }
    if (changed) {
      offsetsDirty = true
      flush()
    }
  })
  // The viewport resized: the window, a phone's keyboard, a banner above the thread.
  const viewportObserver = new ResizeObserver(() => flush())

  const registerRow = (row: ThreadRow) => (li: HTMLLIElement) => {
    keyOfElement.set(li, row.key)
    unmeasured.add(li)
    rowObserver.observe(li)
    onCleanup(() => {
      rowObserver.unobserve(li)
      unmeasured.delete(li)
    })
  }

  onMount(() => {
    viewportObserver.observe(el)
    scheduleFlush()
  })
  onCleanup(() => {
    disposed = true
    rowObserver.disconnect()
    viewportObserver.disconnect()
  })

  // New rows: follow them when at the bottom, or when the newest is the agent's own reply.
  let lastKey: string | undefined
  let initialised = false
  createEffect(
    on(rows, (rs) => {
      const last = rs[rs.length - 1]
      if (last && last.key !== lastKey) {
        const isNew = initialised && lastKey !== undefined
        lastKey = last.key
        if (last.kind === 'message') {
          const m = last.message
          if (m.kind === 'agent' && m.authorId === props.me && isNew) stick = true
          // Tell screen readers about what others wrote while the conversation is open.
          if (isNew && !(m.kind === 'agent' && m.authorId === props.me)) setAnnouncement(`${m.authorName || 'New message'}: ${m.text}`)
        }
      }
      if (rs.length) initialised = true
      scheduleFlush()
    }),
  )

  return (
    <div class="thread-frame">
      <ol
        class="thread"
        data-testid="thread"
        data-count={messageCount()}
        ref={el}
        onScroll={onScroll}
        tabIndex={0}
        aria-label="Messages"
      >
        <li class="thread-spacer" aria-hidden="true" style={{ height: `${view().padTop}px` }} />
        <Show when={rows().length === 0}>{props.placeholder()}</Show>
        <For each={view().rows}>{(row) => <ThreadRowView row={row} conversation={props.conversation} me={props.me} now={props.now} ref={registerRow(row)} />}</For>
        <li class="thread-spacer" aria-hidden="true" style={{ height: `${view().padBottom}px` }} />
      </ol>
      <Show when={!atBottom()}>
        <button type="button" class="jump-to-latest" data-testid="jump-to-latest" aria-label="Jump to the newest message" onClick={scrollToLatest}>
          ↓
        </button>
      </Show>
      <div class="sr-only" aria-live="polite" aria-atomic="true">
        {announcement()}
      </div>
    </div>
  )
}
