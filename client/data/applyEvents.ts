/**
 * Folding the workspace event log into the local inbox index.
 * `indexConversation` (conversationIndex.ts) is pure (one row, one event); `applyEvents` stores
 * one frame of events in one transaction, so that a crash or a closed tab never leaves the
 * index ahead of or behind `lastSeq`. The search index follows on its own cursor, in its own
 * transactions (searchIndexer.ts), so that a first sync fills the inbox first.
 */
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import { foldAgentState, isAgentStateEvent, type AgentState } from '../../shared/reports/agentStates.ts'
import { factsFromLog, foldIntoFacts, isFact, type ConversationFact } from '../../shared/reports/facts.ts'
import { indexConversation } from './conversationIndex.ts'
import { conversationEvents, putEvents } from './eventLog.ts'
import { Kv, readLastSeq, type ConversationRow, type ParleyDb } from './db.ts'

export { indexConversation } from './conversationIndex.ts'

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/**
 * Stores a frame of events and everything derived from them in one transaction; events at or
 * below the stored `lastSeq` are skipped, so replaying a frame changes nothing. `frameLast` is
 * the frame's `last`: the server moves it past events this agent may not see, so that they are
 * not asked for again. Returns the new `lastSeq`.
 */
export async function applyEvents(db: ParleyDb, events: readonly LogEvent[], me: string, frameLast = 0): Promise<number> {
  return db.transaction('rw', [db.log, db.conversations, db.sentIds, db.pending, db.kv, db.facts, db.agentStates], async () => {
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
    const facts = await readFacts(db, ids)
    const factsTouched = new Set<string>()
    const agentIds = [...new Set(fresh.filter(isAgentStateEvent).map((e) => String(e.data.agentId)))]
    const agents = new Map<string, AgentState>()
    if (agentIds.length) (await db.agentStates.bulkGet(agentIds)).forEach((a) => a && agents.set(a.agentId, a))
    const agentsTouched = new Set<string>()
    const sent: { messageId: string; conversationId: string }[] = []
    // Only this device's own replies can be waiting for the server (a handful at most): the log
    // notes those as sent, and a supervisor's million other messages cost no writes here.
    const waiting = new Set((await db.pending.toCollection().primaryKeys()) as string[])

    for (const event of fresh) {
      const id = event.conversationId
      const next = indexConversation(id ? rows.get(id) : undefined, event, me)
      if (next) {
        rows.set(next.id, next)
        touched.add(next.id)
      }
      // The rows were just read (or are new): folded in place, not copied per event.
      const fact = foldIntoFacts(facts, event)
      if (fact) factsTouched.add(fact.id)
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

    await putEvents(db, fresh)
    if (touched.size) await db.conversations.bulkPut([...touched].map((id) => rows.get(id)!))
    if (factsTouched.size) await db.facts.bulkPut([...factsTouched].map((id) => facts.get(id)!))
    if (agentsTouched.size) await db.agentStates.bulkPut([...agentsTouched].map((id) => agents.get(id)!))
    if (sent.length) {
      await db.sentIds.bulkPut(sent)
      const done = sent.filter((s) => waiting.has(s.messageId)).map((s) => s.messageId)
      if (done.length) await db.pending.bulkDelete(done)
    }
    await db.kv.put({ key: Kv.lastSeq, value: newSeq })
    return newSeq
  })
}

/**
 * A fact as read from storage, checked: a row that is not a fact (damaged storage, an older shape)
 * is folded afresh from this device's log and stored again (or removed, when no event of the log
 * makes a fact of it), never folded into or counted as it is. Resolves with the fact to use.
 */
export async function checkedFact(db: ParleyDb, row: unknown): Promise<ConversationFact | undefined> {
  if (isFact(row)) return row
  const id = typeof (row as { id?: unknown })?.id === 'string' ? (row as { id: string }).id : null
  if (!id) return undefined
  const rebuilt = await rebuildFact(db, id)
  if (rebuilt) await db.facts.put(rebuilt)
  else await db.facts.delete(id)
  console.warn('[facts] rebuilt a damaged fact from the log', id)
  return rebuilt
}

/** The stored facts of these conversations, checked (`checkedFact`). */
export async function readFacts(db: ParleyDb, ids: readonly string[]): Promise<Map<string, ConversationFact>> {
  const facts = new Map<string, ConversationFact>()
  for (const row of await db.facts.bulkGet(ids as string[])) {
    const fact = row === undefined ? undefined : await checkedFact(db, row)
    if (fact) facts.set(fact.id, fact)
  }
  return facts
}

/** One conversation's fact folded afresh from the events this device holds (undefined: none concern facts). */
export async function rebuildFact(db: ParleyDb, conversationId: string): Promise<ConversationFact | undefined> {
  return factsFromLog(await conversationEvents(db, conversationId)).get(conversationId)
}

/** The number of times this device's log was forgotten (`resetEventLog`): readers holding facts in memory start again when it moves. */
export async function readLogEpoch(db: ParleyDb): Promise<number> {
  const row = await db.kv.get(Kv.logEpoch)
  return typeof row?.value === 'number' ? row.value : 0
}

/** Forgets the event log and everything derived from it (the server's log was reset). */
export async function resetEventLog(db: ParleyDb): Promise<void> {
  await db.transaction('rw', [db.log, db.conversations, db.sentIds, db.kv, db.searchPostings, db.facts, db.agentStates], async () => {
    await db.log.clear()
    await db.facts.clear()
    await db.agentStates.clear()
    await db.searchPostings.clear()
    await db.conversations.clear()
    await db.sentIds.clear()
    await db.kv.put({ key: Kv.lastSeq, value: 0 })
    await db.kv.put({ key: Kv.searchSeq, value: 0 })
    await db.kv.put({ key: Kv.logEpoch, value: (await readLogEpoch(db)) + 1 })
  })
}
