import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as encoding from 'lib0/encoding'
import { messagesOf } from '../../shared/documents.ts'
import { login, openDoc, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { prng } from '../support/random.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20261121)
const FRAMES = 10_000
/** Frames sent down one socket before the next: the server is free to close a socket that misbehaves. */
const PER_SOCKET = 100

function widgetGarbage(r: () => number): string | Buffer {
  const pick = Math.floor(r() * 10)
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)))
  switch (pick) {
    case 0:
      return bytes(1 + Math.floor(r() * 64))
    case 1:
      return bytes(Math.floor(r() * 64)).toString('latin1')
    case 2:
      return JSON.stringify({ type: ['message', 'hello', 'x', 42, null][Math.floor(r() * 5)], text: r() > 0.5 ? 'hi' : 5, clientId: r() > 0.5 ? 'abcdefghij' : {} })
    case 3:
      return JSON.stringify({ type: 'message', clientId: `fuzz-${Math.floor(r() * 1e9)}`, text: 'x'.repeat(Math.floor(r() * 40_000)) })
    case 4:
      return '['.repeat(5000) + ']'.repeat(5000)
    case 5:
      return JSON.stringify({ type: 'hello', workspace: r() > 0.5 ? 'default' : 'nope', visitorToken: r() > 0.5 ? 'v1.default.x.y' : null })
    case 6:
      return 'null'
    case 7:
      return JSON.stringify({ type: 'rating', conversationId: 'c', score: r() * 100 })
    case 8:
      return JSON.stringify({ __proto__: { type: 'message' }, constructor: { prototype: 1 } })
    default:
      return JSON.stringify({ type: 'message', clientId: `fuzz-${Math.floor(r() * 1e9)}`, text: 'valid text' })
  }
}

function syncGarbage(r: () => number): Buffer {
  const pick = Math.floor(r() * 6)
  const random = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)))
  const enc = encoding.createEncoder()
  switch (pick) {
    case 0:
      return random(1 + Math.floor(r() * 128))
    case 1: // a sync update with a garbage payload
      encoding.writeVarUint(enc, 0)
      encoding.writeVarUint(enc, 2)
      encoding.writeVarUint8Array(enc, random(Math.floor(r() * 200)))
      break
    case 2: // a sync step 1 with a garbage state vector
      encoding.writeVarUint(enc, 0)
      encoding.writeVarUint(enc, 0)
      encoding.writeVarUint8Array(enc, random(Math.floor(r() * 50)))
      break
    case 3: // awareness with garbage
      encoding.writeVarUint(enc, 1)
      encoding.writeVarUint8Array(enc, random(Math.floor(r() * 100)))
      break
    case 4: // awareness claiming a state that is not JSON
      encoding.writeVarUint(enc, 1)
      {
        const inner = encoding.createEncoder()
        encoding.writeVarUint(inner, 1)
        encoding.writeVarUint(inner, Math.floor(r() * 1e6))
        encoding.writeVarUint(inner, 1)
        encoding.writeVarString(inner, r() > 0.5 ? '{"user":' : '[1,2]')
        encoding.writeVarUint8Array(enc, encoding.toUint8Array(inner))
      }
      break
    default:
      encoding.writeVarUint(enc, Math.floor(r() * 1000))
  }
  return Buffer.from(encoding.toUint8Array(enc))
}

async function blast(url: string, frames: (string | Buffer)[]): Promise<void> {
  const ws = new WebSocket(url)
  ws.on('error', () => {})
  const closed = new Promise((r) => ws.once('close', r))
  await new Promise((r) => {
    ws.once('open', r)
    ws.once('close', r)
  })
  for (const f of frames) if (ws.readyState === WebSocket.OPEN) ws.send(f)
  // Give the server a moment to chew, then hang up (or find it already hung up).
  setTimeout(() => ws.terminate(), 50)
  await closed
}

let t: TestServer
beforeAll(async () => {
  t = await startServer({ roomIdleMs: 50 })
})
afterAll(async () => {
  await t.destroy()
})

describe(`garbage (seed ${SEED})`, () => {
  it(`survives ${FRAMES} garbage frames on the widget socket and on the sync socket, and keeps chatting`, async () => {
    const r = prng(SEED)
    const { token } = await login(t.url)
    const visitor = new Visitor(t.wsUrl, { name: 'Real' })
    await visitor.connect()
    const ack = await visitor.say('a real question')
    const doc = `conv/${ack.conversationId}`

    for (let sent = 0; sent < FRAMES; sent += PER_SOCKET) {
      const widgetFrames = Array.from({ length: PER_SOCKET / 2 }, () => widgetGarbage(r))
      const syncFrames = Array.from({ length: PER_SOCKET / 2 }, () => syncGarbage(r))
      await Promise.all([blast(`${t.wsUrl}/widget/ws`, widgetFrames), blast(`${t.wsUrl}/sync/${doc}?token=${token}`, syncFrames)])
    }

    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ ok: true })
    // The real conversation still works both ways.
    const agent = await openDoc(t.wsUrl, doc, token)
    expect(messagesOf(agent.doc).toArray().filter((m) => m.kind === 'visitor').map((m) => m.text)).toEqual(['a real question'])
    const answer = visitor.next((f) => f.type === 'message' && f.message.id === 'after-fuzz')
    messagesOf(agent.doc).push([{ id: 'after-fuzz', clientId: 'after-fuzz-c', kind: 'agent', authorId: 'x', authorName: 'Ana', text: 'still here', at: Date.now() }])
    await answer
    expect((await visitor.say('and me')).conversationId).toBe(ack.conversationId)
    agent.close()
    await visitor.close()
  }, 120_000)
})
