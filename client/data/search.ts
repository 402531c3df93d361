/**
 * Local full-text search over the events this device holds (works offline). The index is a
 * table of runs of each token's entries (searchIndexer.ts) filled a little behind the events (its
 * cursor is `kv.searchSeq`); a query reads a bounded slice of each of its words' entries, newest
 * first, intersects them in memory, and only re-reads event texts when a word is too
 * common to read whole. Events stored but not indexed yet are matched by their text.
 */
import { Dexie } from 'dexie'
import { Kv, type ParleyDb, type StoredEvent } from './db.ts'
import { eventsBySeq, newestEventsAfter, type ChunkCache } from './eventLog.ts'
import { isEmptyQuery, matchesText, parseQuery, rankHits, searchableText, type RankedResult, type SearchHit, type SearchQuery } from './searchText.ts'

/**
 * Entries read per word at first. A word with fewer entries is read whole; a more common word's
 * newest entries are exact down to the oldest of them, so the intersection above that point is
 * exact too, and only older candidates need their text confirmed. 2,000 keys are a few
 * milliseconds of `getAllKeys`, which keeps a query on 100,000 messages inside its 100 ms budget.
 */
export const POSTINGS_PER_TERM = 2000
/** Events read per step when hits must be confirmed against their text. */
const VERIFY_BATCH = 250
/**
 * When the words are common, candidates are read (and confirmed) newest first until this much
 * time has passed; the results are then marked partial rather than keeping the agent waiting.
 */
const VERIFY_BUDGET_MS = 50
/** Conversations returned at most: more than anyone scrolls through. */
export const MAX_RESULTS = 50
/**
 * Events above the index's cursor matched by their text at most. Live, the index is one frame
 * behind (a few events); during a first sync it can be far behind, and the newest of what it has
 * not reached are read (a few milliseconds), the rest left out and the results marked partial.
 */
export const UNINDEXED_SCAN_MAX = 2000

/** A conversation found, with its visitor's name from the index. */
export type FoundConversation = RankedResult & { visitorName: string }

export interface SearchResults {
  query: SearchQuery
  results: FoundConversation[]
  /** Some candidates were left unchecked to stay fast; a longer query narrows it down. */
  partial: boolean
}

interface Term {
  word: string
  prefix: boolean
}

/**
 * The newest entries of one word (or of every word with a prefix), as event sequence numbers, at
 * most `limit`; `afterNegSeq` continues a word's entries below sequence number `-afterNegSeq`. The
 * index holds runs (searchIndexer.ts): a run keyed `[word, -oldest]` above `[word, afterNegSeq]`
 * is one whose oldest entry is below that, and its newer entries are left out here.
 */
async function postingsOf(db: ParleyDb, term: Term, limit: number, afterNegSeq = -Infinity): Promise<number[]> {
  const table = db.searchRuns
  const range = term.prefix
    ? table.where(':id').between([term.word, Dexie.minKey], [term.word + '\uffff', Dexie.minKey], true, false)
    : table.where(':id').between([term.word, afterNegSeq], [term.word, Dexie.maxKey], false, true)
  const below = -afterNegSeq
  const out: number[] = []
  await range
    .until(() => out.length >= limit)
    .each((seqs: number[]) => {
      if (!Array.isArray(seqs)) return
      for (const seq of seqs) {
        if (out.length >= limit) break
        if (typeof seq === 'number' && seq < below) out.push(seq)
      }
    })
  return out
}

function hitOf(event: StoredEvent | undefined, q: SearchQuery, verify: boolean): SearchHit | null {
  if (!event?.conversationId) return null
  const text = searchableText(event)
  if (text === null) return null
  if (verify && !matchesText(text, q)) return null
  return {
    seq: event.seq,
    conversationId: event.conversationId,
    at: event.at,
    field: event.type === 'message' ? 'message' : 'visitor',
    text,
  }
}

/** Searches every message, visitor name and email this device holds. */
export async function searchMessages(db: ParleyDb, input: string, limit = MAX_RESULTS, now: () => number = () => performance.now()): Promise<SearchResults> {
  const query = parseQuery(input)
  if (isEmptyQuery(query)) return { query, results: [], partial: false }
  const started = now()
  const terms: Term[] = [...query.exact.map((word) => ({ word, prefix: false })), ...(query.prefix ? [{ word: query.prefix, prefix: true }] : [])]

  return db.transaction('r', [db.searchRuns, db.log, db.conversations, db.kv], async () => {
    const [cursor, last] = await db.kv.bulkGet([Kv.searchSeq, Kv.lastSeq])
    // No cursor yet: nothing indexed (a database older than the indexer got its cursor when upgraded).
    const lastSeq = typeof last?.value === 'number' ? last.value : 0
    const searchSeq = typeof cursor?.value === 'number' ? cursor.value : 0
    const hits: SearchHit[] = []
    const conversations = new Set<string>()
    let partial = false
    if (searchSeq < lastSeq) {
      const unindexed = await newestEventsAfter(db, searchSeq, UNINDEXED_SCAN_MAX + 1)
      if (unindexed.length > UNINDEXED_SCAN_MAX) partial = true
      for (const e of unindexed.slice(0, UNINDEXED_SCAN_MAX)) {
        const hit = hitOf(e, query, true)
        if (!hit) continue
        hits.push(hit)
        conversations.add(hit.conversationId)
      }
    }
    const lists = (await Promise.all(terms.map((t) => postingsOf(db, t, POSTINGS_PER_TERM + 1)))).map((seqs, i) => {
      const term = terms[i]!
      const complete = seqs.length <= POSTINGS_PER_TERM
      const kept = complete ? seqs : seqs.slice(0, POSTINGS_PER_TERM)
      // A whole word's slice is its newest entries, so it is exact down to its oldest one. A
      // prefix's slice is alphabetical: it says nothing about what it left out.
      return { term, seqs: kept, complete, floor: complete ? -Infinity : term.prefix ? NaN : kept[kept.length - 1]! }
    })
    const exactLists = lists.filter((l) => !Number.isNaN(l.floor))

    let candidates: number[]
    /** Whether candidates must be confirmed against their text (some word's slice is not exact). */
    let verify: boolean
    /** Below this, nothing was intersected yet: the walk continues there, confirming each text. */
    let floor = -Infinity
    let driver: Term | null = null
    let rest: number[] | null = null
    if (!exactLists.length) {
      // A lone, very common prefix: its slice is all there is to show.
      candidates = [...lists[0]!.seqs].sort((a, b) => b - a)
      verify = false
    } else {
      floor = Math.max(...exactLists.map((l) => l.floor))
      // Smallest first: the intersection starts small, and the rarest complete word comes first.
      exactLists.sort((a, b) => Number(b.complete) - Number(a.complete) || a.seqs.length - b.seqs.length)
      let set = exactLists[0]!.seqs.filter((s) => s >= floor)
      for (const l of exactLists.slice(1)) {
        if (!set.length) break
        const other = new Set(l.seqs)
        set = set.filter((s) => other.has(s))
      }
      candidates = set.sort((a, b) => b - a)
      verify = exactLists.length < lists.length
      if (floor > -Infinity) {
        const rarest = exactLists.find((l) => l.complete)
        if (rarest) rest = rarest.seqs.filter((s) => s < floor).sort((a, b) => b - a)
        else driver = exactLists.find((l) => l.floor === floor)!.term
      }
    }

    let pos = 0
    let walked = 0
    const chunks: ChunkCache = new Map()
    for (;;) {
      if (pos >= candidates.length && rest) {
        // Below what the slices cover, the rarest word's whole list is known: confirm the rest of it.
        candidates = rest
        rest = null
        driver = null
        pos = 0
        verify = true
      }
      if (pos >= candidates.length) {
        if (!driver) break
        // Past what the slices cover: read on through one word's entries, confirming each text.
        const more = await postingsOf(db, driver, POSTINGS_PER_TERM, -floor)
        if (!more.length) break
        candidates = more
        pos = 0
        verify = lists.length > 1
        floor = more[more.length - 1]!
        if (more.length < POSTINGS_PER_TERM) driver = null
      }
      if (walked > 0 && now() - started > VERIFY_BUDGET_MS) {
        partial = true
        break
      }
      // The first step reads about as many events as results are wanted; confirming reads more at a time.
      const size = verify ? VERIFY_BATCH : Math.max(limit - conversations.size, 1) * 2
      const batch = candidates.slice(pos, pos + size)
      pos += batch.length
      walked += batch.length
      for (const e of await eventsBySeq(db, batch, chunks)) {
        const hit = hitOf(e, query, verify)
        if (!hit) continue
        hits.push(hit)
        conversations.add(hit.conversationId)
      }
      if (conversations.size >= limit) break
    }
    const ranked = rankHits(hits, limit)
    const rows = await db.conversations.bulkGet(ranked.map((r) => r.conversationId))
    return { query, results: ranked.map((r, i) => ({ ...r, visitorName: rows[i]?.visitorName ?? '' })), partial }
  })
}
