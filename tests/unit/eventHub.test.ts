import { describe, expect, it } from 'vitest'
import type { LogEvent } from '../../shared/protocol.ts'
import { EventHub } from '../../sync-server/events/EventHub.ts'
import { CommitFeed, CommitOrder } from '../../sync-server/events/CommitFeed.ts'
import { pino } from 'pino'

const ev = (seq: number): LogEvent => ({ seq, type: 'message', at: seq, conversationId: 'c', data: {} })
const seqs = (batches: LogEvent[][]) => batches.flat().map((e) => e.seq)

describe('EventHub: one workspace in sequence order, each event once', () => {
  const cases: { name: string; publish: number[][]; delivered: number[] }[] = [
    { name: 'in order', publish: [[1, 2], [3]], delivered: [1, 2, 3] },
    { name: 'a repeat is dropped', publish: [[1, 2], [2, 3], [1]], delivered: [1, 2, 3] },
    { name: 'out of order is held until the gap fills', publish: [[1], [3, 4], [2]], delivered: [1, 2, 3, 4] },
    { name: 'a batch out of order inside', publish: [[1], [4, 2, 3]], delivered: [1, 2, 3, 4] },
  ]
  for (const c of cases)
    it(c.name, () => {
      const hub = new EventHub()
      hub.start('w', 0)
      const got: LogEvent[][] = []
      hub.subscribe('w', (e) => got.push(e))
      for (const b of c.publish) hub.publish('w', b.map(ev))
      expect(seqs(got)).toEqual(c.delivered)
      hub.close()
    })

  it('fills a gap nobody fills from the store, after a while', async () => {
    const log = [1, 2, 3, 4, 5].map(ev)
    const reads: [number, number][] = []
    const hub = new EventHub({ healAfterMs: 20, read: async (_w, after, limit) => (reads.push([after, limit]), log.filter((e) => e.seq > after).slice(0, limit)) })
    hub.start('w', 1)
    const got: LogEvent[][] = []
    hub.subscribe('w', (e) => got.push(e))
    hub.publish('w', [ev(4), ev(5)])
    expect(seqs(got)).toEqual([])
    await new Promise((r) => setTimeout(r, 80))
    expect(seqs(got)).toEqual([2, 3, 4, 5])
    expect(reads).toEqual([[1, 2]])
    hub.close()
  })

  it('heal() reads what was missed to the end of the log', async () => {
    const log = [1, 2, 3].map(ev)
    const hub = new EventHub({ read: async (_w, after, limit) => log.filter((e) => e.seq > after).slice(0, limit) })
    hub.start('w', 1)
    const got: LogEvent[][] = []
    hub.subscribe('w', (e) => got.push(e))
    hub.heal()
    await new Promise((r) => setTimeout(r, 10))
    expect(seqs(got)).toEqual([2, 3])
    expect(hub.delivered()).toEqual([{ workspace: 'w', seq: 3 }])
    hub.close()
  })
})

describe('CommitFeed', () => {
  it('calls listeners by their order, and one that throws stops no other', () => {
    const feed = new CommitFeed(pino({ level: 'silent' }))
    const heard: string[] = []
    feed.listen('bus', CommitOrder.bus, () => heard.push('bus'))
    feed.listen('events', CommitOrder.events, () => heard.push('events'))
    feed.listen('broken', CommitOrder.documents, () => {
      throw new Error('no')
    })
    const off = feed.listen('records', CommitOrder.records, () => heard.push('records'))
    feed.emit({ workspace: 'w', events: [ev(1)], conversations: [], updates: [], origin: 'local' })
    expect(heard).toEqual(['records', 'events', 'bus'])
    off()
    feed.emit({ workspace: 'w', events: [ev(2)], conversations: [], updates: [], origin: 'local' })
    expect(heard).toEqual(['records', 'events', 'bus', 'events', 'bus'])
  })
})
