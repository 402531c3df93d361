/**
 * A supervisor's workspace for the reports benchmark, generated and committed straight into the
 * server's store in bulk (the same `commit` the server uses, so the app later pulls it through
 * /api/live as in production). By default 100,000 conversations and 1,000,000 events over 90
 * days, 60 agents in 10 groups, with the mix a live desk logs: created, routed, queue joined and
 * left, assigned, visitor and agent messages, transfers, snoozes and wake-ups, closes, reopens,
 * ratings, and agents' status changes. Everything comes from one seeded PRNG.
 */
import { EventType } from '../../shared/protocol.ts'
import type { ConversationRecord, NewEvent, Store } from '../../sync-server/store/Store.ts'
import { messageText, visitorName } from './appData.ts'

const WORKSPACE = 'default'
const MINUTE = 60_000
const DAY = 86_400_000
/** Events per store commit: one modest transaction each, a million events in well under a minute. */
const SEED_BATCH = 10_000

export interface ReportsWorkspace {
  conversations: number
  events: number
  days: number
  agents: number
  groups: number
}

export interface SeededWorkspace extends ReportsWorkspace {
  /** The store's last sequence number once seeded. */
  lastSeq: number
  counts: Record<string, number>
}

interface Timed {
  at: number
  /** Order within the same millisecond: a conversation's events stay in their own order. */
  n: number
  event: NewEvent
}

/** Generates the workspace and commits it in time order; returns what was committed. */
export async function seedReportsWorkspace(store: Store, w: ReportsWorkspace, rand: () => number, now = Date.now()): Promise<SeededWorkspace> {
  const agents = Array.from({ length: w.agents }, (_, i) => ({ id: `rep-agent-${i + 1}`, name: `Agent ${i + 1}`, group: `rep-group-${(i % w.groups) + 1}` }))
  const groups = Array.from({ length: w.groups }, (_, i) => `rep-group-${i + 1}`)
  const from = now - w.days * DAY
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!

  // Agents' status changes: signed in each morning, away for lunch, offline at night.
  const statusEvents: Timed[] = []
  let n = 0
  for (let d = 0; d < w.days; d++) {
    for (const a of agents) {
      if (rand() < 0.2) continue // a day off
      const start = from + d * DAY + 8 * 3600_000 + Math.floor(rand() * 90 * MINUTE)
      for (const [offset, status] of [[0, 'online'], [4 * 3600_000, 'away'], [4.75 * 3600_000, 'online'], [8.5 * 3600_000, 'offline']] as const)
        statusEvents.push({ at: start + offset, n: n++, event: { type: EventType.agentStatus, at: start + offset, data: { agentId: a.id, status } } })
    }
  }
  const budget = w.events - statusEvents.length

  // Lifecycle first, then the message budget spread at random (some chats long, most short).
  const timed: Timed[] = statusEvents
  const records: ConversationRecord[] = []
  const lifecycles: { id: string; visitorId: string; visitor: string; createdAt: number; events: NewEvent[]; agent: (typeof agents)[number] | null; endAt: number }[] = []
  let lifecycleCount = 0
  const step = (w.days * DAY - DAY / 2) / w.conversations
  for (let c = 0; c < w.conversations; c++) {
    const id = `rep-${c}`
    const visitorId = `rep-v${c}`
    const visitor = visitorName(rand)
    const createdAt = Math.round(from + c * step + rand() * step)
    const group = pick(groups)
    const events: NewEvent[] = []
    let at = createdAt
    const push = (type: NewEvent['type'], data: Record<string, unknown>, after = 0) => {
      at += after
      events.push({ type, at, conversationId: id, data })
    }
    const channel = rand() < 0.8 ? 'widget' : pick(['telegram', 'whatsapp', 'email'])
    push(EventType.conversationCreated, { visitorId, visitorName: visitor, visitorEmail: rand() < 0.4 ? `${visitor.split(' ')[0]!.toLowerCase()}.${c}@mail.test` : undefined, channel, status: 'waiting' })
    push(EventType.routed, { groupId: group, teamId: null, scriptId: null, outcome: 'queued', requestForm: false })
    push(EventType.queueJoined, { groupId: group, reason: 'new' })
    const answered = rand() < 0.93
    let agent: (typeof agents)[number] | null = null
    if (answered) {
      const waited = Math.floor(5_000 + rand() * rand() * 10 * MINUTE)
      push(EventType.queueLeft, { queue: group, groupId: group, reason: 'assigned', waitedMs: waited }, waited)
      agent = agents.find((a) => a.group === group && rand() < 0.3) ?? pick(agents)
      push(EventType.assigned, { assigneeId: agent.id, by: 'dispatcher', visitorName: visitor })
      if (rand() < 0.12) {
        const to = pick(agents)
        push(EventType.transferred, { from: agent.id, by: agent.id, toAgentId: to.id, toGroupId: null }, Math.floor(rand() * 10 * MINUTE))
        agent = to
      }
      if (rand() < 0.06) {
        const until = at + 30 * MINUTE + Math.floor(rand() * 3 * 3600_000)
        push(EventType.snoozed, { until, by: agent.id }, MINUTE)
        push(EventType.woke, { reason: rand() < 0.5 ? 'time' : 'visitor' }, until - at)
      }
    }
    lifecycles.push({ id, visitorId, visitor, createdAt, events, agent, endAt: at })
    lifecycleCount += events.length
    records.push({ id, workspace: WORKSPACE, visitorId, status: 'waiting', groupId: group, assigneeId: agent?.id ?? null, createdAt, snoozedUntil: null })
  }
  // Closes, reopens and ratings come after the messages; counted here so the total is exact.
  const tails = lifecycles.map(() => {
    const closed = rand() < 0.9
    const reopened = closed && rand() < 0.04
    const csat = closed && rand() < 0.3
    const nps = csat && rand() < 0.5
    return { closed, reopened, csat, nps, size: (closed ? 1 : 0) + (reopened ? 2 : 0) + (csat ? 1 : 0) + (nps ? 1 : 0) }
  })
  const tailCount = tails.reduce((s, t) => s + t.size, 0)
  const messageBudget = budget - lifecycleCount - tailCount
  if (messageBudget < w.conversations) throw new Error(`reports seed: ${w.events} events are too few for ${w.conversations} conversations with a message each`)
  const counts = new Array<number>(w.conversations).fill(1)
  for (let k = w.conversations; k < messageBudget; k++) counts[Math.floor(rand() * w.conversations)]!++

  lifecycles.forEach((l, c) => {
    const events = l.events
    // Messages begin once the visitor is waiting: the first is the visitor's question.
    let at = l.createdAt + 1000
    const assignedAt = events.find((e) => e.type === EventType.assigned)?.at ?? Infinity
    for (let m = 0; m < counts[c]!; m++) {
      at += 5_000 + Math.floor(rand() * 90_000)
      const byAgent = l.agent !== null && at > assignedAt && rand() < 0.5
      const messageId = `${l.id}-m${m}`
      events.push({
        type: EventType.message,
        at,
        conversationId: l.id,
        data: byAgent
          ? { messageId, clientId: messageId, kind: 'agent', authorId: l.agent!.id, authorName: l.agent!.name, text: messageText(rand) }
          : { messageId, clientId: messageId, kind: 'visitor', authorId: l.visitorId, authorName: l.visitor, text: messageText(rand) },
      })
    }
    at = Math.max(at, l.endAt) + MINUTE
    const t = tails[c]!
    const by = l.agent?.id ?? null
    const record = records[c]!
    if (t.closed) {
      events.push({ type: EventType.closed, at, conversationId: l.id, data: { by, tags: rand() < 0.5 ? [pick(['billing', 'delivery', 'refund', 'account'])] : [] } })
      record.status = 'closed'
    } else record.status = l.agent ? 'open' : 'waiting'
    if (t.reopened) {
      at += 3600_000
      events.push({ type: EventType.reopened, at, conversationId: l.id, data: { by } })
      at += 10 * MINUTE
      events.push({ type: EventType.closed, at, conversationId: l.id, data: { by, tags: [] } })
    }
    if (t.csat) events.push({ type: EventType.rated, at: (at += MINUTE), conversationId: l.id, data: { kind: 'csat', score: 1 + Math.floor(rand() * 5), comment: null, visitorId: l.visitorId } })
    if (t.nps) events.push({ type: EventType.rated, at: (at += 1000), conversationId: l.id, data: { kind: 'nps', score: Math.floor(rand() * 11), comment: null, visitorId: l.visitorId } })
    for (const event of events) timed.push({ at: event.at, n: n++, event })
  })

  // One log in time order, as a desk writes it (a conversation's own events keep their order).
  timed.sort((a, b) => a.at - b.at || a.n - b.n)
  const counts_: Record<string, number> = {}
  for (let i = 0; i < timed.length; i += SEED_BATCH) {
    const events = timed.slice(i, i + SEED_BATCH).map((t) => t.event)
    for (const e of events) counts_[e.type] = (counts_[e.type] ?? 0) + 1
    await store.commit({ workspace: WORKSPACE, events, conversations: i === 0 ? records : undefined })
  }
  return { ...w, lastSeq: await store.lastSeq(WORKSPACE), counts: counts_ }
}
