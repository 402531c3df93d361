// A real IndexedDB implementation in Node, installed before Dexie looks for one.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { Dexie } from 'dexie'
import yDexie from 'y-dexie'
import { applyEvents, resetEventLog } from '../../client/data/applyEvents.ts'
import { createDb, dbName, Kv, readLastSeq, type ParleyDb } from '../../client/data/db.ts'
import { countEvents, eventsAfter } from '../../client/data/eventLog.ts'
import { ownPageKey, readFacts } from '../../client/data/factPages.ts'
import { IngestQueue } from '../../client/data/ingestQueue.ts'
import { parseEventsFrame } from '../../client/data/liveFrame.ts'
import { searchMessages } from '../../client/data/search.ts'
import { indexSearchBatch, readSearchSeq } from '../../client/data/searchIndexer.ts'
import type { LogEvent } from '../../shared/protocol.ts'
import { factsFromLog } from '../../shared/reports/facts.ts'
import { localDbs } from '../support/localDb.ts'

const ME = 'agent-me'
const { fresh: freshDb, keep } = localDbs('ingest')
let n = 0

/** A conversation opening, then `messages` visitor messages, from sequence number `from`. */
function conversation(id: string, from: number, messages: string[]): LogEvent[] {
  const out: LogEvent[] = [{ seq: from, type: 'conversation.created', at: from * 1000, conversationId: id, data: { visitorId: `v-${id}`, visitorName: `Visitor ${id}`, channel: 'widget', status: 'waiting' } } as LogEvent]
  messages.forEach((text, i) =>
    out.push({ seq: from + 1 + i, type: 'message', at: (from + 1 + i) * 1000, conversationId: id, data: { messageId: `${id}-m${i}`, clientId: `${id}-m${i}`, kind: 'visitor', authorId: `v-${id}`, authorName: 'V', text } } as LogEvent),
  )
  return out
}
const frame = (events: LogEvent[], last = events.at(-1)?.seq ?? 0) => JSON.stringify({ type: 'events', events, last })

/** Runs the queue until the index has caught up (it indexes while idle). */
async function whenIndexed(db: ParleyDb): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if ((await readSearchSeq(db)) >= (await readLastSeq(db))) return
    await new Promise((r) => setTimeout(r, 5))
  }
  throw new Error('the index did not catch up')
}

describe('ingest queue', () => {
  it('stores frames in the order given and answers each with the lastSeq stored with it', async () => {
    const db = freshDb()
    const q = new IngestQueue(db, ME)
    const a = conversation('a', 1, ['parcel late', 'still waiting'])
    const b = conversation('b', 4, ['refund please'])
    const answers = await Promise.all([q.apply(frame(a), 1), q.apply(frame(b), 1), q.apply(frame([], 9), 1)])
    // The first is stored at once; the two queued behind it go in one transaction together.
    expect(answers).toEqual([3, 9, 9])
    expect(await countEvents(db)).toBe(5)
    expect((await db.conversations.get('a'))?.messageCount).toBe(2)
  })

  it('refuses the frames of a socket after one of them failed, and takes the next socket', async () => {
    const db = freshDb()
    const q = new IngestQueue(db, ME)
    const first = q.apply(frame(conversation('a', 1, ['one'])), 1)
    const broken = q.apply('{"type":"events","events":[', 1)
    const after = q.apply(frame(conversation('b', 3, ['two'])), 1)
    expect(await first).toBe(2)
    await expect(broken).rejects.toThrow()
    // Stored over the gap, `b` would move lastSeq past events never stored.
    await expect(after).rejects.toThrow(/earlier frame/)
    expect(await readLastSeq(db)).toBe(2)
    expect(await q.apply(frame(conversation('b', 3, ['two'])), 2)).toBe(4)
  })

  it('indexes for search behind the log, and moves its cursor only with the postings', async () => {
    const db = freshDb()
    const events = conversation('a', 1, Array.from({ length: 30 }, (_, i) => `order number${i} shipped`))
    await applyEvents(db, events, ME, 0)
    expect(await readSearchSeq(db)).toBe(0)
    expect(await db.searchRuns.count()).toBe(0)
    const r = await indexSearchBatch(db, 10)
    expect(r).toEqual({ searchSeq: 10, lastSeq: 31, done: false })
    // Every entry below the cursor is there, none above it: a row per token of the batch.
    const runs = await db.searchRuns.toArray()
    const seqs = new Set(runs.flat())
    expect(Math.max(...seqs)).toBe(10)
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1))
    expect((await db.searchRuns.get(['order', -2]))).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2])
    while (!(await indexSearchBatch(db, 10)).done);
    expect(await readSearchSeq(db)).toBe(31)
  })

  it('finds events the index has not reached by their text, and all of them once indexed', async () => {
    const db = freshDb()
    const q = new IngestQueue(db, ME)
    await q.apply(frame(conversation('a', 1, ['where is my parcel'])), 1)
    await whenIndexed(db)
    await applyEvents(db, conversation('b', 3, ['parcel arrived broken']), ME, 0)
    expect(await readSearchSeq(db)).toBe(2)
    const behind = await searchMessages(db, 'parcel ')
    expect(behind.results.map((r) => r.conversationId).sort()).toEqual(['a', 'b'])
    q.kick()
    await whenIndexed(db)
    const caught = await searchMessages(db, 'parcel ')
    expect(caught.results.map((r) => r.conversationId).sort()).toEqual(['a', 'b'])
    expect(caught.partial).toBe(false)
  })

  it('gives a database written by an older app (version 4) its facts, its chunked log and a search index built again on upgrade, and a reset puts the cursor back to 0', async () => {
    const agentId = `old-${n++}-${Math.random().toString(36).slice(2)}`
    // The database as version 4 of the app left it: events stored and indexed with them, no cursor.
    const old = new Dexie(dbName('unit', agentId), { addons: [yDexie] })
    old.version(1).stores({ docs: 'name, ydoc: Y.Doc', events: 'seq, conversationId, type', conversations: 'id, lastActivityAt, status', sentIds: 'messageId, conversationId', pending: 'messageId, conversationId', kv: 'key' })
    old.version(2).stores({ commands: 'key, conversationId, createdAt', searchPostings: '' })
    old.version(3).stores({ heldReplies: 'clientId, conversationId, at', uploads: 'localId, clientId, conversationId' })
    old.version(4).stores({ conversations: 'id, lastActivityAt, status, [status+assigneeId], [channel+status]' })
    const history = conversation('a', 1, ['hello'])
    await old.table('events').bulkPut(history)
    await old.table('kv').put({ key: Kv.lastSeq, value: 2 })
    old.close()

    const db = keep(createDb('unit', agentId))
    // Version 5 gave it a cursor at its log; version 7 drops the old index's entries and builds the
    // index again from the log (in runs), from nothing.
    expect(await readSearchSeq(db)).toBe(0)
    expect(await db.table('searchPostings').count()).toBe(0)
    // Its facts (folded in version 5) moved into pages of their own, its events into the chunked
    // log; the old tables are left empty.
    expect(await db.factPages.get(ownPageKey('a'))).toEqual({ key: ownPageKey('a'), seq: 2, facts: [factsFromLog(history).get('a')] })
    expect((await readFacts(db, ['a'])).get('a')).toEqual(factsFromLog(history).get('a'))
    expect(await eventsAfter(db, 0)).toEqual(history)
    expect(await db.table('events').count()).toBe(0)
    expect(await db.table('facts').count()).toBe(0)
    while (!(await indexSearchBatch(db)).done);
    expect(await readSearchSeq(db)).toBe(2)
    expect((await searchMessages(db, 'hello ')).results.map((r) => r.conversationId)).toEqual(['a'])
    await applyEvents(db, conversation('b', 3, ['again']), ME, 0)
    expect(await readSearchSeq(db)).toBe(2)
    await resetEventLog(db)
    expect(await readSearchSeq(db)).toBe(0)
  })

  it('starts a new device with nothing indexed: search reads the stored events until the index catches up', async () => {
    const db = freshDb()
    await applyEvents(db, conversation('a', 1, ['parcel late']), ME, 0)
    expect(await readSearchSeq(db)).toBe(0)
    const found = await searchMessages(db, 'parcel ')
    expect(found.results.map((r) => r.conversationId)).toEqual(['a'])
  })
})

describe('parseEventsFrame', () => {
  it('reads an events frame and refuses anything else', () => {
    expect(parseEventsFrame(frame(conversation('a', 1, []), 7))).toMatchObject({ last: 7, events: [{ seq: 1 }] })
    expect(() => parseEventsFrame('{"type":"hello","protocol":1,"last":3}')).toThrow(/not an events frame/)
    expect(() => parseEventsFrame('nope')).toThrow()
  })
})
