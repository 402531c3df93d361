import type * as Y from 'yjs'
import type { ChatMessage, ConversationStatus } from './protocol.ts'

/** Which kind of document a name refers to; one document per permission scope (DESIGN §3.1). */
export type DocRef =
  | { kind: 'settings' }
  | { kind: 'templates' }
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'notes'; conversationId: string }
  | { kind: 'agent'; agentId: string }

const ID = /^[A-Za-z0-9_-]{1,64}$/

/** Parses a document name (`settings`, `conv/<id>`, `conv/<id>/notes`, `agent/<id>`); null when it is not one. */
export function parseDocName(name: string): DocRef | null {
  if (name === 'settings') return { kind: 'settings' }
  if (name === 'templates') return { kind: 'templates' }
  const parts = name.split('/')
  if (parts[0] === 'conv' && parts[1] && ID.test(parts[1])) {
    if (parts.length === 2) return { kind: 'conversation', conversationId: parts[1] }
    if (parts.length === 3 && parts[2] === 'notes') return { kind: 'notes', conversationId: parts[1] }
  }
  if (parts[0] === 'agent' && parts.length === 2 && parts[1] && ID.test(parts[1])) return { kind: 'agent', agentId: parts[1] }
  return null
}

/** The document name of a conversation. */
export const conversationDocName = (id: string) => `conv/${id}`
/** The document name of a conversation's internal notes. */
export const notesDocName = (id: string) => `conv/${id}/notes`
/** The document name of an agent's own drafts and preferences. */
export const agentDocName = (id: string) => `agent/${id}`

/** The fields of a conversation's `meta` map that the server and the app rely on. */
export interface ConversationMeta {
  id: string
  status: ConversationStatus
  channel: string
  visitorId: string
  visitorName: string
  groupId: string | null
  /** Set by a transfer to a skill: only agents with it are given the chat. */
  skillId: string | null
  assigneeId: string | null
  createdAt: number
  snoozedUntil: number | null
  visitorBlocked: boolean
  /** The last message the visitor has read (their widget's read receipt). */
  visitorReadUpTo: string | null
  /** The last agent reply handed to an open widget of the visitor. */
  visitorDeliveredUpTo: string | null
}

/** The `meta` map of a conversation document. */
export const metaOf = (doc: Y.Doc) => doc.getMap<unknown>('meta')
/** The `messages` array of a conversation document. */
export const messagesOf = (doc: Y.Doc) => doc.getArray<ChatMessage>('messages')
/** The `notes` array of a notes document. */
export const notesOf = (doc: Y.Doc) => doc.getArray<ChatMessage>('notes')

/** Reads the meta map as a plain object, with nulls for what is missing. */
export function readMeta(doc: Y.Doc): ConversationMeta | null {
  const m = metaOf(doc)
  const id = m.get('id')
  if (typeof id !== 'string') return null
  const str = (k: string) => (typeof m.get(k) === 'string' ? (m.get(k) as string) : null)
  return {
    id,
    status: (str('status') ?? 'waiting') as ConversationStatus,
    channel: str('channel') ?? 'widget',
    visitorId: str('visitorId') ?? '',
    visitorName: str('visitorName') ?? '',
    groupId: str('groupId'),
    skillId: str('skillId'),
    assigneeId: str('assigneeId'),
    createdAt: typeof m.get('createdAt') === 'number' ? (m.get('createdAt') as number) : 0,
    snoozedUntil: typeof m.get('snoozedUntil') === 'number' ? (m.get('snoozedUntil') as number) : null,
    visitorBlocked: m.get('visitorBlocked') === true,
    visitorReadUpTo: str('visitorReadUpTo'),
    visitorDeliveredUpTo: str('visitorDeliveredUpTo'),
  }
}

/** Whether a value read from a messages array has the shape of a message; anything else is ignored. */
export function isChatMessage(v: unknown): v is ChatMessage {
  if (typeof v !== 'object' || v === null) return false
  const m = v as Record<string, unknown>
  return (
    typeof m.id === 'string' &&
    typeof m.clientId === 'string' &&
    typeof m.text === 'string' &&
    typeof m.authorName === 'string' &&
    typeof m.at === 'number' &&
    (m.kind === 'visitor' || m.kind === 'agent' || m.kind === 'bot' || m.kind === 'system')
  )
}

/**
 * Appends a message unless one with the same id is already there, so that replaying an
 * offline outbox twice cannot duplicate it. Returns whether it was appended.
 */
export function appendMessageOnce(doc: Y.Doc, message: ChatMessage): boolean {
  return appendOnce(messagesOf(doc), message)
}

/** Appends to a messages or notes array unless an entry with the same id is there. */
export function appendOnce(arr: Y.Array<ChatMessage>, message: ChatMessage): boolean {
  // Scan from the end: a replayed message is almost always among the newest.
  for (let i = arr.length - 1; i >= 0; i--) if (arr.get(i)?.id === message.id) return false
  arr.push([message])
  return true
}
