import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { compareOnSite } from '../../client/data/visitorsLive.ts'
import { putEntry } from '../../shared/settings.ts'
import type { LogEvent, ToLive } from '../../shared/protocol.ts'
import { isVisitorsLiveFrame, type OnSiteVisitor, type ToVisitorsLive } from '../../shared/supervision.ts'
import { closeCodeOf, command, createAgent, login, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { routingGroup, writeSettings } from '../support/settings.ts'
import { api, eventsOf } from '../support/widget.ts'

let t: TestServer
afterEach(async () => {
  await t?.destroy()
})

/** A socket that keeps every frame it receives and waits for the one a test needs. */
class FrameSocket<F> {
  frames: F[] = []
  private waiters: { pred: (f: F) => boolean; resolve: () => void }[] = []
  readonly opened: Promise<void>
  readonly closed: Promise<number>

  constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const f = JSON.parse(String(raw)) as F
      this.frames.push(f)
      this.waiters = this.waiters.filter((w) => (w.pred(f) ? (w.resolve(), false) : true))
    })
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)))
  }

  /** Resolves once a frame satisfying `pred` has arrived (already, or from now on). */
  until(pred: (f: F) => boolean, timeoutMs = 10_000): Promise<void> {
    if (this.frames.some(pred)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs)
      this.waiters.push({
        pred,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
      })
    })
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    this.ws.close()
    await this.closed
  }
}

/** An agent's live app socket, with the events it was sent. */
function liveSocket(token: string) {
  const s = new FrameSocket<ToLive>(new WebSocket(`${t.wsUrl}/api/live?token=${encodeURIComponent(token)}&after=0`))
  const events = () => s.frames.flatMap((f) => (f.type === 'events' ? f.events : []))
  return { socket: s, events, untilEvent: (pred: (e: LogEvent) => boolean) => s.until((f) => f.type === 'events' && f.events.some(pred)) }
}

/** The supervisor's visitors socket, with the list it shows now (snapshot plus changes). */
function visitorsSocket(token: string) {
  const s = new FrameSocket<ToVisitorsLive>(new WebSocket(`${t.wsUrl}/api/visitors/live?token=${encodeURIComponent(token)}`))
  const list = () => {
    const out = new Map<string, OnSiteVisitor>()
    for (const f of s.frames) {
      expect(isVisitorsLiveFrame(f)).toBe(true)
      if (f.type === 'snapshot') {
        out.clear()
        for (const v of f.visitors) out.set(v.visitorId, v)
      } else if (f.type === 'visitor') out.set(f.visitor.visitorId, f.visitor)
      else out.delete(f.visitorId)
    }
    return out
  }
  const until = async (check: (l: Map<string, OnSiteVisitor>) => boolean) => {
    await s.until(() => check(list()))
  }
  return { socket: s, list, until }
}

/** Admin, a supervisor in no group, and Bo, a plain agent; a conversation of the Sales group that the admin holds. */
async function desk() {
  t = await startServer()
  const admin = await login(t.url)
  await createAgent(t.url, admin.token, { email: 'sue@x.io', name: 'Sue', password: 'password-sue', role: 'supervisor' })
  await createAgent(t.url, admin.token, { email: 'bo@x.io', name: 'Bo', password: 'password-bo' })
  const sue = await login(t.url, { email: 'sue@x.io', password: 'password-sue' })
  const bo = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
  await writeSettings(t.wsUrl, admin.token, (doc) => putEntry(doc, 'groups', routingGroup('sales', { assignment: 'manual' })))
  const visitor = new Visitor(t.wsUrl, { name: 'Vi' })
  await visitor.connect()
  const { conversationId } = await visitor.say('Do you ship to Norway?')
  expect((await command(t.url, admin.token, conversationId, 'transfer', { to: { groupId: 'sales' } })).status).toBe(200)
  expect((await command(t.url, admin.token, conversationId, 'take')).status).toBe(200)
  return { admin, sue, bo, visitor, conversationId }
}

describe('supervision: who receives what', () => {
  it('sends a supervisor every event, message text of groups they are not in included; a plain agent none of the others’ messages, and no visitors socket', async () => {
    const { sue, bo, visitor, conversationId } = await desk()
    await visitor.say('Also to Iceland?')
    const all = await eventsOf(t.url, (await login(t.url)).token)
    const messages = all.filter((e) => e.type === 'message' && e.conversationId === conversationId)
    // The visitor's two, and the lines of the transfer and the take.
    expect(messages.filter((e) => e.data.kind === 'visitor')).toHaveLength(2)
    expect(messages.length).toBeGreaterThan(2)

    // GET /api/events: the supervisor reads everything the admin reads, seq for seq.
    expect((await eventsOf(t.url, sue.token)).map((e) => e.seq)).toEqual(all.map((e) => e.seq))
    // The live socket too, backlog and then live: a new message of that conversation arrives.
    const sueLive = liveSocket(sue.token)
    await sueLive.untilEvent((e) => e.seq === all.at(-1)!.seq)
    await visitor.say('And how long does it take?')
    await sueLive.untilEvent((e) => e.type === 'message' && e.conversationId === conversationId && e.seq > all.at(-1)!.seq)

    // Bo may not see the conversation (the admin holds it, in a group he is not in): no message of it, on either path.
    const boEvents = await eventsOf(t.url, bo.token)
    expect(boEvents.filter((e) => e.type === 'message' && e.conversationId === conversationId)).toEqual([])
    const boLive = liveSocket(bo.token)
    const everything = await eventsOf(t.url, (await login(t.url)).token)
    // `last` reaches the end of the log: he was sent all he may see, and that is none of these messages.
    await boLive.socket.until((f) => f.type === 'events' && f.last === everything.at(-1)!.seq)
    expect(boLive.events().filter((e) => e.type === 'message' && e.conversationId === conversationId)).toEqual([])
    expect(boLive.events().length).toBeGreaterThan(0)

    // The visitors on the site: 4403 for Bo, 4401 without a valid token, the snapshot for Sue.
    expect(await closeCodeOf(`${t.wsUrl}/api/visitors/live?token=${bo.token}`)).toBe(4403)
    expect(await closeCodeOf(`${t.wsUrl}/api/visitors/live?token=not-a-token`)).toBe(4401)
    expect(await closeCodeOf(`${t.wsUrl}/api/visitors/live`)).toBe(4401)
    const sueVisitors = visitorsSocket(sue.token)
    await sueVisitors.until((l) => l.get(visitor.visitorId!)?.chat?.conversationId === conversationId)

    await Promise.all([sueLive.socket.close(), boLive.socket.close(), sueVisitors.socket.close(), visitor.close()])
  })
})

describe('visitors on the site now', () => {
  it('lets an agent whose group gives the management right watch, and closes the socket with 4403 once the right is withdrawn', async () => {
    t = await startServer()
    const admin = await login(t.url)
    await createAgent(t.url, admin.token, { email: 'lea@x.io', name: 'Lea', password: 'password-lea' })
    const lea = await login(t.url, { email: 'lea@x.io', password: 'password-lea' })
    const leads = (management: boolean) => routingGroup('leads', { access: { omnichannel: true, unassignedQueue: true, management, settings: false } })
    await writeSettings(t.wsUrl, admin.token, (doc) => {
      putEntry(doc, 'groups', leads(true))
      putEntry(doc, 'members', { agentId: lea.agent.id, groups: ['leads'], skills: [], slots: 3 })
    })
    const watch = visitorsSocket(lea.token)
    await watch.socket.until((f) => f.type === 'snapshot')
    await writeSettings(t.wsUrl, admin.token, (doc) => putEntry(doc, 'groups', leads(false)))
    expect(await watch.socket.closed).toBe(4403)
    expect(await closeCodeOf(`${t.wsUrl}/api/visitors/live?token=${lea.token}`)).toBe(4403)
  })

  it('shows a widget visitor with their page, referrer and pages, follows their pages and chat, and drops them when they leave', async () => {
    t = await startServer()
    const admin = await login(t.url)
    const watch = visitorsSocket(admin.token)
    await watch.socket.until((f) => f.type === 'snapshot')
    expect(watch.list().size).toBe(0)

    const ana = new Visitor(t.wsUrl, { name: 'Ana' }, { url: 'https://shop.test/', title: 'Shop', referrer: 'https://www.google.com/search?q=jackets' })
    await ana.connect()
    await watch.until((l) => l.has(ana.visitorId!))
    const first = watch.list().get(ana.visitorId!)!
    expect(first).toMatchObject({
      name: 'Ana',
      page: { url: 'https://shop.test/', title: 'Shop' },
      pages: 1,
      referrer: 'https://www.google.com/search?q=jackets',
      returning: false,
      chat: null,
    })
    expect(first.visitStartedAt).toBeGreaterThan(Date.now() - 60_000)

    // A page frame (a single-page site's navigation) moves them and counts; the same page again does not.
    ana.send({ type: 'page', url: 'https://shop.test/jackets', title: 'Jackets' })
    await watch.until((l) => l.get(ana.visitorId!)?.page.title === 'Jackets')
    expect(watch.list().get(ana.visitorId!)!.pages).toBe(2)
    ana.send({ type: 'page', url: 'https://shop.test/jackets', title: 'Jackets' })
    ana.send({ type: 'page', url: 'https://shop.test/cart', title: 'Cart' })
    await watch.until((l) => l.get(ana.visitorId!)?.page.title === 'Cart')
    expect(watch.list().get(ana.visitorId!)!.pages).toBe(3)

    // Writing makes them chatting, in that conversation; closing it makes them not chatting.
    const { conversationId } = await ana.say('Is this jacket waterproof?')
    await watch.until((l) => l.get(ana.visitorId!)?.chat?.conversationId === conversationId)
    expect(watch.list().get(ana.visitorId!)!.chat!.status).toBe('waiting')
    expect((await command(t.url, admin.token, conversationId, 'take')).status).toBe(200)
    await watch.until((l) => l.get(ana.visitorId!)?.chat?.status === 'open')
    expect((await command(t.url, admin.token, conversationId, 'close')).status).toBe(200)
    await watch.until((l) => l.get(ana.visitorId!)?.chat === null)

    // A second tab keeps them on the site when the first closes; the last one closing drops them.
    const secondTab = new Visitor(t.wsUrl, { name: 'Ana' }, { url: 'https://shop.test/cart', title: 'Cart' })
    await secondTab.connect(ana.token)
    await ana.close()
    // A later visitor's arrival comes after the first tab's close: Ana is still listed.
    const ben = new Visitor(t.wsUrl, {}, { url: 'https://shop.test/', title: 'Shop' })
    await ben.connect()
    await watch.until((l) => l.has(ben.visitorId!))
    expect(watch.list().get(ana.visitorId!)?.page.title).toBe('Cart')
    expect(watch.list().get(ben.visitorId!)).toMatchObject({ name: '', referrer: '', returning: false, pages: 1 })
    // The pre-chat form names him, before any chat.
    await ben.request({ type: 'form', fields: { name: 'Ben Ode', email: 'ben@example.com' } }, 'saved')
    await watch.until((l) => l.get(ben.visitorId!)?.name === 'Ben Ode')
    expect(watch.list().get(ben.visitorId!)!.email).toBe('ben@example.com')
    await secondTab.close()
    await watch.socket.until((f) => f.type === 'left' && f.visitorId === ana.visitorId)
    expect(watch.list().has(ana.visitorId!)).toBe(false)

    // Back within the visit gap: the same visit goes on (its start, its pages), and a new page counts.
    const back = new Visitor(t.wsUrl, { name: 'Ana' }, { url: 'https://shop.test/checkout', title: 'Checkout' })
    await back.connect(ana.token)
    await watch.until((l) => l.get(ana.visitorId!)?.page.title === 'Checkout')
    expect(watch.list().get(ana.visitorId!)).toMatchObject({ visitStartedAt: first.visitStartedAt, pages: 4, returning: false })

    // A second supervisor's snapshot holds both, shown longest there first.
    const late = visitorsSocket(admin.token)
    await late.socket.until((f) => f.type === 'snapshot')
    const snap = late.socket.frames[0] as Extract<ToVisitorsLive, { type: 'snapshot' }>
    expect([...snap.visitors].sort(compareOnSite).map((v) => v.visitorId)).toEqual([ana.visitorId, ben.visitorId])

    await Promise.all([back.close(), ben.close(), watch.socket.close(), late.socket.close()])
  })

  it('lists a visitor from the loader’s presence socket alone: no history, nothing logged, nothing but pages accepted', async () => {
    t = await startServer()
    const admin = await login(t.url)
    const watch = visitorsSocket(admin.token)
    await watch.socket.until((f) => f.type === 'snapshot')
    const before = (await eventsOf(t.url, admin.token)).length

    const loader = new FrameSocket<Record<string, any>>(new WebSocket(`${t.wsUrl}/widget/ws`))
    await loader.opened
    loader.ws.send(JSON.stringify({ type: 'hello', workspace: 'default', visitorToken: null, presence: true, page: { url: 'https://shop.test/', title: 'Shop', referrer: '' } }))
    await loader.until((f) => f.type === 'welcome')
    const welcome = loader.frames[0]!
    expect(welcome).toMatchObject({ type: 'welcome', history: [] })
    expect(typeof welcome.visitorToken).toBe('string')
    await watch.until((l) => l.get(welcome.visitorId)?.page.title === 'Shop')

    loader.ws.send(JSON.stringify({ type: 'page', url: 'https://shop.test/sale', title: 'Sale' }))
    await watch.until((l) => l.get(welcome.visitorId)?.pages === 2)
    loader.ws.send(JSON.stringify({ type: 'message', clientId: 'c-presence-1', text: 'hi' }))
    await loader.until((f) => f.type === 'error')
    expect(loader.frames.at(-1)).toMatchObject({ type: 'error', code: 'bad_request' })

    // An agent starts a chat from the list: the loader is nudged (to load the chat), and the list shows them chatting.
    const started = await api(t.url, admin.token, `/api/visitors/${welcome.visitorId}/chat`, { text: 'Hi! Looking for anything on sale?', clientId: 'start-chat-1' })
    expect(started.status).toBe(201)
    await loader.until((f) => f.type === 'message')
    expect(loader.frames.find((f) => f.type === 'message')).toMatchObject({ conversationId: started.body.conversation.id, message: { kind: 'agent', text: 'Hi! Looking for anything on sale?' } })
    await watch.until((l) => l.get(welcome.visitorId)?.chat?.conversationId === started.body.conversation.id)

    // The chat of the same visitor (its token) opens beside it: one visitor, with the message in its history, listed until both close.
    const chat = new Visitor(t.wsUrl, {}, { url: 'https://shop.test/sale', title: 'Sale' })
    const chatWelcome = await chat.connect(welcome.visitorToken)
    expect(chat.visitorId).toBe(welcome.visitorId)
    expect(chatWelcome.history.map((m) => m.text)).toEqual(['Hi! Looking for anything on sale?'])
    await chat.close()
    await loader.close()
    await watch.socket.until((f) => f.type === 'left' && f.visitorId === welcome.visitorId)
    // The loader's socket logged nothing (it is on every page view); the chat's did (online, offline).
    const logged = (await eventsOf(t.url, admin.token)).slice(before).map((e) => e.type)
    expect(logged.filter((type) => type.startsWith('visitor.'))).toEqual(['visitor.online', 'visitor.offline'])
    expect(watch.socket.frames.filter((f) => f.type === 'left')).toHaveLength(1)
    await watch.socket.close()
  })

  it('counts a visitor known before this visit as returning, and refuses a bad referrer', async () => {
    t = await startServer()
    const admin = await login(t.url)
    const first = new Visitor(t.wsUrl, {}, { url: 'https://shop.test/', title: 'Shop' })
    await first.connect()
    await first.close()
    // The server restarts (memory of visits gone): the record from before makes them returning.
    await t.stop()
    t = await startServer({ dataDir: t.dataDir })
    const watch = visitorsSocket((await login(t.url)).token)
    await watch.socket.until((f) => f.type === 'snapshot')
    const again = new Visitor(t.wsUrl, {}, { url: 'https://shop.test/', title: 'Shop' })
    await again.connect(first.token)
    await watch.until((l) => l.get(first.visitorId!)?.returning === true)

    // A referrer past the schema's bound is refused with a clear error, and the visitor is not listed.
    const raw = new FrameSocket<{ type: string; code?: string; message?: string }>(new WebSocket(`${t.wsUrl}/widget/ws`))
    await raw.opened
    raw.ws.send(JSON.stringify({ type: 'hello', workspace: 'default', visitorToken: null, page: { url: 'https://shop.test/', title: 'Shop', referrer: 'r'.repeat(3000) } }))
    await raw.until((f) => f.type === 'error')
    expect(raw.frames[0]).toMatchObject({ type: 'error', code: 'bad_request' })
    expect(raw.frames[0]!.message).toMatch(/referrer/)
    expect([...watch.list().keys()]).toEqual([first.visitorId])
    await raw.close()
    void admin
    await Promise.all([again.close(), watch.socket.close()])
  })
})

describe('agents signed in: agent.connected and agent.disconnected', () => {
  it('logs one connect for the first live socket and one disconnect for the last, across two tabs', async () => {
    t = await startServer()
    const admin = await login(t.url)
    await createAgent(t.url, admin.token, { email: 'bo@x.io', name: 'Bo', password: 'password-bo' })
    const bo = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
    const watcher = liveSocket(admin.token)
    await watcher.untilEvent((e) => e.type === 'agent.connected' && e.data.agentId === admin.agent.id)

    const tab1 = liveSocket(bo.token)
    await tab1.socket.opened
    const tab2 = liveSocket(bo.token)
    await tab2.socket.opened
    await watcher.untilEvent((e) => e.type === 'agent.connected' && e.data.agentId === bo.agent.id)
    await tab1.socket.close()
    // A status change after the first tab closed: what was logged before it is all there is.
    const status = await fetch(`${t.url}/api/me/status`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bo.token}` }, body: JSON.stringify({ status: 'away' }) })
    expect(status.status).toBe(200)
    await watcher.untilEvent((e) => e.type === 'agent.status' && e.data.agentId === bo.agent.id)
    await tab2.socket.close()
    await watcher.untilEvent((e) => e.type === 'agent.disconnected' && e.data.agentId === bo.agent.id)

    const bos = (await eventsOf(t.url, admin.token)).filter((e) => (e.type === 'agent.connected' || e.type === 'agent.disconnected') && e.data.agentId === bo.agent.id)
    expect(bos.map((e) => e.type)).toEqual(['agent.connected', 'agent.disconnected'])
    expect(bos.every((e) => e.conversationId === undefined)).toBe(true)
    // A bad token opens nothing and logs nothing.
    expect(await closeCodeOf(`${t.wsUrl}/api/live?token=nope`)).toBe(4401)
    await watcher.socket.close()
  })

  it('signs out at start whoever the log left connected (a crash), and at a clean stop whoever is still connected', async () => {
    t = await startServer()
    const admin = await login(t.url)
    const live = liveSocket(admin.token)
    await live.untilEvent((e) => e.type === 'agent.connected' && e.data.agentId === admin.agent.id)
    // A crash leaves the log saying "connected": as if another agent's socket had been open when the process died.
    await t.server.store.commit({ workspace: 'default', events: [{ type: 'agent.connected', at: Date.now(), data: { agentId: 'gone-agent' } }] })
    await t.stop()
    await live.socket.closed

    t = await startServer({ dataDir: t.dataDir })
    const admin2 = await login(t.url)
    const after = await eventsOf(t.url, admin2.token)
    const of = (id: string) => after.filter((e) => (e.type === 'agent.connected' || e.type === 'agent.disconnected') && e.data.agentId === id).map((e) => [e.type, e.data.reason])
    expect(of('gone-agent')).toEqual([
      ['agent.connected', undefined],
      ['agent.disconnected', 'restart'],
    ])
    // The admin's socket was open at the clean stop: signed out then, and not again at start.
    expect(of(admin.agent.id)).toEqual([
      ['agent.connected', undefined],
      ['agent.disconnected', 'shutdown'],
    ])
    // A third start finds nobody left connected: nothing more is logged.
    const lastSeq = after.at(-1)!.seq
    await t.stop()
    t = await startServer({ dataDir: t.dataDir })
    const third = await eventsOf(t.url, (await login(t.url)).token)
    expect(third.filter((e) => e.seq > lastSeq && e.type === 'agent.disconnected')).toEqual([])
  })
})
