/**
 * The search index, built behind the event log. applyEvents stores events (and the inbox) first;
 * this indexes what is stored, a batch at a time, and moves its own cursor (`kv.searchSeq`) in the
 * same transaction as the postings it writes, so the index is never missing an event below the
 * cursor, whatever crash or closed tab interrupts it. search.ts reads events above the cursor by
 * their text, so a search is exact while the index is a little behind.
 */
import type { IndexableTypeArrayReadonly } from 'dexie'
import type { LogEvent } from '../../shared/protocol.ts'
import { Kv, type ParleyDb } from './db.ts'
import { eventsAfter } from './eventLog.ts'
import { postingKeysOf } from './searchText.ts'

/**
 * The index rows of a run of events (sorted by sequence number): for each token, the sequence
 * numbers of the events holding it, newest first, keyed `[token, -oldest]` (pure).
 */
export function searchRunsOf(events: readonly LogEvent[]): { keys: [string, number][]; values: number[][] } {
  const byToken = new Map<string, number[]>()
  for (const e of events) {
    for (const [token, negSeq] of postingKeysOf(e)) {
      const seqs = byToken.get(token)
      if (!seqs) byToken.set(token, [-negSeq])
      else if (seqs[seqs.length - 1] !== -negSeq) seqs.push(-negSeq)
    }
  }
  const keys: [string, number][] = []
  const values: number[][] = []
  for (const [token, seqs] of byToken) {
    keys.push([token, -seqs[0]!])
    values.push(seqs.reverse())
  }
  return { keys, values }
}

/**
 * Events indexed per transaction: a row per token of the batch (a few thousand), a fraction of a
 * second of the worker's time, which is how long a frame that arrives meanwhile waits for its turn.
 */
export const SEARCH_INDEX_BATCH = 2000

/** Reads the search cursor: every stored event at or below it is in the index. */
export async function readSearchSeq(db: ParleyDb): Promise<number> {
  const row = await db.kv.get(Kv.searchSeq)
  return typeof row?.value === 'number' ? row.value : 0
}

/**
 * Indexes up to `limit` stored events above the cursor in one transaction. Returns where the
 * cursor and the log stand, and whether the index has caught up with the log.
 */
export async function indexSearchBatch(db: ParleyDb, limit = SEARCH_INDEX_BATCH): Promise<{ searchSeq: number; lastSeq: number; done: boolean }> {
  return db.transaction('rw', [db.log, db.kv, db.searchRuns], async () => {
    const [cursor, last] = await db.kv.bulkGet([Kv.searchSeq, Kv.lastSeq])
    const lastSeq = typeof last?.value === 'number' ? last.value : 0
    const from = typeof cursor?.value === 'number' ? cursor.value : 0
    if (from >= lastSeq) return { searchSeq: from, lastSeq, done: true }
    const page = await eventsAfter(db, from, limit)
    const { keys, values } = searchRunsOf(page)
    // Dexie's types do not know compound outbound keys; IndexedDB takes arrays as keys.
    if (keys.length) await db.searchRuns.bulkPut(values, keys as unknown as IndexableTypeArrayReadonly)
    // A short page is everything stored: the cursor joins lastSeq (past events this agent may not see).
    const searchSeq = page.length < limit ? lastSeq : page[page.length - 1]!.seq
    await db.kv.put({ key: Kv.searchSeq, value: searchSeq })
    return { searchSeq, lastSeq, done: searchSeq >= lastSeq }
  })
}

