/**
 * The dispatcher: places new conversations (route, then queue) and hands waiting ones to agents
 * as capacity allows, in the order they started waiting.
 *
 * The state is plain data owned by one caller (the workspace's dispatcher) and updated in place:
 * the functions below are deterministic in their inputs and the clock passed in, and do no I/O.
 * It stays fast under a burst by keeping, per queue, its line of waiting conversations, the
 * agents who qualify for it (sorted by id, for round robin), a heap of those with room (least
 * busy / longest idle, stale entries dropped lazily) and a count of those with room; and per
 * group its load, per presence pool its online count. A placement costs O(log n), not a rescan.
 *
 * Feed it facts: `track` every conversation that is not closed (and again on every change of
 * status, group or assignee), `updateAgent` on presence changes, `setSettings` when the settings
 * change, `recordHandling` when a conversation closes. `dispatch` counts the assignments it
 * returns as made; if one cannot be applied, `track` the conversation as it really is.
 */
import { qualifies } from './assign.ts'
import { dequeue, enqueue, join, leave, newQueue, nextAgent, placeOrder, queueKeyOfPlace, refresh, type AgentRec, type ConvRec, type QueueRec } from './dispatchQueues.ts'
import { Heap } from './heap.ts'
import { isOpen } from './hours.ts'
import { agentRights, indexSettings, membershipOf, poolsOf, type AgentState, type QueueRef, type RoutingIndex, type RoutingSettings, type TrackedConversation } from './model.ts'
import { HANDLING_SAMPLES } from './queuePositions.ts'
import { decideRoute, type RouteContext, type RouteDecision, type RouteRequest } from './route.ts'

export type { TrackedConversation } from './model.ts'

/** A conversation to hand to an agent now (the server applies it as a `take` by that agent). */
export interface Assignment {
  conversationId: string
  agentId: string
  groupId: string | null
  queue: string
}

/** The dispatcher's state; treat it as opaque. */
export interface Dispatcher {
  settings: RoutingSettings
  index: RoutingIndex
  agents: Map<string, AgentRec>
  queues: Map<string, QueueRec>
  convs: Map<string, ConvRec>
  /** Waiting + open conversations per group. */
  load: Map<string, number>
  /** Open conversations per agent, including agents not (yet) known. */
  openBy: Map<string, number>
  /** Online agents per presence pool. */
  online: Map<string, number>
  /** Round-robin cursors per queue key: the last agent served. */
  cursors: Map<string, string>
  /** Recent handling durations per queue key. */
  history: Map<string, number[]>
  /** Conversations that stopped waiting since the places were last read (see `queuePlaces`). */
  left: Set<string>
  /** Bumped whenever what the wait estimates read may have changed: agents' presence or slots, handling times. */
  statsVersion: number
  /** Each queue's wait per place (ms; null when nobody online serves it) and every queue's recent handling times pooled, as of `statsVersion`. */
  perPlace: { version: number; byQueue: Map<string, number | null>; pooled: number[] | null }
}

export interface DispatcherInput {
  settings: RoutingSettings
  agents: readonly AgentState[]
  /** Every conversation that is not closed. */
  conversations: readonly TrackedConversation[]
  /** Recent handling durations (ms) per queue key, oldest first. */
  history?: Readonly<Record<string, readonly number[]>>
}

/** Builds the dispatcher's state from the workspace as it is. */
export function createDispatcher(input: DispatcherInput): Dispatcher {
  const d: Dispatcher = {
    settings: input.settings,
    index: indexSettings(input.settings),
    agents: new Map(),
    queues: new Map(),
    convs: new Map(),
    load: new Map(),
    openBy: new Map(),
    online: new Map(),
    cursors: new Map(),
    history: new Map(Object.entries(input.history ?? {}).map(([k, v]) => [k, v.slice(-HANDLING_SAMPLES)])),
    left: new Set(),
    statsVersion: 0,
    perPlace: { version: -1, byQueue: new Map(), pooled: null },
  }
  for (const a of input.agents) updateAgent(d, a)
  for (const c of input.conversations) track(d, c)
  return d
}

/** Takes new settings: queues and memberships are rebuilt; lines, cursors and history are kept. */
export function setSettings(d: Dispatcher, settings: RoutingSettings): void {
  const fresh = createDispatcher({
    settings,
    agents: [...d.agents.values()].map((a) => a.state),
    conversations: [...d.convs.values()].map(({ queued: _q, line: _l, ...c }) => c),
  })
  fresh.cursors = d.cursors
  fresh.history = d.history
  // Those who stopped waiting are still to be told so; every queue is new, so every place is read again.
  fresh.left = d.left
  fresh.statsVersion = d.statsVersion + 1
  Object.assign(d, fresh)
}

const bump = (m: Map<string, number>, key: string, delta: number) => m.set(key, (m.get(key) ?? 0) + delta)

function removeAgentRec(d: Dispatcher, a: AgentRec): void {
  if (a.state.status === 'online') for (const p of a.pools) bump(d.online, p, -1)
  leave(a)
  d.agents.delete(a.state.id)
}

/** Adds an agent or takes their new presence. `idleSince` only moves forward (the dispatcher's own assignments count). */
export function updateAgent(d: Dispatcher, state: AgentState): void {
  d.statsVersion++
  const known = d.agents.get(state.id)
  if (known && (known.state.role ?? 'agent') === (state.role ?? 'agent')) {
    const wasOnline = known.state.status === 'online'
    known.state = { ...state, idleSince: Math.max(state.idleSince, known.state.idleSince) }
    const isOnline = state.status === 'online'
    if (wasOnline !== isOnline) for (const p of known.pools) bump(d.online, p, isOnline ? 1 : -1)
    refresh(known)
    return
  }
  if (known) removeAgentRec(d, known)
  const m = membershipOf(d.index, state.id)
  const rights = agentRights(d.index, state)
  const a: AgentRec = {
    state: { ...state, idleSince: Math.max(state.idleSince, known?.state.idleSince ?? 0) },
    fixed: { id: state.id, groups: m.groups, skills: m.skills, omnichannel: rights.omnichannel, unassignedQueue: rights.unassignedQueue },
    slots: m.slots,
    open: d.openBy.get(state.id) ?? 0,
    pools: poolsOf(d.index, state),
    queues: [],
    available: false,
    version: 0,
  }
  d.agents.set(state.id, a)
  if (state.status === 'online') for (const p of a.pools) bump(d.online, p, 1)
  refresh(a)
  for (const q of d.queues.values()) if (qualifies(a.fixed, q.group, q.skillId)) join(q, a)
}

/** Forgets an agent (deleted); conversations assigned to them stay theirs until tracked otherwise. */
export function removeAgent(d: Dispatcher, agentId: string): void {
  const a = d.agents.get(agentId)
  if (a) removeAgentRec(d, a)
  d.statsVersion++
}

function queueOf(d: Dispatcher, ref: QueueRef): QueueRec {
  const key = queueKeyOfPlace(d.index, ref)
  let q = d.queues.get(key)
  if (!q) d.queues.set(key, (q = newQueue(d.index, d.agents.values(), ref)))
  return q
}

function setOpen(d: Dispatcher, agentId: string, delta: number): void {
  const n = (d.openBy.get(agentId) ?? 0) + delta
  d.openBy.set(agentId, n)
  const a = d.agents.get(agentId)
  if (a) {
    a.open = n
    refresh(a)
  }
}

const holdsSlot = (c: TrackedConversation) => c.assigneeId !== null && c.status !== 'snoozed' && c.status !== 'closed'

/** Takes a conversation's current state (new, or changed in any way); closed ones are forgotten. */
export function track(d: Dispatcher, conv: TrackedConversation): void {
  const prev = d.convs.get(conv.id)
  if (prev) {
    if (prev.groupId && (prev.status === 'waiting' || prev.status === 'open')) bump(d.load, prev.groupId, -1)
    if (holdsSlot(prev)) setOpen(d, prev.assigneeId!, -1)
    if (prev.line && dequeue(prev.line, prev)) d.left.add(prev.id)
    d.convs.delete(conv.id)
  }
  if (conv.status === 'closed') return
  // One shape for every record, whatever optional fields the caller gave: keeps the hot paths monomorphic.
  const rec: ConvRec = {
    id: conv.id,
    status: conv.status,
    groupId: conv.groupId,
    teamId: conv.teamId ?? null,
    skillId: conv.skillId ?? null,
    assigneeId: conv.assigneeId,
    since: conv.since,
    queued: false,
    line: null,
  }
  d.convs.set(conv.id, rec)
  if (rec.groupId && (rec.status === 'waiting' || rec.status === 'open')) bump(d.load, rec.groupId, 1)
  if (holdsSlot(rec)) setOpen(d, rec.assigneeId!, 1)
  else if (rec.status === 'waiting') {
    rec.line = queueOf(d, rec)
    enqueue(rec.line, rec)
  }
}

/** Forgets a conversation (closed or deleted). */
export function forget(d: Dispatcher, conversationId: string): void {
  const c = d.convs.get(conversationId)
  if (c) track(d, { ...c, status: 'closed' })
}

/**
 * Routes a new conversation and, unless it was refused (full) or replaced by the request form,
 * puts it in its queue (or, sent to one agent, counts it as theirs). Call `dispatch` next.
 */
export function arrive(d: Dispatcher, conv: RouteRequest & { id: string }, now: number): RouteDecision {
  const decision = previewRoute(d, conv, now)
  if (decision.agentId) track(d, { id: conv.id, status: 'open', groupId: null, assigneeId: decision.agentId, since: now })
  else if (decision.outcome !== 'full' && !decision.requestForm) {
    const { groupId, teamId, skillId } = decision
    track(d, { id: conv.id, status: 'waiting', groupId, teamId, skillId, assigneeId: null, since: now })
  }
  return decision
}

/** Where a new conversation would go now, without placing anything (the widget's availability before a chat starts). */
export function previewRoute(d: Dispatcher, req: RouteRequest, now: number): RouteDecision {
  const ctx: RouteContext = {
    index: d.index,
    now,
    load: (groupId) => d.load.get(groupId) ?? 0,
    online: (pool) => (d.online.get(pool) ?? 0) > 0,
  }
  return decideRoute(ctx, req)
}

// Across queues in the order of each line: equal starts go by id, as they do within a queue.
const headOrder = (a: QueueRec, b: QueueRec) => placeOrder(a.waiting.at(1)!, b.waiting.at(1)!)

/** The assignments to make now: the longest-waiting conversations first, as many as agents have room for. */
export function dispatch(d: Dispatcher, now: number): Assignment[] {
  const out: Assignment[] = []
  const ready = new Heap<QueueRec>(headOrder)
  for (const q of d.queues.values()) {
    if (q.waiting.size === 0 || q.available === 0 || q.mode === 'manual') continue
    if (q.hours && !isOpen(q.hours, now)) continue
    ready.push(q)
  }
  // A queue's head changes only while it is out of the heap, so the heap's order stays true.
  for (let q = ready.pop(); q; q = ready.pop()) {
    const agent = nextAgent(q, d.cursors.get(q.key))
    if (!agent) continue
    const conv = q.waiting.at(1)!
    dequeue(q, conv)
    d.left.add(conv.id)
    conv.line = null
    conv.status = 'open'
    conv.assigneeId = agent.state.id
    if (q.mode === 'roundRobin') d.cursors.set(q.key, agent.state.id)
    agent.state = { ...agent.state, idleSince: Math.max(agent.state.idleSince, now) }
    setOpen(d, agent.state.id, 1)
    out.push({ conversationId: conv.id, agentId: agent.state.id, groupId: conv.groupId, queue: q.key })
    if (q.waiting.size > 0 && q.available > 0) ready.push(q)
  }
  return out
}

/** Records how long a closed conversation was handled (assignment → close), for the estimates. */
export function recordHandling(d: Dispatcher, where: QueueRef, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return
  const key = queueKeyOfPlace(d.index, where)
  const list = d.history.get(key) ?? []
  list.push(ms)
  if (list.length > HANDLING_SAMPLES) list.splice(0, list.length - HANDLING_SAMPLES)
  d.history.set(key, list)
  d.statsVersion++
}
