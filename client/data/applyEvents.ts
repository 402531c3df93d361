/**
 * Folding the workspace event log into the local inbox index. `indexConversation` is pure (one
 * row, one event); `applyEvents` stores one frame of events in one transaction, so that a crash
 * or a closed tab never leaves the index ahead of or behind `lastSeq`.
 */
import { ConversationStatus, EventType, MessageKind, type LogEvent } from '../../shared/protocol.ts'
import { Kv, readLastSeq, type ConversationRow, type ParleyDb } from './db.ts'

const STATUSES = new Set<string>(Object.values(ConversationStatus))
const KINDS = new Set<string>(Object.values(MessageKind))

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

function emptyRow(id: string, at: number): ConversationRow {
  return {
    id,
    visitorName: '',
    channel: 'widget',
    status: 'waiting',
    assigneeId: null,
    lastText: '',
    lastKind: null,
    lastActivityAt: at,
    createdAt: at,
    messageCount: 0,
    unread: 0,
  }
}

/**
 * The inbox row after one event; `row` is undefined for a conversation not seen yet, and the
 * result is undefined when the event does not concern the inbox. `me` is the signed-in agent:
 * their own replies mark the conversation read.
 */
export function indexConversation(row: ConversationRow | undefined, event: LogEvent, me: string): ConversationRow | undefined {
  const id = event.conversationId ?? str(event.data.conversationId)
  if (!id) return undefined
  const d = event.data
  switch (event.type) {
    case EventType.conversationCreated: {
      const next = { ...(row ?? emptyRow(id, event.at)) }
      next.visitorName = str(d.visitorName) ?? next.visitorName
      next.channel = str(d.channel) ?? next.channel
      const status = str(d.status)
      if (status && STATUSES.has(status)) next.status = status as ConversationStatus
      if (!row) next.createdAt = event.at
      next.lastActivityAt = Math.max(next.lastActivityAt, event.at)
      return next
    }
    case EventType.message: {
      const next = { ...(row ?? emptyRow(id, event.at)) }
      const kind = str(d.kind)
      next.lastText = str(d.text) ?? ''
      next.lastKind = kind && KINDS.has(kind) ? (kind as MessageKind) : null
      next.lastAuthorId = str(d.authorId)
      next.lastActivityAt = Math.max(next.lastActivityAt, event.at)
      next.messageCount += 1
      if (kind === MessageKind.visitor) next.unread += 1
      else if (kind === MessageKind.agent && d.authorId === me) next.unread = 0
      if (!next.visitorName && kind === MessageKind.visitor) next.visitorName = str(d.authorName) ?? ''
      return next
    }
    case EventType.statusChanged: {
      const status = str(d.status)
      if (!status || !STATUSES.has(status)) return undefined
      const next = { ...(row ?? emptyRow(id, event.at)) }
      next.status = status as ConversationStatus
      next.lastActivityAt = Math.max(next.lastActivityAt, event.at)
      return next
    }
    case EventType.assigned: {
      const next = { ...(row ?? emptyRow(id, event.at)) }
      next.assigneeId = str(d.assigneeId)
      return next
    }
    case EventType.visitorOnline:
    case EventType.visitorOffline: {
      if (!row) return undefined
      return { ...row, visitorOnline: event.type === EventType.visitorOnline }
    }
    default:
      // A newer server may log types this build does not know: keep them in the log, skip the index.
      return undefined
  }
}

/**
 * Stores a frame of events and everything derived from them in one transaction; events at or
 * below the stored `lastSeq` are skipped, so replaying a frame changes nothing. `frameLast` is
 * the frame's `last`: the server moves it past events this agent may not see, so that they are
 * not asked for again. Returns the new `lastSeq`.
 */
export async function applyEvents(db: ParleyDb, events: readonly LogEvent[], me: string, frameLast = 0): Promise<number> {
  return db.transaction('rw', [db.events, db.conversations, db.sentIds, db.pending, db.kv], async () => {
    const lastSeq = await readLastSeq(db)
    const fresh = events.filter((e) => Number.isSafeInteger(e.seq) && e.seq > lastSeq).sort((a, b) => a.seq - b.seq)
    const newSeq = Math.max(lastSeq, fresh.length ? fresh[fresh.length - 1]!.seq : 0, Number.isSafeInteger(frameLast) ? frameLast : 0)
    if (fresh.length === 0) {
      if (newSeq > lastSeq) await db.kv.put({ key: Kv.lastSeq, value: newSeq })
      return newSeq
    }

    // Read every touched row once, fold all events in memory, write each row once.
    const ids = [...new Set(fresh.map((e) => e.conversationId).filter((id): id is string => typeof id === 'string'))]
    const rows = new Map<string, ConversationRow>()
    const existing = await db.conversations.bulkGet(ids)
    existing.forEach((row) => row && rows.set(row.id, row))
    const touched = new Set<string>()
    const sent: { messageId: string; conversationId: string }[] = []

    for (const event of fresh) {
      const id = event.conversationId
      const next = indexConversation(id ? rows.get(id) : undefined, event, me)
      if (next) {
        rows.set(next.id, next)
        touched.add(next.id)
      }
      const messageId = str(event.data.messageId)
      if (event.type === EventType.message && id && messageId) sent.push({ messageId, conversationId: id })
    }

    await db.events.bulkPut(fresh.map((e) => ({ ...e })))
    if (touched.size) await db.conversations.bulkPut([...touched].map((id) => rows.get(id)!))
    if (sent.length) {
      await db.sentIds.bulkPut(sent)
      await db.pending.bulkDelete(sent.map((s) => s.messageId))
    }
    await db.kv.put({ key: Kv.lastSeq, value: newSeq })
    return newSeq
  })
}

/** Forgets the event log and everything derived from it (the server's log was reset). */
export async function resetEventLog(db: ParleyDb): Promise<void> {
  await db.transaction('rw', [db.events, db.conversations, db.sentIds, db.kv], async () => {
    await db.events.clear()
    await db.conversations.clear()
    await db.sentIds.clear()
    await db.kv.put({ key: Kv.lastSeq, value: 0 })
  })
}
