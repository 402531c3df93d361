import { describe, expect, it } from 'vitest'
import type { ConversationRow } from '../../client/data/db.ts'
import { countTabs, inTab, isTabId, listRows, sortRows, tabLabel, tabsOf } from '../../client/data/lists.ts'

const ME = 'ana'
const row = (id: string, over: Partial<ConversationRow> = {}): ConversationRow => ({
  id,
  visitorName: id,
  channel: 'widget',
  status: 'waiting',
  assigneeId: null,
  lastText: '',
  lastKind: null,
  lastActivityAt: 0,
  createdAt: 0,
  messageCount: 1,
  unread: 0,
  ...over,
})

const rows = [
  row('waiting'),
  row('openUnheld', { status: 'open' }),
  row('mine', { status: 'open', assigneeId: ME }),
  row('mineSnoozed', { status: 'snoozed', assigneeId: ME, snoozedUntil: 5 }),
  row('theirs', { status: 'open', assigneeId: 'bo', channel: 'telegram' }),
  row('closed', { status: 'closed', assigneeId: ME, ticket: true }),
]

const ids = (tab: Parameters<typeof inTab>[1]) => rows.filter((r) => inTab(r, tab, ME)).map((r) => r.id)

describe('lists', () => {
  it('puts each conversation in the lists it belongs to', () => {
    expect(ids('unassigned')).toEqual(['waiting', 'openUnheld'])
    expect(ids('mine')).toEqual(['mine'])
    expect(ids('all')).toEqual(['waiting', 'openUnheld', 'mine', 'mineSnoozed', 'theirs'])
    expect(ids('snoozed')).toEqual(['mineSnoozed'])
    expect(ids('closed')).toEqual(['closed'])
    expect(ids('channel:telegram')).toEqual(['theirs'])
  })

  it('offers a tab per channel present, and counts every tab', () => {
    const tabs = tabsOf(rows)
    expect(tabs).toEqual(['unassigned', 'mine', 'all', 'snoozed', 'closed', 'channel:telegram', 'channel:widget'])
    expect(Object.fromEntries(countTabs(rows, tabs, ME))).toEqual({
      unassigned: 2,
      mine: 1,
      all: 5,
      snoozed: 1,
      closed: 1,
      'channel:telegram': 1,
      'channel:widget': 4,
    })
    expect(tabLabel('channel:telegram')).toBe('Telegram')
    expect(isTabId('channel:')).toBe(false)
    expect(isTabId('mine')).toBe(true)
    expect(isTabId('everything')).toBe(false)
  })

  it('sorts by activity, by longest waiting, by creation', () => {
    const r = [
      row('a', { lastActivityAt: 30, createdAt: 1, waitingSince: null }),
      row('b', { lastActivityAt: 10, createdAt: 2, waitingSince: 8 }),
      row('c', { lastActivityAt: 20, createdAt: 3, waitingSince: 4 }),
      row('d', { lastActivityAt: 40, createdAt: 4 }),
    ]
    expect(sortRows(r, 'activity').map((x) => x.id)).toEqual(['d', 'a', 'c', 'b'])
    // Waiting ones first, the longest wait first; answered ones after, by activity.
    expect(sortRows(r, 'waiting').map((x) => x.id)).toEqual(['c', 'b', 'd', 'a'])
    expect(sortRows(r, 'created').map((x) => x.id)).toEqual(['d', 'c', 'b', 'a'])
    expect(listRows(r, 'all', 'waiting', ME).map((x) => x.id)).toEqual(['c', 'b', 'd', 'a'])
  })
})
