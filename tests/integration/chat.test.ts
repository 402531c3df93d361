import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { messagesOf, metaOf } from '../../shared/documents.ts'
import type { ChatMessage, EventsResponse, ToLive, ToWidget } from '../../shared/protocol.ts'
import { closeCodeOf, command, createAgent, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
beforeEach(async () => {
  t = await startServer({ roomIdleMs: 50 })
})
afterEach(async () => {
  await t.destroy()
})

const agentMessage = (id: string, text: string, authorId = 'a'): ChatMessage => ({
  id,
  clientId: `client-${id}`,
  kind: 'agent',
  authorId,
  authorName: 'Ana',
  text,
  at: Date.now(),
})

describe('the chat loop', () => {
  it('carries a visitor message to the agent and the answer back to the visitor, live', async () => {
    const { token, agent } = await login(t.url)
    const visitor = new Visitor(t.wsUrl, { name: 'Vera', email: 'vera@shop.test' })
    const welcome = await visitor.connect()
    expect(welcome.history).toEqual([])

    const ack = await visitor.say('Do you ship to Norway?')
    const { doc, close } = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, token)
    expect(messagesOf(doc).toArray()).toMatchObject([{ id: ack.id, kind: 'visitor', text: 'Do you ship to Norway?', authorName: 'Vera' }])
    expect(metaOf(doc).toJSON()).toMatchObject({ id: ack.conversationId, status: 'waiting', channel: 'widget', visitorId: visitor.visitorId })

    const answer = visitor.next<Extract<ToWidget, { type: 'message' }>>((f) => f.type === 'message' && f.message.kind === 'agent')
    messagesOf(doc).push([agentMessage('m-1', 'Yes, in 3 days.', agent.id)])
    const got = await answer
    expect(got).toMatchObject({ conversationId: ack.conversationId, message: { id: 'm-1', text: 'Yes, in 3 days.', authorName: 'Ana' } })
    expect(got.message).not.toHaveProperty('authorId')

    // The event log saw both, with server time.
    const res = await fetch(`${t.url}/api/events?after=0`, { headers: { authorization: `Bearer ${token}` } })
    const { events } = (await res.json()) as EventsResponse
    const types = events.map((e) => e.type)
    expect(types).toContain('conversation.created')
    expect(events.filter((e) => e.type === 'message').map((e) => e.data.messageId)).toEqual([ack.id, 'm-1'])
    expect(events.find((e) => e.data.messageId === 'm-1')!.data.authorId).toBe(agent.id)

    // Handed to the open widget: delivered. Written while the visitor is away: delivered when they are back.
    await whenDoc(doc, () => metaOf(doc).get('visitorDeliveredUpTo') === 'm-1')
    await visitor.close()
    messagesOf(doc).push([agentMessage('m-2', 'Anything else?', agent.id)])
    const back = new Visitor(t.wsUrl)
    const welcome2 = await back.connect(visitor.token)
    expect(welcome2.history.map((m) => m.id)).toContain('m-2')
    await whenDoc(doc, () => metaOf(doc).get('visitorDeliveredUpTo') === 'm-2')
    close()
    await back.close()
  })

  it('acknowledges a resent message once, with the same ack, and stores it once', async () => {
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    const first = await visitor.say('only once', 'resend-client-1')
    const again = await visitor.say('only once', 'resend-client-1')
    expect(again).toEqual(first)
    // And after a reconnect, as the widget does with its outbox.
    await visitor.close()
    await visitor.connect()
    expect(await visitor.say('only once', 'resend-client-1')).toEqual(first)
    const { token } = await login(t.url)
    const { doc, close } = await openDoc(t.wsUrl, `conv/${first.conversationId}`, token)
    expect(messagesOf(doc).toArray().filter((m) => m.clientId === 'resend-client-1')).toHaveLength(1)
    close()
    await visitor.close()
  })

  it('gives a returning visitor the whole history, and keeps each visitor to their own', async () => {
    const ana = new Visitor(t.wsUrl, { name: 'Ana' })
    const bob = new Visitor(t.wsUrl, { name: 'Bob' })
    await ana.connect()
    await bob.connect()
    const a1 = await ana.say('from ana')
    const b1 = await bob.say('from bob')
    expect(a1.conversationId).not.toBe(b1.conversationId)
    await ana.close()
    const back = await ana.connect()
    expect(back.visitorId).toBe(ana.visitorId)
    expect(back.history.map((m) => m.text)).toEqual(['from ana'])
    await bob.close()
    await ana.close()
  })

  it('lets two agents edit one conversation and converge', async () => {
    const admin = await login(t.url)
    await createAgent(t.url, admin.token, { email: 'ben@x.io', name: 'Ben', password: 'password-ben' })
    const ben = await login(t.url, { email: 'ben@x.io', password: 'password-ben' })
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    const ack = await visitor.say('hi')
    const a = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, admin.token)
    const b = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, ben.token)
    for (let i = 0; i < 20; i++) {
      messagesOf(a.doc).push([agentMessage(`a-${i}`, `a${i}`)])
      messagesOf(b.doc).push([agentMessage(`b-${i}`, `b${i}`)])
    }
    metaOf(a.doc).set('priority', 'high')
    metaOf(b.doc).set('topic', 'shipping')
    const converged = () =>
      messagesOf(a.doc).length === 41 && messagesOf(b.doc).length === 41 && metaOf(a.doc).get('topic') === 'shipping' && metaOf(b.doc).get('priority') === 'high'
    await whenDoc([a.doc, b.doc], converged)
    expect(messagesOf(a.doc).toJSON()).toEqual(messagesOf(b.doc).toJSON())
    a.close()
    b.close()
    await visitor.close()
  })

  it('pushes new events live on /api/live after the backlog, without gaps', async () => {
    const { token } = await login(t.url)
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    await visitor.say('before')
    const live = new WebSocket(`${t.wsUrl}/api/live?token=${token}&after=0`)
    const seen: number[] = []
    const done = new Promise<void>((resolve) =>
      live.on('message', (d) => {
        const f = JSON.parse(String(d)) as ToLive
        if (f.type !== 'events') return
        seen.push(...f.events.map((e) => e.seq))
        if (f.events.some((e) => e.type === 'message' && e.data.text === 'after')) resolve()
      }),
    )
    await new Promise((r) => live.once('open', r))
    await visitor.say('after')
    await done
    expect(seen).toEqual([...seen].sort((x, y) => x - y))
    expect(seen[0]).toBe(1)
    expect(new Set(seen).size).toBe(seen.length)
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBe(seen[i - 1]! + 1)
    live.close()
    await visitor.close()
  })
})

describe('who may do what', () => {
  it('refuses unauthenticated and mistaken sync sockets with close codes', async () => {
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    const ack = await visitor.say('secret question')
    expect(await closeCodeOf(`${t.wsUrl}/sync/conv/${ack.conversationId}`)).toBe(4401)
    expect(await closeCodeOf(`${t.wsUrl}/sync/conv/${ack.conversationId}?token=forged`)).toBe(4401)
    // A visitor token is not an agent token.
    expect(await closeCodeOf(`${t.wsUrl}/sync/conv/${ack.conversationId}?token=${visitor.token}`)).toBe(4401)
    expect(await closeCodeOf(`${t.wsUrl}/sync/conv/${ack.conversationId}/notes?token=${visitor.token}`)).toBe(4401)
    const { token } = await login(t.url)
    expect(await closeCodeOf(`${t.wsUrl}/sync/not-a-document?token=${token}`)).toBe(4400)
    expect(await closeCodeOf(`${t.wsUrl}/sync/conv/does-not-exist?token=${token}`)).toBe(4403)
    expect(await closeCodeOf(`${t.wsUrl}/api/live?token=nope`)).toBe(4401)
    await visitor.close()
  })

  it('keeps agents out of conversations taken by others, and closes their socket when a chat is transferred away', async () => {
    const admin = await login(t.url)
    await createAgent(t.url, admin.token, { email: 'cy@x.io', name: 'Cy', password: 'password-cy', groups: ['sales'] })
    const cy = await login(t.url, { email: 'cy@x.io', password: 'password-cy' })
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    const ack = await visitor.say('hello')
    // Unassigned: Cy may see it.
    const c = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, cy.token)
    const closed = new Promise<number>((r) => c.provider.once('connection-close', (e: CloseEvent | null) => r(e?.code ?? 0)))
    const a = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, admin.token)
    expect((await command(t.url, admin.token, ack.conversationId, 'take')).status).toBe(200)
    expect(await closed).toBe(4403)
    c.close()
    expect(await closeCodeOf(`${t.wsUrl}/sync/conv/${ack.conversationId}?token=${cy.token}`)).toBe(4403)
    // Cy's event feed no longer lists the conversation's new messages.
    messagesOf(a.doc).push([agentMessage('after-transfer', 'private now')])
    await visitor.next((f) => f.type === 'message' && f.message.id === 'after-transfer')
    const res = await fetch(`${t.url}/api/events?after=0`, { headers: { authorization: `Bearer ${cy.token}` } })
    const { events } = (await res.json()) as EventsResponse
    expect(events.some((e) => e.data.messageId === 'after-transfer')).toBe(false)
    a.close()
    await visitor.close()
  })

  it('refuses a forged visitor token and never sends internal notes to a widget', async () => {
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    const ack = await visitor.say('hi')
    const forged = visitor.token!.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'))
    await expect(new Visitor(t.wsUrl).connect(forged)).rejects.toThrow(/bad_token/)

    const { token } = await login(t.url)
    const notes = await openDoc(t.wsUrl, `conv/${ack.conversationId}/notes`, token)
    notes.doc.getArray('notes').push([{ ...agentMessage('note-1', 'INTERNAL: VIP customer'), kind: 'agent' }])
    const conv = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, token)
    const visible = visitor.next((f) => f.type === 'message' && f.message.id === 'public-1')
    messagesOf(conv.doc).push([agentMessage('public-1', 'public answer')])
    await visible
    expect(JSON.stringify(visitor.frames)).not.toContain('INTERNAL')
    await visitor.close()
    const again = await new Visitor(t.wsUrl).connect(visitor.token)
    expect(JSON.stringify(again)).not.toContain('INTERNAL')
    notes.close()
    conv.close()
  })

  it('creates agents only for admins, with clear errors', async () => {
    const admin = await login(t.url)
    const created = await createAgent(t.url, admin.token, { email: 'dee@x.io', name: 'Dee', password: 'password-dee', role: 'supervisor' })
    expect(created.status).toBe(201)
    expect(created.body.id).toBeTruthy()
    expect((await createAgent(t.url, admin.token, { email: 'dee@x.io', name: 'Dee', password: 'password-dee' })).status).toBe(409)
    expect((await createAgent(t.url, admin.token, { email: 'not-an-email', name: 'X', password: 'password-x' })).status).toBe(400)
    expect((await createAgent(t.url, 'bad-token', { email: 'e@x.io', name: 'E', password: 'password-e' })).status).toBe(401)
    const dee = await login(t.url, { email: 'dee@x.io', password: 'password-dee' })
    expect((await createAgent(t.url, dee.token, { email: 'f@x.io', name: 'F', password: 'password-f' })).status).toBe(403)
    const wrong = await fetch(`${t.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'dee@x.io', password: 'nope' }) })
    expect(wrong.status).toBe(401)
    const logout = await fetch(`${t.url}/api/logout`, { method: 'POST', headers: { authorization: `Bearer ${dee.token}` } })
    expect(logout.status).toBe(204)
    expect((await fetch(`${t.url}/api/me`, { headers: { authorization: `Bearer ${dee.token}` } })).status).toBe(401)
  })

  it('answers health checks and bad HTTP input clearly', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ ok: true })
    const bad = await fetch(`${t.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/JSON/)
    const big = await fetch(`${t.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(100_000) }) })
    expect(big.status).toBe(413)
    const { token } = await login(t.url)
    expect((await fetch(`${t.url}/api/events?after=-1`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(400)
    expect((await fetch(`${t.url}/api/nothing`)).status).toBe(404)
  })
})

describe('durability', () => {
  it('keeps documents, events, visitors and sessions across a restart', async () => {
    const { token } = await login(t.url)
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    const acks = []
    for (let i = 0; i < 10; i++) acks.push(await visitor.say(`message ${i}`))
    const conv = await openDoc(t.wsUrl, `conv/${acks[0]!.conversationId}`, token)
    messagesOf(conv.doc).push([agentMessage('reply-1', 'reply')])
    await visitor.next((f) => f.type === 'message' && f.message.id === 'reply-1')
    conv.close()
    await visitor.close()
    await t.stop()

    t = await startServer({ dataDir: t.dataDir, roomIdleMs: 50 })
    const back = await new Visitor(t.wsUrl).connect(visitor.token)
    expect(back.history.map((m) => m.text)).toEqual([...acks.map((_, i) => `message ${i}`), 'reply'])
    // The session survived too, and the event log continues its numbering.
    const res = await fetch(`${t.url}/api/events?after=0`, { headers: { authorization: `Bearer ${token}` } })
    const { events, last } = (await res.json()) as EventsResponse
    expect(events.filter((e) => e.type === 'message')).toHaveLength(11)
    expect(last).toBe(events.at(-1)!.seq)
    const doc = new Y.Doc()
    const again = await openDoc(t.wsUrl, `conv/${acks[0]!.conversationId}`, token, doc)
    expect(messagesOf(doc).length).toBe(11)
    again.close()
  })
})
