/**
 * The routing model shared by the router, the agent picker and the dispatcher: what they read
 * of agents, the queues a conversation can wait in, and an index of the settings they consult.
 */
import type { AgentStatus, ConversationStatus, Role } from '../protocol.ts'
import { DEFAULT_SLOTS, rightsOf, type AccessRights, type AssignmentMode, type Membership, type RoutingGroup, type Settings, type WorkingHours, type Script } from '../settings.ts'

/** The part of the settings routing reads; a whole `Settings` will do. */
export type RoutingSettings = Pick<Settings, 'groups' | 'members' | 'hours' | 'scripts'> & {
  /** The workspace's options; without them the workspace-wide queue uses `WORKSPACE_QUEUE_MODE`. */
  workspace?: Pick<Settings['workspace'], 'defaultAssignment'>
}

/** An agent as the server knows them right now. */
export interface AgentState {
  id: string
  /** Decides the rights they hold (admins hold all); `agent` when absent. */
  role?: Role
  status: AgentStatus
  /** When they were last given a conversation (or came online, if the server prefers); 0: never. */
  idleSince: number
}

/**
 * How the workspace-wide queue (conversations of no group) hands out conversations when the
 * settings do not say (`workspace.defaultAssignment`, whose own default is manual): least busy is
 * fair without a cursor and spreads a burst evenly.
 */
export const WORKSPACE_QUEUE_MODE: AssignmentMode = 'leastBusy'

/** Where a conversation waits. `teamId` counts only without a group (a group answers on its team's hours). */
export interface QueueRef {
  groupId: string | null
  teamId?: string | null
  /** A skill the conversation was sent to (transfer or proactive message to a skill). */
  skillId?: string | null
}

/**
 * The name of the queue a conversation waits in: `g:<group>`, or `w:<team>` for the
 * workspace-wide queue (team empty when none), with `+s:<skill>` when sent to a skill.
 */
export function queueKeyOf(ref: QueueRef): string {
  const base = ref.groupId ? `g:${ref.groupId}` : `w:${ref.teamId ?? ''}`
  return ref.skillId ? `${base}+s:${ref.skillId}` : base
}

/** A conversation as the dispatcher needs it. */
export interface TrackedConversation extends QueueRef {
  id: string
  status: ConversationStatus
  assigneeId: string | null
  /** When it started waiting (created, transferred, woke up): its place in line. */
  since: number
}

/** A pool of agents whose presence routing asks about ("is anyone online?"). */
export const poolOfGroup = (groupId: string) => `g:${groupId}`
export const poolOfSkill = (skillId: string) => `s:${skillId}`
/** Agents who may take conversations of no group. */
export const WORKSPACE_POOL = 'w'

/** Settings looked up by id, with scripts in the order they run; built once per settings version. */
export interface RoutingIndex {
  groups: ReadonlyMap<string, RoutingGroup>
  hours: ReadonlyMap<string, WorkingHours>
  members: ReadonlyMap<string, Membership>
  /** Active scripts, lowest `order` first, ties by id. */
  scripts: readonly Script[]
  /** How the workspace-wide queue hands out conversations. */
  workspaceMode: AssignmentMode
}

// Settings are plain data replaced whole on every change (readSettings builds a new object), so
// the object's identity is its version: index each version once.
const indexes = new WeakMap<RoutingSettings, RoutingIndex>()

/** The lookup tables for one version of the settings (cached while that object lives). */
export function indexSettings(settings: RoutingSettings): RoutingIndex {
  let index = indexes.get(settings)
  if (!index) {
    index = {
      groups: new Map(settings.groups.map((g) => [g.id, g])),
      hours: new Map(settings.hours.map((h) => [h.teamId, h])),
      members: new Map(settings.members.map((m) => [m.agentId, m])),
      scripts: settings.scripts.filter((s) => s.active).sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      workspaceMode: settings.workspace?.defaultAssignment ?? WORKSPACE_QUEUE_MODE,
    }
    indexes.set(settings, index)
  }
  return index
}

/** An agent's membership, or the default one of an agent the settings do not list yet. */
export function membershipOf(index: RoutingIndex, agentId: string): Membership {
  return index.members.get(agentId) ?? { agentId, groups: [], skills: [], slots: DEFAULT_SLOTS }
}

/** The rights an agent holds, from the groups of their membership. */
export function agentRights(index: RoutingIndex, agent: Pick<AgentState, 'id' | 'role'>): AccessRights {
  const m = membershipOf(index, agent.id)
  const groups = m.groups.map((id) => index.groups.get(id)).filter((g): g is RoutingGroup => g !== undefined)
  return rightsOf({ groups, members: [m] }, agent.id, agent.role ?? 'agent')
}

/** The pools an agent counts in when online (none without the omnichannel right). */
export function poolsOf(index: RoutingIndex, agent: Pick<AgentState, 'id' | 'role'>): string[] {
  const rights = agentRights(index, agent)
  if (!rights.omnichannel) return []
  const m = membershipOf(index, agent.id)
  const pools = m.groups.filter((id) => index.groups.has(id)).map(poolOfGroup)
  for (const s of m.skills) pools.push(poolOfSkill(s))
  if (rights.unassignedQueue) pools.push(WORKSPACE_POOL)
  return pools
}

/** Code-unit order of ids: the same in every locale, and cheap. */
export const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
