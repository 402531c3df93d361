/**
 * The conversations of one inbox list, windowed: only the rows in and around the viewport are in
 * the DOM, so a device holding ten thousand conversations shows its inbox at once. Every row has
 * the same height (two single lines), measured on a row shown. The selected conversation is
 * scrolled into view when it is opened from elsewhere (a link, a toast, a reload); the rows the
 * agent is looking at stay in place when conversations above them come and go, except at the top
 * of the list, where new chats should show.
 *
 * How: the <ul> is the scroller, with a spacer row at each end standing for the rows not rendered
 * (as in the thread). The window follows a `scrollTop` signal, set by scroll events and by `scrollTo`.
 */
import { createComputed, createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show, type Accessor } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import type { ConversationRow } from '../../../data/db.ts'
import { relativeTime, statusLabel } from '../format.ts'
import { conversationPath, Link } from '../router.tsx'
import { clampScrollTop, computeOffsets, nextRange, revealScrollTop, scrollTopFor, steadyAnchor, totalHeight, type Range } from '../thread/windowing.ts'

/** Height (px) of a row until one is measured: two lines of text and the row's padding (69.5 in Chromium). */
const ESTIMATED_ROW_PX = 70
/** Screens of rows kept rendered above and below the viewport, so that a flick rarely shows a blank. */
const OVERSCAN_SCREENS = 1
/** The rendered rows are moved once fewer than this many screens are left beyond the viewport. */
const MARGIN_SCREENS = 0.5
/** Floor for the overscan (px), for very short viewports (a phone with its keyboard open). */
const MIN_OVERSCAN_PX = 400

export interface InboxListProps {
  rows: readonly ConversationRow[]
  /** The list and its sort: when either changes, the list starts again at its top. */
  tab: string
  sort: string
  selectedId?: string
  me: string
  now: Accessor<number>
  /** Shown when the list is empty. */
  empty: string
}

/** One line of the last message, marked when it was the agent's own reply. */
function preview(row: ConversationRow, me: string): string {
  if (!row.lastText) return row.messageCount ? '' : 'No messages yet'
  const text = row.lastText.replace(/\s+/g, ' ').slice(0, 200)
  return row.lastKind === 'agent' && row.lastAuthorId === me ? `You: ${text}` : text
}

export function InboxList(props: InboxListProps) {
  let el: HTMLUListElement | undefined
  let disposed = false
  // Before the list is laid out, the window is a safe upper bound for its height.
  const [viewport, setViewport] = createSignal(window.innerHeight)
  const [scrollTop, setScrollTop] = createSignal(0)
  const [rowHeight, setRowHeight] = createSignal(ESTIMATED_ROW_PX)

  const offsetsOf = (count: number, height: number) => computeOffsets(count, () => height)
  const offsets = createMemo(() => offsetsOf(props.rows.length, rowHeight()))
  const range = createMemo<Range>(
    (current) => {
      const vh = viewport()
      return nextRange(current, offsets(), scrollTop(), vh, Math.max(MIN_OVERSCAN_PX, vh * OVERSCAN_SCREENS), Math.max(MIN_OVERSCAN_PX / 2, vh * MARGIN_SCREENS))
    },
    { start: 0, end: 0 },
  )
  // The live query returns fresh objects every time; reconciling the window by id keeps each row's DOM.
  const [shown, setShown] = createStore<ConversationRow[]>([])
  createComputed(() => {
    const r = range()
    setShown(reconcile(props.rows.slice(r.start, r.end), { key: 'id' }))
  })
  const padTop = () => offsets()[range().start] ?? 0
  const padBottom = () => totalHeight(offsets()) - (offsets()[range().end] ?? 0)

  let pendingScroll: number | null = null
  /** Moves the window to `top` now and the scroller once the DOM has caught up (after Solid's update, before the paint). */
  function scrollTo(top: number): void {
    const clamped = clampScrollTop(top, offsets(), viewport())
    setScrollTop(clamped)
    if (pendingScroll === null) queueMicrotask(applyScroll)
    pendingScroll = clamped
  }
  function applyScroll(): void {
    if (pendingScroll !== null && el && !disposed) el.scrollTop = pendingScroll
    pendingScroll = null
  }

  // Another list or sort starts at its top; the same list changing keeps the rows in view in place.
  createComputed(
    on([() => props.rows, () => props.tab, () => props.sort] as const, ([rows, tab, sort], prev) => {
      if (!prev) return
      const [before, prevTab, prevSort] = prev
      if (tab !== prevTab || sort !== prevSort) return scrollTo(0)
      const top = scrollTop()
      if (top <= 0 || rows === before) return
      const index = new Map(rows.map((r, i) => [r.id, i]))
      const h = rowHeight()
      const anchor = steadyAnchor(offsetsOf(before.length, h), (i) => before[i]!.id, top, viewport(), (id) => index.get(id))
      const next = anchor && scrollTopFor(anchor, offsetsOf(rows.length, h), (id) => index.get(id))
      if (next !== null && Math.abs(next - top) >= 1) scrollTo(next)
    }),
  )

  // A conversation selected from elsewhere (a link, a toast, a reload) is scrolled into view, once
  // it is in the list: the first rows may come before the rest.
  let revealing: string | undefined
  function reveal(): void {
    if (!revealing) return
    const index = props.rows.findIndex((r) => r.id === revealing)
    if (index < 0) return
    revealing = undefined
    const top = revealScrollTop(offsets(), index, scrollTop(), viewport())
    if (top !== null) scrollTo(top)
  }
  createEffect(
    on(
      () => props.selectedId,
      (id) => {
        revealing = id
        reveal()
      },
      { defer: true },
    ),
  )
  createEffect(on(() => props.rows, reveal, { defer: true }))

  // Rows resized (web fonts, zoom): the same rows stay at the top of the viewport.
  const rowObserver = new ResizeObserver((entries) => {
    const entry = entries.find((e) => e.target.isConnected)
    if (!entry) return
    const h = entry.borderBoxSize?.[0]?.blockSize ?? entry.target.getBoundingClientRect().height
    const old = rowHeight()
    if (!(h > 0) || Math.abs(h - old) < 0.5) return
    const top = scrollTop()
    setRowHeight(h)
    if (top > 0) scrollTo((top / old) * h)
  })
  // The viewport resized: the window, a phone's keyboard, a banner above the list.
  const viewportObserver = new ResizeObserver(() => el && setViewport(el.clientHeight))
  const observeRow = (li: HTMLLIElement) => {
    rowObserver.observe(li)
    onCleanup(() => rowObserver.unobserve(li))
  }

  onMount(() => {
    if (!el) return
    viewportObserver.observe(el)
    setViewport(el.clientHeight)
    // Opened on a conversation (a link, a reload): show its row.
    revealing = props.selectedId
    reveal()
  })
  onCleanup(() => {
    disposed = true
    rowObserver.disconnect()
    viewportObserver.disconnect()
  })

  return (
    <ul class="inbox" data-testid="inbox" data-tab={props.tab} ref={el} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <li class="inbox-spacer" aria-hidden="true" style={{ height: `${padTop()}px` }} />
      <For each={shown} fallback={<li class="empty">{props.empty}</li>}>
        {(row, i) => (
          <li ref={observeRow} aria-posinset={range().start + i() + 1} aria-setsize={props.rows.length}>
            <Link
              href={conversationPath(row.id)}
              class="conversation-row"
              classList={{ selected: props.selectedId === row.id, unread: row.unread > 0 }}
              data-testid="conversation-row"
              data-id={row.id}
              data-status={row.status}
              data-assignee={row.assigneeId ?? ''}
              data-unread={row.unread > 0 ? 'true' : 'false'}
              aria-current={props.selectedId === row.id ? 'page' : undefined}
            >
              <span class="row-top">
                <Show when={row.unread > 0}>
                  <span class="unread-dot" data-testid="unread-dot" aria-label={`${row.unread} unread`} />
                </Show>
                <span class="row-name">{row.visitorName || 'Visitor'}</span>
                <time class="row-time" datetime={new Date(row.lastActivityAt).toISOString()} title={new Date(row.lastActivityAt).toLocaleString()}>
                  {relativeTime(row.lastActivityAt, props.now())}
                </time>
              </span>
              <span class="row-bottom">
                <span class="row-preview">{preview(row, props.me)}</span>
                <Show when={row.ticket}>
                  <span class="chip chip-ticket" data-testid="ticket-chip">
                    Request
                  </span>
                </Show>
                <span class={`status status-${row.status}`}>{statusLabel(row.status)}</span>
              </span>
            </Link>
          </li>
        )}
      </For>
      <li class="inbox-spacer" aria-hidden="true" style={{ height: `${padBottom()}px` }} />
    </ul>
  )
}
