import { describe, expect, it } from 'vitest'
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import { factsFromLog, foldFact, isFact, type ConversationFact } from '../../shared/reports/facts.ts'
import { prng } from '../support/random.ts'

let seq = 0
const ev = (type: string, at: number, data: Record<string, unknown> = {}, conversationId = 'c1'): LogEvent => ({ seq: ++seq, type: type as LogEvent['type'], at, conversationId, data })
const fold = (events: LogEvent[]) => factsFromLog(events).get('c1')!

describe('foldFact', () => {
  it('follows a chat from the queue to an answer and a close', () => {
    seq = 0
    const f = fold([
      ev(EventType.conversationCreated, 1000, { channel: 'widget', visitorId: 'v1', visitorName: 'Vera', status: 'waiting', groupId: 'sales' }),
      ev(EventType.routed, 1000, { groupId: 'sales', teamId: 'shop' }),
      ev(EventType.queueJoined, 1000, { groupId: 'sales' }),
      ev(EventType.message, 1000, { kind: 'visitor', authorId: 'v1', text: 'hi' }),
      ev(EventType.assigned, 4000, { assigneeId: 'ana' }),
      ev(EventType.message, 4000, { kind: 'system', text: 'Ana took the chat' }),
      ev(EventType.message, 5000, { kind: 'agent', authorId: 'ana', text: 'note', internal: true }),
      ev(EventType.message, 9000, { kind: 'agent', authorId: 'ana', text: 'hello' }),
      ev(EventType.closed, 20000, { by: 'ana', tags: ['sale', 'sale'] }),
    ])
    expect(f).toMatchObject({
      number: 1,
      createdAt: 1000,
      teamId: 'shop',
      groupId: 'sales',
      firstQueuedAt: 1000,
      queuedSince: null,
      firstAssignedAt: 4000,
      firstAssigneeId: 'ana',
      firstResponseAt: 9000,
      firstResponderId: 'ana',
      closedAt: 20000,
      closedBy: 'ana',
      closes: 1,
      status: 'closed',
      tags: ['sale'],
    })
    expect(f.stretches).toEqual([{ agentId: 'ana', from: 4000, to: 20000 }])
    expect(f.replies).toEqual([{ at: 9000, agentId: 'ana', waitedMs: 8000 }])
  })

  it('splits handling at a transfer and pauses it while snoozed', () => {
    seq = 0
    const f = fold([
      ev(EventType.conversationCreated, 0, { status: 'waiting' }),
      ev(EventType.assigned, 10, { assigneeId: 'ana' }),
      ev(EventType.snoozed, 20, { until: 1000 }),
      ev(EventType.woke, 50, { reason: 'visitor' }),
      ev(EventType.transferred, 70, { from: 'ana', toAgentId: 'bea', by: 'ana' }),
      ev(EventType.transferred, 90, { from: 'bea', toGroupId: 'support', by: 'sup' }),
      ev(EventType.assigned, 100, { assigneeId: 'cy' }),
      ev(EventType.closed, 130, { by: 'cy' }),
    ])
    expect(f.stretches).toEqual([
      { agentId: 'ana', from: 10, to: 20 },
      { agentId: 'ana', from: 50, to: 70 },
      { agentId: 'bea', from: 70, to: 90 },
      { agentId: 'cy', from: 100, to: 130 },
    ])
    expect(f.transfers.map((t) => [t.fromAgentId, t.toAgentId, t.toGroupId])).toEqual([
      ['ana', 'bea', null],
      ['bea', null, 'support'],
    ])
    expect(f.groupId).toBe('support')
    expect(f.firstAssigneeId).toBe('ana')
  })

  it('keeps the first response across a reopen and counts closes and reopens', () => {
    seq = 0
    const f = fold([
      ev(EventType.conversationCreated, 0, {}),
      ev(EventType.assigned, 5, { assigneeId: 'ana' }),
      ev(EventType.message, 6, { kind: 'agent', authorId: 'ana', text: 'a' }),
      ev(EventType.closed, 10, { by: 'ana' }),
      ev(EventType.reopened, 20, { by: 'bea' }),
      ev(EventType.message, 25, { kind: 'visitor', authorId: 'v', text: 'again' }),
      ev(EventType.message, 40, { kind: 'agent', authorId: 'ana', text: 'b' }),
      ev(EventType.closed, 50, { by: 'ana' }),
    ])
    expect(f).toMatchObject({ firstResponseAt: 6, closes: 2, reopens: 1, closedAt: 50 })
    // The holder keeps it on a reopen.
    expect(f.stretches).toEqual([
      { agentId: 'ana', from: 5, to: 10 },
      { agentId: 'ana', from: 20, to: 50 },
    ])
    expect(f.replies.map((r) => r.waitedMs)).toEqual([null, 15])
  })

  it('keeps the last rating of each kind, and ignores bot and system lines as responses', () => {
    seq = 0
    const f = fold([
      ev(EventType.conversationCreated, 0, { bot: true }),
      ev(EventType.message, 1, { kind: 'bot', authorId: 'bot', text: 'Hi, I am the bot' }),
      ev(EventType.rated, 10, { kind: 'csat', score: 2 }),
      ev(EventType.rated, 11, { kind: 'nps', score: 9 }),
      ev(EventType.rated, 12, { kind: 'csat', score: 5 }),
      ev(EventType.rated, 13, { kind: 'csat', score: 'five' }),
      ev('survey.sent', 9, { visitorId: 'v' }),
    ])
    expect(f.firstResponseAt).toBeNull()
    expect(f.csat).toEqual({ score: 5, at: 12 })
    expect(f.nps).toEqual({ score: 9, at: 11 })
    expect(f.surveyedAt).toBe(9)
  })

  it('changes nothing on a replayed event and leaves its input untouched', () => {
    seq = 0
    const created = ev(EventType.conversationCreated, 0, {})
    const assigned = ev(EventType.assigned, 5, { assigneeId: 'ana' })
    const a = foldFact(undefined, created)!
    const b = foldFact(a, assigned)!
    const frozen = JSON.stringify(b)
    expect(foldFact(b, assigned)).toBeUndefined()
    foldFact(b, ev(EventType.closed, 9, {}))
    expect(JSON.stringify(b)).toBe(frozen)
    expect(foldFact(b, { ...created, seq: 99, conversationId: undefined })).toBeUndefined()
  })

  it('tells a damaged row from a fact', () => {
    seq = 0
    const f = fold([ev(EventType.conversationCreated, 0, {})])
    expect(isFact(f)).toBe(true)
    expect(isFact({ ...f, stretches: 'x' })).toBe(false)
    expect(isFact({ ...f, createdAt: 'yesterday' })).toBe(false)
    expect(isFact({ ...f, status: 'lost' })).toBe(false)
    expect(isFact(null)).toBe(false)
  })
})

function randomLog(random: () => number, count: number): LogEvent[] {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const convs = ['c1', 'c2', 'c3', 'c4']
  const agents = ['ana', 'bea', 'cy']
  const groups = ['sales', 'support', null]
  const events: LogEvent[] = []
  let at = 1_000
  for (let seq = 1; seq <= count; seq++) {
    at += Math.floor(random() * 5_000)
    const conversationId = pick(convs)
    const kinds: [string, () => Record<string, unknown>][] = [
      [EventType.conversationCreated, () => ({ channel: pick(['widget', 'telegram']), status: 'waiting', groupId: pick(groups) })],
      [EventType.routed, () => ({ groupId: pick(groups), teamId: pick(['t1', null]) })],
      [EventType.queueJoined, () => ({ groupId: pick(groups) })],
      [EventType.queueLeft, () => ({ waitedMs: 5 })],
      [EventType.message, () => ({ kind: pick(['visitor', 'agent', 'bot', 'system']), authorId: pick(agents), internal: random() < 0.1 })],
      [EventType.statusChanged, () => ({ status: pick(['waiting', 'open', 'snoozed', 'closed', 'bogus']) })],
      [EventType.assigned, () => ({ assigneeId: random() < 0.8 ? pick(agents) : null })],
      [EventType.transferred, () => (random() < 0.5 ? { from: pick(agents), toAgentId: pick(agents) } : { from: pick(agents), toGroupId: pick(groups) })],
      [EventType.snoozed, () => ({ until: at + 60_000 })],
      [EventType.woke, () => ({})],
      [EventType.closed, () => ({ by: pick(agents), tags: random() < 0.5 ? ['a'] : [] })],
      [EventType.reopened, () => ({ by: pick(agents) })],
      [EventType.rated, () => ({ kind: pick(['csat', 'nps']), score: Math.floor(random() * 11) })],
      ['survey.sent', () => ({})],
      [EventType.agentStatus, () => ({ agentId: pick(agents), status: 'away' })],
    ]
    const [type, data] = pick(kinds)
    events.push({ seq, type: type as LogEvent['type'], at, conversationId: type === EventType.agentStatus ? undefined : conversationId, data: data() })
  }
  return events
}

describe('the incremental projection equals a fold of the log from scratch', () => {
  // Frames as the live feed delivers them: in order, of any size, some replayed after a reconnect.
  for (const seed of [1, 2, 3, 7, 42, 1234, 99991]) {
    it(`seed ${seed}`, () => {
      const random = prng(seed)
      const log = randomLog(random, 400)
      const stored = new Map<string, ConversationFact>()
      let i = 0
      while (i < log.length) {
        const size = 1 + Math.floor(random() * 40)
        // Sometimes the frame starts earlier than what is stored: a replay must change nothing.
        const from = random() < 0.2 ? Math.max(0, i - Math.floor(random() * 10)) : i
        const frame = log.slice(from, i + size)
        for (const e of frame) {
          const next = e.conversationId ? foldFact(stored.get(e.conversationId), e) : undefined
          // What the device stores is a structured clone: folding must not depend on identity.
          if (next) stored.set(next.id, structuredClone(next))
        }
        i += size
      }
      const scratch = factsFromLog([...log].reverse())
      expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(scratch))
      for (const f of stored.values()) {
        expect(isFact(f)).toBe(true)
        // Stretches never overlap and only the last may still run.
        f.stretches.forEach((s, k) => {
          if (k < f.stretches.length - 1) expect(s.to).not.toBeNull()
          if (s.to !== null) expect(s.to).toBeGreaterThanOrEqual(s.from)
          if (k > 0) expect(s.from).toBeGreaterThanOrEqual(f.stretches[k - 1]!.to!)
        })
      }
    })
  }
})
