/**
 * The reports' facts (shared/reports/facts.ts) as stored on the device: in pages of the
 * conversations created close together, one row per page. IndexedDB costs about a tenth of a
 * millisecond per row written whatever its size, and a first sync writes every conversation's
 * inbox row already; a fact row each on top of it doubled that. A page holds the facts of the
 * conversations whose `conversation.created` falls in one run of FACT_PAGE_SEQS sequence numbers
 * (they arrive together in a first sync, and a live event rewrites one small page).
 *
 * A conversation's page is named on its inbox row (`factPage`), set when the row is made from its
 * creation. A conversation whose creation this device never saw, or whose row is older than
 * pages, has a page of its own (`c:<id>`), so every fact has exactly one page, found without
 * searching. A page or an entry that storage damaged is folded afresh from the log and stored
 * again, never counted as it is.
 */
import { factsFromLog, isFact, type ConversationFact } from '../../shared/reports/facts.ts'
import type { ConversationRow, ParleyDb } from './db.ts'
import { conversationEvents } from './eventLog.ts'

export interface FactPage {
  key: string
  /** The highest `seq` of its facts: the reports worker reads the pages above what it holds. */
  seq: number
  facts: ConversationFact[]
}

/** Sequence numbers of creations per page: about fifty conversations on a supervisor's device (ten events each). */
export const FACT_PAGE_SEQS = 512

/** The page of a conversation created at this sequence number. */
export const bornPageKey = (createdSeq: number): string => `s:${Math.floor(createdSeq / FACT_PAGE_SEQS)}`

/** The page of a conversation whose creation was not seen here (or whose row is older than pages). */
export const ownPageKey = (conversationId: string): string => `c:${conversationId}`

/** The page that holds a conversation's fact. */
export const pageKeyOf = (id: string, row: Pick<ConversationRow, 'factPage'> | undefined): string => row?.factPage ?? ownPageKey(id)

/** One conversation's fact folded afresh from the events this device holds (undefined: none concern facts). */
export async function rebuildFact(db: ParleyDb, conversationId: string): Promise<ConversationFact | undefined> {
  return factsFromLog(await conversationEvents(db, conversationId)).get(conversationId)
}

const isPage = (v: unknown): v is FactPage =>
  typeof v === 'object' && v !== null && typeof (v as FactPage).key === 'string' && Array.isArray((v as FactPage).facts)

/** A stored page as it can be used without repair: none stored yet, or whole; null when damaged. */
function soundPage(key: string, stored: unknown): FactPage | null {
  if (stored === undefined) return { key, seq: 0, facts: [] }
  return isPage(stored) && (stored.facts as unknown[]).every(isFact) ? stored : null
}

/**
 * A damaged page repaired: damaged entries (or the whole page) folded afresh from the log. Only
 * called for damage: inside a transaction, a run of awaits that reach no database loses Dexie's
 * hold on it, so the sound pages are checked without one (`soundPage`).
 */
async function repairedPage(db: ParleyDb, key: string, stored: unknown): Promise<FactPage> {
  let ids: string[]
  const kept: ConversationFact[] = []
  if (isPage(stored)) {
    const entries: unknown[] = stored.facts
    ids = []
    for (const f of entries) {
      if (isFact(f)) kept.push(f)
      else if (typeof (f as { id?: unknown })?.id === 'string') ids.push((f as { id: string }).id)
    }
  } else {
    // Nothing of it can be trusted, not even which conversations it held: their rows say.
    ids = key.startsWith('c:') ? [key.slice(2)] : ((await db.conversations.filter((r) => r.factPage === key).primaryKeys()) as string[])
  }
  for (const id of ids) {
    const rebuilt = await rebuildFact(db, id)
    if (rebuilt) kept.push(rebuilt)
  }
  console.warn('[facts] rebuilt damaged facts from the log', key, ids)
  const page = { key, seq: Math.max(0, ...kept.map((f) => f.seq)), facts: kept }
  await db.factPages.put(page)
  return page
}

/** The pages of these keys, checked; a repaired page is stored again. */
export async function readFactPages(db: ParleyDb, keys: readonly string[]): Promise<Map<string, FactPage>> {
  const pages = new Map<string, FactPage>()
  const stored = await db.factPages.bulkGet(keys as string[])
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    pages.set(key, soundPage(key, stored[i]) ?? (await repairedPage(db, key, stored[i])))
  }
  return pages
}

/** Checks pages read in bulk (the reports worker's reads): their facts, damaged ones rebuilt and stored again. */
export async function checkedFacts(db: ParleyDb, rows: readonly unknown[]): Promise<ConversationFact[]> {
  const out: ConversationFact[] = []
  for (const row of rows) {
    const key = typeof (row as { key?: unknown })?.key === 'string' ? (row as { key: string }).key : null
    if (!key) continue
    const page = soundPage(key, row) ?? (await repairedPage(db, key, row))
    for (const f of page.facts) out.push(f)
  }
  return out
}

/** The stored facts of these conversations (their rows name their pages), checked. */
export async function readFacts(db: ParleyDb, ids: readonly string[]): Promise<Map<string, ConversationFact>> {
  const rows = await db.conversations.bulkGet(ids as string[])
  const keys = [...new Set(ids.map((id, i) => pageKeyOf(id, rows[i])))]
  const wanted = new Set(ids)
  const facts = new Map<string, ConversationFact>()
  for (const page of (await readFactPages(db, keys)).values()) for (const f of page.facts) if (wanted.has(f.id)) facts.set(f.id, f)
  return facts
}
