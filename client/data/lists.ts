/**
 * The inbox lists (tabs), their counts and their sort orders: pure functions of the local index
 * rows and the signed-in agent.
 */
import { channelLabel } from '../../shared/channels.ts'
import type { ConversationStatus } from '../../shared/protocol.ts'
import type { ConversationRow } from './db.ts'

export const FIXED_TABS = ['unassigned', 'mine', 'all', 'snoozed', 'closed'] as const
export type FixedTab = (typeof FIXED_TABS)[number]
/** A fixed list, or the open conversations of one channel (`channel:telegram`). */
export type TabId = FixedTab | `channel:${string}`

export const SORTS = ['activity', 'waiting', 'created'] as const
export type SortId = (typeof SORTS)[number]

export const TAB_LABELS: Record<FixedTab, string> = {
  unassigned: 'Unassigned',
  mine: 'Mine',
  all: 'All',
  snoozed: 'Snoozed',
  closed: 'Closed',
}

/** Short, for a phone's width; the select says "Sort by" to screen readers. */
export const SORT_LABELS: Record<SortId, string> = {
  activity: 'Recent',
  waiting: 'Waiting longest',
  created: 'Newest',
}

const CHANNEL_PREFIX = 'channel:'

export const channelTab = (channel: string): TabId => `${CHANNEL_PREFIX}${channel}`

export function isTabId(v: unknown): v is TabId {
  return typeof v === 'string' && ((FIXED_TABS as readonly string[]).includes(v) || (v.startsWith(CHANNEL_PREFIX) && v.length > CHANNEL_PREFIX.length))
}

export const isSortId = (v: unknown): v is SortId => typeof v === 'string' && (SORTS as readonly string[]).includes(v)

/** The label of a tab ("Unassigned", or the channel's name). */
export function tabLabel(tab: TabId): string {
  if (tab.startsWith(CHANNEL_PREFIX)) return channelLabel(tab.slice(CHANNEL_PREFIX.length))
  return TAB_LABELS[tab as FixedTab]
}

/** Whether a conversation belongs in a list. */
export function inTab(row: ConversationRow, tab: TabId, me: string): boolean {
  switch (tab) {
    case 'unassigned':
      return !row.assigneeId && (row.status === 'waiting' || row.status === 'open')
    case 'mine':
      return row.assigneeId === me && (row.status === 'open' || row.status === 'waiting')
    case 'all':
      return row.status !== 'closed'
    case 'snoozed':
      return row.status === 'snoozed'
    case 'closed':
      return row.status === 'closed'
    default:
      return row.channel === tab.slice(CHANNEL_PREFIX.length) && row.status !== 'closed'
  }
}

/** The tabs to show: the fixed ones, then one per channel present in the index. */
export function tabsOf(rows: readonly ConversationRow[]): TabId[] {
  const channels = [...new Set(rows.map((r) => r.channel).filter(Boolean))].sort()
  return [...FIXED_TABS, ...channels.map(channelTab)]
}

/** How many conversations each tab holds. One pass, a channel looked up rather than tested tab by tab: the inbox may hold ten thousand. */
export function countTabs(rows: readonly ConversationRow[], tabs: readonly TabId[], me: string): Map<TabId, number> {
  const fixed = FIXED_TABS.filter((t) => tabs.includes(t))
  const byChannel = new Map(tabs.filter((t) => t.startsWith(CHANNEL_PREFIX)).map((t) => [t.slice(CHANNEL_PREFIX.length), t]))
  const n = new Map<TabId, number>(tabs.map((t) => [t, 0]))
  for (const row of rows) {
    for (const t of fixed) if (inTab(row, t, me)) n.set(t, n.get(t)! + 1)
    const channel = byChannel.get(row.channel)
    if (channel && inTab(row, channel, me)) n.set(channel, n.get(channel)! + 1)
  }
  return n
}

/**
 * What the local index's own counts tell about the conversations (see inboxQueries.ts): enough to
 * count every tab without reading a row.
 */
export interface Census {
  total: number
  byStatus: Partial<Record<ConversationStatus, number>>
  /** Open and waiting conversations that have an assignee, and those whose assignee is me. */
  heldActive: number
  mineActive: number
  /** Conversations per channel and status. */
  byChannel: ReadonlyMap<string, Partial<Record<ConversationStatus, number>>>
}

/** The tabs and their counts from a census; the same as `tabsOf` and `countTabs` over the rows. */
export function tabCountsOf(c: Census): { tabs: TabId[]; counts: Map<TabId, number> } {
  const s = (status: ConversationStatus) => c.byStatus[status] ?? 0
  const channels = [...c.byChannel.keys()].filter(Boolean).sort()
  const counts = new Map<TabId, number>([
    ['unassigned', s('waiting') + s('open') - c.heldActive],
    ['mine', c.mineActive],
    ['all', c.total - s('closed')],
    ['snoozed', s('snoozed')],
    ['closed', s('closed')],
  ])
  for (const ch of channels) {
    let open = 0
    for (const [status, n] of Object.entries(c.byChannel.get(ch)!)) if (status !== 'closed') open += n
    counts.set(channelTab(ch), open)
  }
  return { tabs: [...FIXED_TABS, ...channels.map(channelTab)], counts }
}

/**
 * Conversations waiting for this agent: theirs with unread visitor messages, and unassigned ones
 * with unread messages (what the app badge and the title count).
 */
export function countWaitingFor(rows: readonly ConversationRow[], me: string): number {
  let n = 0
  for (const r of rows) if (r.status !== 'closed' && r.unread > 0 && (r.assigneeId === me || !r.assigneeId)) n++
  return n
}

/** Newest activity first; ties by id, so that the order never flickers. */
const byActivity = (a: ConversationRow, b: ConversationRow) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * Sorts a list. `waiting` puts first the conversation whose oldest unanswered visitor message is
 * the oldest; answered ones follow, by activity.
 */
export function sortRows(rows: readonly ConversationRow[], sort: SortId): ConversationRow[] {
  const out = [...rows]
  switch (sort) {
    case 'activity':
      return out.sort(byActivity)
    case 'created':
      return out.sort((a, b) => b.createdAt - a.createdAt || byActivity(a, b))
    case 'waiting':
      return out.sort((a, b) => {
        const wa = a.waitingSince ?? null
        const wb = b.waitingSince ?? null
        if (wa !== null && wb !== null) return wa - wb || byActivity(a, b)
        if (wa !== null) return -1
        if (wb !== null) return 1
        return byActivity(a, b)
      })
  }
}

/**
 * `sorted` (newest activity first, as `sortRows(…, 'activity')` leaves it) after some of its rows
 * changed: `changed` are their new versions (rows new or moved), `removed` the ids of rows gone.
 * Linear in the rows rather than a sort of them all: a catch-up changes a few thousand of a hundred
 * thousand rows a frame, and every list's default order is this one.
 */
export function resortByActivity(sorted: readonly ConversationRow[], changed: readonly ConversationRow[], removed: ReadonlySet<string> = new Set()): ConversationRow[] {
  const moved = new Set(changed.map((r) => r.id))
  const incoming = [...changed].sort(byActivity)
  const out: ConversationRow[] = []
  let j = 0
  for (const row of sorted) {
    if (moved.has(row.id) || removed.has(row.id)) continue
    while (j < incoming.length && byActivity(incoming[j]!, row) < 0) out.push(incoming[j++]!)
    out.push(row)
  }
  while (j < incoming.length) out.push(incoming[j++]!)
  return out
}

/** The conversations of one list, sorted (a linear pass when `rows` are already in activity order: the sort finds one run). */
export function listRows(rows: readonly ConversationRow[], tab: TabId, sort: SortId, me: string): ConversationRow[] {
  return sortRows(
    rows.filter((r) => inTab(r, tab, me)),
    sort,
  )
}
