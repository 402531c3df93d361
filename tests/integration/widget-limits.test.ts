import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ToWidget } from '../../shared/protocol.ts'
import { login, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { api, eventsOf } from '../support/widget.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

/** A widget socket with extra request headers, said hello; collects frames. */
async function socket(wsUrl: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${wsUrl}/widget/ws`, { headers })
  const frames: ToWidget[] = []
  ws.on('message', (d) => frames.push(JSON.parse(String(d)) as ToWidget))
  await new Promise((r) => ws.once('open', r))
  ws.send(JSON.stringify({ type: 'hello', workspace: 'default', visitorToken: null }))
  await until(() => frames.some((f) => f.type === 'welcome'))
  return { ws, frames }
}

/** Waits for a condition on frames already arriving (checked as they come, no fixed sleep). */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met')
    await new Promise((r) => setImmediate(r))
  }
}

describe('per-address limits', () => {
  it('slows one address across its sockets with a friendly error, and trusts X-Forwarded-For only when told to', async () => {
    t = await startServer({ widgetAddressRate: { burst: 12, perSecond: 0.5 }, trustProxy: true })
    // Two sockets behind the same proxy client address share one allowance.
    const a = await socket(t.wsUrl, { 'x-forwarded-for': '203.0.113.7' })
    const b = await socket(t.wsUrl, { 'x-forwarded-for': '203.0.113.7' })
    for (let i = 0; i < 10; i++) a.ws.send(JSON.stringify({ type: 'typing' }))
    for (let i = 0; i < 10; i++) b.ws.send(JSON.stringify({ type: 'typing' }))
    await until(() => [...a.frames, ...b.frames].some((f) => f.type === 'error' && f.code === 'too_many'))
    const error = [...a.frames, ...b.frames].find((f) => f.type === 'error')!
    expect(error).toMatchObject({ code: 'too_many', message: expect.stringContaining('wait a moment') })
    // The sockets stay open: others may share the address.
    expect(a.ws.readyState).toBe(WebSocket.OPEN)
    expect(b.ws.readyState).toBe(WebSocket.OPEN)

    // Another address is not slowed by the first.
    const c = await socket(t.wsUrl, { 'x-forwarded-for': '198.51.100.9' })
    c.ws.send(JSON.stringify({ type: 'message', clientId: 'other-address-1', text: 'hi' }))
    await until(() => c.frames.some((f) => f.type === 'ack'))
    for (const s of [a, b, c]) s.ws.close()
  })

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    t = await startServer({ widgetAddressRate: { burst: 6, perSecond: 0.5 } })
    const a = await socket(t.wsUrl, { 'x-forwarded-for': '203.0.113.1' })
    const b = await socket(t.wsUrl, { 'x-forwarded-for': '203.0.113.2' })
    for (let i = 0; i < 5; i++) b.ws.send(JSON.stringify({ type: 'typing' }))
    // Both hellos and b's frames came from 127.0.0.1: a is out of allowance too.
    a.ws.send(JSON.stringify({ type: 'typing' }))
    await until(() => a.frames.some((f) => f.type === 'error' && f.code === 'too_many'))
    a.ws.close()
    b.ws.close()
  })
})

describe('garbage in the widget frames', () => {
  it('answers each malformed new frame with a clear error, changes nothing, and keeps serving', async () => {
    t = await startServer()
    const admin = await login(t.url)
    const v = new Visitor(t.wsUrl)
    const w = await v.connect()
    const ack = await v.say('a real message')
    const bad: [unknown, RegExp][] = [
      [{ type: 'form', fields: 'nope' }, /fields/],
      [{ type: 'form', kind: 'survey', fields: {} }, /kind must be prechat or request/],
      [{ type: 'form', fields: { 'bad key!': 'x' } }, /field names/],
      [{ type: 'form', fields: { note: 'x'.repeat(2001) } }, /at most 2000 characters/],
      [{ type: 'form', fields: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'x'])) }, /at most 50/],
      [{ type: 'form', fields: { email: 'not an email' } }, /email/],
      [{ type: 'attributes', values: { plan: 42 } }, /values/],
      [{ type: 'attributes', values: { plan: 'x'.repeat(501) } }, /at most 500 characters/],
      [{ type: 'attributes', values: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, /at most 50/],
      [{ type: 'attributes' }, /values/],
      [{ type: 'rating', conversationId: ack.conversationId, kind: 'csat', score: 0 }, /CSAT is 1–5/],
      [{ type: 'rating', conversationId: ack.conversationId, kind: 'nps', score: 11 }, /NPS 0–10/],
      [{ type: 'rating', conversationId: ack.conversationId, kind: 'csat', score: 4.5 }, /whole number/],
      [{ type: 'rating', conversationId: ack.conversationId, kind: 'stars', score: 4 }, /kind must be csat or nps/],
      [{ type: 'rating', conversationId: '../../etc', score: 4 }, /conversationId/],
      [{ type: 'rating', conversationId: 'no-such-conversation', score: 4 }, /no such conversation/],
      [{ type: 'invite', action: 'maybe' }, /action must be shown, accepted or refused/],
      [{ type: 'invite' }, /action/],
      [{ type: 'track', name: '' }, /name is empty/],
      [{ type: 'track', name: 'x'.repeat(65) }, /name is at most 64/],
      [{ type: 'track', name: 'ok', payload: { nested: { a: 1 } } }, /payload/],
      [{ type: 'track', name: 'ok', payload: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, i])) }, /at most 20 payload/],
      [{ type: 'track', name: 'ok', payload: [1, 2] }, /payload/],
      [{ type: 'hello', workspace: 'default', visitorToken: null, user: { email: 'a@b.c', hash: 'h'.repeat(200) } }, /hash/],
    ]
    for (const [frame, message] of bad) {
      const reply = await v.request(frame, 'error', 'saved')
      expect(reply, JSON.stringify(frame).slice(0, 80)).toMatchObject({ type: 'error', code: 'bad_request', message: expect.stringMatching(message) })
    }
    // Nothing changed: the client card is as it was, no rating or page event was logged.
    const card = await api(t.url, admin.token, `/api/conversations/${ack.conversationId}/contact`)
    expect(card.body.visitor).toMatchObject({ id: w.visitorId, name: '', email: '', phone: '', fields: {} })
    const types = new Set((await eventsOf(t.url, admin.token)).map((e) => e.type))
    for (const type of ['conversation.rated', 'proactive.shown', 'visitor.tracked']) expect(types.has(type)).toBe(false)
    // And the socket still serves.
    expect((await v.say('still here')).conversationId).toBe(ack.conversationId)
    await v.close()
  })
})
