/** A seeded week for the Reports browser tests: figures worked out by hand, committed straight into the server's store. */
import { EventType } from '../../shared/protocol.ts'
import { putEntry, setOption, type RoutingGroup } from '../../shared/settings.ts'
import type { NewEvent } from '../../sync-server/store/Store.ts'
import { createAgent, login } from '../support/clients.ts'
import { routingGroup, writeSettings } from '../support/settings.ts'
import type { TestServer } from '../support/server.ts'
import { expect } from './fixtures.ts'

export const MIN = 60_000
const at = (iso: string) => Date.parse(iso)
export const PERIOD = '?from=2026-11-02&to=2026-11-08'

/** One conversation's events, written in time order; `m` is minutes after its creation. */
export class Chat {
  readonly events: NewEvent[] = []
  constructor(
    readonly id: string,
    readonly t0: number,
    data: Record<string, unknown> = {},
  ) {
    this.add(EventType.conversationCreated, 0, { visitorId: `v-${id}`, visitorName: `Visitor ${id}`, channel: 'widget', status: 'waiting', ...data })
  }
  add(type: string, m: number, data: Record<string, unknown> = {}) {
    this.events.push({ type: type as NewEvent['type'], at: this.t0 + m * MIN, conversationId: this.id, data })
    return this
  }
  msg(m: number, kind: 'visitor' | 'agent' | 'bot', author: { id: string; name: string }) {
    const messageId = `${this.id}-m${this.events.length}`
    return this.add(EventType.message, m, { messageId, clientId: messageId, kind, authorId: author.id, authorName: author.name, text: `line ${this.events.length}` })
  }
}

export interface Seeded {
  ana: string
  bob: string
  /** Request numbers (the sequence of each creation event). */
  numbers: Record<string, number>
}

/** A manual group of a team: nobody is handed its chats, so the seeded assignments are the only ones. */
const group = (id: string, name: string, teamId: string): RoutingGroup => routingGroup(id, { name, teamId, assignment: 'manual', fullMessage: `${name} is full` })

/**
 * A week (2–8 November 2026, UTC) whose figures are worked out by hand, committed straight into
 * the server's store as the server itself would log them; the app pulls them over /api/live.
 */
export async function seed(parley: TestServer): Promise<Seeded> {
  const admin = await login(parley.url)
  const make = async (name: string) => {
    const res = await createAgent(parley.url, admin.token, { email: `${name.toLowerCase()}@example.com`, name, password: 'long enough password', role: 'agent' })
    expect(res.status).toBe(201)
    return res.body.id!
  }
  const ana = await make('Ana')
  const bob = await make('Bob')
  const A = { id: ana, name: 'Ana' }
  const B = { id: bob, name: 'Bob' }
  const V = { id: 'visitor', name: 'Visitor' }

  await writeSettings(parley.wsUrl, admin.token, (doc) => {
    putEntry(doc, 'teams', { id: 't1', name: 'Sales, EU' })
    putEntry(doc, 'teams', { id: 't2', name: 'Support' })
    putEntry(doc, 'groups', group('g1', 'Front "desk"', 't1'))
    putEntry(doc, 'groups', group('g2', 'Mail', 't2'))
  })

  const chats = [
    // A: wait 2, first response 3, resolution 20, handling 18; surveyed, never rated.
    new Chat('conv-a', at('2026-11-02T09:00:00Z'), { groupId: 'g1' })
      .add(EventType.queueJoined, 0, { groupId: 'g1' })
      .add(EventType.assigned, 2, { assigneeId: ana, by: ana })
      .msg(3, 'agent', A)
      .add(EventType.closed, 20, { by: ana, tags: ['billing', 'vip, "gold"'] })
      .add(EventType.surveySent, 20),
    // B: the bot speaks first (no response); wait 4, first response 6, resolution 16, handling 11; CSAT 2 replaced by 5, NPS 10.
    new Chat('conv-b', at('2026-11-02T10:00:00Z'), { groupId: 'g1' })
      .msg(0, 'bot', { id: 'bot', name: 'Bot' })
      .add(EventType.queueJoined, 1, { groupId: 'g1' })
      .add(EventType.assigned, 5, { assigneeId: bob, by: bob })
      .msg(6, 'agent', B)
      .add(EventType.closed, 16, { by: bob, tags: [] })
      .add(EventType.surveySent, 16)
      .add(EventType.rated, 17, { kind: 'csat', score: 2 })
      .add(EventType.rated, 18, { kind: 'csat', score: 5 })
      .add(EventType.rated, 19, { kind: 'nps', score: 10 }),
    // C: never answered, still waiting.
    new Chat('conv-c', at('2026-11-03T11:00:00Z'), { groupId: 'g1' }).add(EventType.queueJoined, 0, { groupId: 'g1' }).msg(0, 'visitor', V),
    // D: transferred from Ana to Bob; wait 1, first response 2, resolution 30, handling 9 + 20; CSAT 3, NPS 5.
    new Chat('conv-d', at('2026-11-03T13:00:00Z'), { groupId: 'g1' })
      .add(EventType.queueJoined, 0, { groupId: 'g1' })
      .add(EventType.assigned, 1, { assigneeId: ana, by: ana })
      .msg(2, 'agent', A)
      .add(EventType.transferred, 10, { from: ana, by: ana, toAgentId: bob })
      .msg(12, 'agent', B)
      .add(EventType.closed, 30, { by: bob, tags: [] })
      .add(EventType.surveySent, 30)
      .add(EventType.rated, 31, { kind: 'csat', score: 3 })
      .add(EventType.rated, 32, { kind: 'nps', score: 5 }),
    // E: e-mail, snoozed, reopened and closed again; wait 0, first response 1, resolution 100, handling 5 + 15 + 10.
    new Chat('conv-e', at('2026-11-04T14:00:00Z'), { groupId: 'g2', channel: 'email' })
      .add(EventType.assigned, 0, { assigneeId: ana, by: ana })
      .msg(1, 'agent', A)
      .add(EventType.snoozed, 5, { until: at('2026-11-04T15:05:00Z') })
      .add(EventType.woke, 65)
      .msg(70, 'agent', A)
      .add(EventType.closed, 80, { by: ana, tags: [] })
      .msg(90, 'visitor', V)
      .add(EventType.reopened, 90, { by: ana })
      .msg(91, 'agent', A)
      .add(EventType.closed, 100, { by: ana, tags: [] }),
    // F: created before the period (30 Oct 10:00), closed in it (2 Nov 01:00): resolution 3780, handling 3779.
    new Chat('conv-f', at('2026-10-30T10:00:00Z'), { groupId: 'g1' })
      .add(EventType.queueJoined, 0, { groupId: 'g1' })
      .add(EventType.assigned, 1, { assigneeId: bob, by: bob })
      .msg(2, 'agent', B)
      .add(EventType.closed, 3780, { by: bob, tags: [] }),
    // G: after the period.
    new Chat('conv-g', at('2026-11-09T10:00:00Z'), { groupId: 'g1' }).add(EventType.assigned, 1, { assigneeId: ana, by: ana }).msg(2, 'agent', A).add(EventType.closed, 3, { by: ana, tags: [] }),
  ]
  // One commit in time order, as the server would have logged them.
  const events = chats.flatMap((c) => c.events).sort((a, b) => a.at - b.at)
  const logged = await parley.server.store.commit({
    workspace: 'default',
    events,
    conversations: chats.map((c) => ({ id: c.id, workspace: 'default', visitorId: `v-${c.id}`, status: c.id === 'conv-c' ? 'waiting' : 'closed', groupId: 'g1', assigneeId: null, createdAt: c.t0, snoozedUntil: null })),
  })
  const numbers = Object.fromEntries(logged.filter((e) => e.type === EventType.conversationCreated).map((e) => [e.conversationId!, e.seq]))
  return { ana, bob, numbers }
}


/** Commits chats' events in time order into the server's store, as the server would have logged them; returns the request numbers. */
export async function commitChats(parley: TestServer, chats: Chat[]): Promise<Record<string, number>> {
  const events = chats.flatMap((c) => c.events).sort((a, b) => a.at - b.at)
  const logged = await parley.server.store.commit({ workspace: 'default', events })
  return Object.fromEntries(logged.filter((e) => e.type === EventType.conversationCreated).map((e) => [e.conversationId!, e.seq]))
}

/** Sets the workspace's timezone (Settings › Workspace) through the settings document, as an admin's app does. */
export async function setTimezone(parley: TestServer, timezone: string): Promise<void> {
  const admin = await login(parley.url)
  await writeSettings(parley.wsUrl, admin.token, (doc) => setOption(doc, 'timezone', timezone))
}
