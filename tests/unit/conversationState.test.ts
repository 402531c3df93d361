import { describe, expect, it } from 'vitest'
import { indexConversation } from '../../client/data/conversationIndex.ts'
import { foldConversationState, StateChange, type ConversationState } from '../../shared/conversationState.ts'
import type { LogEvent } from '../../shared/protocol.ts'
import { factsFromLog } from '../../shared/reports/facts.ts'

let seq = 0
const ev = (type: string, data: Record<string, unknown> = {}): LogEvent => ({ seq: ++seq, type: type as LogEvent['type'], at: seq * 1000, conversationId: 'c1', data })
const waiting = (): ConversationState => ({ status: 'waiting', assigneeId: null, groupId: null, snoozedUntil: null })

describe('foldConversationState', () => {
  it.each<[string, ConversationState, LogEvent, Partial<ConversationState>, StateChange]>([
    ['a take opens a waiting chat', waiting(), ev('conversation.assigned', { assigneeId: 'ana' }), { status: 'open', assigneeId: 'ana' }, 'given'],
    ['a chat given back waits', { ...waiting(), status: 'open', assigneeId: 'ana' }, ev('conversation.assigned', { assigneeId: null }), { status: 'waiting', assigneeId: null }, 'changed'],
    ['a transfer to an agent opens it', waiting(), ev('conversation.transferred', { toAgentId: 'bo' }), { status: 'open', assigneeId: 'bo' }, 'given'],
    ['a transfer to a team (no group yet) waits', { ...waiting(), status: 'open', assigneeId: 'ana' }, ev('conversation.transferred', { toTeamId: 't1' }), { status: 'waiting', assigneeId: null }, 'changed'],
    ['a transfer to a group moves it there', { ...waiting(), status: 'open', assigneeId: 'ana' }, ev('conversation.transferred', { toGroupId: 'g2' }), { status: 'waiting', assigneeId: null, groupId: 'g2' }, 'changed'],
    ['a transfer keeps a closed chat closed', { ...waiting(), status: 'closed' }, ev('conversation.transferred', { toAgentId: 'bo' }), { status: 'closed', assigneeId: 'bo' }, 'given'],
    ['snoozing a chat nobody held makes the snoozer its holder', waiting(), ev('conversation.snoozed', { until: 9e9, assigneeId: 'cy' }), { status: 'snoozed', assigneeId: 'cy', snoozedUntil: 9e9 }, 'changed'],
    ['a snoozed chat wakes to its holder', { ...waiting(), status: 'snoozed', assigneeId: 'cy', snoozedUntil: 9e9 }, ev('conversation.woke'), { status: 'open', snoozedUntil: null }, 'changed'],
    ['a reopened chat goes to whoever reopened it when nobody held it', { ...waiting(), status: 'closed' }, ev('conversation.reopened', { by: 'dee' }), { status: 'open', assigneeId: 'dee' }, 'changed'],
    ['the bot hands over to a group, or to the workspace queue', { ...waiting(), groupId: 'g1' }, ev('bot.escalated', { groupId: null }), { groupId: null }, 'changed'],
    ['a malformed status changes nothing', waiting(), ev('conversation.status', { status: 'lost' }), {}, 'none'],
    ['other events are not about the state', waiting(), ev('message', { kind: 'visitor' }), {}, 'none'],
  ])('%s', (_, state, event, after, change) => {
    const before = { ...state }
    expect(foldConversationState(state, event)).toBe(change)
    expect(state).toEqual({ ...before, ...after })
  })
})

describe('the inbox rows and the reports agree on the state', () => {
  it('after a chat that changes hands, is snoozed, closed, reopened and transferred to a team', () => {
    seq = 0
    const log = [
      ev('conversation.created', { status: 'waiting', groupId: 'g1' }),
      ev('conversation.snoozed', { until: 9e9, assigneeId: 'ana' }),
      ev('conversation.woke'),
      ev('conversation.transferred', { toAgentId: 'bo' }),
      ev('conversation.closed', { by: 'bo' }),
      ev('conversation.reopened', { by: 'cy' }),
      ev('conversation.transferred', { toTeamId: 't1' }),
      ev('conversation.assigned', { assigneeId: 'dee' }),
    ]
    const fact = factsFromLog(log).get('c1')!
    let row: ReturnType<typeof indexConversation>
    for (let i = 0; i < log.length; i++) {
      row = indexConversation(row, log[i]!, 'me') ?? row
      const f = factsFromLog(log.slice(0, i + 1)).get('c1')!
      expect({ status: row!.status, assigneeId: row!.assigneeId, groupId: row!.groupId, snoozedUntil: row!.snoozedUntil }).toEqual({
        status: f.status,
        assigneeId: f.assigneeId,
        groupId: f.groupId,
        snoozedUntil: f.snoozedUntil,
      })
    }
    expect(fact).toMatchObject({ status: 'open', assigneeId: 'dee' })
  })
})
