import { describe, expect, it } from 'vitest'
import type { ConversationRow } from '../../client/data/db.ts'
import { formatDuration } from '../../client/app/src/format.ts'
import {
  conversationsSearch,
  DEFAULT_SORT,
  filterConversations,
  knownValues,
  NO_FILTERS,
  parseConversationsQuery,
  presentValues,
  sortConversations,
  type ConversationFilters,
  type ConversationSort,
  type KnownValues,
} from '../../client/app/src/supervision/activeConversations.ts'

const row = (id: string, over: Partial<ConversationRow> = {}): ConversationRow => ({
  id,
  visitorName: id.toUpperCase(),
  channel: 'widget',
  status: 'waiting',
  assigneeId: null,
  lastText: '',
  lastKind: 'visitor',
  lastActivityAt: 0,
  createdAt: 0,
  messageCount: 1,
  unread: 0,
  groupId: null,
  ...over,
})

// Sales belongs to the Shop team, Billing to Back office; the third group has no team.
const TEAM_OF: Record<string, string | null> = { sales: 'shop', billing: 'back', misc: null }
const teamOf = (g: string) => TEAM_OF[g] ?? null

const ROWS: ConversationRow[] = [
  row('a', { groupId: 'sales', status: 'waiting', createdAt: 100, lastActivityAt: 500 }),
  row('b', { groupId: 'sales', status: 'open', assigneeId: 'bea', createdAt: 300, lastActivityAt: 400 }),
  row('c', { groupId: 'billing', status: 'snoozed', assigneeId: 'ana', channel: 'telegram', createdAt: 200, lastActivityAt: 900 }),
  row('d', { groupId: null, status: 'waiting', channel: 'telegram', createdAt: 400, lastActivityAt: 100 }),
  row('e', { groupId: 'misc', status: 'open', assigneeId: 'bea', createdAt: 50, lastActivityAt: 50 }),
  row('x', { groupId: 'sales', status: 'closed', createdAt: 10, lastActivityAt: 10 }),
]

const ids = (rows: ConversationRow[]) => rows.map((r) => r.id)
const f = (over: Partial<ConversationFilters>): ConversationFilters => ({ ...NO_FILTERS, ...over })

describe('filterConversations', () => {
  it.each<[string, Partial<ConversationFilters>, string[]]>([
    ['no filter: every active one, never a closed one', {}, ['a', 'b', 'c', 'd', 'e']],
    ['a status', { status: 'waiting' }, ['a', 'd']],
    ['snoozed', { status: 'snoozed' }, ['c']],
    ['a group', { group: 'sales' }, ['a', 'b']],
    ['no group (the workspace queue)', { group: 'none' }, ['d']],
    ['a team, through its groups', { team: 'back' }, ['c']],
    ['no team: no group, or a group without one', { team: 'none' }, ['d', 'e']],
    ['a channel', { channel: 'telegram' }, ['c', 'd']],
    ['an agent', { agent: 'bea' }, ['b', 'e']],
    ['nobody assigned', { agent: 'none' }, ['a', 'd']],
    ['filters combine', { group: 'sales', status: 'open', agent: 'bea' }, ['b']],
    ['a combination nothing matches', { channel: 'telegram', agent: 'bea' }, []],
  ])('%s', (_name, filters, expected) => {
    expect(ids(filterConversations(ROWS, f(filters), teamOf))).toEqual(expected)
  })

  it('treats an empty assignee or group as none', () => {
    const rows = [row('p', { assigneeId: '', groupId: '' })]
    expect(ids(filterConversations(rows, f({ agent: 'none', group: 'none' }), teamOf))).toEqual(['p'])
  })
})

describe('sortConversations', () => {
  it.each<[ConversationSort, string[]]>([
    ['duration', ['x', 'e', 'a', 'c', 'b', 'd']],
    ['created', ['d', 'b', 'c', 'a', 'e', 'x']],
    ['activity', ['c', 'a', 'b', 'd', 'e', 'x']],
    ['activity-asc', ['x', 'e', 'd', 'b', 'a', 'c']],
  ])('%s', (sort, expected) => {
    expect(ids(sortConversations(ROWS, sort))).toEqual(expected)
  })

  it('breaks ties by id, whatever the order it was given', () => {
    const tied = [row('m', { createdAt: 5 }), row('k', { createdAt: 5 }), row('z', { createdAt: 5 })]
    expect(ids(sortConversations(tied, 'duration'))).toEqual(['k', 'm', 'z'])
    expect(ids(sortConversations([...tied].reverse(), 'created'))).toEqual(['k', 'm', 'z'])
  })

  it('does not reorder the rows it was given', () => {
    const rows = [row('b', { createdAt: 2 }), row('a', { createdAt: 1 })]
    sortConversations(rows, 'duration')
    expect(ids(rows)).toEqual(['b', 'a'])
  })
})

const KNOWN: KnownValues = {
  teams: new Set(['shop', 'back']),
  groups: new Set(['sales', 'billing']),
  agents: new Set(['ana', 'bea']),
  channels: new Set(['widget', 'telegram']),
}

describe('parseConversationsQuery', () => {
  it.each<[string, string, Partial<ConversationFilters>, ConversationSort, string[]]>([
    ['nothing: every conversation, the default order', '', {}, DEFAULT_SORT, []],
    ['every filter and a sort', '?team=shop&group=sales&channel=telegram&agent=bea&status=open&sort=activity', { team: 'shop', group: 'sales', channel: 'telegram', agent: 'bea', status: 'open' }, 'activity', []],
    ['none for group, team and agent', '?group=none&team=none&agent=none', { group: 'none', team: 'none', agent: 'none' }, DEFAULT_SORT, []],
    ['an empty value is no filter', '?group=&sort=', {}, DEFAULT_SORT, []],
    ['an unknown group', '?group=nope', {}, DEFAULT_SORT, ['The address asks for group “nope”, which this device does not know: showing every group.']],
    ['an unknown agent and team', '?agent=zed&team=x', {}, DEFAULT_SORT, ['The address asks for team “x”, which this device does not know: showing every team.', 'The address asks for agent “zed”, which this device does not know: showing every agent.']],
    ['a closed status', '?status=closed', {}, DEFAULT_SORT, ['The address asks for status “closed”, but this view shows conversations that are waiting, open or snoozed: showing every status.']],
    ['an unknown channel', '?channel=fax', {}, DEFAULT_SORT, ['The address asks for channel “fax”, which this device does not know: showing every channel.']],
    ['"none" is no channel', '?channel=none', {}, DEFAULT_SORT, ['The address asks for channel “none”, which this device does not know: showing every channel.']],
    ['a bad sort', '?sort=random', {}, DEFAULT_SORT, ['The address asks for the sort order “random”, which does not exist: sorted by longest running.']],
    ['a bad value leaves the good ones', '?group=sales&status=gone', { group: 'sales' }, DEFAULT_SORT, ['The address asks for status “gone”, but this view shows conversations that are waiting, open or snoozed: showing every status.']],
  ])('%s', (_name, search, filters, sort, problems) => {
    const parsed = parseConversationsQuery(search, KNOWN)
    expect(parsed.query.filters).toEqual(f(filters))
    expect(parsed.query.sort).toBe(sort)
    expect(parsed.problems).toEqual(problems)
  })

  it('keeps an id it cannot judge yet (settings or directory not read)', () => {
    const parsed = parseConversationsQuery('?group=later&agent=someone', { ...KNOWN, groups: null, agents: null })
    expect(parsed.query.filters).toEqual(f({ group: 'later', agent: 'someone' }))
    expect(parsed.problems).toEqual([])
  })

  it('shortens a long value in its sentence and refuses one too long to be an id', () => {
    const long = 'g'.repeat(300)
    const parsed = parseConversationsQuery(`?group=${long}`, KNOWN)
    expect(parsed.query.filters.group).toBeNull()
    expect(parsed.problems[0]).toContain(`“${'g'.repeat(40)}…”`)
  })

  it('reads the open conversation', () => {
    expect(parseConversationsQuery('?open=c-1', KNOWN).query.open).toBe('c-1')
    expect(parseConversationsQuery('', KNOWN).query.open).toBeNull()
  })

  it('round-trips with conversationsSearch, leaving the defaults out', () => {
    const query = { filters: f({ group: 'sales', agent: 'none', status: 'snoozed' }), sort: 'created' as const, open: 'c 1' }
    const search = conversationsSearch(query)
    expect(search).toBe('?group=sales&agent=none&status=snoozed&sort=created&open=c+1')
    expect(parseConversationsQuery(search, KNOWN)).toEqual({ query, problems: [] })
    expect(conversationsSearch({ filters: NO_FILTERS, sort: DEFAULT_SORT, open: null })).toBe('')
  })
})

describe('presentValues', () => {
  it('lists each value the rows hold once, leaving out the empty ones', () => {
    expect(presentValues(ROWS, (r) => r.groupId).sort()).toEqual([...new Set(ROWS.map((r) => r.groupId).filter(Boolean))].sort())
    expect(presentValues([row('x'), row('y', { assigneeId: 'ana' }), row('z', { assigneeId: 'ana' })], (r) => r.assigneeId)).toEqual(['ana'])
  })
})

describe('knownValues', () => {
  it('joins the settings, the directory and the rows; unknown until there is something to judge by', () => {
    const k = knownValues(ROWS, { teams: [{ id: 'shop' }], groups: [{ id: 'sales' }] }, ['ana'])
    expect([...k.teams!]).toEqual(['shop'])
    expect(new Set(k.groups)).toEqual(new Set(['sales', 'billing', 'misc']))
    expect(new Set(k.agents)).toEqual(new Set(['ana', 'bea']))
    expect(k.channels!.has('telegram') && k.channels!.has('whatsapp')).toBe(true)

    const early = knownValues(undefined, undefined, [])
    expect(early.teams).toBeNull()
    expect(early.groups).toBeNull()
    expect(early.agents).toBeNull()
  })
})

describe('durations in the table (compact)', () => {
  it.each<[number, string]>([
    [-5, '0s'],
    [0, '0s'],
    [45_000, '45s'],
    [60_000, '1m 00s'],
    [12 * 60_000 + 5_000, '12m 05s'],
    [3 * 3600_000 + 7 * 60_000 + 59_000, '3h 07m'],
    [2 * 86400_000 + 4 * 3600_000, '2d 4h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms, 'compact')).toBe(text)
  })
})

describe('durations beside a figure (long)', () => {
  it.each<[number | null, string]>([
    [null, '—'],
    [45_000, '45 s'],
    [4 * 60_000 + 12_000, '4 min 12 s'],
    [3 * 3600_000 + 5 * 60_000, '3 h 05 min'],
    [2 * 86400_000 + 4 * 3600_000, '2 d 4 h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })
})
