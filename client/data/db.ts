/**
 * The agent's local database: one IndexedDB database per signed-in agent, so that two agents
 * sharing a browser never see each other's data, and a sign-out keeps what the next sign-in of
 * the same agent can read offline.
 */
import { Dexie, type EntityTable } from 'dexie'
import yDexie from 'y-dexie'
import type * as Y from 'yjs'
import type { ConversationStatus, LogEvent, MessageKind } from '../../shared/protocol.ts'

/** One synced Yjs document; y-dexie keeps the document's updates in a table of its own. */
export interface DocRow {
  name: string
  readonly ydoc: Y.Doc
}

/** An event of the workspace log, exactly as the server sent it. */
export type StoredEvent = LogEvent

/** One line of the inbox, derived from the event log (never from documents). */
export interface ConversationRow {
  id: string
  visitorName: string
  channel: string
  status: ConversationStatus
  assigneeId: string | null
  lastText: string
  lastKind: MessageKind | null
  lastAuthorId?: string | null
  /** Server time of the newest event that touched this conversation. */
  lastActivityAt: number
  createdAt: number
  messageCount: number
  /** Visitor messages since an agent of this device last looked at or answered the conversation. */
  unread: number
  visitorOnline?: boolean
}

/** A message the server has committed (the event log holds a `message` event for it). */
export interface SentId {
  messageId: string
  conversationId: string
}

/** A message written on this device that the server has not committed yet. */
export interface PendingMessage {
  messageId: string
  conversationId: string
  at: number
}

export interface KvRow {
  key: string
  value: unknown
}

export type ParleyDb = Dexie & {
  docs: EntityTable<DocRow, 'name'>
  events: EntityTable<StoredEvent, 'seq'>
  conversations: EntityTable<ConversationRow, 'id'>
  sentIds: EntityTable<SentId, 'messageId'>
  pending: EntityTable<PendingMessage, 'messageId'>
  kv: EntityTable<KvRow, 'key'>
}

/** Keys of the `kv` table. */
export const Kv = {
  /** The highest event sequence number applied to this database. */
  lastSeq: 'lastSeq',
} as const

/** The database name of an agent: one per workspace and agent. */
export const dbName = (workspace: string, agentId: string) => `parley-${workspace}-${agentId}`

/** Opens (lazily: Dexie opens on first use) the database of one agent. */
export function createDb(workspace: string, agentId: string): ParleyDb {
  const db = new Dexie(dbName(workspace, agentId), { addons: [yDexie] }) as ParleyDb
  db.version(1).stores({
    docs: 'name, ydoc: Y.Doc',
    events: 'seq, conversationId, type',
    conversations: 'id, lastActivityAt, status',
    sentIds: 'messageId, conversationId',
    pending: 'messageId, conversationId',
    kv: 'key',
  })
  return db
}

/** Reads the last applied sequence number (0 when nothing was applied yet). */
export async function readLastSeq(db: ParleyDb): Promise<number> {
  const row = await db.kv.get(Kv.lastSeq)
  return typeof row?.value === 'number' ? row.value : 0
}

/** Marks a conversation as read on this device. */
export async function markRead(db: ParleyDb, conversationId: string): Promise<void> {
  await db.conversations.where('id').equals(conversationId).modify((row) => {
    if (row.unread !== 0) row.unread = 0
  })
}
