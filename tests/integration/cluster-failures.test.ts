import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { messagesOf } from '../../shared/documents.ts'
import type { LogEvent, ToLive, ToWidget } from '../../shared/protocol.ts'
import { login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startBalancer, startCluster, startOwnRedis } from '../support/cluster.ts'
import { kill9 } from '../support/process.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {})
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
type Ack = Extract<ToWidget, { type: 'ack' }>
class RefusedError extends Error {}

/**
 * Sends a message as the widget's outbox does: until it is acknowledged, reconnecting (with the
 * visitor's token) and sending it again with the same clientId whenever the socket goes.
 */
async function sayReliably(v: Visitor, text: string, clientId: string): Promise<Ack> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      if (!v.ws || v.ws.readyState !== WebSocket.OPEN) await v.connect(v.token)
      const closed = new Promise<never>((_, reject) => v.ws.once('close', () => reject(new Error('closed'))))
      const refused = v.next<Extract<ToWidget, { type: 'error' }>>((f) => f.type === 'error').then((f) => {
        throw new RefusedError(`${clientId} refused: ${f.message}`)
      })
      return await Promise.race([v.say(text, clientId), closed, refused])
    } catch (err) {
      if (err instanceof RefusedError) throw err
      if (process.env.DEBUG_CLUSTER) console.log(clientId, attempt, (err as Error).message)
      await sleep(100)
    }
  }
  throw new Error(`${clientId} was never acknowledged`)
}

/** An agent's live feed that redials after what it holds whenever its socket goes, noting any event seen twice or skipped. */
function reliableFeed(wsUrl: string, token: string) {
  const state = { events: [] as LogEvent[], last: 0, faults: [] as string[], stopped: false, ws: null as WebSocket | null }
  const dial = () => {
    if (state.stopped) return
    const ws = new WebSocket(`${wsUrl}/api/live?token=${encodeURIComponent(token)}&after=${state.last}`)
    state.ws = ws
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as ToLive
      if (f.type !== 'events') return
      for (const e of f.events) {
        if (e.seq <= state.last) state.faults.push(`seq ${e.seq} again after ${state.last}`)
        else if (e.seq !== state.last + 1) state.faults.push(`seq ${e.seq} after ${state.last}`)
        state.events.push(e)
        state.last = Math.max(state.last, e.seq)
      }
      state.last = Math.max(state.last, f.last)
    })
    ws.on('error', () => {})
    ws.on('close', () => setTimeout(dial, 150))
  }
  dial()
  return {
    state,
    async until(check: () => boolean, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs
      while (!check()) {
        if (Date.now() > end) throw new Error(`the feed did not get there (last ${state.last})`)
        await sleep(25)
      }
    },
    stop() {
      state.stopped = true
      state.ws?.close()
    },
  }
}

/** Every event of the log, read through `url`, a page at a time. */
async function wholeLog(url: string, token: string): Promise<LogEvent[]> {
  const out: LogEvent[] = []
  for (;;) {
    const res = await fetch(`${url}/api/events?after=${out.length ? out[out.length - 1]!.seq : 0}&limit=1000`, { headers: { authorization: `Bearer ${token}` } })
    const page = ((await res.json()) as { events: LogEvent[] }).events
    if (!page.length) return out
    out.push(...page)
  }
}

/** Instances a (started first: the leader) and b on a Redis this test owns and may stop; both gone after the test. */
async function twoOnOwnRedis() {
  const redis = await startOwnRedis()
  cleanups.push(() => redis.stop())
  const cluster = await startCluster(['a', 'b'], { redisUrl: redis.url })
  cleanups.push(() => cluster.destroy())
  const [a, b] = cluster.instances
  return { redis, a: a!, b: b! }
}

describe('several instances when things fail', () => {
  it('kill -9 of an instance behind HAProxy in the middle of acknowledged traffic: nothing acknowledged lost or doubled, the log gapless, every client back by itself', async () => {
    const cluster = await startCluster(['a', 'b', 'c'])
    cleanups.push(() => cluster.destroy())
    const lb = await startBalancer(cluster.instances)
    cleanups.push(() => lb.stop())
    const admin = await login(lb.url)
    const feed = reliableFeed(lb.wsUrl, admin.token)
    cleanups.push(async () => feed.stop())

    const VISITORS = 6
    const EACH = 15
    const visitors = Array.from({ length: VISITORS }, (_, i) => new Visitor(lb.wsUrl, { name: `V${i}` }))
    cleanups.push(async () => {
      for (const v of visitors) await v.close().catch(() => {})
    })
    for (const v of visitors) await v.connect()
    // The first visitor's conversation, followed by an agent's document through the balancer (y-websocket redials by itself).
    const first = await sayReliably(visitors[0]!, 'hello', 'v0-hello-0')
    const agentDoc = new Y.Doc()
    const provider = new WebsocketProvider(`${lb.wsUrl}/sync`, `conv/${first.conversationId}`, agentDoc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: admin.token },
      disableBc: true,
    })
    cleanups.push(async () => provider.destroy())

    const acks: Ack[] = [first]
    let sent = 0
    const killed = (async () => {
      while (sent < (VISITORS * EACH) / 3) await sleep(10)
      await kill9(cluster.instances[1]!.child)
    })()
    await Promise.all(
      visitors.map(async (v, i) => {
        for (let n = 0; n < EACH; n++) {
          acks.push(await sayReliably(v, `v${i} message ${n}`, `v${i}-message-${n}`))
          sent++
        }
      }),
    )
    await killed

    // Through a survivor: every acknowledged message stored once, with its clientId once, the log numbered 1…n.
    const log = await wholeLog(lb.url, admin.token)
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1))
    const messages = log.filter((e) => e.type === 'message')
    const ids = messages.map((e) => e.data.messageId as string)
    expect(new Set(ids).size).toBe(ids.length)
    const clientIds = messages.map((e) => e.data.clientId as string)
    expect(new Set(clientIds).size).toBe(clientIds.length)
    for (const ack of acks) expect(ids, `acknowledged ${ack.clientId}`).toContain(ack.id)
    expect(acks).toHaveLength(1 + VISITORS * EACH)

    // The agent's feed came back by itself and holds the log as stored: each event once, none skipped.
    await feed.until(() => feed.state.last >= log[log.length - 1]!.seq)
    expect(feed.state.faults).toEqual([])
    expect(feed.state.events.map((e) => e.seq)).toEqual(log.map((e) => e.seq))

    // The agent's document equals a fresh load from the store.
    const fresh = await openDoc(lb.wsUrl, `conv/${first.conversationId}`, admin.token)
    cleanups.push(async () => fresh.close())
    const texts = (d: Y.Doc) => messagesOf(d).toArray().map((m) => m.id)
    await whenDoc([agentDoc, fresh.doc], () => texts(agentDoc).length === EACH + 1 && texts(fresh.doc).length === EACH + 1)
    expect(texts(agentDoc)).toEqual(texts(fresh.doc))
  }, 120_000)

  it('Redis restarted under traffic: the fan-out resumes and what it lost is read from PostgreSQL', async () => {
    const { redis, a, b } = await twoOnOwnRedis()
    const admin = await login(b!.url)
    const feed = reliableFeed(b!.wsUrl, admin.token)
    cleanups.push(async () => feed.stop())
    const visitor = new Visitor(a!.wsUrl)
    cleanups.push(() => visitor.close())
    await visitor.connect()
    const first = await visitor.say('before')
    const onB = await openDoc(b!.wsUrl, `conv/${first.conversationId}`, admin.token)
    cleanups.push(async () => onB.close())

    // Messages keep coming on A while Redis is down for a second, then back.
    const N = 30
    const said = (async () => {
      for (let n = 0; n < N; n++) {
        await visitor.say(`during ${n}`)
        await sleep(40)
      }
    })()
    await sleep(300)
    await redis.stop()
    await sleep(1000)
    await redis.start()
    await said

    // B's feed and B's document hold every message, in order, none twice.
    const log = await wholeLog(a!.url, admin.token)
    await feed.until(() => feed.state.last >= log[log.length - 1]!.seq)
    expect(feed.state.faults).toEqual([])
    expect(feed.state.events.map((e) => e.seq)).toEqual(log.map((e) => e.seq))
    const expected = ['before', ...Array.from({ length: N }, (_, n) => `during ${n}`)]
    await whenDoc(onB.doc, () => messagesOf(onB.doc).length === expected.length, 15_000)
    expect(messagesOf(onB.doc).toArray().map((m) => m.text)).toEqual(expected)
    // And the bus carries again: a message now crosses at once.
    await visitor.say('after')
    await whenDoc(onB.doc, () => messagesOf(onB.doc).length === expected.length + 1, 5_000)
    // /readyz says ready again on both.
    for (const i of [a!, b!]) expect((await fetch(`${i.url}/readyz`)).status).toBe(200)
  }, 90_000)

  it('an instance cut from Redis long enough to be taken for gone logs its agents connected again once it reads the log back', async () => {
    // A, started first, leads; the agent's app is connected to B.
    const { redis, a, b } = await twoOnOwnRedis()
    const admin = await login(b!.url)
    const app = new WebSocket(`${b!.wsUrl}/api/live?token=${encodeURIComponent(admin.token)}&after=0`)
    cleanups.push(async () => app.close())
    await new Promise((r) => app.once('open', r))
    const mine = async () => (await wholeLog(a!.url, admin.token)).filter((e) => (e.type === 'agent.connected' || e.type === 'agent.disconnected') && e.data.agentId === admin.agent.id)
    const until = async (what: string, check: (events: LogEvent[]) => boolean, timeoutMs: number) => {
      const end = Date.now() + timeoutMs
      for (;;) {
        const events = await mine()
        if (check(events)) return events
        if (Date.now() > end) throw new Error(`${what}: ${JSON.stringify(events.map((e) => [e.type, e.data.instance, e.data.reason]))}`)
        await sleep(200)
      }
    }
    await until('connected on B', (es) => es.at(-1)?.type === 'agent.connected' && es.at(-1)?.data.instance === 'b', 5_000)

    // No heartbeat crosses for longer than an instance is given: the leader takes B for gone.
    await redis.stop()
    await until('signed out as gone', (es) => es.at(-1)?.type === 'agent.disconnected' && es.at(-1)?.data.reason === 'instance gone', 15_000)
    await redis.start()
    // B reads back what it missed, sees itself taken for gone while its agent is still there, and says so.
    const events = await until('connected again', (es) => es.at(-1)?.type === 'agent.connected' && es.at(-1)?.data.instance === 'b', 15_000)
    expect(events.map((e) => e.type)).toEqual(['agent.connected', 'agent.disconnected', 'agent.connected'])
    expect(app.readyState).toBe(WebSocket.OPEN)
  }, 90_000)
})
