// A real IndexedDB implementation in Node, installed before Dexie looks for one.
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { createDb, type ConversationRow, type ParleyDb } from '../../client/data/db.ts'
import { followAllConversations } from '../../client/data/inboxQueries.ts'

function row(id: string, at: number, extra: Partial<ConversationRow> = {}): ConversationRow {
  return {
    id,
    visitorName: `Visitor ${id}`,
    channel: 'widget',
    status: 'waiting',
    assigneeId: null,
    lastText: 'hello',
    lastKind: 'visitor',
    lastActivityAt: at,
    createdAt: at,
    messageCount: 1,
    unread: 1,
    ...extra,
  } as ConversationRow
}

/** Counts the reads that reach the database: reads from the table's start (`query` over any key: a whole-table read begins so) and reads by key (`getMany`). */
function countReads(db: ParleyDb): { query: number; getMany: number } {
  const reads = { query: 0, getMany: 0 }
  db.use({
    stack: 'dbcore',
    name: 'countReads',
    create: (down) => ({
      ...down,
      table: (name) => {
        const t = down.table(name)
        if (name !== 'conversations') return t
        return {
          ...t,
          query: (req) => ((reads.query += req.query.range.type === ANY_KEY ? 1 : 0), t.query(req)),
          getMany: (req) => ((reads.getMany += 1), t.getMany(req)),
        }
      },
    }),
  })
  return reads
}

/** Follows the table; `next()` resolves with the next list it is handed. */
function follow(db: ParleyDb) {
  const seen: ConversationRow[][] = []
  const waiting: ((rows: ConversationRow[]) => void)[] = []
  const stop = followAllConversations(db, (rows) => {
    const w = waiting.shift()
    if (w) w(rows)
    else seen.push(rows)
  })
  const next = () => new Promise<ConversationRow[]>((resolve, reject) => {
    const now = seen.shift()
    if (now) return resolve(now)
    const timer = setTimeout(() => reject(new Error('no rows within 2 s')), 2000)
    waiting.push((rows) => (clearTimeout(timer), resolve(rows)))
  })
  return { next, stop, pending: () => seen.length }
}

/** DBCoreRangeType.Any: a query over the whole key range. */
const ANY_KEY = 3

const ids = (rows: ConversationRow[]) => rows.map((r) => r.id).sort()

describe('followAllConversations', () => {
  let db: ParleyDb
  let n = 0
  afterEach(async () => {
    db.close()
    await indexedDB.deleteDatabase(db.name)
  })

  it('reads every row once, then only the rows a change touched', async () => {
    db = createDb('follow', `agent-${++n}`)
    const reads = countReads(db)
    await db.conversations.bulkPut([row('a', 1), row('b', 2), row('c', 3)])
    const f = follow(db)
    expect(ids(await f.next())).toEqual(['a', 'b', 'c'])
    const fullReads = reads.query

    // One row changes (a message arrives), one is added, one is marked read.
    await db.conversations.put(row('b', 10, { lastText: 'a new message', unread: 2 }))
    let rows = await f.next()
    expect(rows.find((r) => r.id === 'b')).toMatchObject({ lastText: 'a new message', unread: 2 })
    await db.conversations.put(row('d', 11))
    rows = await f.next()
    expect(ids(rows)).toEqual(['a', 'b', 'c', 'd'])
    await db.conversations.where('id').equals('a').modify((r) => void (r.unread = 0))
    rows = await f.next()
    expect(rows.find((r) => r.id === 'a')?.unread).toBe(0)
    await db.conversations.delete('c')
    expect(ids(await f.next())).toEqual(['a', 'b', 'd'])

    // None of that read the whole table again.
    expect(reads.query).toBe(fullReads)
    expect(reads.getMany).toBeGreaterThanOrEqual(4)
    f.stop()
  })

  it('reads everything again after a change it cannot name row by row', async () => {
    db = createDb('follow', `agent-${++n}`)
    const reads = countReads(db)
    await db.conversations.bulkPut([row('a', 1)])
    const f = follow(db)
    expect(ids(await f.next())).toEqual(['a'])
    const before = reads.query

    // A catch-up writes many rows in one go: Dexie reports the whole table as changed.
    await db.conversations.bulkPut(Array.from({ length: 60 }, (_, i) => row(`m${String(i).padStart(2, '0')}`, 100 + i)))
    expect((await f.next()).length).toBe(61)
    expect(reads.query).toBeGreaterThan(before)

    await db.conversations.clear()
    expect(await f.next()).toEqual([])
    f.stop()
  })

  it('after a frame of events writing many rows, reads only the rows it wrote', async () => {
    db = createDb('follow', `agent-${++n}`)
    const reads = countReads(db)
    await db.conversations.bulkPut([row('a', 1, { rowSeq: 5 }), row('b', 2, { rowSeq: 5 })])
    const f = follow(db)
    expect(ids(await f.next())).toEqual(['a', 'b'])
    const before = { ...reads }

    // A frame (sequence numbers up to 9) changes b and adds sixty rows: Dexie names a range.
    const frame = [row('b', 20, { rowSeq: 9, lastText: 'moved' }), ...Array.from({ length: 60 }, (_, i) => row(`m${String(i).padStart(2, '0')}`, 100 + i, { rowSeq: 9 }))]
    await db.conversations.bulkPut(frame)
    const rows = await f.next()
    expect(rows.length).toBe(62)
    expect(rows.find((r) => r.id === 'b')?.lastText).toBe('moved')
    await db.conversations.bulkPut(Array.from({ length: 60 }, (_, i) => row(`n${String(i).padStart(2, '0')}`, 300 + i, { rowSeq: 12 })))
    expect((await f.next()).length).toBe(122)
    // Through the rowSeq index both times, never the whole table again.
    expect(reads.query).toBe(before.query)

    // Rows written without a frame's number (by something else): the count tells, and all is read.
    await db.conversations.bulkPut(Array.from({ length: 60 }, (_, i) => row(`o${String(i).padStart(2, '0')}`, 500 + i)))
    expect((await f.next()).length).toBe(182)
    expect(reads.query).toBe(before.query + 1)
    f.stop()
  })

  it('stops following when asked', async () => {
    db = createDb('follow', `agent-${++n}`)
    await db.conversations.put(row('a', 1))
    const f = follow(db)
    await f.next()
    f.stop()
    await db.conversations.put(row('b', 2))
    await new Promise((r) => setTimeout(r, 100))
    expect(f.pending()).toBe(0)
  })
})
