import { afterEach, describe, expect, it } from 'vitest'
import pg from 'pg'
import WebSocket from 'ws'
import { messagesOf, metaOf } from '../../shared/documents.ts'
import type { ChatMessage, LogEvent, ToLive, ToWidget } from '../../shared/protocol.ts'
import { command, createAgent, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCluster, TEST_REDIS_URL } from '../support/cluster.ts'
import { createTestDatabase } from '../support/postgres.ts'
import { kill9, spawnServer } from '../support/process.ts'
import { BOT_TOKEN, TelegramStandIn } from '../support/channelStandIns.ts'
import { eventsOf } from '../support/widget.ts'
import { agentOnDuty } from '../support/settings.ts'
import { foldAgentState, type AgentState } from '../../shared/reports/agentStates.ts'

let cluster: Awaited<ReturnType<typeof startCluster>> | null = null
afterEach(async () => {
  await cluster?.destroy()
  cluster = null
})

/** An agent's live feed (`/api/live`) on one instance: every event it is sent, in the order sent. */
function liveFeed(wsUrl: string, token: string) {
  const events: LogEvent[] = []
  const ws = new WebSocket(`${wsUrl}/api/live?token=${encodeURIComponent(token)}&after=0`)
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as ToLive
    if (f.type === 'events') events.push(...f.events)
  })
  const until = async (check: (events: LogEvent[]) => boolean, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs
    while (!check(events)) {
      if (Date.now() > end) throw new Error(`the live feed did not get there; it has ${events.map((e) => `${e.seq}:${e.type}`).join(' ')}`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }
  return { events, until, close: () => ws.close() }
}

const reply = (id: string, text: string, authorId: string): ChatMessage => ({ id, clientId: `client-${id}`, kind: 'agent', authorId, authorName: 'Ana', text, at: Date.now() })

describe('several instances on PostgreSQL + Redis', () => {
  it('carries a visitor on A to agents on B and C and the replies back, in order, the log gapless on every instance', async () => {
    cluster = await startCluster(['a', 'b', 'c'])
    const [a, b, c] = cluster.instances
    const admin = await login(b!.url)
    await createAgent(c!.url, admin.token, { email: 'ana@shop.test', name: 'Ana', password: 'ana password 1' })
    const ana = await login(c!.url, { email: 'ana@shop.test', password: 'ana password 1' })
    const feedB = liveFeed(b!.wsUrl, admin.token)
    const feedC = liveFeed(c!.wsUrl, ana.token)

    const visitor = new Visitor(a!.wsUrl, { name: 'Vera' })
    await visitor.connect()
    const acks = []
    for (let i = 1; i <= 5; i++) acks.push(await visitor.say(`question ${i}`))
    const conversationId = acks[0]!.conversationId

    // The supervisor's feed on B: every visitor message, in order.
    const visitorTexts = (events: LogEvent[]) => events.filter((e) => e.type === 'message' && e.data.kind === 'visitor').map((e) => e.data.text)
    await feedB.until((ev) => visitorTexts(ev).length === 5)
    expect(visitorTexts(feedB.events)).toEqual(['question 1', 'question 2', 'question 3', 'question 4', 'question 5'])

    // Ana on C opens the conversation (her document there) and answers twice.
    const { doc, close } = await openDoc(c!.wsUrl, `conv/${conversationId}`, admin.token)
    expect(messagesOf(doc).toArray().map((m) => m.text)).toEqual(['question 1', 'question 2', 'question 3', 'question 4', 'question 5'])
    const answers: string[] = []
    const gotBoth = new Promise<void>((resolve) => {
      const each = (f: ToWidget) => {
        if (f.type === 'message' && f.message.kind === 'agent') answers.push(f.message.text)
        if (answers.length === 2) resolve()
      }
      visitor.ws.on('message', (d) => each(JSON.parse(String(d)) as ToWidget))
    })
    messagesOf(doc).push([reply('r-1', 'answer 1', admin.agent.id)])
    messagesOf(doc).push([reply('r-2', 'answer 2', admin.agent.id)])
    await gotBoth
    expect(answers).toEqual(['answer 1', 'answer 2'])

    // A document opened on B, where nothing was written, holds it all too; and a write on A reaches C's.
    const onB = await openDoc(b!.wsUrl, `conv/${conversationId}`, admin.token)
    expect(messagesOf(onB.doc).toArray().map((m) => m.text)).toEqual([...visitorTexts(feedB.events), 'answer 1', 'answer 2'])
    await visitor.say('thanks')
    await whenDoc([doc, onB.doc], () => messagesOf(doc).length === 8 && messagesOf(onB.doc).length === 8).catch((err) => {
      throw new Error(`${(err as Error).message}: on C ${JSON.stringify(messagesOf(doc).toArray().map((m) => m.text))}, on B ${JSON.stringify(messagesOf(onB.doc).toArray().map((m) => m.text))}`)
    })

    // Every instance's feed: each event once, the sequence without a gap, the same on B and C.
    await feedB.until((ev) => visitorTexts(ev).length === 6)
    await feedC.until((ev) => ev.length >= feedB.events.length)
    const seqsB = feedB.events.map((e) => e.seq)
    expect(seqsB).toEqual(Array.from({ length: seqsB.length }, (_, i) => i + 1))
    expect(feedC.events.map((e) => e.seq).slice(0, seqsB.length)).toEqual(seqsB)
    close()
    onB.close()
    feedB.close()
    feedC.close()
    await visitor.close()
  }, 60_000)

  it('gives the dispatcher to another instance within 5 s when its leader is killed, and no chat is assigned twice', async () => {
    cluster = await startCluster(['a', 'b'])
    const [a, b] = cluster.instances
    const admin = await login(b!.url)
    // Written on B: the leader, A, hears the settings over the bus.
    const ana = await agentOnDuty(b!, admin.token, { email: 'ana@shop.test', name: 'Ana', group: 'support', path: 'help' })
    const feed = liveFeed(b!.wsUrl, admin.token)

    // A, started first, leads: a chat from a visitor on B is assigned there.
    const page = { url: 'https://shop.test/help', title: 'Help' }
    const first = new Visitor(b!.wsUrl, {}, page)
    await first.connect()
    const c1 = (await first.say('before')).conversationId
    const assignedTo = (id: string) => feed.events.filter((e) => e.type === 'conversation.assigned' && e.conversationId === id)
    await feed.until(() => assignedTo(c1).length === 1)

    await kill9(a!.child)
    const killedAt = Date.now()
    const second = new Visitor(b!.wsUrl, {}, page)
    await second.connect()
    const c2 = (await second.say('after')).conversationId
    await feed.until(() => assignedTo(c2).length === 1, 10_000)
    expect(Date.now() - killedAt).toBeLessThan(5_000)
    expect(assignedTo(c2)[0]!.data).toMatchObject({ assigneeId: ana.agent.id, by: 'dispatcher' })
    // Nothing assigned twice.
    await new Promise((r) => setTimeout(r, 500))
    expect(assignedTo(c1)).toHaveLength(1)
    expect(assignedTo(c2)).toHaveLength(1)

    // The document on B says so too.
    const { doc, close } = await openDoc(b!.wsUrl, `conv/${c2}`, admin.token)
    await whenDoc(doc, () => metaOf(doc).get('assigneeId') === ana.agent.id).catch((err) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(metaOf(doc).toJSON())}`)
    })
    close()
    feed.close()
    await first.close()
    await second.close()
  }, 60_000)

  it('refuses what a leader that lost its place without knowing it decides: a new epoch fences it, and the new leader assigns', async () => {
    cluster = await startCluster(['a', 'b'])
    const [, b] = cluster.instances
    const admin = await login(b!.url)
    const ana = await agentOnDuty(b!, admin.token, { email: 'ana@shop.test', name: 'Ana', group: 'support', path: 'help' })
    const feed = liveFeed(b!.wsUrl, admin.token)
    const assignedTo = (id: string) => feed.events.filter((e) => e.type === 'conversation.assigned' && e.conversationId === id)
    const page = { url: 'https://shop.test/help', title: 'Help' }
    const first = new Visitor(b!.wsUrl, {}, page)
    await first.connect()
    const c1 = (await first.say('before')).conversationId
    await feed.until(() => assignedTo(c1).length === 1)

    // What a new leader does first, while A still holds its lock and believes it leads (a pause,
    // a connection cut it has not noticed): the workspace's epoch moves on.
    const sql = new pg.Client({ connectionString: cluster.db.url })
    await sql.connect()
    try {
      const { rows } = await sql.query<{ epoch: string }>("UPDATE workspace_leaders SET epoch = epoch + 1 WHERE workspace = 'default' RETURNING epoch")
      expect(Number(rows[0]!.epoch)).toBeGreaterThan(1)
      // A's dispatcher decides on a new chat; its commit carries its old epoch and is refused.
      const second = new Visitor(b!.wsUrl, {}, page)
      await second.connect()
      const c2 = (await second.say('while fenced')).conversationId
      await new Promise((r) => setTimeout(r, 2_500))
      expect(assignedTo(c2)).toHaveLength(0)
      expect(feed.events.some((e) => e.type === 'queue.joined' && e.conversationId === c2)).toBe(true)

      // A's lock goes with its session: an instance takes the lead with a new epoch and assigns the chat, once.
      const cutAt = Date.now()
      await sql.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'parley-leader'")
      await feed.until(() => assignedTo(c2).length === 1, 10_000)
      expect(Date.now() - cutAt).toBeLessThan(5_000)
      expect(assignedTo(c2)[0]!.data).toMatchObject({ assigneeId: ana.agent.id, by: 'dispatcher' })
      await new Promise((r) => setTimeout(r, 500))
      expect(assignedTo(c2)).toHaveLength(1)
      await second.close()
    } finally {
      await sql.end()
    }
    feed.close()
    await first.close()
  }, 60_000)

  it('serves a file uploaded on one instance from another, each with its own DATA_DIR and the FILES_DIR they share', async () => {
    const db = await createTestDatabase()
    const root = mkdtempSync(join(tmpdir(), 'parley-files-'))
    const shared = join(root, 'shared-files')
    const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `parley-test-${randomBytes(5).toString('hex')}:`, FILES_DIR: shared }
    const servers: Awaited<ReturnType<typeof spawnServer>>[] = []
    try {
      servers.push(await spawnServer(join(root, 'a'), { ...env, INSTANCE_ID: 'a' }))
      servers.push(await spawnServer(join(root, 'b'), { ...env, INSTANCE_ID: 'b' }))
      const [a, b] = servers
      const { token } = await login(a!.url)
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
      const up = await fetch(`${a!.url}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-file-name': 'a.png' }, body: png })
      expect(up.status).toBe(201)
      const { url } = (await up.json()) as { url: string }
      const got = await fetch(`${b!.url}${url}`, { headers: { authorization: `Bearer ${token}` } })
      expect(got.status).toBe(200)
      expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true)
      // The bytes are in the shared folder, and in neither server's own.
      const blobs = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => String(f).length > 20) : [])
      expect(blobs(shared)).toHaveLength(1)
      expect(blobs(join(root, 'a', 'files'))).toHaveLength(0)
      expect(blobs(join(root, 'b', 'files'))).toHaveLength(0)
    } finally {
      await Promise.all(servers.map((s) => kill9(s.child)))
      await db.drop()
      rmSync(root, { recursive: true, force: true })
    }
  }, 60_000)

  it('of two agents on different instances taking the same chat at the same moment, exactly one wins, every time', async () => {
    cluster = await startCluster(['a', 'b', 'c'])
    const [a, b, c] = cluster.instances
    const admin = await login(b!.url)
    await createAgent(c!.url, admin.token, { email: 'bo@shop.test', name: 'Bo', password: 'bo password 12', role: 'admin' })
    const bo = await login(c!.url, { email: 'bo@shop.test', password: 'bo password 12' })
    const visitors: Visitor[] = []
    for (let round = 0; round < 8; round++) {
      const v = new Visitor(a!.wsUrl)
      visitors.push(v)
      await v.connect()
      const id = (await v.say(`round ${round}`)).conversationId
      // Both instances have the conversation loaded (as an agent looking at it has), then both take at once.
      const seen = await Promise.all([openDoc(b!.wsUrl, `conv/${id}`, admin.token), openDoc(c!.wsUrl, `conv/${id}`, bo.token)])
      const results = await Promise.all([command(b!.url, admin.token, id, 'take'), command(c!.url, bo.token, id, 'take')])
      const statuses = results.map((r) => r.status).sort()
      expect(statuses, `round ${round}: ${JSON.stringify(results.map((r) => r.body))}`).toEqual([200, 409])
      const winner = results[0]!.status === 200 ? admin.agent.id : bo.agent.id
      // What is stored, and what each instance's document settles on, is the winner.
      const stored = await eventsOf(b!.url, admin.token)
      expect(stored.filter((e) => e.conversationId === id && e.type === 'conversation.assigned').map((e) => e.data.assigneeId)).toEqual([winner])
      for (const s of seen) s.close()
      const fresh = await Promise.all([b, c, a].map((i) => openDoc(i!.wsUrl, `conv/${id}`, admin.token)))
      for (const f of fresh) {
        await whenDoc(f.doc, () => metaOf(f.doc).get('assigneeId') === winner)
        f.close()
      }
    }
    for (const v of visitors) await v.close()
  }, 90_000)

  it('sends a reply to a messenger visitor once, from the leader, however many instances hold the conversation', async () => {
    const tg = await new TelegramStandIn().start()
    try {
      cluster = await startCluster(['a', 'b', 'c'], { env: { PUBLIC_URL: 'https://parley.example.com', TELEGRAM_API_URL: tg.url } })
      const [a, b, c] = cluster.instances
      const admin = await login(b!.url)
      const connected = await fetch(`${b!.url}/api/channels/telegram`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ token: BOT_TOKEN }),
      })
      expect(connected.status).toBe(200)
      const ann = { id: 5550001, first_name: 'Ann' }
      expect((await tg.deliver(c!.url, tg.textUpdate(ann, 'Where is my order?'))).status).toBe(200)
      const created = async () => (await eventsOf(a!.url, admin.token)).find((e) => e.type === 'conversation.created')?.conversationId
      let id: string | undefined
      for (let i = 0; i < 100 && !(id = await created()); i++) await new Promise((r) => setTimeout(r, 50))
      // The conversation's document open on every instance; the reply written on the last.
      const docs = await Promise.all([a!, b!, c!].map((i) => openDoc(i.wsUrl, `conv/${id}`, admin.token)))
      for (const d of docs) await whenDoc(d.doc, () => messagesOf(d.doc).length === 1)
      const onC = docs[2]!.doc
      messagesOf(onC).push([reply('r-tg-1', 'It ships today.', admin.agent.id)])
      messagesOf(onC).push([reply('r-tg-2', 'Tracking follows.', admin.agent.id)])
      for (const d of docs) await whenDoc(d.doc, () => metaOf(d.doc).get('visitorDeliveredUpTo') === 'r-tg-2')
      // Time for any other instance to send it too.
      await new Promise((r) => setTimeout(r, 1000))
      expect(tg.sent.map((m) => m.text)).toEqual(['It ships today.', 'Tracking follows.'])
      for (const d of docs) d.close()
    } finally {
      await tg.stop()
    }
  }, 60_000)

  it('brings an agent’s typing and reply on C to a visitor on A whose document A no longer holds', async () => {
    cluster = await startCluster(['a', 'c'], { env: { DOCUMENT_IDLE_SECONDS: '1' } })
    const [a, c] = cluster.instances
    const admin = await login(c!.url)
    const visitor = new Visitor(a!.wsUrl, { name: 'Vera' })
    await visitor.connect()
    const { conversationId } = await visitor.say('anyone there?')
    const { doc, provider, close } = await openDoc(c!.wsUrl, `conv/${conversationId}`, admin.token)
    // A unloads the idle document (after a second); the visitor's socket stays open.
    await new Promise((r) => setTimeout(r, 2500))
    // The agent typing on C shows in the widget on A all the same.
    const typing = visitor.next((f) => f.type === 'typing' && f.typing === true, 5_000)
    provider.awareness.setLocalState({ viewing: true, typing: true })
    await typing
    const pushed = visitor.next((f) => f.type === 'message' && f.message.kind === 'agent', 5_000)
    messagesOf(doc).push([reply('r-late', 'Yes, here.', admin.agent.id)])
    const f = await pushed
    expect(f.type === 'message' && f.message.text).toBe('Yes, here.')
    close()
    await visitor.close()
  }, 30_000)

  it('shows typing, viewing and the visitor’s online dot across instances, and a killed instance’s presence and agents’ connections end within 10 s', async () => {
    cluster = await startCluster(['a', 'b', 'c'])
    const [a, b, c] = cluster.instances
    const admin = await login(b!.url)
    await createAgent(c!.url, admin.token, { email: 'ana@shop.test', name: 'Ana', password: 'ana password 1' })
    const ana = await login(c!.url, { email: 'ana@shop.test', password: 'ana password 1' })
    const visitor = new Visitor(a!.wsUrl, { name: 'Vera' })
    await visitor.connect()
    const { conversationId } = await visitor.say('hello?')
    await command(c!.url, ana.token, conversationId, 'take')
    const name = `conv/${conversationId}`
    const onC = await openDoc(c!.wsUrl, name, ana.token)
    const onB = await openDoc(b!.wsUrl, name, admin.token)
    const states = (d: { provider: { awareness: { getStates(): Map<number, any>; clientID: number } } }) =>
      [...d.provider.awareness.getStates()].filter(([id]) => id !== d.provider.awareness.clientID).map(([, s]) => s)
    const until = async (what: string, check: () => boolean, timeoutMs = 5_000) => {
      const end = Date.now() + timeoutMs
      while (!check()) {
        if (Date.now() > end) throw new Error(`${what}: B sees ${JSON.stringify(states(onB))}, C sees ${JSON.stringify(states(onC))}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      return Date.now()
    }

    // The visitor is on A: agents on B and C see them online, then typing.
    await until('visitor online on B and C', () => [onB, onC].every((d) => states(d).some((s) => s.visitor?.online === true)))
    visitor.send({ type: 'typing' })
    await until('visitor typing on B and C', () => [onB, onC].every((d) => states(d).some((s) => s.visitor?.typing === true)))

    // Ana types on C: the visitor on A is told, and the agent on B sees her there, under her own name.
    const typing = visitor.next((f) => f.type === 'typing' && f.typing === true, 5_000)
    onC.provider.awareness.setLocalState({ viewing: true, typing: true })
    const told = await typing
    expect(told.type === 'typing' && told.name).toBe('Ana')
    await until('Ana on B', () => states(onB).some((s) => s.user?.id === ana.agent.id && s.typing === true))
    onC.provider.awareness.setLocalState({ viewing: true, typing: false })
    await until('Ana stopped typing on B', () => states(onB).some((s) => s.user?.id === ana.agent.id && s.typing === false))

    // Ana has the app open on B and on C (two tabs behind the balancer); the admin watches the log on B.
    const watch = liveFeed(b!.wsUrl, admin.token)
    const anaOnB = liveFeed(b!.wsUrl, ana.token)
    const anaOnC = liveFeed(c!.wsUrl, ana.token)
    const signedIn = (events: LogEvent[]) => {
      let s: AgentState | undefined
      for (const e of events) s = foldAgentState(s, e) ?? s
      return s?.connected === true
    }
    const anaConnections = (events: LogEvent[]) => events.filter((e) => (e.type === 'agent.connected' || e.type === 'agent.disconnected') && e.data.agentId === ana.agent.id)
    await watch.until((ev) => new Set(anaConnections(ev).map((e) => e.data.instance)).size === 2)

    // C is killed: within 10 s B no longer shows Ana's awareness, and the leader signs out her
    // connection through C, not the one through B.
    await kill9(c!.child)
    const killedC = Date.now()
    const goneC = await until('Ana gone from B', () => !states(onB).some((s) => s.user?.id === ana.agent.id), 12_000)
    expect(goneC - killedC).toBeLessThan(10_000)
    await watch.until((ev) => anaConnections(ev).some((e) => e.type === 'agent.disconnected' && e.data.instance === 'c' && e.data.reason === 'instance gone'), 12_000)
    expect(Date.now() - killedC).toBeLessThan(10_000)
    expect(signedIn(anaConnections(watch.events))).toBe(true)
    // Her tab on B closes: now she is signed out.
    anaOnB.close()
    await watch.until((ev) => !signedIn(anaConnections(ev)))
    anaOnC.close()

    // A, the visitor's instance, is killed: within 10 s B shows the visitor offline.
    await kill9(a!.child)
    const killedA = Date.now()
    const goneA = await until('visitor offline on B', () => !states(onB).some((s) => s.visitor?.online === true), 12_000)
    expect(goneA - killedA).toBeLessThan(10_000)
    onC.close()
    onB.close()
    watch.close()
  }, 60_000)
})
