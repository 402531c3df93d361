/**
 * Folding the workspace event log into the local inbox index and the search index.
 * `indexConversation` (conversationIndex.ts) is pure (one row, one event); `applyEvents` stores
 * one frame of events in one transaction, so that a crash or a closed tab never leaves either
 * index ahead of or behind `lastSeq`.
 */
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import { indexConversation } from './conversationIndex.ts'
import { Kv, putPostings, readLastSeq, type ConversationRow, type ParleyDb } from './db.ts'
import { postingKeysOf } from './searchText.ts'

export { indexConversation } from './conversationIndex.ts'

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/**
 * Stores a frame of events and everything derived from them in one transaction; events at or
 * below the stored `lastSeq` are skipped, so replaying a frame changes nothing. `frameLast` is
 * the frame's `last`: the server moves it past events this agent may not see, so that they are
 * not asked for again. Returns the new `lastSeq`.
 */
export async function applyEvents(db: ParleyDb, events: readonly LogEvent[], me: string, frameLast = 0): Promise<number> {
  return db.transaction('rw', [db.events, db.conversations, db.sentIds, db.pending, db.kv, db.searchPostings], async () => {
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
    const postings: [string, number][] = []

    for (const event of fresh) {
      const id = event.conversationId
      const next = indexConversation(id ? rows.get(id) : undefined, event, me)
      if (next) {
        rows.set(next.id, next)
        touched.add(next.id)
      }
      const messageId = str(event.data.messageId)
      if (event.type === EventType.message && id && messageId) sent.push({ messageId, conversationId: id })
      for (const k of postingKeysOf(event)) postings.push(k)
    }

    await db.events.bulkPut(fresh.map((e) => ({ ...e })))
    if (touched.size) await db.conversations.bulkPut([...touched].map((id) => rows.get(id)!))
    if (sent.length) {
      await db.sentIds.bulkPut(sent)
      await db.pending.bulkDelete(sent.map((s) => s.messageId))
    }
    await putPostings(db.searchPostings, postings)
    await db.kv.put({ key: Kv.lastSeq, value: newSeq })
    return newSeq
  })
}

/** Forgets the event log and everything derived from it (the server's log was reset). */
export async function resetEventLog(db: ParleyDb): Promise<void> {
  await db.transaction('rw', [db.events, db.conversations, db.sentIds, db.kv, db.searchPostings], async () => {
    await db.events.clear()
    await db.searchPostings.clear()
    await db.conversations.clear()
    await db.sentIds.clear()
    await db.kv.put({ key: Kv.lastSeq, value: 0 })
  })
}
