/**
 * The device's copy of the workspace event log, stored in chunks: one row holds a run of events in
 * sequence order (at most LOG_CHUNK_EVENTS), with the conversations they concern as a multi-entry
 * index. A supervisor's device holds a million events; IndexedDB writes about ten thousand rows a
 * second in Chromium, whatever their size, so one row per event capped the first sync there, and a
 * row per few hundred events leaves the rows of the inbox and the facts as the only per-item cost.
 *
 * Chunks never overlap and are written in sequence order (applyEvents stores only events above
 * `lastSeq`), so both `first` (the key) and `last` (an index) sort them. Every reader of stored
 * events goes through this module.
 */
import type { LogEvent } from '../../shared/protocol.ts'
import type { ParleyDb } from './db.ts'

/** A run of stored events, in sequence order. */
export interface LogChunk {
  /** The sequence number of its first event (the key). */
  first: number
  /** The sequence number of its last event. */
  last: number
  /** The conversations its events concern, each once (a multi-entry index). */
  conversationIds: string[]
  events: LogEvent[]
}

/**
 * Events per chunk at most: large enough that a first sync writes a few dozen rows a transaction,
 * small enough that reading one stored event (a search hit) reads tens of kilobytes, not megabytes.
 */
export const LOG_CHUNK_EVENTS = 256

/** Splits events sorted by sequence number into chunks (pure). */
export function chunksOf(events: readonly LogEvent[], size = LOG_CHUNK_EVENTS): LogChunk[] {
  const chunks: LogChunk[] = []
  for (let i = 0; i < events.length; i += size) {
    const run = events.slice(i, i + size)
    const ids = new Set<string>()
    for (const e of run) if (typeof e.conversationId === 'string') ids.add(e.conversationId)
    chunks.push({ first: run[0]!.seq, last: run[run.length - 1]!.seq, conversationIds: [...ids], events: run })
  }
  return chunks
}

/** Stores events sorted by sequence number and above every stored one (inside the caller's transaction). */
export async function putEvents(db: ParleyDb, events: readonly LogEvent[]): Promise<void> {
  if (events.length) await db.log.bulkPut(chunksOf(events))
}

/** Chunks read per step by the scans below. */
const SCAN_CHUNKS = 16

/**
 * The first `limit` stored events above `after`, in sequence order (all of them when `limit` is
 * not given).
 */
export async function eventsAfter(db: ParleyDb, after: number, limit = Infinity): Promise<LogEvent[]> {
  const out: LogEvent[] = []
  let cursor = after
  while (out.length < limit) {
    const chunks = await db.log.where('last').above(cursor).limit(SCAN_CHUNKS).toArray()
    for (const c of chunks) {
      for (const e of c.events) if (e.seq > after && out.length < limit) out.push(e)
      cursor = c.last
    }
    if (chunks.length < SCAN_CHUNKS) break
  }
  return out
}

/** The newest `limit` stored events above `after`, newest first. */
export async function newestEventsAfter(db: ParleyDb, after: number, limit: number): Promise<LogEvent[]> {
  const out: LogEvent[] = []
  let offset = 0
  while (out.length < limit) {
    const chunks = await db.log.where('last').above(after).reverse().offset(offset).limit(SCAN_CHUNKS).toArray()
    offset += chunks.length
    for (const c of chunks) {
      for (let i = c.events.length - 1; i >= 0 && out.length < limit; i--) {
        const e = c.events[i]!
        if (e.seq > after) out.push(e)
      }
    }
    if (chunks.length < SCAN_CHUNKS) break
  }
  return out
}

/** The newest stored event. */
export async function lastEvent(db: ParleyDb): Promise<LogEvent | undefined> {
  const chunk = await db.log.orderBy('first').last()
  return chunk?.events[chunk.events.length - 1]
}

/** One conversation's stored events (of one type, when given), in sequence order. */
export async function conversationEvents(db: ParleyDb, conversationId: string, type?: string): Promise<LogEvent[]> {
  const chunks = await db.log.where('conversationIds').equals(conversationId).sortBy('first')
  const out: LogEvent[] = []
  for (const c of chunks) for (const e of c.events) if (e.conversationId === conversationId && (type === undefined || e.type === type)) out.push(e)
  return out
}

/** Chunks already read by `eventsBySeq`, by their first sequence number: one search reads each once. */
export type ChunkCache = Map<number, LogChunk>

function findIn(chunk: LogChunk, seq: number): LogEvent | undefined {
  const events = chunk.events
  let lo = 0
  let hi = events.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const s = events[mid]!.seq
    if (s === seq) return events[mid]
    if (s < seq) lo = mid + 1
    else hi = mid - 1
  }
  return undefined
}

/** The stored events of these sequence numbers, in the same order (undefined where none is stored). */
export async function eventsBySeq(db: ParleyDb, seqs: readonly number[], cache: ChunkCache = new Map()): Promise<(LogEvent | undefined)[]> {
  const cached = (seq: number): LogChunk | undefined => {
    for (const c of cache.values()) if (c.first <= seq && seq <= c.last) return c
    return undefined
  }
  const out: (LogEvent | undefined)[] = []
  for (const seq of seqs) {
    let chunk = cached(seq)
    if (!chunk) {
      chunk = await db.log.where('last').aboveOrEqual(seq).first()
      if (chunk) cache.set(chunk.first, chunk)
    }
    out.push(chunk && chunk.first <= seq ? findIn(chunk, seq) : undefined)
  }
  return out
}

/** How many events are stored (reads every chunk: for tests and tools, not for views). */
export async function countEvents(db: ParleyDb): Promise<number> {
  let n = 0
  await db.log.each((c) => {
    n += c.events.length
  })
  return n
}
