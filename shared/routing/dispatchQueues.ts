/**
 * The dispatcher's bookkeeping per agent and per queue: who qualifies for a queue, who has room,
 * and who is next by the queue's mode. Internal to the dispatcher; exported for it alone.
 */
import type { AssignmentMode, RoutingGroup, WorkingHours } from '../settings.ts'
import { byLeastBusy, byLongestIdle, modeOf, qualifies, type Candidate } from './assign.ts'
import { Heap } from './heap.ts'
import { compareIds, queueKeyOf, type AgentState, type QueueRef, type RoutingIndex, type TrackedConversation } from './model.ts'
import { RankedLine } from './rankedLine.ts'

/** An agent as the dispatcher holds them. */
export interface AgentRec {
  state: AgentState
  /** What does not change until the settings do: membership, skills, rights. */
  fixed: Omit<Candidate, 'status' | 'openCount' | 'idleSince' | 'slots'>
  slots: number
  open: number
  /** Presence pools they count in when online. */
  pools: string[]
  queues: QueueRec[]
  /** Online with a free slot. */
  available: boolean
  /** Bumped on every change: heap entries of older versions are stale. */
  version: number
}

/** A snapshot of an agent in a queue's heap. */
interface Entry {
  agent: AgentRec
  version: number
  id: string
  openCount: number
  idleSince: number
}

/** A tracked conversation, with its place in a line when it waits. */
export interface ConvRec extends TrackedConversation {
  queued: boolean
  line: QueueRec | null
}

/** One queue: its line, its qualified agents (by id), those with room (count, heap). */
export interface QueueRec {
  key: string
  group: RoutingGroup | null
  skillId: string | null
  hours: WorkingHours | null
  mode: AssignmentMode
  members: AgentRec[]
  available: number
  heap: Heap<Entry> | null
  /** The waiting conversations in the one order they are served in and told their place in: by `since`, ties by id. */
  waiting: RankedLine<ConvRec>
  /** The first position whose occupant changed since the places were last read (Infinity: none). */
  changedFrom: number
}

/** The order conversations are served in and visitors told their place in (`queuePositions`): oldest first, ties by id. */
export const placeOrder = (a: Pick<ConvRec, 'since' | 'id'>, b: Pick<ConvRec, 'since' | 'id'>) => a.since - b.since || compareIds(a.id, b.id)

/** Puts a conversation in a queue's line and numbers it. */
export function enqueue(q: QueueRec, c: ConvRec): void {
  c.queued = true
  q.changedFrom = Math.min(q.changedFrom, q.waiting.insert(c))
}

/** Takes a conversation out of its queue's line; true when it was in it. */
export function dequeue(q: QueueRec, c: ConvRec): boolean {
  if (!c.queued) return false
  c.queued = false
  const was = q.waiting.remove(c)
  if (was) q.changedFrom = Math.min(q.changedFrom, was)
  return true
}

/** The slots of a queue's online agents: how many conversations it serves at once. */
export function capacityOf(q: QueueRec): number {
  let slots = 0
  for (const a of q.members) if (a.state.status === 'online') slots += a.slots
  return slots
}

const entry = (a: AgentRec): Entry => ({ agent: a, version: a.version, id: a.state.id, openCount: a.open, idleSince: a.state.idleSince })

/** Recomputes whether the agent has room and tells their queues (counts, fresh heap entries). */
export function refresh(a: AgentRec): void {
  const avail = a.state.status === 'online' && a.open < a.slots && a.fixed.omnichannel
  if (avail !== a.available) for (const q of a.queues) q.available += avail ? 1 : -1
  a.available = avail
  a.version++
  if (!avail) return
  for (const q of a.queues) {
    if (!q.heap) continue
    q.heap.push(entry(a))
    // Every change leaves a stale entry behind; rebuild once they dominate (amortised O(1)).
    if (q.heap.size > 2 * q.members.length + 32) q.heap.reset(q.members.filter((m) => m.available).map(entry))
  }
}

/** Adds a qualified agent to a queue, in id order. */
export function join(q: QueueRec, a: AgentRec): void {
  const ms = q.members
  // Agents usually join in id order (a queue being built), so the end is the place.
  const last = ms[ms.length - 1]
  const i = !last || compareIds(last.state.id, a.state.id) < 0 ? ms.length : ms.findIndex((m) => compareIds(m.state.id, a.state.id) > 0)
  ms.splice(i < 0 ? ms.length : i, 0, a)
  a.queues.push(q)
  if (a.available) {
    q.available++
    q.heap?.push(entry(a))
  }
}

/** Takes an agent out of all their queues. */
export function leave(a: AgentRec): void {
  for (const q of a.queues) {
    q.members = q.members.filter((m) => m !== a)
    if (a.available) q.available--
  }
  a.queues = []
  a.available = false
  a.version++
}

/** A new queue for a conversation's place, with every agent who qualifies. A deleted group's conversations wait in the workspace-wide queue. */
export function newQueue(index: RoutingIndex, agents: Iterable<AgentRec>, ref: QueueRef): QueueRec {
  const group = ref.groupId ? (index.groups.get(ref.groupId) ?? null) : null
  const teamId = group ? group.teamId : (ref.teamId ?? null)
  const mode = modeOf(group, index.workspaceMode)
  const q: QueueRec = {
    key: queueKeyOfPlace(index, ref),
    group,
    skillId: ref.skillId ?? null,
    hours: (teamId ? index.hours.get(teamId) : undefined) ?? null,
    mode,
    members: [],
    available: 0,
    heap: mode === 'leastBusy' ? new Heap<Entry>(byLeastBusy) : mode === 'longestIdle' ? new Heap<Entry>(byLongestIdle) : null,
    waiting: new RankedLine<ConvRec>(placeOrder),
    changedFrom: Infinity,
  }
  const members = [...agents].filter((a) => qualifies(a.fixed, group, q.skillId)).sort((x, y) => compareIds(x.state.id, y.state.id))
  for (const a of members) join(q, a)
  return q
}

/** The key of the queue a conversation waits in, once deleted groups are accounted for. */
export function queueKeyOfPlace(index: RoutingIndex, ref: QueueRef): string {
  return ref.groupId && index.groups.has(ref.groupId)
    ? queueKeyOf({ groupId: ref.groupId, skillId: ref.skillId })
    : queueKeyOf({ groupId: null, teamId: ref.teamId, skillId: ref.skillId })
}

/** The agent the queue would hand its next conversation to: the same rule as `pickAgent`. */
export function nextAgent(q: QueueRec, cursor: string | undefined): AgentRec | null {
  if (q.available === 0) return null
  if (q.mode === 'roundRobin') {
    const ms = q.members
    let start = 0
    if (cursor !== undefined) {
      // The first member after the cursor, by id.
      let lo = 0, hi = ms.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (compareIds(ms[mid]!.state.id, cursor) <= 0) lo = mid + 1
        else hi = mid
      }
      start = lo
    }
    for (let i = 0; i < ms.length; i++) {
      const a = ms[(start + i) % ms.length]!
      if (a.available) return a
    }
    return null
  }
  const heap = q.heap
  if (!heap) return null
  for (let top = heap.peek(); top; top = heap.peek()) {
    if (top.version === top.agent.version && top.agent.available) return top.agent
    heap.pop()
  }
  return null
}
