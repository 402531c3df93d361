import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { messagesOf } from '../../shared/documents.ts'
import type { ToLive, ToWidget } from '../../shared/protocol.ts'
import { login, openDoc, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { api, eventsOf, setWidgetConfig } from '../support/widget.ts'

let t: TestServer
beforeEach(async () => {
  t = await startServer()
})
afterEach(async () => {
  await t.destroy()
})

describe('agents as the visitor sees them', () => {
  it('shows the agent typing (as the department when set) and reads the visitor\'s messages', async () => {
    const admin = await login(t.url)
    await setWidgetConfig(t.wsUrl, admin.token, { department: { enabled: true, name: 'Acme support', avatarUrl: '' } })
    const v = new Visitor(t.wsUrl)
    await v.connect()
    await v.say('first')
    const last = await v.say('second')

    // Opening the conversation is reading it.
    const read = v.next<Extract<ToWidget, { type: 'read' }>>((f) => f.type === 'read')
    const agent = await openDoc(t.wsUrl, `conv/${last.conversationId}`, admin.token)
    agent.provider.awareness.setLocalStateField('viewing', true)
    expect(await read).toEqual({ type: 'read', conversationId: last.conversationId, upTo: last.id })

    const typing = v.next((f) => f.type === 'typing' && f.typing)
    agent.provider.awareness.setLocalStateField('typing', true)
    expect(await typing).toEqual({ type: 'typing', conversationId: last.conversationId, typing: true, name: 'Acme support' })
    const stopped = v.next((f) => f.type === 'typing' && !f.typing)
    agent.provider.awareness.setLocalStateField('typing', false)
    expect(await stopped).toMatchObject({ typing: false })

    // A new visitor message is read when the agent answers after it.
    const third = await v.say('third')
    const readAgain = v.next<Extract<ToWidget, { type: 'read' }>>((f) => f.type === 'read' && f.upTo === third.id)
    messagesOf(agent.doc).push([{ id: 'answer-1', clientId: 'answer-1', kind: 'agent', authorId: admin.agent.id, authorName: 'Admin', text: 'On it', at: Date.now() }])
    await readAgain
    agent.close()
    await v.close()
  })
})

describe('agents starting chats with engaged visitors', () => {
  it('alerts agents of an engaged visitor, and the agent\'s first message opens a chat the visitor receives', async () => {
    const admin = await login(t.url)
    const live = new WebSocket(`${t.wsUrl}/api/live?token=${admin.token}`)
    const seen: ToLive[] = []
    const engaged = new Promise<Extract<ToLive, { type: 'events' }>['events'][number]>((resolve) =>
      live.on('message', (d) => {
        const f = JSON.parse(String(d)) as ToLive
        seen.push(f)
        if (f.type === 'events') for (const e of f.events) if (e.type === 'visitor.engaged') resolve(e)
      }),
    )
    const v = new Visitor(t.wsUrl, { name: 'Vera' }, { url: 'http://shop.test/pricing', title: 'Pricing' })
    const w = await v.connect()
    await v.request({ type: 'attributes', values: { plan: 'pro' } }, 'saved')
    v.send({ type: 'engage' })
    const e = await engaged
    expect(e.conversationId).toBeUndefined()
    expect(e.data).toEqual({ visitorId: w.visitorId, visitorName: 'Vera', pageUrl: 'http://shop.test/pricing', pageTitle: 'Pricing', attributes: { plan: 'pro' } })
    live.close()

    const incoming = v.next<Extract<ToWidget, { type: 'message' }>>((f) => f.type === 'message')
    const started = await api(t.url, admin.token, `/api/visitors/${w.visitorId}/chat`, { text: 'Hi Vera, can I help with plans?', clientId: 'start-chat-1' })
    expect(started.status).toBe(201)
    const conversationId = started.body.conversation.id as string
    expect(started.body.conversation).toMatchObject({ status: 'open', assigneeId: admin.agent.id })
    const got = await incoming
    expect(got).toMatchObject({ conversationId, message: { kind: 'agent', text: 'Hi Vera, can I help with plans?' } })

    // The same request again is the same answer; another one finds the open chat.
    expect(await api(t.url, admin.token, `/api/visitors/${w.visitorId}/chat`, { text: 'Hi Vera, can I help with plans?', clientId: 'start-chat-1' })).toEqual(started)
    const again = await api(t.url, admin.token, `/api/visitors/${w.visitorId}/chat`, { text: 'Hello?', clientId: 'start-chat-2' })
    expect(again).toMatchObject({ status: 409, body: { conversationId } })
    // The visitor's answer goes to that chat.
    expect((await v.say('yes please')).conversationId).toBe(conversationId)

    const types = (await eventsOf(t.url, admin.token)).filter((x) => x.conversationId === conversationId).map((x) => x.type)
    expect(types.slice(0, 2)).toEqual(['conversation.created', 'conversation.assigned'])
    expect((await api(t.url, admin.token, '/api/visitors/nobody-here/chat', { text: 'hi', clientId: 'start-chat-3' })).status).toBe(404)
    expect((await api(t.url, admin.token, `/api/visitors/${w.visitorId}/chat`, { text: '', clientId: 'start-chat-4' })).status).toBe(400)
    await v.close()
  })

  it('logs the proactive funnel and page events, within bounds', async () => {
    const admin = await login(t.url)
    const v = new Visitor(t.wsUrl)
    const w = await v.connect()
    for (const action of ['shown', 'accepted', 'refused']) v.send({ type: 'invite', action })
    v.send({ type: 'track', name: 'added_to_cart', payload: { sku: 'X1', qty: 2, gift: false } })
    // Past the burst, page events are refused politely.
    for (let i = 0; i < 12; i++) v.send({ type: 'track', name: `spam-${i}` })
    await v.next((f) => f.type === 'error' && f.code === 'too_many')
    const events = await eventsOf(t.url, admin.token)
    expect(events.filter((e) => e.type.startsWith('proactive.')).map((e) => [e.type, e.data.visitorId])).toEqual([
      ['proactive.shown', w.visitorId],
      ['proactive.accepted', w.visitorId],
      ['proactive.refused', w.visitorId],
    ])
    const tracked = events.filter((e) => e.type === 'visitor.tracked')
    expect(tracked[0]!.data).toEqual({ visitorId: w.visitorId, name: 'added_to_cart', payload: { sku: 'X1', qty: 2, gift: false } })
    expect(tracked).toHaveLength(10)
    await v.close()
  })
})
