/**
 * Round trip under load: visitors chat with agents at once. Measures the time from a visitor's
 * send to the agent's document seeing it, and from an agent's append to the visitor receiving it;
 * then the same Yjs relay load through the stock y-websocket server, as the baseline.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { messagesOf } from '../../shared/documents.ts'
import type { ChatMessage } from '../../shared/protocol.ts'
import { createAgent, login, Visitor } from '../support/clients.ts'
import { freePort } from '../support/ports.ts'
import { kill9, spawnServer } from '../support/process.ts'

export interface RoundtripOptions {
  visitors: number
  agents: number
  rounds: number
  /** Think time between a visitor reading the answer and writing again (uniform in [min, max] ms). */
  thinkMs: [number, number]
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const think = (o: RoundtripOptions) => sleep(o.thinkMs[0] + Math.random() * (o.thinkMs[1] - o.thinkMs[0]))
const Ws = WebSocket as unknown as typeof globalThis.WebSocket

function provider(url: string, name: string, doc: Y.Doc, params: Record<string, string> = {}) {
  return new WebsocketProvider(url, name, doc, { WebSocketPolyfill: Ws, params, disableBc: true })
}
const synced = (p: WebsocketProvider) => new Promise<void>((r) => (p.synced ? r() : p.once('sync', () => r())))

/** Our server: visitors on the widget socket, agents on Yjs documents, authenticated and persisted. */
export async function measureParley(o: RoundtripOptions): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'))
  const server = await spawnServer(dataDir)
  try {
    return await roundtripOn([server], o)
  } finally {
    await kill9(server.child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * The round trips through running servers: visitor i on server i mod n, their agent's document on
 * the next server (with several, every message crosses between instances). Agents are created on
 * the first.
 */
export async function roundtripOn(servers: readonly { url: string; wsUrl: string }[], o: RoundtripOptions): Promise<number[]> {
  const first = servers[0]!
  const samples: number[] = []
  const closers: (() => void)[] = []
  try {
    const admin = await login(first.url)
    const tokens: string[] = []
    for (let i = 0; i < o.agents; i++) {
      const email = `bench-agent-${i}@x.io`
      await createAgent(first.url, admin.token, { email, name: `Agent ${i}`, password: 'bench-password' })
      tokens.push((await login(first.url, { email, password: 'bench-password' })).token)
    }
    const visitors: Visitor[] = []
    const convs: string[] = []
    for (let i = 0; i < o.visitors; i++) {
      // Each from an address of its own, as on the web: the server also limits frames per address.
      const v = new Visitor(servers[i % servers.length]!.wsUrl, { name: `Visitor ${i}` }, undefined, benchAddress(i))
      await v.connect()
      convs.push((await v.say('hello')).conversationId)
      visitors.push(v)
      closers.push(() => v.ws.terminate())
    }
    const docs = await Promise.all(
      convs.map(async (id, i) => {
        const doc = new Y.Doc()
        const p = provider(`${servers[(i + 1) % servers.length]!.wsUrl}/sync`, `conv/${id}`, doc, { token: tokens[i % tokens.length]! })
        // A doc outlives its provider and keeps its awareness timer running: destroy both, or the process never exits.
        closers.push(() => {
          p.destroy()
          doc.destroy()
        })
        await synced(p)
        return doc
      }),
    )

    await Promise.all(
      visitors.map(async (v, i) => {
        const doc = docs[i]!
        const arr = messagesOf(doc)
        for (let r = 0; r < o.rounds; r++) {
          await think(o)
          const clientId = `bench-${i}-${r}`
          // Visitor → agent: from send until the agent's document holds it.
          const seen = new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`visitor ${i} round ${r}: the agent never saw the message`)), 30_000)
            const check = () => {
              if (arr.toArray().some((m) => m.clientId === clientId)) {
                arr.unobserve(check)
                clearTimeout(timer)
                resolve(performance.now())
              }
            }
            arr.observe(check)
          })
          const t0 = performance.now()
          v.ws.send(JSON.stringify({ type: 'message', clientId, text: `question ${r}` }))
          samples.push((await seen) - t0)
          // Agent → visitor: from the append until the widget receives it.
          const id = `reply-${i}-${r}`
          const got = v.next((f) => f.type === 'message' && f.message.id === id, 30_000)
          const t1 = performance.now()
          const m: ChatMessage = { id, clientId: id, kind: 'agent', authorId: 'bench', authorName: 'Agent', text: `answer ${r}`, at: Date.now() }
          arr.push([m])
          await got
          samples.push(performance.now() - t1)
        }
      }),
    )
    return samples
  } finally {
    for (const c of closers) c()
  }
}

/** A loopback address of its own for client i (127.0.x.y), as visitors on the web come from many. */
export const benchAddress = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${2 + (i % 250)}`

/** The stock y-websocket server: the same relay (one writer, one reader per room, both ways), no auth, no persistence. */
export async function measureStock(o: RoundtripOptions): Promise<number[]> {
  const port = await freePort()
  const require = createRequire(import.meta.url)
  const bin = join(require.resolve('y-websocket-stock/package.json'), '../bin/server.cjs')
  const child = spawn(process.execPath, [bin], { env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()))
  const url = `ws://127.0.0.1:${port}`
  const samples: number[] = []
  const closers: (() => void)[] = []
  try {
    const pairs = await Promise.all(
      Array.from({ length: o.visitors }, async (_, i) => {
        const a = new Y.Doc()
        const b = new Y.Doc()
        const pa = provider(url, `room-${i}`, a)
        const pb = provider(url, `room-${i}`, b)
        closers.push(
          () => pa.destroy(),
          () => pb.destroy(),
          () => a.destroy(),
          () => b.destroy(),
        )
        await Promise.all([synced(pa), synced(pb)])
        return [a, b] as const
      }),
    )
    const oneWay = (from: Y.Doc, to: Y.Doc, id: string) =>
      new Promise<number>((resolve) => {
        const arr = messagesOf(to)
        const check = () => {
          if (arr.toArray().some((m) => m.id === id)) {
            arr.unobserve(check)
            resolve(performance.now())
          }
        }
        arr.observe(check)
        const t0 = performance.now()
        messagesOf(from).push([{ id, clientId: id, kind: 'visitor', authorId: 'x', authorName: 'X', text: 'x', at: Date.now() }])
        return t0
      })
    await Promise.all(
      pairs.map(async ([a, b], i) => {
        for (let r = 0; r < o.rounds; r++) {
          await think(o)
          let t0 = performance.now()
          samples.push((await oneWay(a, b, `q-${i}-${r}`)) - t0)
          t0 = performance.now()
          samples.push((await oneWay(b, a, `a-${i}-${r}`)) - t0)
        }
      }),
    )
    return samples
  } finally {
    for (const c of closers) c()
    child.kill('SIGKILL')
  }
}
