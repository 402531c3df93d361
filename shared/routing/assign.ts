/**
 * Which agent gets a waiting conversation, by the group's assignment mode. This is the
 * reference rule over a plain list of candidates; the dispatcher keeps indexes that reach the
 * same answer without rescanning everyone (and a test checks that they agree).
 */
import type { AgentStatus } from '../protocol.ts'
import type { AssignmentMode, RoutingGroup, WorkingHours } from '../settings.ts'
import { isOpen } from './hours.ts'
import { agentRights, compareIds, indexSettings, membershipOf, queueKeyOf, WORKSPACE_QUEUE_MODE, type AgentState, type QueueRef, type RoutingSettings } from './model.ts'

/** An agent as a candidate for a conversation: presence, load and place in the routing model. */
export interface Candidate {
  id: string
  status: AgentStatus
  /** Conversations assigned to them and open (snoozed ones do not take a slot). */
  openCount: number
  /** How many chats they answer at once. */
  slots: number
  groups: readonly string[]
  skills: readonly string[]
  /** When they were last given a conversation; 0: never. */
  idleSince: number
  /** May answer at all (the omnichannel right). */
  omnichannel: boolean
  /** May be given conversations of no group. */
  unassignedQueue: boolean
}

/** What pickAgent remembers between calls: the last agent given a conversation, per queue (round robin). */
export interface PickState {
  cursors: Readonly<Record<string, string>>
}

export const EMPTY_PICK_STATE: PickState = { cursors: {} }

/** Candidates from the settings, the agents' presence and their open conversation counts. */
export function candidatesOf(settings: RoutingSettings, agents: readonly AgentState[], openCounts: Readonly<Record<string, number>>): Candidate[] {
  const index = indexSettings(settings)
  return agents.map((a) => {
    const m = membershipOf(index, a.id)
    const rights = agentRights(index, a)
    return {
      id: a.id,
      status: a.status,
      openCount: openCounts[a.id] ?? 0,
      slots: m.slots,
      groups: m.groups,
      skills: m.skills,
      idleSince: a.idleSince,
      omnichannel: rights.omnichannel,
      unassignedQueue: rights.unassignedQueue,
    }
  })
}

/** Whether the agent could ever be given the queue's conversations (membership, skills, rights), whatever their presence. */
export function qualifies(c: Omit<Candidate, 'status' | 'openCount' | 'idleSince' | 'slots'>, group: RoutingGroup | null, skillId: string | null | undefined): boolean {
  if (!c.omnichannel) return false
  if (group) {
    if (!c.groups.includes(group.id)) return false
    for (const s of group.skills) if (!c.skills.includes(s)) return false
  } else if (!c.unassignedQueue) return false
  return !skillId || c.skills.includes(skillId)
}

/** Whether the agent can take one more conversation now: online with a free slot. */
export const hasRoom = (c: Pick<Candidate, 'status' | 'openCount' | 'slots'>) => c.status === 'online' && c.openCount < c.slots

/** Least busy: fewest open chats, then idle longest, then by id. */
export const byLeastBusy = (a: Pick<Candidate, 'openCount' | 'idleSince' | 'id'>, b: Pick<Candidate, 'openCount' | 'idleSince' | 'id'>) =>
  a.openCount - b.openCount || a.idleSince - b.idleSince || compareIds(a.id, b.id)

/** Longest idle: earliest last assignment, then by id. */
export const byLongestIdle = (a: Pick<Candidate, 'idleSince' | 'id'>, b: Pick<Candidate, 'idleSince' | 'id'>) => a.idleSince - b.idleSince || compareIds(a.id, b.id)

/** The mode a queue hands out by: its group's, or the workspace queue's. */
export const modeOf = (group: RoutingGroup | null, workspaceMode: AssignmentMode = WORKSPACE_QUEUE_MODE): AssignmentMode => (group ? group.assignment : workspaceMode)

/**
 * The agent to give a waiting conversation to, or null (manual mode, team closed, nobody with
 * room). `group` is the conversation's group (null: the workspace-wide queue); `hours` the
 * schedule of its team, if any. Round robin moves the queue's cursor in the state returned.
 */
export function pickAgent(
  conversation: QueueRef,
  group: RoutingGroup | null,
  candidates: readonly Candidate[],
  state: PickState,
  now: number,
  hours: WorkingHours | null = null,
  workspaceMode: AssignmentMode = WORKSPACE_QUEUE_MODE,
): { agentId: string | null; state: PickState } {
  const none = { agentId: null, state }
  const mode = modeOf(group, workspaceMode)
  if (mode === 'manual') return none
  if (hours && !isOpen(hours, now)) return none
  let best: Candidate | null = null
  const key = queueKeyOf(conversation)
  const cursor = state.cursors[key]
  // Round robin: the first agent by id after the last one served, wrapping round; ids (not
  // positions) survive agents joining and leaving between turns.
  let wrapped: Candidate | null = null
  for (const c of candidates) {
    if (!hasRoom(c) || !qualifies(c, group, conversation.skillId)) continue
    if (mode === 'roundRobin') {
      if (cursor !== undefined && compareIds(c.id, cursor) <= 0) {
        if (!wrapped || compareIds(c.id, wrapped.id) < 0) wrapped = c
      } else if (!best || compareIds(c.id, best.id) < 0) best = c
    } else if (!best || (mode === 'leastBusy' ? byLeastBusy(c, best) : byLongestIdle(c, best)) < 0) best = c
  }
  best ??= wrapped
  if (!best) return none
  return { agentId: best.id, state: mode === 'roundRobin' ? { cursors: { ...state.cursors, [key]: best.id } } : state }
}
