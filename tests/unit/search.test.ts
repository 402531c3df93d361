// A real IndexedDB implementation in Node, installed before Dexie looks for one.
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { applyEvents } from '../../client/data/applyEvents.ts'
import type { ParleyDb } from '../../client/data/db.ts'
import { POSTINGS_PER_TERM, searchMessages } from '../../client/data/search.ts'
import { indexSearchBatch, searchRunsOf } from '../../client/data/searchIndexer.ts'
import type { LogEvent } from '../../shared/protocol.ts'
import { localDbs } from '../support/localDb.ts'

const { fresh } = localDbs('search')

/** A visitor message saying `text` at sequence number `seq`, in a conversation of its own. */
const message = (seq: number, text: string): LogEvent => ({
  seq,
  type: 'message',
  at: seq * 1000,
  conversationId: `c${seq}`,
  data: { messageId: `m${seq}`, clientId: `m${seq}`, kind: 'visitor', authorId: 'v', authorName: 'V', text },
})

async function indexed(events: LogEvent[]): Promise<ParleyDb> {
  const db = fresh()
  await applyEvents(db, events, 'me')
  while (!(await indexSearchBatch(db)).done);
  return db
}

/** The sequence numbers found, lowest first. A clock that never moves: no result is left out for time. */
async function found(db: ParleyDb, query: string, limit?: number): Promise<{ seqs: number[]; partial: boolean }> {
  const r = await searchMessages(db, query, limit, () => 0)
  return { seqs: r.results.map((x) => x.best.seq).sort((a, b) => a - b), partial: r.partial }
}

describe('search over the index', () => {
  it('finds a word, a word by its beginning, and only events holding every word', async () => {
    const db = await indexed([message(1, 'my refund is late'), message(2, 'refunded twice'), message(3, 'where is my parcel'), message(4, 'parcel refund please')])
    expect(await found(db, 'parcel ')).toEqual({ seqs: [3, 4], partial: false })
    expect(await found(db, 'refu')).toEqual({ seqs: [1, 2, 4], partial: false })
    expect(await found(db, 'refund parcel ')).toEqual({ seqs: [4], partial: false })
    expect(await found(db, 'parcel refu')).toEqual({ seqs: [4], partial: false })
    expect(await found(db, 'nothing ')).toEqual({ seqs: [], partial: false })
  })

  it('finds a rare word beside a word too common to read whole, however old the match', async () => {
    const common = POSTINGS_PER_TERM + 500
    const events = Array.from({ length: common }, (_, i) => message(i + 1, i % 1000 === 7 ? 'invoice missing again' : 'invoice sent'))
    const db = await indexed(events)
    expect(await found(db, 'invoice missing ')).toEqual({ seqs: [8, 1008, 2008], partial: false })
  })

  it('walks on past the slices when both words are common, confirming each older candidate', async () => {
    const half = POSTINGS_PER_TERM + 200
    const events: LogEvent[] = []
    let seq = 0
    for (const at of [10, 20, 30]) events.push(message(at, 'alpha beta together'))
    for (seq = 31; seq <= 30 + half; seq++) events.push(message(seq, 'alpha only'))
    for (; seq <= 30 + 2 * half; seq++) events.push(message(seq, 'beta only'))
    const db = await indexed(events)
    expect(await found(db, 'alpha beta ')).toEqual({ seqs: [10, 20, 30], partial: false })
  })

  it('stops at the number of conversations asked for, newest first', async () => {
    const db = await indexed(Array.from({ length: 120 }, (_, i) => message(i + 1, 'hello there')))
    const r = await found(db, 'hello ', 50)
    expect(r.seqs).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i))
  })
})

describe('searchRunsOf', () => {
  it('makes a row per token of a run of events, its events newest first, keyed by the oldest', () => {
    const { keys, values } = searchRunsOf([message(3, 'late parcel'), message(5, 'parcel parcel lost'), message(9, 'lost')])
    const rows = new Map(keys.map((k, i) => [k[0], { key: k, seqs: values[i] }]))
    expect(rows.get('parcel')).toEqual({ key: ['parcel', -3], seqs: [5, 3] })
    expect(rows.get('lost')).toEqual({ key: ['lost', -5], seqs: [9, 5] })
    expect(rows.get('late')).toEqual({ key: ['late', -3], seqs: [3] })
    expect(searchRunsOf([])).toEqual({ keys: [], values: [] })
  })
})
