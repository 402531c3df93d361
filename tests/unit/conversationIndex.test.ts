import { describe, expect, it } from 'vitest'
import { indexConversation } from '../../client/data/conversationIndex.ts'
import type { ConversationRow } from '../../client/data/db.ts'
import type { EventType, LogEvent } from '../../shared/protocol.ts'

const ME = 'ana'
let seq = 0
const ev = (type: EventType, data: Record<string, unknown> = {}, at = 1000 + seq): LogEvent => ({ seq: ++seq, type, at, conversationId: 'c1', data })

/** Folds events into one row, as applyEvents does. */
function fold(...events: LogEvent[]): ConversationRow {
  let row: ConversationRow | undefined
  for (const e of events) row = indexConversation(row, e, ME) ?? row
  return row!
}

const created = () => ev('conversation.created', { visitorName: 'Olga', visitorEmail: 'olga@example.com', channel: 'telegram', status: 'waiting' })
const visitorSays = (text: string, at?: number) => ev('message', { messageId: `m${seq}`, kind: 'visitor', authorId: 'v1', authorName: 'Olga', text }, at)
const agentSays = (text: string, authorId = ME) => ev('message', { messageId: `m${seq}`, kind: 'agent', authorId, authorName: 'Ana', text })
const systemLine = (text: string) => ev('message', { messageId: `m${seq}`, kind: 'system', authorId: 'system', authorName: 'Parley', text })

describe('indexConversation', () => {
  it('starts a row from the created event', () => {
    const row = fold(created())
    expect(row).toMatchObject({ id: 'c1', visitorName: 'Olga', visitorEmail: 'olga@example.com', channel: 'telegram', status: 'waiting', assigneeId: null, tags: [], ticket: false })
  })

  it('takes a name and email given after the chat began, keeping what a blank one would erase', () => {
    const row = fold(ev('conversation.created', { visitorName: 'Visitor', status: 'waiting' }), ev('visitor.updated', { visitorId: 'v1', visitorName: 'Vera', visitorEmail: 'vera@shop.test' }))
    expect(row).toMatchObject({ visitorName: 'Vera', visitorEmail: 'vera@shop.test' })
    expect(fold(created(), ev('visitor.updated', { visitorId: 'v1', visitorName: null, visitorEmail: 'o@x.io' }))).toMatchObject({ visitorName: 'Olga', visitorEmail: 'o@x.io' })
  })

  it('tracks the oldest unanswered visitor message', () => {
    const first = visitorSays('hello', 5000)
    expect(fold(created(), first, visitorSays('anyone?', 6000)).waitingSince).toBe(5000)
    expect(fold(created(), first, agentSays('hi')).waitingSince).toBeNull()
    expect(fold(created(), first, agentSays('hi'), visitorSays('thanks', 9000)).waitingSince).toBe(9000)
    // A colleague's answer is an answer too.
    expect(fold(created(), first, agentSays('hi', 'bo')).waitingSince).toBeNull()
  })

  it('keeps system lines out of the preview, the count and unread, but counts them as activity', () => {
    const before = fold(created(), visitorSays('my order?'))
    const line = systemLine('Ana took the chat')
    const after = indexConversation(before, line, ME)!
    expect(after).toMatchObject({ lastText: 'my order?', lastKind: 'visitor', messageCount: 1, unread: 1 })
    expect(after.lastActivityAt).toBe(line.at)
  })

  it('take: assigned and open', () => {
    const row = fold(created(), ev('conversation.assigned', { assigneeId: ME, by: ME }), ev('conversation.status', { status: 'open' }))
    expect(row).toMatchObject({ assigneeId: ME, status: 'open' })
    // Even when the status event does not reach this device.
    expect(fold(created(), ev('conversation.assigned', { assigneeId: 'bo', by: 'bo' }))).toMatchObject({ assigneeId: 'bo', status: 'open' })
  })

  it('transfer to an agent, or to a queue', () => {
    const taken = [created(), ev('conversation.assigned', { assigneeId: ME }), ev('conversation.status', { status: 'open' })]
    expect(fold(...taken, ev('conversation.transferred', { from: ME, toAgentId: 'bo', by: ME }))).toMatchObject({ assigneeId: 'bo', status: 'open' })
    expect(fold(...taken, ev('conversation.transferred', { from: ME, toGroupId: 'billing', by: ME }))).toMatchObject({
      assigneeId: null,
      groupId: 'billing',
      status: 'waiting',
    })
  })

  it('snooze, then wake up (on time or when the visitor writes)', () => {
    const snoozed = fold(created(), ev('conversation.assigned', { assigneeId: ME }), ev('conversation.snoozed', { until: 99_000, by: ME }))
    expect(snoozed).toMatchObject({ status: 'snoozed', snoozedUntil: 99_000, assigneeId: ME })
    const woke = indexConversation(snoozed, ev('conversation.woke', { reason: 'visitor' }), ME)!
    expect(woke).toMatchObject({ status: 'open', snoozedUntil: null })
    // Nobody held it: it goes back to the queue.
    const unheld = fold(created(), ev('conversation.snoozed', { until: 99_000 }), ev('conversation.woke', { reason: 'time' }))
    expect(unheld).toMatchObject({ status: 'waiting', snoozedUntil: null })
    // Snoozing a chat nobody held makes the snoozer its holder: it wakes up theirs.
    const claimed = fold(created(), ev('conversation.snoozed', { until: 99_000, by: 'bo', assigneeId: 'bo' }), ev('conversation.woke', { reason: 'time' }))
    expect(claimed).toMatchObject({ status: 'open', assigneeId: 'bo' })
    // The status event agrees, in either order.
    expect(indexConversation(woke, ev('conversation.status', { status: 'open' }), ME)).toMatchObject({ status: 'open', snoozedUntil: null })
  })

  it('marks a visitor’s request (the widget’s request form) as a request from its creation', () => {
    const request = fold(ev('conversation.created', { visitorName: 'Olga', channel: 'widget', status: 'waiting', ticket: true }))
    expect(request).toMatchObject({ ticket: true, status: 'waiting' })
    expect(fold(created())).toMatchObject({ ticket: false })
  })

  it('puts a chat transferred to a skill back in the queue, keeping its group', () => {
    const moved = fold(created(), ev('conversation.assigned', { assigneeId: ME }), ev('conversation.transferred', { from: ME, toSkillId: 'fr', toGroupId: null }))
    expect(moved).toMatchObject({ status: 'waiting', assigneeId: null })
  })

  it('puts a chat the bot handed over in the group the answers chose', () => {
    const handed = fold(created(), ev('bot.escalated', { groupId: 'billing', chosen: 'billing' }))
    expect(handed).toMatchObject({ groupId: 'billing', status: 'waiting', assigneeId: null })
  })

  it('close with tags and as a request; reopen keeps the request mark', () => {
    const closed = fold(created(), ev('conversation.assigned', { assigneeId: ME }), ev('conversation.closed', { tags: ['billing', 7, 'bug'], asTicket: true, by: ME }, 42_000))
    expect(closed).toMatchObject({ status: 'closed', tags: ['billing', 'bug'], ticket: true, closedAt: 42_000, snoozedUntil: null })
    const reopened = indexConversation(closed, ev('conversation.reopened', { by: ME }), ME)!
    expect(reopened).toMatchObject({ status: 'open', closedAt: null, ticket: true, assigneeId: ME })
    // Reopening an unheld chat gives it to whoever reopened it, as the rule does.
    const unheld = fold(created(), ev('conversation.closed', { tags: [] }), ev('conversation.reopened', { by: 'bo' }))
    expect(unheld).toMatchObject({ status: 'open', assigneeId: 'bo' })
  })

  it('ignores what it does not understand without losing the row', () => {
    const row = fold(created())
    expect(indexConversation(row, ev('conversation.status', { status: 'exploded' }), ME)).toBeUndefined()
    expect(indexConversation(row, { ...ev('conversation.assigned'), conversationId: undefined }, ME)).toBeUndefined()
    expect(indexConversation(row, ev('proactive.sent' as EventType), ME)).toBeUndefined()
  })

  it('does not change the row it was given', () => {
    const row = fold(created())
    const copy = structuredClone(row)
    indexConversation(row, ev('conversation.closed', { tags: ['x'] }), ME)
    expect(row).toEqual(copy)
  })
})
