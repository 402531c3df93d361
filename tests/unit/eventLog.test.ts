import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { applyEvents } from '../../client/data/applyEvents.ts'
import type { ParleyDb } from '../../client/data/db.ts'
import { chunksOf, conversationEvents, countEvents, eventsAfter, eventsBySeq, lastEvent, LOG_CHUNK_EVENTS, newestEventsAfter, type ChunkCache } from '../../client/data/eventLog.ts'
import { searchMessages } from '../../client/data/search.ts'
import { indexSearchBatch } from '../../client/data/searchIndexer.ts'
import type { LogEvent } from '../../shared/protocol.ts'
import { localDbs } from '../support/localDb.ts'

const { fresh: freshDb } = localDbs('log')

/** Events `from`..`to`, in three conversations taking turns, with an agent status every tenth. */
function events(from: number, to: number): LogEvent[] {
  const out: LogEvent[] = []
  for (let seq = from; seq <= to; seq++) {
    if (seq % 10 === 0) out.push({ seq, type: 'agent.status', at: seq * 1000, data: { agentId: 'a1', status: seq % 20 ? 'away' : 'online' } } as LogEvent)
    else out.push({ seq, type: 'message', at: seq * 1000, conversationId: `c${seq % 3}`, data: { messageId: `m${seq}`, clientId: `m${seq}`, kind: 'visitor', authorId: 'v', authorName: 'V', text: `word${seq}` } } as LogEvent)
  }
  return out
}

describe('chunksOf', () => {
  it.each([
    { count: 0, size: 4, chunks: [] },
    { count: 1, size: 4, chunks: [[1, 1]] },
    { count: 4, size: 4, chunks: [[1, 4]] },
    { count: 9, size: 4, chunks: [[1, 4], [5, 8], [9, 9]] },
  ])('$count events in chunks of $size', ({ count, size, chunks }) => {
    const got = chunksOf(events(1, count), size)
    expect(got.map((c) => [c.first, c.last])).toEqual(chunks)
    expect(got.flatMap((c) => c.events)).toEqual(events(1, count))
  })

  it('names each conversation of a chunk once, and none for events of no conversation', () => {
    const [chunk] = chunksOf(events(8, 12), 10)
    expect(chunk!.conversationIds.sort()).toEqual(['c0', 'c2'])
  })
})

describe('the stored log', () => {
  async function stored(): Promise<{ db: ParleyDb; all: LogEvent[] }> {
    const db = freshDb()
    // A backlog in one frame (several chunks), then live frames of one event each.
    const all = events(1, LOG_CHUNK_EVENTS * 2 + 7)
    await applyEvents(db, all.slice(0, -5), 'me')
    for (const e of all.slice(-5)) await applyEvents(db, [e], 'me')
    return { db, all }
  }

  it('reads events above a sequence number in order, up to a limit, across chunks', async () => {
    const { db, all } = await stored()
    expect(await countEvents(db)).toBe(all.length)
    expect(await db.log.count()).toBe(3 + 5)
    expect(await eventsAfter(db, 0)).toEqual(all)
    for (const [after, limit] of [[0, 10], [100, 300], [all.length - 3, 100], [all.length, 5], [LOG_CHUNK_EVENTS - 1, 2]] as const) {
      expect(await eventsAfter(db, after, limit)).toEqual(all.filter((e) => e.seq > after).slice(0, limit))
    }
  })

  it('reads the newest events first, down to a sequence number', async () => {
    const { db, all } = await stored()
    for (const [after, limit] of [[0, 10], [0, 600], [all.length - 3, 100], [300, 1000]] as const) {
      expect(await newestEventsAfter(db, after, limit)).toEqual(all.filter((e) => e.seq > after).reverse().slice(0, limit))
    }
  })

  it('reads one conversation, of one type when asked, and the newest event', async () => {
    const { db, all } = await stored()
    expect(await conversationEvents(db, 'c1')).toEqual(all.filter((e) => e.conversationId === 'c1'))
    expect(await conversationEvents(db, 'c1', 'note')).toEqual([])
    expect(await conversationEvents(db, 'nope')).toEqual([])
    expect(await lastEvent(db)).toEqual(all.at(-1))
    expect(await lastEvent(freshDb())).toBeUndefined()
  })

  it('finds events by sequence number, reading each chunk once, and nothing where none is stored', async () => {
    const { db, all } = await stored()
    const cache: ChunkCache = new Map()
    const seqs = [all.length, 3, 2, LOG_CHUNK_EVENTS + 1, 0, all.length + 4, LOG_CHUNK_EVENTS]
    const got = await eventsBySeq(db, seqs, cache)
    expect(got).toEqual(seqs.map((s) => all.find((e) => e.seq === s)))
    expect([...cache.keys()].sort((a, b) => a - b)).toEqual([1, LOG_CHUNK_EVENTS + 1, all.length])
  })

  it('keeps search working over chunks: a word in an early chunk and one in a live frame', async () => {
    const { db, all } = await stored()
    while (!(await indexSearchBatch(db, 100)).done);
    const early = await searchMessages(db, 'word7 ')
    expect(early.results.map((r) => r.best.seq)).toEqual([7])
    const late = all.at(-1)!.seq % 10 ? all.at(-1)! : all.at(-2)!
    expect((await searchMessages(db, `word${late.seq} `)).results.map((r) => r.best.seq)).toEqual([late.seq])
  })
})
