import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import { messagesOf, metaOf } from '../../shared/documents.ts'
import { login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

/** The visitor's presence as an agent's replica of the awareness shows it. */
function visitorState(provider: { awareness: { getStates(): Map<number, Record<string, unknown>> } }) {
  for (const s of provider.awareness.getStates().values()) if (s.visitor) return s.visitor as { online: boolean; typing: boolean }
  return null
}

describe('visitor presence and read receipts', () => {
  it('shows agents whether the visitor is online and typing, and what they have read', async () => {
    t = await startServer()
    const { token, agent } = await login(t.url)
    const visitor = new Visitor(t.wsUrl, { name: 'Pia' })
    await visitor.connect()
    const ack = await visitor.say('hello')
    const a = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, token)
    await expect.poll(() => visitorState(a.provider)).toEqual({ online: true, typing: false })

    visitor.ws.send(JSON.stringify({ type: 'typing' }))
    await expect.poll(() => visitorState(a.provider)?.typing).toBe(true)
    await visitor.say('second')
    await expect.poll(() => visitorState(a.provider)?.typing).toBe(false)

    const got = visitor.next((f) => f.type === 'message' && f.message.id === 'answer-1')
    messagesOf(a.doc).push([{ id: 'answer-1', clientId: 'answer-1', kind: 'agent', authorId: agent.id, authorName: 'Admin', text: 'hi Pia', at: Date.now() }])
    await got
    visitor.ws.send(JSON.stringify({ type: 'read', upTo: 'answer-1' }))
    await whenDoc(a.doc, () => metaOf(a.doc).get('visitorReadUpTo') === 'answer-1')
    // A receipt for a message of another conversation changes nothing.
    visitor.ws.send(JSON.stringify({ type: 'read', upTo: 'not-a-message' }))

    // Nobody can pose as the visitor: an agent's forged awareness entry for the server's id is dropped.
    const serverId = [...a.provider.awareness.getStates()].find(([, s]) => s.visitor)![0]
    const inner = encoding.createEncoder()
    encoding.writeVarUint(inner, 1)
    encoding.writeVarUint(inner, serverId)
    encoding.writeVarUint(inner, 1_000_000)
    encoding.writeVarString(inner, JSON.stringify({ visitor: { online: false, typing: true } }))
    const frame = encoding.createEncoder()
    encoding.writeVarUint(frame, 1)
    encoding.writeVarUint8Array(frame, encoding.toUint8Array(inner))
    a.provider.ws!.send(encoding.toUint8Array(frame))
    // Nor by claiming it in their own state.
    a.provider.awareness.setLocalStateField('visitor', { online: false, typing: true })
    const b = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, token)
    await expect.poll(() => [...b.provider.awareness.getStates().values()].filter((s) => s.visitor).length).toBe(1)
    expect(visitorState(b.provider)).toEqual({ online: true, typing: false })
    b.close()

    await visitor.close()
    await expect.poll(() => visitorState(a.provider)?.online).toBe(false)
    expect(metaOf(a.doc).get('visitorReadUpTo')).toBe('answer-1')
    a.close()
  })

  it('gives an agent who opens the chat later the presence known before', async () => {
    t = await startServer({ roomIdleMs: 10 })
    const { token } = await login(t.url)
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    const ack = await visitor.say('anyone?')
    visitor.ws.send(JSON.stringify({ type: 'typing' }))
    const a = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, token)
    await expect.poll(() => visitorState(a.provider)).toEqual({ online: true, typing: true })
    a.close()
    await visitor.close()
  })
})
