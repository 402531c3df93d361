/**
 * The agent's local database: one IndexedDB database per signed-in agent, so that two agents
 * sharing a browser never see each other's data, and a sign-out keeps what the next sign-in of
 * the same agent can read offline.
 */
import { Dexie, type EntityTable, type IndexableTypeArrayReadonly, type Table } from 'dexie'
import yDexie from 'y-dexie'
import type * as Y from 'yjs'
import type { CommandInput } from '../../shared/commands.ts'
import { foldAgentState, type AgentState } from '../../shared/reports/agentStates.ts'
import { foldIntoFacts, type ConversationFact } from '../../shared/reports/facts.ts'
import type { Attachment, ConversationStatus, LogEvent, MessageKind } from '../../shared/protocol.ts'
import { chunksOf, type LogChunk } from './eventLog.ts'
import { ownPageKey, type FactPage } from './factPages.ts'
import { postingKeysOf } from './searchText.ts'

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
  /** The visitor's new messages are refused (`visitor.blocked`). */
  visitorBlocked?: boolean
  visitorEmail?: string | null
  groupId?: string | null
  /** Epoch ms the snooze ends; null when not snoozed. */
  snoozedUntil?: number | null
  /** Tags given at close. */
  tags?: string[]
  /** Closed and opened as a request (ticket). */
  ticket?: boolean
  closedAt?: number | null
  /** Server time of the oldest visitor message no agent has answered yet; null when answered. */
  waitingSince?: number | null
  /** The page of its reports fact (factPages.ts); none: a page of its own. */
  factPage?: string
  /** The last sequence number of the frame of events that last wrote it: readers of the whole index re-read what moved (followAllConversations). */
  rowSeq?: number
}

/**
 * A conversation command waiting for the server, or refused by it. `key` is the idempotency key:
 * resending a command with the same key cannot apply it twice.
 */
export interface CommandRow {
  key: string
  conversationId: string
  command: CommandInput['command']
  /** The JSON body, without the command name. */
  body: Record<string, unknown>
  createdAt: number
  state: 'pending' | 'rejected'
  /** The server's words on why it refused (shown to the agent as they are). */
  reason?: string
  /** Sends that failed on the network, for the backoff. */
  attempts?: number
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

/**
 * A reply with files, held on this device until its files are uploaded (offline for as long as
 * it takes); then it goes into the conversation's document like any reply (see uploads.ts).
 */
export interface HeldReply {
  clientId: string
  messageId: string
  conversationId: string
  text: string
  at: number
  authorId: string
  authorName: string
  /** `uploading` until every file is stored; `failed` when the server refused one (`error` says why). */
  state: 'uploading' | 'failed'
  error?: string
}

/** A file of a held reply, waiting to upload; `attachment` is the server's record once stored. */
export interface UploadRow {
  localId: string
  /** The reply it belongs to (`HeldReply.clientId`). */
  clientId: string
  conversationId: string
  /** Its place among the reply's files. */
  order: number
  name: string
  type: string
  size: number
  blob: Blob
  attachment?: Attachment
}

export interface KvRow {
  key: string
  value: unknown
}

export type ParleyDb = Dexie & {
  docs: EntityTable<DocRow, 'name'>
  /** The event log, a chunk of events per row (eventLog.ts: every reader goes through it). */
  log: EntityTable<LogChunk, 'first'>
  conversations: EntityTable<ConversationRow, 'id'>
  sentIds: EntityTable<SentId, 'messageId'>
  pending: EntityTable<PendingMessage, 'messageId'>
  kv: EntityTable<KvRow, 'key'>
  commands: EntityTable<CommandRow, 'key'>
  heldReplies: EntityTable<HeldReply, 'clientId'>
  uploads: EntityTable<UploadRow, 'localId'>
  /**
   * The full-text index: one row per token and run of indexed events, keyed `[token, -oldest seq]`
   * (outbound keys), whose value is the sequence numbers of the run's events holding the token,
   * newest first; so a token's entries read newest first, a few hundred a row (searchIndexer.ts).
   */
  searchRuns: Table<number[], [string, number]>
  /** The reports' facts (shared/reports/facts.ts), kept with the log, in pages (factPages.ts). */
  factPages: EntityTable<FactPage, 'key'>
  /** Each agent's status and live connection, from the log (shared/reports/agentStates.ts). */
  agentStates: EntityTable<AgentState, 'agentId'>
}

/** Keys of the `kv` table. */
export const Kv = {
  /** The highest event sequence number applied to this database. */
  lastSeq: 'lastSeq',
  /** Every stored event at or below it is in the search index (searchIndexer.ts). */
  searchSeq: 'searchSeq',
  /** The workspace's agents (`GET /api/agents`), kept for the transfer picker offline. */
  agents: 'agents',
  /** Bumped each time the log is forgotten (the server's was reset), so in-memory copies of derived data start again. */
  logEpoch: 'logEpoch',
} as const

/** The database name of an agent: one per workspace and agent. */
export const dbName = (workspace: string, agentId: string) => `parley-${workspace}-${agentId}`

/**
 * Opens (lazily: Dexie opens on first use) the database of one agent. `durability: 'relaxed'`
 * lets Chromium commit without waiting for the disk: for the ingest worker, whose writes the
 * server can always send again (events and lastSeq commit together, so a lost commit is refetched).
 */
export function createDb(workspace: string, agentId: string, options: { durability?: 'relaxed' } = {}): ParleyDb {
  const db = new Dexie(dbName(workspace, agentId), { addons: [yDexie], chromeTransactionDurability: options.durability ?? 'default' }) as ParleyDb
  db.version(1).stores({
    docs: 'name, ydoc: Y.Doc',
    events: 'seq, conversationId, type',
    conversations: 'id, lastActivityAt, status',
    sentIds: 'messageId, conversationId',
    pending: 'messageId, conversationId',
    kv: 'key',
  })
  db.version(2)
    .stores({
      commands: 'key, conversationId, createdAt',
      searchPostings: '',
    })
    .upgrade(async (tx) => {
      // Backfill the search index once from the events this device already holds, a page at a
      // time so that a long log never sits in memory whole.
      const events = tx.table<StoredEvent, number>('events')
      const postings = tx.table('searchPostings')
      let after = -Infinity
      for (;;) {
        const page = await events.where('seq').above(after).limit(BACKFILL_PAGE).toArray()
        if (!page.length) break
        after = page[page.length - 1]!.seq
        const keys = page.flatMap((e) => postingKeysOf(e))
        await putPostings(postings, keys)
        if (page.length < BACKFILL_PAGE) break
      }
    })
  db.version(3).stores({
    heldReplies: 'clientId, conversationId, at',
    uploads: 'localId, clientId, conversationId',
  })
  // The inbox counts its tabs from these (IndexedDB counts index entries without reading a row):
  // with ten thousand conversations, reading every row to count them takes half a second.
  // A null assignee is no key, so `[status+assigneeId]` holds the assigned conversations only.
  db.version(4).stores({
    conversations: 'id, lastActivityAt, status, [status+assigneeId], [channel+status]',
  })
  // The reports' facts and the agents' states, folded from the events this device already holds.
  db.version(5)
    .stores({
      facts: 'id, createdAt, closedAt, seq',
      agentStates: 'agentId',
    })
    .upgrade(async (tx) => {
      const events = tx.table<StoredEvent, number>('events')
      const facts = new Map<string, ConversationFact>()
      const agents = new Map<string, AgentState>()
      let after = -Infinity
      for (;;) {
        const page = await events.where('seq').above(after).limit(BACKFILL_PAGE).toArray()
        if (!page.length) break
        after = page[page.length - 1]!.seq
        for (const e of page) {
          foldIntoFacts(facts, e)
          const agent = e.conversationId ? undefined : foldAgentState(agents.get(String(e.data?.agentId)), e)
          if (agent) agents.set(agent.agentId, agent)
        }
        if (page.length < BACKFILL_PAGE) break
      }
      await tx.table('facts').bulkPut([...facts.values()])
      await tx.table('agentStates').bulkPut([...agents.values()])
      // Before this version the search index was written with each frame: it holds every stored event.
      const last = await tx.table<KvRow, string>('kv').get(Kv.lastSeq)
      await tx.table<KvRow, string>('kv').put({ key: Kv.searchSeq, value: typeof last?.value === 'number' ? last.value : 0 })
    })
  // The log in chunks (eventLog.ts) rather than a row per event, and the facts in pages
  // (factPages.ts) rather than a row per conversation: a first sync writes a row per few hundred
  // events and one per conversation (its inbox row). The events this device holds are copied once,
  // a page at a time; each fact held becomes a page of its own, as for a conversation whose row
  // names no page. The old tables are emptied and stay declared (y-dexie cannot open a database
  // whose schema deletes a table). The inbox rows get `rowSeq`, so that the inbox re-reads the rows a
  // frame wrote rather than all of them.
  db.version(6)
    .stores({ log: 'first, last, *conversationIds', factPages: 'key, seq', conversations: 'id, lastActivityAt, status, [status+assigneeId], [channel+status], rowSeq' })
    .upgrade(async (tx) => {
      const facts = tx.table<ConversationFact, string>('facts')
      await tx.table<FactPage, string>('factPages').bulkPut((await facts.toArray()).map((f) => ({ key: ownPageKey(f.id), seq: typeof f.seq === 'number' ? f.seq : 0, facts: [f] })))
      await facts.clear()
      const events = tx.table<StoredEvent, number>('events')
      const log = tx.table<LogChunk, number>('log')
      let after = -Infinity
      for (;;) {
        const page = await events.where('seq').above(after).limit(BACKFILL_PAGE).toArray()
        if (!page.length) break
        after = page[page.length - 1]!.seq
        await log.bulkPut(chunksOf(page))
        if (page.length < BACKFILL_PAGE) break
      }
      await events.clear()
    })
  // The search index in runs (one row per token and indexed batch) rather than an entry per token
  // and event: a million events made ten million rows, written at ten thousand a second. The old
  // entries are dropped and the index is built again from the log, behind it as on a new device.
  db.version(7)
    .stores({ searchRuns: '' })
    .upgrade(async (tx) => {
      await tx.table('searchPostings').clear()
      await tx.table<KvRow, string>('kv').put({ key: Kv.searchSeq, value: 0 })
    })
  // The inbox counts by status from the [channel+status] index (every row has a channel): the
  // status index cost a write per row and frame for nothing, a tenth of a first sync's row writes.
  db.version(8).stores({ conversations: 'id, lastActivityAt, [status+assigneeId], [channel+status], rowSeq' })
  return db
}

/** Events read per step while backfilling the search index: bounded memory on a long log. */
const BACKFILL_PAGE = 2000

/** Adds entries to the search index of versions 2 to 6 (`[token, -seq]` keys, no values): its backfill only. */
async function putPostings(table: Table, keys: readonly [string, number][]): Promise<void> {
  // Dexie's types do not know compound outbound keys; IndexedDB takes arrays as keys.
  if (keys.length) await table.bulkPut(new Array<0>(keys.length).fill(0), keys as unknown as IndexableTypeArrayReadonly)
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
