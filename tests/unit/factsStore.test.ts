// A real IndexedDB implementation in Node, installed before Dexie looks for one.
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { applyEvents, readFacts, readLogEpoch, resetEventLog } from '../../client/data/applyEvents.ts'
import { createDb, type ParleyDb } from '../../client/data/db.ts'
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import { factsFromLog } from '../../shared/reports/facts.ts'

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
    expect(await db.facts.get('c1')).toEqual(factsFromLog(log).get('c1'))
    expect(await db.agentStates.get('ana')).toMatchObject({ connected: true, connectedSince: 150, status: 'away', statusSince: 250 })
  })

  it('rebuild a damaged row from the log instead of folding into it', async () => {
    db = createDb('default', `facts-${Math.random()}`)
    await applyEvents(db, log.slice(0, 5), 'me')
    // Storage damaged the row (or an older build wrote another shape).
    await db.facts.put({ id: 'c1', createdAt: 'garbage' } as never)
    expect((await readFacts(db, ['c1'])).get('c1')).toEqual(factsFromLog(log.slice(0, 5)).get('c1'))
    // …and stored again, so the next reader finds a fact.
    expect(await db.facts.get('c1')).toEqual(factsFromLog(log.slice(0, 5)).get('c1'))
    await applyEvents(db, log.slice(5), 'me')
    expect(await db.facts.get('c1')).toEqual(factsFromLog(log).get('c1'))
  })

  it('moves the log epoch when the log is forgotten, so readers holding facts start again', async () => {
    db = createDb('default', `facts-${Math.random()}`)
    await applyEvents(db, log, 'me')
    expect(await readLogEpoch(db)).toBe(0)
    await resetEventLog(db)
    expect(await readLogEpoch(db)).toBe(1)
    expect(await db.facts.count()).toBe(0)
    expect(await db.agentStates.count()).toBe(0)
  })
})
