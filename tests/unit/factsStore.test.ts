// A real IndexedDB implementation in Node, installed before Dexie looks for one.
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { applyEvents, readLogEpoch, resetEventLog } from '../../client/data/applyEvents.ts'
import { createDb, type ParleyDb } from '../../client/data/db.ts'
import { bornPageKey, ownPageKey, readFacts } from '../../client/data/factPages.ts'
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import { factsFromLog } from '../../shared/reports/facts.ts'
import { prng } from '../support/random.ts'

let db: ParleyDb | null = null
afterEach(async () => {
  db?.close()
  if (db) await db.delete()
  db = null
})

const log: LogEvent[] = [
  { seq: 1, type: EventType.conversationCreated, at: 100, conversationId: 'c1', data: { channel: 'widget', status: 'waiting' } },
  { seq: 2, type: EventType.queueJoined, at: 100, conversationId: 'c1', data: { groupId: null } },
  { seq: 3, type: 'agent.connected' as LogEvent['type'], at: 150, data: { agentId: 'ana' } },
  { seq: 4, type: EventType.assigned, at: 200, conversationId: 'c1', data: { assigneeId: 'ana' } },
  { seq: 5, type: EventType.agentStatus, at: 250, data: { agentId: 'ana', status: 'away' } },
  { seq: 6, type: EventType.message, at: 300, conversationId: 'c1', data: { kind: 'agent', authorId: 'ana', text: 'hi', messageId: 'm1' } },
  { seq: 7, type: EventType.closed, at: 400, conversationId: 'c1', data: { by: 'ana' } },
]

describe('facts on the device', () => {
  it('are stored with every frame of events, equal to a fold of the log, with the agents\' states', async () => {
    db = createDb('default', `facts-${Math.random()}`)
    await applyEvents(db, log.slice(0, 3), 'me')
    await applyEvents(db, log.slice(2, 6), 'me')
    await applyEvents(db, log.slice(5), 'me')
    expect((await readFacts(db, ['c1'])).get('c1')).toEqual(factsFromLog(log).get('c1'))
    // In the page of its creation, which its inbox row names.
    expect((await db.conversations.get('c1'))?.factPage).toBe(bornPageKey(1))
    expect((await db.factPages.get(bornPageKey(1)))?.facts).toEqual([factsFromLog(log).get('c1')])
    expect(await db.agentStates.get('ana')).toMatchObject({ connected: true, connectedSince: 150, status: 'away', statusSince: 250 })
  })

  it('rebuild a damaged entry, or a damaged page, from the log instead of folding into it', async () => {
    db = createDb('default', `facts-${Math.random()}`)
    await applyEvents(db, log.slice(0, 5), 'me')
    const key = bornPageKey(1)
    // Storage damaged the entry (or an older build wrote another shape).
    await db.factPages.put({ key, seq: 1e9, facts: [{ id: 'c1', createdAt: 'garbage' } as never] })
    expect((await readFacts(db, ['c1'])).get('c1')).toEqual(factsFromLog(log.slice(0, 5)).get('c1'))
    // …and stored again, so the next reader finds a fact.
    expect((await db.factPages.get(key))?.facts).toEqual([factsFromLog(log.slice(0, 5)).get('c1')])
    // The whole page damaged: its row still says which conversations were in it.
    await db.factPages.put({ key, nonsense: true } as never)
    expect((await readFacts(db, ['c1'])).get('c1')).toEqual(factsFromLog(log.slice(0, 5)).get('c1'))
    await applyEvents(db, log.slice(5), 'me')
    expect((await readFacts(db, ['c1'])).get('c1')).toEqual(factsFromLog(log).get('c1'))
  })

  it('keeps the fact of a conversation whose creation was not seen in a page of its own, and other facts of a page as they were', async () => {
    db = createDb('default', `facts-${Math.random()}`)
    const later: LogEvent[] = [
      { seq: 10, type: EventType.assigned, at: 500, conversationId: 'c9', data: { assigneeId: 'ana' } },
      { seq: 11, type: EventType.conversationCreated, at: 510, conversationId: 'c2', data: { channel: 'widget', status: 'waiting' } },
    ]
    await applyEvents(db, log, 'me')
    await applyEvents(db, later, 'me')
    await applyEvents(db, [{ seq: 12, type: EventType.closed, at: 600, conversationId: 'c9', data: { by: 'ana' } }], 'me')
    const all = [...log, ...later, { seq: 12, type: EventType.closed, at: 600, conversationId: 'c9', data: { by: 'ana' } } as LogEvent]
    expect((await db.factPages.get(ownPageKey('c9')))?.facts).toEqual([factsFromLog(all).get('c9')])
    // c1 and c2 share the page of their creations; c2's arrival kept c1 as it was.
    expect((await db.factPages.get(bornPageKey(1)))?.facts).toEqual([factsFromLog(all).get('c1'), factsFromLog(all).get('c2')])
    expect(await readFacts(db, ['c1', 'c2', 'c9'])).toEqual(new Map(['c1', 'c2', 'c9'].map((id) => [id, factsFromLog(all).get(id)])))
  })

  it('stores a frame touching hundreds of conversations it did not see created (each its own page)', async () => {
    db = createDb('default', `facts-${Math.random()}`)
    const frame: LogEvent[] = Array.from({ length: 300 }, (_, i) => ({ seq: i + 1, type: EventType.assigned, at: 100 + i, conversationId: `x${i}`, data: { assigneeId: 'ana' } }))
    await applyEvents(db, frame, 'me')
    expect(await db.factPages.count()).toBe(300)
    expect((await readFacts(db, ['x0', 'x299'])).get('x299')).toEqual(factsFromLog(frame).get('x299'))
  })

  it('moves the log epoch when the log is forgotten, so readers holding facts start again', async () => {
    db = createDb('default', `facts-${Math.random()}`)
    await applyEvents(db, log, 'me')
    expect(await readLogEpoch(db)).toBe(0)
    await resetEventLog(db)
    expect(await readLogEpoch(db)).toBe(1)
    expect(await db.factPages.count()).toBe(0)
    expect(await db.agentStates.count()).toBe(0)
  })
})

/** A log as the server writes it: each conversation's creation is its first event; sequence numbers jump, so creations fall in several pages. */
function serverLog(random: () => number, count: number): LogEvent[] {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const created = new Set<string>()
  const events: LogEvent[] = []
  let seq = 0
  let at = 1_000
  for (let i = 0; i < count; i++) {
    seq += 1 + Math.floor(random() * 120)
    at += Math.floor(random() * 5_000)
    const id = `c${Math.floor(random() * 12)}`
    if (!created.has(id)) {
      created.add(id)
      events.push({ seq, type: EventType.conversationCreated, at, conversationId: id, data: { channel: 'widget', status: 'waiting' } })
      continue
    }
    const kinds: [LogEvent['type'], () => Record<string, unknown>][] = [
      [EventType.queueJoined, () => ({ groupId: pick(['g1', null]) })],
      [EventType.assigned, () => ({ assigneeId: pick(['ana', 'bea', null]) })],
      [EventType.message, () => ({ kind: pick(['visitor', 'agent']), authorId: 'ana', text: 'x', messageId: `m${seq}` })],
      [EventType.closed, () => ({ by: 'ana', tags: [] })],
      [EventType.reopened, () => ({ by: 'ana' })],
      [EventType.rated, () => ({ kind: 'csat', score: 1 + Math.floor(random() * 5) })],
    ]
    const [type, data] = pick(kinds)
    events.push({ seq, type, at, conversationId: id, data: data() })
  }
  return events
}

describe('stored facts equal a fold of the log from scratch, whatever the frames', () => {
  for (const seed of [1, 5, 77, 2026]) {
    it(`seed ${seed}`, async () => {
      const random = prng(seed)
      const all = serverLog(random, 300)
      db = createDb('default', `facts-prop-${seed}-${Math.random()}`)
      let i = 0
      while (i < all.length) {
        const size = 1 + Math.floor(random() * 50)
        // Sometimes a frame starts before what is stored (a reconnect): a replay changes nothing.
        const from = random() < 0.2 ? Math.max(0, i - Math.floor(random() * 10)) : i
        await applyEvents(db, all.slice(from, i + size), 'me')
        i += size
      }
      const ids = [...new Set(all.map((e) => e.conversationId!))]
      expect(await readFacts(db, ids)).toEqual(factsFromLog(all))
      // Every fact in exactly one page.
      const paged = (await db.factPages.toArray()).flatMap((p) => p.facts.map((f) => f.id))
      expect(paged.sort()).toEqual(ids.sort())
    })
  }
})
