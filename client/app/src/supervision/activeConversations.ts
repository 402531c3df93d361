/**
 * The supervisor's Conversations view, as pure functions of the local index rows: which
 * conversations are active (waiting, open or snoozed), the filters and sort orders over them, and
 * how both are written in the address (`?team=&group=&channel=&agent=&status=&sort=&open=`), so a
 * reload or a shared link shows the same list. A value in the address this device does not know
 * falls back to "all", with a sentence saying so.
 */
import type { ConversationRow } from '../../../data/db.ts'
import { Channel } from '../../../../shared/protocol.ts'

export const ACTIVE_STATUSES = ['waiting', 'open', 'snoozed'] as const
export type ActiveStatus = (typeof ACTIVE_STATUSES)[number]
const isActiveStatus = (v: string): v is ActiveStatus => (ACTIVE_STATUSES as readonly string[]).includes(v)

/**
 * Sort orders. Duration runs from creation, so "longest running" is oldest created first and
 * "newest" its reverse: together they are both directions of both. Activity goes both ways.
 */
export const CONVERSATION_SORTS = ['duration', 'created', 'activity', 'activity-asc'] as const
export type ConversationSort = (typeof CONVERSATION_SORTS)[number]
export const DEFAULT_SORT: ConversationSort = 'duration'
const isSort = (v: string): v is ConversationSort => (CONVERSATION_SORTS as readonly string[]).includes(v)

export const CONVERSATION_SORT_LABELS: Record<ConversationSort, string> = {
  duration: 'Longest running',
  created: 'Newest',
  activity: 'Latest activity',
  'activity-asc': 'Quiet longest',
}

/** The filter value meaning "none": no team, no group (the workspace queue), nobody assigned. */
export const NONE = 'none'

export const FILTER_KEYS = ['team', 'group', 'channel', 'agent', 'status'] as const
export type FilterKey = (typeof FILTER_KEYS)[number]

/** Each filter: null shows every conversation. */
export interface ConversationFilters {
  team: string | null
  group: string | null
  channel: string | null
  agent: string | null
  status: ActiveStatus | null
}

export const NO_FILTERS: ConversationFilters = { team: null, group: null, channel: null, agent: null, status: null }

export interface ConversationsQuery {
  filters: ConversationFilters
  sort: ConversationSort
  /** The conversation open beside (or over) the list. */
  open: string | null
}

/**
 * The ids this device knows, to judge the address by; null where it does not know yet (settings
 * not read, no agent directory): a value is then kept rather than called unknown too early.
 */
export interface KnownValues {
  teams: ReadonlySet<string> | null
  groups: ReadonlySet<string> | null
  agents: ReadonlySet<string> | null
  channels: ReadonlySet<string> | null
}

const FILTER_WORDS: Record<FilterKey, { noun: string; all: string }> = {
  team: { noun: 'team', all: 'every team' },
  group: { noun: 'group', all: 'every group' },
  channel: { noun: 'channel', all: 'every channel' },
  agent: { noun: 'agent', all: 'every agent' },
  status: { noun: 'status', all: 'every status' },
}

/** The longest value read from the address: ids are short; anything longer is not one. */
const MAX_VALUE_LENGTH = 200

/**
 * Reads the view's address query. Returns the query to show and, for each value it could not use,
 * a sentence for the person ("The address asks for group “x”, which this device does not know:
 * showing every group.").
 */
export function parseConversationsQuery(search: string, known: KnownValues): { query: ConversationsQuery; problems: string[] } {
  const params = new URLSearchParams(search)
  const problems: string[] = []
  const filters: ConversationFilters = { ...NO_FILTERS }
  const quoted = (v: string) => `“${v.length > 40 ? `${v.slice(0, 40)}…` : v}”`

  for (const key of FILTER_KEYS) {
    const raw = params.get(key)
    if (raw === null || raw === '') continue
    const value = raw.trim()
    const words = FILTER_WORDS[key]
    const refuse = (why: string) => problems.push(`The address asks for ${words.noun} ${quoted(value)}, ${why}: showing ${words.all}.`)
    if (value.length > MAX_VALUE_LENGTH) {
      refuse('which is not one')
      continue
    }
    if (key === 'status') {
      if (isActiveStatus(value)) filters.status = value
      else refuse('but this view shows conversations that are waiting, open or snoozed')
      continue
    }
    const set = key === 'team' ? known.teams : key === 'group' ? known.groups : key === 'agent' ? known.agents : known.channels
    if (value === NONE && key !== 'channel') filters[key] = NONE
    else if (set === null || set.has(value)) filters[key] = value
    else refuse('which this device does not know')
  }

  const rawSort = params.get('sort')
  let sort = DEFAULT_SORT
  if (rawSort !== null && rawSort !== '') {
    if (isSort(rawSort)) sort = rawSort
    else problems.push(`The address asks for the sort order ${quoted(rawSort)}, which does not exist: sorted by ${CONVERSATION_SORT_LABELS[DEFAULT_SORT].toLowerCase()}.`)
  }
  const open = params.get('open')
  return { query: { filters, sort, open: open && open.length <= MAX_VALUE_LENGTH ? open : null }, problems }
}

/** The address query of a view state, with its `?` (empty for the defaults); defaults are left out. */
export function conversationsSearch(query: ConversationsQuery): string {
  const params = new URLSearchParams()
  for (const key of FILTER_KEYS) {
    const v = query.filters[key]
    if (v !== null) params.set(key, v)
  }
  if (query.sort !== DEFAULT_SORT) params.set('sort', query.sort)
  if (query.open) params.set('open', query.open)
  const s = params.toString()
  return s ? `?${s}` : ''
}

export const isActive = (row: ConversationRow): boolean => isActiveStatus(row.status)

/** Whether any filter is set. */
export const hasFilters = (f: ConversationFilters): boolean => FILTER_KEYS.some((k) => f[k] !== null)

/**
 * The active conversations that pass every filter. `teamOf` gives a group's team (null when the
 * group has none or is not known): a conversation's team is its group's.
 */
export function filterConversations(rows: readonly ConversationRow[], f: ConversationFilters, teamOf: (groupId: string) => string | null): ConversationRow[] {
  return rows.filter((row) => {
    if (!isActive(row)) return false
    if (f.status !== null && row.status !== f.status) return false
    if (f.channel !== null && row.channel !== f.channel) return false
    const group = row.groupId || null
    if (f.group !== null && (f.group === NONE ? group !== null : group !== f.group)) return false
    if (f.team !== null) {
      const team = group ? teamOf(group) : null
      if (f.team === NONE ? team !== null : team !== f.team) return false
    }
    const agent = row.assigneeId || null
    if (f.agent !== null && (f.agent === NONE ? agent !== null : agent !== f.agent)) return false
    return true
  })
}

/** The rows in a sort order (a new array); ties go by id, so the order is the same on every device. */
export function sortConversations(rows: readonly ConversationRow[], sort: ConversationSort): ConversationRow[] {
  const byId = (a: ConversationRow, b: ConversationRow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const compare: Record<ConversationSort, (a: ConversationRow, b: ConversationRow) => number> = {
    duration: (a, b) => a.createdAt - b.createdAt || byId(a, b),
    created: (a, b) => b.createdAt - a.createdAt || byId(a, b),
    activity: (a, b) => b.lastActivityAt - a.lastActivityAt || byId(a, b),
    'activity-asc': (a, b) => a.lastActivityAt - b.lastActivityAt || byId(a, b),
  }
  return [...rows].sort(compare[sort])
}

/** The distinct non-empty values of one field of the rows (the groups, agents or channels they hold). */
export function presentValues(rows: readonly ConversationRow[], pick: (r: ConversationRow) => string | null | undefined): string[] {
  return [...new Set(rows.map(pick).filter((v): v is string => !!v))]
}

/** The ids the address may name, from the settings, the agent directory and the rows themselves. */
export function knownValues(
  rows: readonly ConversationRow[] | undefined,
  settings: { teams: readonly { id: string }[]; groups: readonly { id: string }[] } | undefined,
  agentIds: readonly string[],
): KnownValues {
  const active = rows?.filter(isActive) ?? []
  const present = (pick: (r: ConversationRow) => string | null | undefined) => presentValues(active, pick)
  return {
    teams: settings ? new Set(settings.teams.map((t) => t.id)) : null,
    groups: settings ? new Set([...settings.groups.map((g) => g.id), ...present((r) => r.groupId)]) : null,
    // A former agent may still hold conversations: the rows know them when the directory does not.
    agents: agentIds.length > 0 || rows ? new Set([...agentIds, ...present((r) => r.assigneeId)]) : null,
    channels: new Set([...Object.values(Channel), ...present((r) => r.channel)]),
  }
}
