import { describe, expect, it } from 'vitest'
import { alertFor } from '../../client/data/alerts.ts'
import type { LogEvent } from '../../shared/protocol.ts'

const transferred = (data: Record<string, unknown>): LogEvent => ({ seq: 9, type: 'conversation.transferred', at: 1, conversationId: 'c1', data })
const nobody = () => false

describe('the transfer alert', () => {
  it('tells the agent a chat was given to them, with the note', () => {
    expect(alertFor(transferred({ toAgentId: 'me', by: 'bo', visitorName: 'Vi', note: ' Invoice 2231 ' }), 'me', nobody)).toEqual({
      seq: 9,
      kind: 'transfer',
      title: 'The chat with Vi was transferred to you',
      body: 'Note: Invoice 2231',
      conversationId: 'c1',
    })
    expect(alertFor(transferred({ toAgentId: 'me', by: 'bo' }), 'me', nobody)).toMatchObject({ title: 'A chat was transferred to you', body: '' })
  })

  it('says nothing to others, nor to an agent transferring to themself, nor for a queue', () => {
    expect(alertFor(transferred({ toAgentId: 'bo', by: 'me', note: 'x' }), 'me', nobody)).toBeNull()
    expect(alertFor(transferred({ toAgentId: 'me', by: 'me' }), 'me', nobody)).toBeNull()
    expect(alertFor(transferred({ toGroupId: 'billing', by: 'bo', note: 'x' }), 'me', nobody)).toBeNull()
  })
})
