import { describe, expect, it } from 'vitest'
import { alertFor } from '../../client/data/alerts.ts'
import type { LogEvent } from '../../shared/protocol.ts'

const ev = (type: LogEvent['type'], data: Record<string, unknown>, conversationId = 'c1'): LogEvent => ({ seq: 7, type, at: 1, conversationId, data })
const mineOnly = (id: string) => id === 'c1'

describe('alerts', () => {
  it('announces a new chat to everyone who receives it', () => {
    expect(alertFor(ev('conversation.created', { visitorName: 'Vi' }), 'me', mineOnly)).toMatchObject({ kind: 'new-chat', title: 'New chat from Vi' })
  })

  it('announces visitor messages in my chats only', () => {
    expect(alertFor(ev('message', { kind: 'visitor', authorName: 'Vi', text: 'hi' }), 'me', mineOnly)).toMatchObject({ kind: 'message', body: 'hi' })
    expect(alertFor(ev('message', { kind: 'visitor', text: 'hi' }, 'c2'), 'me', mineOnly)).toBeNull()
    expect(alertFor(ev('message', { kind: 'agent', text: 'hi' }), 'me', mineOnly)).toBeNull()
  })

  it('announces a note that mentions me, not my own', () => {
    expect(alertFor(ev('note', { mentions: ['me'], authorId: 'bo', authorName: 'Bo', text: 'look' }), 'me', mineOnly)).toMatchObject({ kind: 'mention', title: 'Bo mentioned you' })
    expect(alertFor(ev('note', { mentions: ['me'], authorId: 'me', text: 'x' }), 'me', mineOnly)).toBeNull()
    expect(alertFor(ev('note', { mentions: ['bo'], authorId: 'bo', text: 'x' }), 'me', mineOnly)).toBeNull()
  })
})
