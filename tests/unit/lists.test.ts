import { describe, expect, it } from 'vitest'
import type { ConversationRow } from '../../client/data/db.ts'
import { countTabs, countWaitingFor, inTab, isTabId, listRows, resortByActivity, sortRows, tabCountsOf, tabLabel, tabsOf, type Census, type TabId } from '../../client/data/lists.ts'
import { prng } from '../support/random.ts'

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

/**
 * The census as IndexedDB's indexes see the rows (what readCensus counts): a null assignee is no
 * key of `[status+assigneeId]`, and an empty one sorts below every real id.
 */
function censusOf(all: readonly ConversationRow[], me: string): Census {
  const active = all.filter((r) => r.status === 'waiting' || r.status === 'open')
  const byChannel = new Map<string, Record<string, number>>()
  for (const r of all) {
    const c = byChannel.get(r.channel) ?? {}
    c[r.status] = (c[r.status] ?? 0) + 1
    byChannel.set(r.channel, c)
  }
  return {
    total: all.length,
    byStatus: Object.fromEntries(['waiting', 'open', 'snoozed', 'closed'].map((s) => [s, all.filter((r) => r.status === s).length])),
    heldActive: active.filter((r) => typeof r.assigneeId === 'string' && r.assigneeId > '').length,
    mineActive: active.filter((r) => r.assigneeId === me).length,
    byChannel,
  }
}

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
    expect(tabLabel('channel:whatsapp')).toBe('WhatsApp')
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

  it('counts each tab as its list would hold it, whatever the mix', () => {
    const statuses = ['waiting', 'open', 'snoozed', 'closed'] as const
    const mixed = Array.from({ length: 200 }, (_, i) =>
      row(`c${i}`, { status: statuses[i % 4]!, assigneeId: [null, ME, 'bo'][i % 3]!, channel: ['widget', 'telegram', 'email'][i % 5 % 3]! }),
    )
    const tabs: TabId[] = [...tabsOf(mixed), 'channel:absent']
    const counts = countTabs(mixed, tabs, ME)
    for (const t of tabs) expect(counts.get(t), t).toBe(mixed.filter((r) => inTab(r, t, ME)).length)
    // Only the tabs asked for are counted.
    expect([...countTabs(mixed, ['mine'], ME).keys()]).toEqual(['mine'])
  })

  it('counts the conversations waiting for me: mine or nobody’s, open, with unread messages', () => {
    const r = [
      row('mineUnread', { status: 'open', assigneeId: ME, unread: 2 }),
      row('mineRead', { status: 'open', assigneeId: ME, unread: 0 }),
      row('nobodysUnread', { unread: 1 }),
      row('theirsUnread', { status: 'open', assigneeId: 'bo', unread: 3 }),
      row('closedUnread', { status: 'closed', assigneeId: ME, unread: 1 }),
      row('snoozedUnread', { status: 'snoozed', assigneeId: ME, unread: 1 }),
    ]
    expect(countWaitingFor(r, ME)).toBe(3)
    expect(countWaitingFor([], ME)).toBe(0)
  })

  it('counts the same from the census of the indexes as from the rows', () => {
    const statuses = ['waiting', 'open', 'snoozed', 'closed'] as const
    const mixed = Array.from({ length: 300 }, (_, i) =>
      row(`c${i}`, { status: statuses[i % 4]!, assigneeId: [null, ME, 'bo', ''][i % 7 % 4]!, channel: ['widget', 'telegram', 'email'][i % 5 % 3]! }),
    )
    for (const sample of [mixed, rows, []]) {
      const { tabs, counts } = tabCountsOf(censusOf(sample, ME))
      expect(tabs).toEqual(tabsOf(sample))
      expect(counts).toEqual(countTabs(sample, tabs, ME))
    }
  })
})


describe('resortByActivity', () => {
  const at = (id: string, lastActivityAt: number) => row(id, { lastActivityAt })
  const order = (xs: ConversationRow[]) => xs.map((r) => `${r.id}@${r.lastActivityAt}`)
  const before = sortRows([at('a', 50), at('b', 40), at('c', 30), at('d', 30), at('e', 10)], 'activity')

  it.each<[string, ConversationRow[], string[]]>([
    ['nothing changed', [], []],
    ['a row moves to the top', [at('d', 60)], []],
    ['a row moves down', [at('a', 5)], []],
    ['new rows, one tied with an old one (ties by id)', [at('bb', 40), at('z', 45), at('f', 1)], []],
    ['a row removed and another moved', [at('e', 35)], ['b']],
    ['every row changed', [at('a', 1), at('b', 2), at('c', 3), at('d', 4), at('e', 5)], []],
  ])('%s: the same order as sorting everything again', (_, changed, removed) => {
    const byId = new Map(before.map((r) => [r.id, r]))
    for (const r of changed) byId.set(r.id, r)
    for (const id of removed) byId.delete(id)
    expect(order(resortByActivity(before, changed, new Set(removed)))).toEqual(order(sortRows([...byId.values()], 'activity')))
  })

  it('keeps the order over random changes', () => {
    const random = prng(2026)
    let sorted: ConversationRow[] = []
    const all = new Map<string, ConversationRow>()
    for (let round = 0; round < 200; round++) {
      const changed: ConversationRow[] = []
      for (let k = Math.floor(random() * 20); k > 0; k--) changed.push(at(`c${Math.floor(random() * 60)}`, Math.floor(random() * 100)))
      const last = new Map(changed.map((r) => [r.id, r]))
      const removed = new Set([...all.keys()].filter(() => random() < 0.02))
      for (const id of removed) if (!last.has(id)) all.delete(id)
      for (const r of last.values()) all.set(r.id, r)
      sorted = resortByActivity(sorted, [...last.values()], new Set([...removed].filter((id) => !last.has(id))))
      expect(order(sorted)).toEqual(order(sortRows([...all.values()], 'activity')))
    }
  })
})
