import { describe, expect, it } from 'vitest'
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import { alertFor, placeOf } from '../../client/data/alerts.ts'
import { startChatOutcome } from '../../client/data/engage.ts'

const engaged = (data: Record<string, unknown>, seq = 7): LogEvent => ({ seq, type: EventType.visitorEngaged, at: 1, data })
const nobody = () => false

describe('the engaged-visitor alert', () => {
  it('says who is where, and carries the visitor to start a chat with', () => {
    const a = alertFor(engaged({ visitorId: 'v1', visitorName: 'Ana', pageUrl: 'https://shop.test/pricing', pageTitle: 'Pricing', attributes: {} }), 'me', nobody)
    expect(a).toEqual({
      seq: 7,
      kind: 'engaged',
      title: 'Ana is on /pricing — start a chat',
      body: 'Pricing',
      visitor: { id: 'v1', name: 'Ana', pageUrl: 'https://shop.test/pricing' },
    })
    expect(a!.conversationId).toBeUndefined()
  })

  it('names an anonymous visitor and a page without an address', () => {
    expect(alertFor(engaged({ visitorId: 'v2', visitorName: '  ', pageUrl: null, pageTitle: 'Home' }), 'me', nobody)!.title).toBe('A visitor is on Home — start a chat')
    expect(alertFor(engaged({ visitorId: 'v3' }), 'me', nobody)!.title).toBe('A visitor is on your site — start a chat')
  })

  it('ignores an event without a visitor', () => {
    expect(alertFor(engaged({ visitorName: 'Ana' }), 'me', nobody)).toBeNull()
  })

  it('keeps the query of a page and decodes its path', () => {
    expect(placeOf('https://shop.test/caf%C3%A9?plan=pro', '')).toBe('/café?plan=pro')
    expect(placeOf('not a url', ' Checkout ')).toBe('Checkout')
  })
})

describe('startChatOutcome', () => {
  it('opens the new conversation, or the one the visitor already has', () => {
    expect(startChatOutcome(201, { conversationId: 'c1' })).toEqual({ kind: 'opened', conversationId: 'c1', existing: false })
    expect(startChatOutcome(201, { conversation: { id: 'c2', status: 'open' }, messageId: 'm1' })).toEqual({ kind: 'opened', conversationId: 'c2', existing: false })
    expect(startChatOutcome(409, { conversationId: 'c0', error: 'the visitor already has an open conversation' })).toEqual({ kind: 'opened', conversationId: 'c0', existing: true })
  })

  it('says why otherwise, in a sentence', () => {
    expect(startChatOutcome(409, { error: 'the visitor is blocked', reason: 'blocked' })).toEqual({ kind: 'refused', reason: 'The visitor is blocked.' })
    expect(startChatOutcome(404, { error: 'no such visitor' })).toEqual({ kind: 'refused', reason: 'No such visitor.' })
    expect(startChatOutcome(502, null)).toEqual({ kind: 'refused', reason: 'The server refused (502).' })
    expect(startChatOutcome(401, {})).toEqual({ kind: 'unauthenticated' })
  })
})
