/**
 * How the inbox reads the local index. Without reading every row: the census behind the tab
 * counts, from IndexedDB's own counts over indexes, and the top of a list by activity, through the
 * activity index. With ten thousand conversations on the device these take milliseconds where
 * reading every row takes half a second, so the inbox shows its first screen from them. Then every
 * row, a page at a time, followed as it changes.
 */
import { cmp, Dexie, RangeSet, type IndexableType, type IntervalTree, type ObservabilitySet } from 'dexie'
import { ConversationStatus } from '../../shared/protocol.ts'
import type { ConversationRow, ParleyDb } from './db.ts'
import { inTab, resortByActivity, sortRows, type Census, type TabId } from './lists.ts'

const STATUSES = Object.values(ConversationStatus)
/** The statuses of conversations being worked on (the Unassigned and Mine lists). */
const ACTIVE = [ConversationStatus.waiting, ConversationStatus.open] as const

/** Counts the conversations by status, assignee and channel, in one read-only transaction. */
export function readCensus(db: ParleyDb, me: string): Promise<Census> {
  const t = db.conversations
  return db.transaction('r', t, async () => {
    const count = (index: string, key: IndexableType) => t.where(index).equals(key).count()
    // Any assignee: keys above [status, ''] (an empty id counts as none, as `inTab` has it).
    const held = (status: string) => t.where('[status+assigneeId]').between([status, ''], [status, Dexie.maxKey], false, true).count()
    const pairs = t.orderBy('[channel+status]').uniqueKeys() as Promise<unknown[]>
    const [total, heldActive, mineActive, channelPairs] = await Promise.all([
      t.count(),
      Promise.all(ACTIVE.map(held)),
      Promise.all(ACTIVE.map((s) => count('[status+assigneeId]', [s, me]))),
      pairs,
    ])
    const keys = channelPairs.filter((k): k is [string, ConversationStatus] => Array.isArray(k) && typeof k[0] === 'string' && typeof k[1] === 'string')
    const perPair = await Promise.all(keys.map((k) => count('[channel+status]', k)))
    const byChannel = new Map<string, Partial<Record<ConversationStatus, number>>>()
    // Every row has a channel: the counts by status are the sums of those by channel and status.
    const byStatus: Partial<Record<ConversationStatus, number>> = Object.fromEntries(STATUSES.map((s) => [s, 0]))
    keys.forEach(([channel, status], i) => {
      byChannel.set(channel, { ...byChannel.get(channel), [status]: perPair[i]! })
      byStatus[status] = (byStatus[status] ?? 0) + perPair[i]!
    })
    return {
      total,
      byStatus,
      heldActive: heldActive[0]! + heldActive[1]!,
      mineActive: mineActive[0]! + mineActive[1]!,
      byChannel,
    }
  })
}

/** The top of a list; `partial` when the walk stopped at its bound before finding `limit` rows or the end. */
export interface ListHead {
  rows: ConversationRow[]
  partial: boolean
}

/**
 * The first conversations of a list by latest activity, walking the activity index newest first
 * and stopping after `limit` matches or `scan` rows. The rows are the exact top of the list (fewer
 * when the walk was cut short), except that of rows tied on their last activity at the cut, not
 * necessarily the first by id made it in.
 */
export async function readListHead(db: ParleyDb, tab: TabId, me: string, limit: number, scan: number): Promise<ListHead> {
  let seen = 0
  const rows: ConversationRow[] = []
  await db.conversations
    .orderBy('lastActivityAt')
    .reverse()
    .until(() => seen >= scan || rows.length >= limit)
    .each((row) => {
      seen++
      if (inTab(row, tab, me)) rows.push(row)
    })
  return { rows: sortRows(rows, 'activity'), partial: rows.length < limit && seen >= scan }
}

/** Rows per read of `readAllConversations`: each page is turned into objects in a task of its own, a few milliseconds. */
const PAGE = 2000

/**
 * Every conversation, a page at a time in one read-only transaction, so that no single task
 * unpacks ten thousand rows. (In a transaction of its own the read also bypasses Dexie's query
 * cache, which would deep-copy every row for every reader; the caller shares one read.)
 */
export function readAllConversations(db: ParleyDb): Promise<ConversationRow[]> {
  const t = db.conversations
  return db.transaction('r', t, async () => {
    let page = await t.limit(PAGE).toArray()
    const rows = page
    while (page.length === PAGE) {
      page = await t.where(':id').above(page[PAGE - 1]!.id).limit(PAGE).toArray()
      for (const row of page) rows.push(row)
    }
    return rows
  })
}

/** Past this many changed rows, reading them one by one is not cheaper than reading them all. */
const MAX_PATCHED_ROWS = 500

/**
 * Calls `onRows` with every conversation, newest activity first (every list's default order, so
 * that switching lists filters without sorting), now and after each change to them (in this tab or
 * another), until the returned function is called; the order is kept as rows change rather than
 * sorted again (`resortByActivity`). After the first read, a change to a few rows
 * (a message, a row marked read) re-reads only those rows: Dexie says which primary keys each
 * committed transaction touched. A change it names as a range (a frame of events writing fifty
 * rows or more, as a catch-up does) re-reads the rows written since the newest frame held (the
 * `rowSeq` index); when the table then holds another number of rows than that makes (rows
 * deleted, or written by something else), and after a change it cannot name at all (a table
 * cleared, a page restored from the back-forward cache), everything is read again.
 *
 * Unlike a plain live query, a read is never dropped and restarted when a change lands while it
 * runs (while the feed catches up on a long log, changes land faster than ten thousand rows are
 * read, and the reads would both never finish and keep the writers waiting): reads follow one
 * another, and each waits as long as the last one took, so that writers have the database at
 * least half the time.
 */
export function followAllConversations(db: ParleyDb, onRows: (rows: ConversationRow[]) => void): () => void {
  const table = `idb://${db.name}/conversations/`
  let rows: Map<string, ConversationRow> | null = null
  /** The newest frame whose rows are held. */
  let heldSeq = 0
  let readAll = true
  let readWritten = false
  const changed = new Set<string>()
  let reading = false
  let stopped = false

  /** The rows held, newest activity first (every list's default order): kept in order as rows change, not sorted again. */
  let sorted: ConversationRow[] = []
  /** Rows read since the last call, and ids gone. */
  let moved: ConversationRow[] = []
  const gone = new Set<string>()
  const keep = (row: ConversationRow) => {
    rows!.set(row.id, row)
    if (typeof row.rowSeq === 'number' && row.rowSeq > heldSeq) heldSeq = row.rowSeq
  }
  const hold = (row: ConversationRow) => {
    keep(row)
    moved.push(row)
  }
  const drop = (id: string) => {
    if (rows!.delete(id)) gone.add(id)
  }

  async function readWhileStale(): Promise<void> {
    reading = true
    while ((readAll || readWritten || changed.size) && !stopped) {
      const start = performance.now()
      try {
        if (readAll || !rows) {
          readAll = false
          readWritten = false
          changed.clear()
          const all = await readAllConversations(db)
          rows = new Map()
          heldSeq = 0
          for (const row of all) keep(row)
          sorted = sortRows(all, 'activity')
          moved = []
          gone.clear()
        } else {
          const ids = [...changed]
          changed.clear()
          if (ids.length) {
            const got = await db.conversations.bulkGet(ids)
            ids.forEach((id, i) => (got[i] ? hold(got[i]!) : drop(id)))
          }
          if (readWritten) {
            readWritten = false
            const [written, count] = await db.transaction('r', db.conversations, async () => [await db.conversations.where('rowSeq').above(heldSeq).toArray(), await db.conversations.count()] as const)
            for (const row of written) hold(row)
            if (count !== rows.size) {
              readAll = true
              continue
            }
          }
        }
        if (moved.length || gone.size) {
          // The newest copy of a row read twice (by key, then as written) wins.
          sorted = resortByActivity(sorted, [...new Map(moved.map((r) => [r.id, r])).values()], gone)
          moved = []
          gone.clear()
        }
        if (!stopped) onRows(sorted)
      } catch (err) {
        if (!stopped) console.error('[inbox] reading the conversations failed', err)
      }
      await new Promise((resolve) => setTimeout(resolve, performance.now() - start))
    }
    reading = false
  }

  const onMutated = (parts: ObservabilitySet) => {
    if (stopped) return
    if ('all' in parts) readAll = true
    else if (parts[table]) noteKeys(parts[table])
    else return
    if (!reading) void readWhileStale()
  }
  /** The primary keys a transaction touched: single keys are re-read; a range means the rows written since. */
  function noteKeys(tree: IntervalTree): void {
    if (readAll) return
    for (const node of RangeSet(tree)) {
      if (cmp(node.from, node.to) !== 0 || typeof node.from !== 'string') readWritten = true
      else if (changed.size < MAX_PATCHED_ROWS) changed.add(node.from)
      else {
        readAll = true
        return
      }
    }
  }
  Dexie.on('storagemutated', onMutated)
  void readWhileStale()
  return () => {
    stopped = true
    Dexie.on('storagemutated').unsubscribe(onMutated)
  }
}
