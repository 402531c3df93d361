import type { DocRef } from './documents.ts'
import type { Role } from './protocol.ts'

export type Access = 'none' | 'read' | 'write'

export interface Principal {
  id: string
  role: Role
  groups: readonly string[]
  /** Whether this agent may see conversations nobody has taken yet. */
  unassignedQueue: boolean
  /** Whether this agent may use the omnichannel module at all (default: yes). */
  omnichannel?: boolean
  /** The supervisor's reach: every conversation, reassigning others' chats (default: by role). */
  management?: boolean
  /** Whether this agent may edit the workspace's settings and templates (default: admins only). */
  settings?: boolean
  /** Whether this agent may add and edit reply templates (settings right, or the workspace lets agents). */
  templates?: boolean
}

/** What the permission decision needs to know about a conversation. */
export interface ConversationScope {
  assigneeId: string | null
  groupId: string | null
}

/** Whether an agent may see every conversation of the workspace (admins, and supervisors or managers with the omnichannel module). */
export function seesEverything(who: Principal): boolean {
  if (who.role === 'admin') return true
  return who.omnichannel !== false && (who.role === 'supervisor' || who.management === true)
}

/** Whether an agent may see a conversation (DESIGN §3.1). Unknown conversations are nobody's but managers'. */
export function maySeeConversation(who: Principal, conv: ConversationScope | null): boolean {
  if (seesEverything(who)) return true
  if (who.omnichannel === false) return false
  if (!conv) return false
  if (conv.assigneeId === who.id) return true
  if (conv.groupId && who.groups.includes(conv.groupId)) return true
  return conv.assigneeId === null && who.unassignedQueue
}

/** The access an agent has to one document; `conv` is the conversation the document belongs to, when it does. */
export function documentAccess(who: Principal, doc: DocRef, conv: ConversationScope | null): Access {
  switch (doc.kind) {
    case 'settings':
      return who.role === 'admin' || who.settings === true ? 'write' : 'read'
    case 'templates':
      return who.role === 'admin' || who.settings === true || who.templates === true ? 'write' : 'read'
    case 'conversation':
    case 'notes':
      // A conversation that does not exist yet can only be created by the server.
      if (!conv) return 'none'
      return maySeeConversation(who, conv) ? 'write' : 'none'
    case 'agent':
      return doc.agentId === who.id ? 'write' : 'none'
  }
}

/**
 * Whether an agent may learn of a conversation's lifecycle (taken, transferred, closed): those who
 * may see it, and those who could have taken it had nobody else, so that their queue drops it.
 * Message text is never covered by this; it follows `maySeeConversation`.
 */
export function mayKnowOfConversation(who: Principal, conv: ConversationScope | null): boolean {
  if (maySeeConversation(who, conv)) return true
  return conv !== null && maySeeConversation(who, { assigneeId: null, groupId: conv.groupId })
}
