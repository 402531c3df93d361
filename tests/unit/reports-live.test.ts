import { describe, expect, it } from 'vitest'
import type { AgentState } from '../../shared/reports/agentStates.ts'
import { foldAgentState } from '../../shared/reports/agentStates.ts'
import { computeAgentsBoard } from '../../shared/reports/agentsBoard.ts'
import { emptyFact, type ConversationFact } from '../../shared/reports/facts.ts'
import { computeLive, startOfToday } from '../../shared/reports/live.ts'

const H = 3_600_000
// 2026-03-29 12:00 UTC: the day Paris moves to summer time (its day is 23 hours long).
const NOW = Date.UTC(2026, 2, 29, 12, 0, 0)
const fact = (id: string, over: Partial<ConversationFact>): ConversationFact => ({ ...emptyFact(id, NOW - 5 * H), ...over })
const state = (agentId: string, over: Partial<AgentState>): AgentState => ({ agentId, status: 'online', statusSince: NOW - H, connected: true, connectedSince: NOW - H, seq: 1, ...over })

describe('computeLive', () => {
  const groups = [
    { id: 'sales', name: 'Sales' },
    { id: 'support', name: 'Support' },
  ]
  const facts = [
    fact('w1', { status: 'waiting', groupId: 'sales', queuedSince: NOW - 10 * 60_000, firstQueuedAt: NOW - 30 * 60_000 }),
    fact('w2', { status: 'waiting', groupId: 'sales', queuedSince: null, firstQueuedAt: NOW - 20 * 60_000 }),
    fact('w3', { status: 'waiting', groupId: null, createdAt: NOW - 60_000 }),
    fact('s1', { status: 'snoozed', groupId: 'support', assigneeId: 'ana' }),
    fact('o1', { status: 'open', groupId: 'support', assigneeId: 'ana' }),
    fact('o2', { status: 'open', groupId: 'gone', assigneeId: null }),
    // Closed in Paris's today (after 00:00 CET = 23:00 UTC the day before) and yesterday.
    fact('c1', { status: 'closed', groupId: 'sales', closedAt: Date.UTC(2026, 2, 28, 23, 30) }),
    fact('c2', { status: 'closed', groupId: 'sales', closedAt: Date.UTC(2026, 2, 28, 22, 30) }),
    // Closed today but reopened since: not closed now.
    fact('r1', { status: 'open', groupId: 'sales', assigneeId: 'bea', closedAt: NOW - H }),
  ]
  const states = new Map([
    ['ana', state('ana', {})],
    ['bea', state('bea', { status: 'away' })],
    ['cy', state('cy', { connected: false })],
    ['dee', state('dee', {})],
  ])
  const view = computeLive(facts, states, {
    groups,
    members: [
      { agentId: 'ana', groups: ['support'] },
      { agentId: 'bea', groups: ['sales', 'support'] },
      { agentId: 'cy', groups: ['sales'] },
    ],
    agents: [{ id: 'ana' }, { id: 'bea' }, { id: 'cy' }, { id: 'dee', groups: [] }],
    timezone: 'Europe/Paris',
    now: NOW,
  })
  const row = (key: string) => [...view.rows, view.totals].find((r) => r.key === key)!

  it('counts each group, the workspace queue (no group, or a group that is gone) and the totals', () => {
    expect(view.rows.map((r) => r.key)).toEqual(['sales', 'support', 'workspace'])
    expect(row('sales')).toMatchObject({ waiting: 2, snoozed: 0, handling: 1, closedToday: 1 })
    expect(row('sales').longestWaitSince).toBe(NOW - 20 * 60_000)
    expect(row('support')).toMatchObject({ waiting: 0, longestWaitSince: null, snoozed: 1, handling: 1, closedToday: 0 })
    // o2 is open without an assignee: not handled by anyone.
    expect(row('workspace')).toMatchObject({ waiting: 1, handling: 0, longestWaitSince: NOW - 60_000 })
    expect(row('total')).toMatchObject({ waiting: 3, snoozed: 1, handling: 2, closedToday: 1, longestWaitSince: NOW - 20 * 60_000 })
  })

  it('counts signed-in agents in each of their groups, those of none in the workspace row, each once in the totals', () => {
    expect(row('sales').agents).toEqual({ signedIn: 1, online: 0, away: 1, offline: 0 })
    expect(row('support').agents).toEqual({ signedIn: 2, online: 1, away: 1, offline: 0 })
    expect(row('workspace').agents).toEqual({ signedIn: 1, online: 1, away: 0, offline: 0 })
    expect(row('total').agents).toEqual({ signedIn: 3, online: 2, away: 1, offline: 0 })
  })

  it('starts today at local midnight across a DST change', () => {
    expect(startOfToday(NOW, 'Europe/Paris')).toBe(Date.UTC(2026, 2, 28, 23, 0))
    expect(startOfToday(NOW, 'UTC')).toBe(Date.UTC(2026, 2, 29))
    expect(startOfToday(Date.UTC(2026, 2, 29, 23, 30), 'Europe/Paris')).toBe(Date.UTC(2026, 2, 29, 22, 0))
  })
})

describe('computeAgentsBoard', () => {
  const today = Date.UTC(2026, 2, 29)
  const facts = [
    fact('a', {
      createdAt: today + H,
      status: 'open',
      assigneeId: 'ana',
      firstResponseAt: today + H + 60_000,
      firstResponderId: 'ana',
      replies: [
        { at: today + H + 60_000, agentId: 'ana', waitedMs: 60_000 },
        { at: today + 2 * H, agentId: 'ana', waitedMs: null },
      ],
    }),
    fact('b', {
      createdAt: today + H,
      status: 'closed',
      closedBy: 'ana',
      closedAt: today + 3 * H,
      firstResponseAt: today + H + 180_000,
      firstResponderId: 'ana',
      replies: [{ at: today + H + 180_000, agentId: 'ana', waitedMs: 120_000 }],
      transfers: [{ at: today + 2 * H, fromAgentId: 'ana', by: 'ana', toAgentId: 'bea', toGroupId: null }],
    }),
    // Yesterday's: counts for the last reply, not for today's figures.
    fact('c', {
      createdAt: today - 5 * H,
      status: 'closed',
      closedBy: 'bea',
      closedAt: today - H,
      firstResponseAt: today - 4 * H,
      firstResponderId: 'bea',
      replies: [{ at: today - 4 * H, agentId: 'bea', waitedMs: 1000 }],
      transfers: [{ at: today - 2 * H, fromAgentId: 'bea', by: 'sup', toAgentId: null, toGroupId: 'x' }],
    }),
  ]
  const rows = computeAgentsBoard(facts, new Map([['ana', state('ana', { status: 'away', statusSince: today })]]), {
    agents: [
      { id: 'ana', name: 'Ana' },
      { id: 'bea', name: 'Bea', status: 'offline' },
    ],
    members: [{ agentId: 'ana', slots: 3 }],
    timezone: 'UTC',
    now: today + 4 * H,
  })

  it("tallies each agent's day", () => {
    expect(rows[0]).toMatchObject({
      agentId: 'ana',
      status: 'away',
      statusSince: today,
      connected: true,
      activeChats: 1,
      slots: 3,
      lastReplyAt: today + 2 * H,
      frtTodayAvgMs: 120_000,
      frtTodayMedianMs: 60_000,
      replyTodayAvgMs: 90_000,
      closedToday: 1,
      transfersToday: 1,
    })
    expect(rows[1]).toMatchObject({
      agentId: 'bea',
      status: 'offline',
      statusSince: null,
      connected: false,
      activeChats: 0,
      slots: null,
      lastReplyAt: today - 4 * H,
      frtTodayAvgMs: null,
      replyTodayAvgMs: null,
      closedToday: 0,
      transfersToday: 0,
    })
  })
})

describe('foldAgentState', () => {
  it('follows status changes and connections, and ignores replays and strangers', () => {
    const e = (seq: number, type: string, at: number, data: Record<string, unknown>) => ({ seq, type: type as never, at, data })
    let s = foldAgentState(undefined, e(1, 'agent.connected', 10, { agentId: 'ana' }))!
    expect(s).toMatchObject({ connected: true, connectedSince: 10, status: null })
    s = foldAgentState(s, e(2, 'agent.status', 20, { agentId: 'ana', status: 'away' }))!
    expect(s).toMatchObject({ status: 'away', statusSince: 20 })
    s = foldAgentState(s, e(3, 'agent.status', 30, { agentId: 'ana', status: 'away' }))!
    expect(s.statusSince).toBe(20)
    s = foldAgentState(s, e(4, 'agent.connected', 40, { agentId: 'ana' }))!
    expect(s.connectedSince).toBe(10)
    expect(foldAgentState(s, e(4, 'agent.disconnected', 50, { agentId: 'ana' }))).toBeUndefined()
    s = foldAgentState(s, e(5, 'agent.disconnected', 50, { agentId: 'ana' }))!
    expect(s).toMatchObject({ connected: false, connectedSince: null, status: 'away' })
    expect(foldAgentState(s, e(6, 'agent.status', 60, { agentId: 'ana', status: 'asleep' }))).toBeUndefined()
    expect(foldAgentState(undefined, e(7, 'message', 60, { agentId: 'ana' }))).toBeUndefined()
    expect(foldAgentState(undefined, e(8, 'agent.status', 60, {}))).toBeUndefined()
  })

  // [events (type, instance or null), connected after, connectedSince after]
  it.each([
    ['one instance: in, out', [['in', 'a'], ['out', 'a']], false, null],
    ['tabs on two instances: one closes, still in since the first', [['in', 'a'], ['in', 'b'], ['out', 'a']], true, 1],
    ['both close', [['in', 'a'], ['in', 'b'], ['out', 'b'], ['out', 'a']], false, null],
    ['a disconnect naming no instance (a lone server restarting) ends them all', [['in', 'a'], ['in', 'b'], ['out', null]], false, null],
    ['events naming no instance pair with each other', [['in', null], ['out', null]], false, null],
    ['an old connect naming none is ended by its instance "" only', [['in', null], ['in', 'b'], ['out', '']], true, 1],
    ['another instance’s disconnect leaves this one’s', [['in', 'a'], ['out', 'b']], true, 1],
    ['connected again after all closed: since then', [['in', 'a'], ['out', 'a'], ['in', 'b']], true, 3],
  ] as [string, ['in' | 'out', string | null][], boolean, number | null][])('across instances: %s', (_name, steps, connected, since) => {
    let s: AgentState | undefined
    steps.forEach(([dir, instance], i) => {
      const data = { agentId: 'ana', ...(instance === null ? {} : { instance }) }
      s = foldAgentState(s, { seq: i + 1, type: (dir === 'in' ? 'agent.connected' : 'agent.disconnected') as never, at: i + 1, data }) ?? s
    })
    expect(s).toMatchObject({ connected, connectedSince: since })
  })

  it('reads a state stored before instances were named as connected through ""', () => {
    const old: AgentState = { agentId: 'ana', status: null, statusSince: null, connected: true, connectedSince: 5, seq: 1 }
    expect(foldAgentState(old, { seq: 2, type: 'agent.disconnected' as never, at: 9, data: { agentId: 'ana', instance: '' } })).toMatchObject({ connected: false })
    expect(foldAgentState(old, { seq: 2, type: 'agent.connected' as never, at: 9, data: { agentId: 'ana', instance: 'b' } })).toMatchObject({ connected: true, connectedSince: 5, instances: ['', 'b'] })
  })
})
