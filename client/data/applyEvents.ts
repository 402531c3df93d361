/**
 * Folding the workspace event log into the local inbox index.
 * `indexConversation` (conversationIndex.ts) is pure (one row, one event); `applyEvents` stores
 * one frame of events in one transaction, so that a crash or a closed tab never leaves the
 * index ahead of or behind `lastSeq`. The search index follows on its own cursor, in its own
 * transactions (searchIndexer.ts), so that a first sync fills the inbox first.
 */
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import { foldAgentState, isAgentStateEvent, type AgentState } from '../../shared/reports/agentStates.ts'
import { foldIntoFacts, type ConversationFact } from '../../shared/reports/facts.ts'
import { indexConversation } from './conversationIndex.ts'
import { Kv, readLastSeq, type ConversationRow, type ParleyDb } from './db.ts'
import { putEvents } from './eventLog.ts'
import { bornPageKey, ownPageKey, pageKeyOf, readFactPages, type FactPage } from './factPages.ts'

export { indexConversation } from './conversationIndex.ts'

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/**
 * Stores a frame of events and everything derived from them in one transaction; events at or
 * below the stored `lastSeq` are skipped, so replaying a frame changes nothing. `frameLast` is
 * the frame's `last`: the server moves it past events this agent may not see, so that they are
 * not asked for again. Returns the new `lastSeq`.
 */
export async function applyEvents(db: ParleyDb, events: readonly LogEvent[], me: string, frameLast = 0): Promise<number> {
  return db.transaction('rw', [db.log, db.conversations, db.sentIds, db.pending, db.kv, db.factPages, db.agentStates], async () => {
    const lastSeq = await readLastSeq(db)
    const fresh = events.filter((e) => Number.isSafeInteger(e.seq) && e.seq > lastSeq).sort((a, b) => a.seq - b.seq)
    const newSeq = Math.max(lastSeq, fresh.length ? fresh[fresh.length - 1]!.seq : 0, Number.isSafeInteger(frameLast) ? frameLast : 0)
    if (fresh.length === 0) {
      if (newSeq > lastSeq) await db.kv.put({ key: Kv.lastSeq, value: newSeq })
      return newSeq
    }

    // Read every touched row and fact page once, fold all events in memory, write each once.
    const started = performance.now()
    // A conversation whose first event here is its creation has no row yet (the server logs
    // `conversation.created` before anything else of it): most of a first sync's conversations,
    // whose rows are not asked for. Its fact goes in the page of its creation.
    /** The fact page of each conversation of the frame. */
    const pageOf = new Map<string, string>()
    const ids: string[] = []
    for (const e of fresh) {
      const id = e.conversationId
      if (typeof id !== 'string' || pageOf.has(id)) continue
      pageOf.set(id, bornPageKey(e.seq))
      if (e.type !== EventType.conversationCreated) ids.push(id)
    }
    const rows = new Map<string, ConversationRow>()
    const existing = await db.conversations.bulkGet(ids)
    ids.forEach((id, i) => {
      const row = existing[i]
      if (row) rows.set(id, row)
      pageOf.set(id, pageKeyOf(id, row))
    })
    const touched = new Set<string>()
    const pages = await readFactPages(db, [...new Set(pageOf.values())])
    // Every fact of the pages read, each page's rewritten whole when one of its facts moves.
    const facts = new Map<string, ConversationFact>()
    for (const page of pages.values()) for (const f of page.facts) facts.set(f.id, f)
    const pagesTouched = new Set<string>()
    const agentIds = [...new Set(fresh.filter(isAgentStateEvent).map((e) => String(e.data.agentId)))]
    const agents = new Map<string, AgentState>()
    if (agentIds.length) (await db.agentStates.bulkGet(agentIds)).forEach((a) => a && agents.set(a.agentId, a))
    const agentsTouched = new Set<string>()
    const sent: { messageId: string; conversationId: string }[] = []
    // Only this device's own replies can be waiting for the server (a handful at most): the log
    // notes those as sent, and a supervisor's million other messages cost no writes here.
    const waiting = new Set((await db.pending.toCollection().primaryKeys()) as string[])

    const read = performance.now()
    for (const event of fresh) {
      const id = event.conversationId
      const next = indexConversation(id ? rows.get(id) : undefined, event, me)
      if (next) {
        rows.set(next.id, next)
        touched.add(next.id)
      }
      // The facts were just read (or are new): folded in place, not copied per event.
      const fact = foldIntoFacts(facts, event)
      if (fact) pagesTouched.add(pageOf.get(fact.id)!)
      if (!id) {
        const agent = foldAgentState(agents.get(String(event.data.agentId)), event)
        if (agent) {
          agents.set(agent.agentId, agent)
          agentsTouched.add(agent.agentId)
        }
      }
      const messageId = str(event.data.messageId)
      if (event.type === EventType.message && id && messageId && (event.data.authorId === me || waiting.has(messageId))) sent.push({ messageId, conversationId: id })
    }
    for (const id of touched) {
      const key = pageOf.get(id)
      const row = rows.get(id)!
      // A row made from its conversation's creation names the page of its fact.
      if (key && row.factPage === undefined && key !== ownPageKey(id)) row.factPage = key
      row.rowSeq = newSeq
    }

    const folded = performance.now()
    await putEvents(db, fresh)
    const logged = performance.now()
    if (touched.size) await db.conversations.bulkPut([...touched].map((id) => rows.get(id)!))
    const rowsWritten = performance.now()
    if (pagesTouched.size) {
      // A page holds the facts it had (folded in place), then those new to it in this frame.
      const written = new Map<string, FactPage>()
      for (const key of pagesTouched) written.set(key, { key, seq: 0, facts: [...(pages.get(key)?.facts ?? [])] })
      const had = new Set<string>()
      for (const page of written.values()) for (const f of page.facts) had.add(f.id)
      for (const [id, key] of pageOf) {
        const f = facts.get(id)
        if (f && !had.has(id)) written.get(key)?.facts.push(f)
      }
      for (const page of written.values()) page.seq = Math.max(0, ...page.facts.map((f) => f.seq))
      await db.factPages.bulkPut([...written.values()])
    }
    const pagesWritten = performance.now()
    if (agentsTouched.size) await db.agentStates.bulkPut([...agentsTouched].map((id) => agents.get(id)!))
    if (sent.length) {
      await db.sentIds.bulkPut(sent)
      const done = sent.filter((s) => waiting.has(s.messageId)).map((s) => s.messageId)
      if (done.length) await db.pending.bulkDelete(done)
    }
    await db.kv.put({ key: Kv.lastSeq, value: newSeq })
    // Where a frame's time goes (the profiler and the benchmarks read it); the commit comes after.
    performance.measure('parley:apply-events', {
      start: started,
      detail: { events: fresh.length, rows: touched.size, facts: pagesTouched.size, readMs: read - started, foldMs: folded - read, logMs: logged - folded, rowsMs: rowsWritten - logged, pagesMs: pagesWritten - rowsWritten, writeMs: performance.now() - folded },
    })
    return newSeq
  })
}

/** The number of times this device's log was forgotten (`resetEventLog`): readers holding facts in memory start again when it moves. */
export async function readLogEpoch(db: ParleyDb): Promise<number> {
  const row = await db.kv.get(Kv.logEpoch)
  return typeof row?.value === 'number' ? row.value : 0
}

/** Forgets the event log and everything derived from it (the server's log was reset). */
export async function resetEventLog(db: ParleyDb): Promise<void> {
  await db.transaction('rw', [db.log, db.conversations, db.sentIds, db.kv, db.searchRuns, db.factPages, db.agentStates], async () => {
    await db.log.clear()
    await db.factPages.clear()
    await db.agentStates.clear()
    await db.searchRuns.clear()
    await db.conversations.clear()
    await db.sentIds.clear()
    await db.kv.put({ key: Kv.lastSeq, value: 0 })
    await db.kv.put({ key: Kv.searchSeq, value: 0 })
    await db.kv.put({ key: Kv.logEpoch, value: (await readLogEpoch(db)) + 1 })
  })
}
