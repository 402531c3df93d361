import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { join, resolve } from 'node:path'
import { pino, type Logger } from 'pino'
import { WebSocketServer, type WebSocket } from 'ws'
import { CloseCode, EventType, Limits, type EventsResponse, type LoginResponse } from '../shared/protocol.ts'
import { CommandName, type CommandInput } from '../shared/commands.ts'
import { agentStatusSchema, commandBodySchemas, createAgentSchema, describeIssues, idempotencyKeySchema, loginSchema, startChatSchema } from '../shared/schemas.ts'
import { maySeeConversation } from '../shared/permissions.ts'
import { Accounts, DEFAULT_WORKSPACE, publicAgent } from './Accounts.ts'
import { principalFrom, WorkspaceSettings } from './WorkspaceSettings.ts'
import { DispatchService } from './dispatch/DispatchService.ts'
import { setAgentStatus } from './AgentStatuses.ts'
import { CommandService } from './commands/CommandService.ts'
import { SnoozeClock } from './commands/SnoozeClock.ts'
import { Conversations } from './Conversations.ts'
import { EventHub } from './events/EventHub.ts'
import { LiveGateway, visibleEvents } from './events/LiveGateway.ts'
import { AgentConnections } from './events/AgentConnections.ts'
import { chatPage } from './http/chatPage.ts'
import { demoPage } from './http/demoPage.ts'
import { publicWidgetConfig } from '../shared/widgetConfig.ts'
import { HttpError, bearer, readJson, sendJson } from './http/respond.ts'
import { sendCompressedJson } from './http/sendCompressedJson.ts'
import { StaticFiles } from './http/StaticFiles.ts'
import { RoomManager, ROOM_IDLE_MS } from './rooms/RoomManager.ts'
import { SyncGateway } from './rooms/SyncGateway.ts'
import { SqliteStore } from './store/SqliteStore.ts'
import { PostgresStore } from './store/PostgresStore.ts'
import type { AgentRecord, Store } from './store/Store.ts'
import { TokenBucket } from './widget/TokenBucket.ts'
import { VisitorPresence } from './widget/VisitorPresence.ts'
import { SiteVisitors } from './widget/SiteVisitors.ts'
import { VisitorsLiveGateway } from './widget/VisitorsLiveGateway.ts'
import { WidgetGateway } from './widget/WidgetGateway.ts'
import { BotService } from './bot/BotService.ts'
import { EmailNotifier } from './widget/EmailNotifier.ts'
import { identitySecret } from './widget/VisitorIdentity.ts'
import { Mailer } from './mail/Mailer.ts'
import { BlobStore } from './files/BlobStore.ts'
import { FileService } from './files/FileService.ts'
import { ChannelService, type ChannelsConfig } from './channels/ChannelService.ts'
import { ChannelDelivery } from './channels/ChannelDelivery.ts'
import { Metrics, metricsAllowed } from './metrics/Metrics.ts'
import { readiness } from './metrics/Readiness.ts'
import { instanceId } from './config.ts'
import { channelLabel } from '../shared/channels.ts'

/** Sockets that have not answered a ping within this are dead (a phone that lost its network does not say goodbye). */
const PING_INTERVAL_MS = 30_000
/** Sign-in attempts per address and account: a burst of 10, then one every 6 s, to slow password guessing. */
const LOGIN_RATE = { burst: 10, perSecond: 1 / 6 }
/** Memory bound on the sign-in limiter: past this many address/account pairs it starts afresh. */
const MAX_LOGIN_BUCKETS = 100_000
const MAX_EVENTS_PAGE = 5000
/**
 * permessage-deflate on the app's control socket: a backlog frame of JSON events shrinks about
 * sixfold. Level 1 keeps the server's zlib time under the network time; frames under 1 KB (a
 * live event) go as they are; no context takeover, so an idle socket holds no zlib window.
 */
const LIVE_DEFLATE = { threshold: 1024, serverNoContextTakeover: true, clientNoContextTakeover: true, zlibDeflateOptions: { level: 1 } }
const COMMAND_ROUTE = new RegExp(`^/api/conversations/([A-Za-z0-9_-]{1,64})/(${Object.values(CommandName).join('|')})$`)

export interface ServerOptions {
  dataDir: string
  port?: number
  host?: string
  /** The build output: `app/` (the PWA) and `widget/widget.js`. */
  staticDir?: string
  adminEmail?: string
  adminPassword?: string
  logLevel?: string
  logger?: Logger
  /** Storage; by default SQLite in `dataDir`, or PostgreSQL with `databaseUrl`. */
  store?: Store
  /**
   * PostgreSQL instead of SQLite for everything but the files' bytes (still in `dataDir/files`).
   * The server holds an advisory lock saying it is the single instance on that database: a second
   * one fails to start (several instances need Redis fan-out and leader election, not in this version).
   */
  databaseUrl?: string
  sqliteSynchronous?: 'full' | 'normal'
  now?: () => number
  roomIdleMs?: number
  sessionHours?: number
  /** Email to visitors (answers they missed): SMTP URL and sender. Without `smtpUrl`, none is sent. */
  mail?: { smtpUrl?: string; from?: string }
  /** Behind a reverse proxy: take the visitor's address from `X-Forwarded-For` (for per-address limits). */
  trustProxy?: boolean
  /** Events per frame when the live feed sends an agent's backlog (tests lower it to exercise paging). */
  liveBacklogPage?: number
  /** How far the live backlog may run ahead of what a crediting app stored (tests lower it). */
  liveCreditEvents?: number
  /** Widget frames per address across sockets (tests lower it). */
  widgetAddressRate?: { perSecond: number; burst: number }
  /** Messengers: the public address (for webhooks and file links) and the platforms' API bases (tests use stand-ins). */
  channels?: Partial<ChannelsConfig> & { retryBaseMs?: number }
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string
  /** This instance's name in the logs and metrics; `INSTANCE_ID` or `hostname:pid` by default. */
  instanceId?: string
}

export interface ParleyServer {
  listen(): Promise<{ url: string; port: number }>
  close(): Promise<void>
  readonly store: Store
  readonly accounts: Accounts
  /** Set after listen() on a first start: the admin created, and the generated password if none was given. */
  readonly firstAdmin: { email: string; generatedPassword?: string } | null
}

/** Builds the server; importing this module starts nothing, `listen()` binds, `close()` releases everything. */
export function createParleyServer(opts: ServerOptions): ParleyServer {
  const now = opts.now ?? Date.now
  const instance = opts.instanceId ?? instanceId()
  const log = opts.logger ?? pino({ level: opts.logLevel ?? 'info', base: { instance } })
  const metrics = new Metrics(instance)
  // Commits are timed here, at the composition root, whichever adapter stores them.
  const store: Store = metrics.timed(
    opts.store ??
      (opts.databaseUrl
        ? new PostgresStore({ url: opts.databaseUrl, log: log.child({ sub: 'store' }), singleInstance: true })
        : new SqliteStore({ file: join(resolve(opts.dataDir), 'parley.db'), synchronous: opts.sqliteSynchronous })),
  )
  /** Per workspace, the last sequence number fanned out to this instance's live feeds (the event-log lag). */
  const pushedSeq = new Map<string, number>()
  const accounts = new Accounts(store, log.child({ sub: 'accounts' }), (opts.sessionHours ?? 24 * 30) * 3600_000, now)
  const conversations = new Conversations(store)
  const hub = new EventHub()
  // Who is on the site now, from the widget sockets (the supervisor's visitors view).
  const site = new SiteVisitors(now)
  const published = (workspace: string, events: Parameters<EventHub['publish']>[1]) => {
    hub.publish(workspace, events)
    if (!events.length) return
    let pushed = pushedSeq.get(workspace) ?? 0
    for (const e of events) if (e.seq > pushed) pushed = e.seq
    pushedSeq.set(workspace, pushed)
    site.committed(workspace, events)
    void widgets?.committed(workspace, events).catch((err) => log.error({ err }, 'widget event hook failed'))
    for (const e of events)
      if (e.type === EventType.message && e.conversationId && e.data.kind === 'agent' && !e.data.internal)
        void notifier?.agentAnswered(workspace, e.conversationId).catch((err) => log.warn({ err }, 'could not schedule an email notice'))
  }

  let widgets: WidgetGateway | null = null
  let notifier: EmailNotifier | null = null
  let syncGateway: SyncGateway | null = null
  let presence: VisitorPresence | null = null
  let delivery: ChannelDelivery | null = null
  const rooms = new RoomManager(
    {
      store,
      log: log.child({ sub: 'rooms' }),
      now,
      published,
      conversationMessages: (ws, id, messages) => {
        void widgets?.conversationMessages(ws, id, messages).catch((err) => log.error({ err }, 'push to widget failed'))
        delivery?.conversationMessages(ws, id, messages)
      },
      conversationChanged: (record) => {
        dispatcher.conversationChanged(record)
        syncGateway?.revalidate(record)
        site.conversationChanged(record)
        snoozes.track(record)
      },
      visitorPresence: (ws, id) => presence?.get(ws, id) ?? null,
      agentAwareness: (ws, id, agents) => widgets?.agentAwareness(ws, id, agents),
    },
    opts.roomIdleMs ?? ROOM_IDLE_MS,
  )
  const settings = new WorkspaceSettings(rooms, log.child({ sub: 'settings' }))
  syncGateway = new SyncGateway(rooms, accounts, conversations, settings, log.child({ sub: 'sync' }))
  settings.onChange((workspace, _s, changed) => changed.access && syncGateway?.revalidateWorkspace(workspace))
  const visitorsLive = new VisitorsLiveGateway(site, settings, log.child({ sub: 'visitors' }))
  settings.onChange((workspace, _s, changed) => changed.access && visitorsLive.revalidateWorkspace(workspace))
  const dispatcher = new DispatchService({
    store,
    settings,
    hub,
    now,
    log: log.child({ sub: 'dispatch' }),
    queueChanged: (ws, id, place) => void widgets?.queueChanged(ws, id, place).catch((err) => log.error({ err }, 'queue frame failed')),
  })
  presence = new VisitorPresence(rooms)
  // Files: metadata in the store, blobs content-addressed in DATA_DIR/files (DESIGN §3.3).
  const files = new FileService({ store, accounts, blobs: new BlobStore(join(resolve(opts.dataDir), 'files')), log: log.child({ sub: 'files' }), now })
  widgets = new WidgetGateway({
    store,
    rooms,
    accounts,
    conversations,
    log: log.child({ sub: 'widget' }),
    now,
    published,
    presence,
    site,
    files,
    routing: dispatcher,
    widgetConfig: (ws) => settings.widget(ws),
    addressRate: opts.widgetAddressRate,
    refused: (code) => metrics.widgetRefused.inc({ reason: code }),
    bot: new BotService({ store, rooms, log: log.child({ sub: 'bot' }), now, config: (ws) => settings.bot(ws), routing: dispatcher }),
  })
  const mailer = new Mailer(opts.mail ?? {}, log.child({ sub: 'mail' }))
  notifier = new EmailNotifier({
    store,
    rooms,
    conversations,
    mailer,
    log: log.child({ sub: 'notify' }),
    now,
    widgetConfig: (ws) => settings.widget(ws),
    awaySince: (ws, visitorId) => widgets!.awaySince(ws, visitorId),
  })
  // Messengers (DESIGN §4 "Channels"): webhooks in, the widget's path for messages, replies out in order.
  const channelsConfig: ChannelsConfig = {
    publicUrl: opts.channels?.publicUrl?.replace(/\/+$/, '') || null,
    telegramApiUrl: opts.channels?.telegramApiUrl ?? 'https://api.telegram.org',
    whatsappApiUrl: opts.channels?.whatsappApiUrl ?? 'https://graph.facebook.com/v21.0',
  }
  const channels = new ChannelService({
    store,
    accounts,
    log: log.child({ sub: 'channels' }),
    now,
    config: channelsConfig,
    post: (ws, visitorId, clientId, text, o) => widgets!.channelMessage(ws, visitorId, clientId, text, o),
    requireSettingsRight: async (req) => {
      const agent = await requireAgent(req)
      const who = await settings.principalOf(agent)
      if (who.role !== 'admin' && who.settings !== true) throw new HttpError(403, 'managing channels needs the settings right')
      return agent
    },
    delivery: () => delivery!,
  })
  delivery = new ChannelDelivery({
    store,
    rooms,
    conversations,
    files,
    log: log.child({ sub: 'delivery' }),
    now,
    link: (ws, kind) => channels.link(ws, kind),
    publicUrl: channelsConfig.publicUrl,
    retryBaseMs: opts.channels?.retryBaseMs,
  })
  const live = new LiveGateway(store, hub, conversations, settings, log.child({ sub: 'live' }), opts.liveBacklogPage, opts.liveCreditEvents)
  const agentConnections = new AgentConnections({ store, now, published, log: log.child({ sub: 'connections' }) })
  const commands = new CommandService(store, rooms, conversations, settings, log.child({ sub: 'commands' }), now, (ws, ids) => dispatcher.pickGroup(ws, ids))
  dispatcher.bind(commands)
  const snoozes = new SnoozeClock((ws, id) => commands.wake(ws, id), now, log.child({ sub: 'snooze' }))

  const staticRoot = resolve(opts.staticDir ?? 'dist')
  const appFiles = new StaticFiles(join(staticRoot, 'app'))
  const widgetFiles = new StaticFiles(join(staticRoot, 'widget'))
  const loginBuckets = new Map<string, TokenBucket>()

  const wssSync = new WebSocketServer({ noServer: true, maxPayload: Limits.syncFrame * 2 })
  const wssWidget = new WebSocketServer({ noServer: true, maxPayload: Limits.widgetFrame * 4 })
  const wssLive = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: LIVE_DEFLATE })
  const wssVisitors = new WebSocketServer({ noServer: true, maxPayload: 4096 })
  metrics.observe({
    sockets: () => ({ sync: wssSync.clients.size, widget: wssWidget.clients.size, live: wssLive.clients.size, visitors: wssVisitors.clients.size }),
    documents: () => rooms.loadedCount,
    eventLogLag: async () =>
      Promise.all([...pushedSeq].map(async ([workspace, pushed]) => ({ workspace, lag: Math.max(0, (await store.lastSeq(workspace)) - pushed) }))),
    queues: () => dispatcher.queueSizes(),
  })
  const alive = new WeakMap<WebSocket, boolean>()
  for (const wss of [wssSync, wssWidget, wssLive, wssVisitors]) {
    wss.on('connection', (ws) => {
      alive.set(ws, true)
      ws.on('pong', () => alive.set(ws, true))
    })
  }

  async function requireAgent(req: IncomingMessage): Promise<AgentRecord> {
    const agent = await accounts.authenticate(bearer(req))
    if (!agent) throw new HttpError(401, 'sign in first')
    return agent
  }

  /** The client card of a conversation: who the visitor is, where they came from, their requests. */
  async function contactCard(agent: AgentRecord, conversationId: string) {
    const who = await settings.principalOf(agent)
    const conv = await conversations.get(agent.workspace, conversationId)
    if (!conv || !maySeeConversation(who, conv)) throw new HttpError(404, 'no such conversation')
    const visitor = await store.getVisitor(agent.workspace, conv.visitorId)
    if (!visitor) throw new HttpError(404, 'no such visitor')
    const all = await store.listConversationsOfVisitor(agent.workspace, visitor.id)
    const requests = await Promise.all(
      all
        .filter((c) => maySeeConversation(who, c))
        .map(async (c) => ({
          id: c.id,
          number: await store.conversationNumber(agent.workspace, c.id),
          status: c.status,
          createdAt: c.createdAt,
          assigneeId: c.assigneeId,
        })),
    )
    return {
      visitor: {
        id: visitor.id,
        name: visitor.name,
        email: visitor.email,
        pageUrl: visitor.pageUrl ?? null,
        pageTitle: visitor.pageTitle ?? null,
        firstSeenAt: visitor.createdAt,
        blocked: visitor.blocked,
        /** Empty when the visitor gave none. */
        phone: visitor.phone ?? '',
        /** Custom fields: pre-chat and request form answers besides name, email and phone, and the site's attributes. */
        fields: visitor.fields ?? {},
        /** The email was proven by the site's identity hash. */
        verified: Boolean(visitor.verifiedEmail),
      },
      number: await store.conversationNumber(agent.workspace, conversationId),
      channel: visitor.channel?.kind ?? 'widget',
      /** The visitor's profile on their messenger (`https://t.me/…`, `https://wa.me/…`); null for the widget. */
      profile: visitor.channel?.profileUrl
        ? { url: visitor.channel.profileUrl, label: visitor.channel.username || channelLabel(visitor.channel.kind) }
        : null,
      totalRequests: all.length,
      requests: requests.sort((a, b) => b.createdAt - a.createdAt),
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const path = url.pathname
    const method = req.method ?? 'GET'

    if (path === '/healthz') return sendJson(res, 200, { ok: true })
    if (path === '/readyz') {
      const r = await readiness({ started, stopping: closed, store, workspace: DEFAULT_WORKSPACE })
      res.setHeader('cache-control', 'no-store')
      return sendJson(res, r.status, r.body)
    }
    if (path === '/metrics') {
      if (!metricsAllowed(opts.metricsToken, req.headers.authorization)) {
        res.setHeader('www-authenticate', 'Bearer')
        throw new HttpError(401, 'metrics need the METRICS_TOKEN')
      }
      const text = await metrics.expose()
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' })
      res.end(text)
      return
    }
    if (await files.route(req, res, url)) return
    if (await channels.route(req, res, url)) return

    if (path.startsWith('/api/')) {
      if (path === '/api/login' && method === 'POST') {
        const body = loginSchema.safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        // Per address and account: slows guessing one password without locking out a shared office address.
        const bucketKey = `${req.socket.remoteAddress ?? '?'}|${body.data.email}`
        let bucket = loginBuckets.get(bucketKey)
        if (!bucket) {
          if (loginBuckets.size > MAX_LOGIN_BUCKETS) loginBuckets.clear()
          loginBuckets.set(bucketKey, (bucket = new TokenBucket(LOGIN_RATE.burst, LOGIN_RATE.perSecond, now)))
        }
        if (!bucket.take()) throw new HttpError(429, 'too many sign-in attempts; wait a minute')
        const session = await accounts.login(DEFAULT_WORKSPACE, body.data.email, body.data.password)
        if (!session) throw new HttpError(401, 'wrong email or password')
        const out: LoginResponse = { token: session.token, agent: publicAgent(session.agent) }
        return sendJson(res, 200, out)
      }
      if (path === '/api/logout' && method === 'POST') {
        const token = bearer(req)
        if (token) await accounts.logout(token)
        res.writeHead(204).end()
        return
      }
      if (path === '/api/me' && method === 'GET') return sendJson(res, 200, publicAgent(await requireAgent(req)))
      if (path === '/api/me/status' && method === 'POST') {
        const agent = await requireAgent(req)
        const body = agentStatusSchema.safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        const result = await setAgentStatus({ store, settings, now, published }, agent, body.data.status)
        return sendJson(res, result.status, result.body)
      }
      if (path === '/api/agents' && method === 'POST') {
        const admin = await requireAgent(req)
        if (admin.role !== 'admin') throw new HttpError(403, 'only admins add agents')
        const body = createAgentSchema.safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        try {
          const agent = await accounts.createAgent(admin.workspace, body.data)
          return sendJson(res, 201, { id: agent.id })
        } catch (err) {
          if ((err as Error).name === 'ConflictError') throw new HttpError(409, 'an agent with this email exists')
          throw err
        }
      }
      if (path === '/api/agents' && method === 'GET') {
        const agent = await requireAgent(req)
        const current = await settings.get(agent.workspace)
        const agents = (await store.listAgents(agent.workspace)).map((a) => {
          const who = principalFrom(a, current)
          return { id: a.id, name: a.name, email: a.email, role: a.role, groups: who.groups, status: a.status }
        })
        return sendJson(res, 200, { agents })
      }
      if (path === '/api/workspace/identity-secret' && method === 'GET') {
        const admin = await requireAgent(req)
        if (admin.role !== 'admin') throw new HttpError(403, 'only admins see the identity secret')
        const ws = await accounts.workspace(admin.workspace)
        if (!ws) throw new HttpError(404, 'no such workspace')
        return sendJson(res, 200, { secret: identitySecret(ws.secret) })
      }
      const visitorChat = /^\/api\/visitors\/([A-Za-z0-9_-]{1,64})\/chat$/.exec(path)
      if (visitorChat && method === 'POST') {
        const agent = await requireAgent(req)
        const body = startChatSchema.safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        const result = await widgets!.startChat(agent, visitorChat[1]!, body.data.clientId, body.data.text)
        return sendJson(res, result.status, result.body)
      }
      const contact = /^\/api\/conversations\/([A-Za-z0-9_-]{1,64})\/contact$/.exec(path)
      if (contact && method === 'GET') {
        const agent = await requireAgent(req)
        return sendJson(res, 200, await contactCard(agent, contact[1]!))
      }
      const command = COMMAND_ROUTE.exec(path)
      if (command && method === 'POST') {
        const agent = await requireAgent(req)
        const key = idempotencyKeySchema.safeParse(req.headers['idempotency-key'])
        if (!key.success) throw new HttpError(400, 'send an Idempotency-Key header (8–128 letters, digits, - or _)')
        const name = command[2] as CommandName
        const body = commandBodySchemas[name].safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        const input = { ...body.data, command: name } as CommandInput
        const result = await commands.execute(agent, command[1]!, input, key.data)
        return sendJson(res, result.status, result.body)
      }
      if (path === '/api/events' && method === 'GET') {
        const agent = await requireAgent(req)
        const after = Number(url.searchParams.get('after') ?? '0')
        const limit = Number(url.searchParams.get('limit') ?? '1000')
        if (!Number.isSafeInteger(after) || after < 0) throw new HttpError(400, 'after must be a whole number ≥ 0')
        if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_EVENTS_PAGE)
          throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_EVENTS_PAGE}`)
        const page = await store.readEvents(agent.workspace, after, limit)
        const last = page.length ? page[page.length - 1]!.seq : after
        const out: EventsResponse = { events: await visibleEvents(agent, page, conversations, settings), last }
        return sendCompressedJson(req, res, 200, out)
      }
      throw new HttpError(404, `no route ${method} ${path}`)
    }

    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed')
    if (path === '/widget.js') {
      res.setHeader('access-control-allow-origin', '*')
      if (await widgetFiles.serve(req, res, 'widget.js')) return
      throw new HttpError(503, 'the widget is not built; run npm run build')
    }
    // The chat bundle the loader imports when the visitor needs it (a module: fetched with CORS).
    if (path === '/widget/chat.js') {
      res.setHeader('access-control-allow-origin', '*')
      if (await widgetFiles.serve(req, res, 'chat.js')) return
      throw new HttpError(503, 'the widget is not built; run npm run build')
    }
    // What the loader needs before the chat loads: the launcher's look and the activation mode.
    if (path === '/widget/config') {
      const workspace = url.searchParams.get('workspace') ?? DEFAULT_WORKSPACE
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(workspace) || !(await accounts.workspace(workspace))) throw new HttpError(404, 'no such workspace')
      const config = publicWidgetConfig(await settings.widget(workspace))
      res.setHeader('access-control-allow-origin', '*')
      res.setHeader('cache-control', 'no-cache')
      return sendJson(res, 200, { config })
    }
    const chatMatch = /^\/chat\/([A-Za-z0-9_-]{1,64})\/?$/.exec(path)
    if (chatMatch) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
      res.end(chatPage(chatMatch[1]!))
      return
    }
    if (path === '/demo' || path === '/demo/') {
      const html = demoPage(url.searchParams.get('workspace') ?? DEFAULT_WORKSPACE, url.searchParams.get('preview') === '1')
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
      res.end(html)
      return
    }
    if (path !== '/' && (await appFiles.serve(req, res, path))) return
    // Every other path is a route of the app: the shell handles it (and works offline through the service worker).
    if (!/\.[a-z0-9]+$/i.test(path) && (await appFiles.serve(req, res, 'index.html'))) return
    throw new HttpError(404, 'not found')
  }

  const http = createServer((req, res) => {
    route(req, res).catch((err) => {
      if (res.headersSent) return res.destroy()
      if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message, ...err.extra })
      log.error({ err, url: req.url }, 'request failed')
      sendJson(res, 500, { error: 'internal error' })
    })
  })

  // Every connection, upgraded ones too, until it closes: a shutdown ends the ones left.
  const connections = new Set<Duplex>()
  http.on('connection', (socket: Duplex) => {
    connections.add(socket)
    socket.once('close', () => connections.delete(socket))
  })

  function refuse(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string) {
    // Close codes only exist on an open socket, so open it, then close with the reason.
    wss.handleUpgrade(req, socket, head, (ws) => ws.close(code, reason))
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    // Shutting down: a client redialling now (apps do, on the close) is not let in.
    if (closed) return socket.destroy()
    const url = new URL(req.url ?? '/', 'http://localhost')
    const path = url.pathname
    void (async () => {
      if (path === '/widget/ws') {
        wssWidget.handleUpgrade(req, socket, head, (ws) => {
          wssWidget.emit('connection', ws, req)
          widgets!.accept(ws, clientAddress(req, opts.trustProxy === true))
        })
        return
      }
      if (path === '/api/live') {
        const agent = await accounts.authenticate(url.searchParams.get('token'))
        if (!agent) return refuse(wssLive, req, socket, head, CloseCode.unauthenticated, 'sign in first')
        const after = Number(url.searchParams.get('after') ?? '0')
        wssLive.handleUpgrade(req, socket, head, (ws) => {
          wssLive.emit('connection', ws, req)
          // The app's live socket is the agent's sign-in: their first opening and last closing are logged.
          agentConnections.opened(agent.workspace, agent.id)
          ws.once('close', () => agentConnections.closed(agent.workspace, agent.id))
          live.accept(ws, agent, Number.isSafeInteger(after) && after >= 0 ? after : 0, { credit: url.searchParams.get('credit') === '1' })
        })
        return
      }
      if (path === '/api/visitors/live') {
        const agent = await accounts.authenticate(url.searchParams.get('token'))
        if (!agent) return refuse(wssVisitors, req, socket, head, CloseCode.unauthenticated, 'sign in first')
        if (!(await visitorsLive.mayWatch(agent))) return refuse(wssVisitors, req, socket, head, CloseCode.forbidden, 'needs the management right')
        wssVisitors.handleUpgrade(req, socket, head, (ws) => {
          wssVisitors.emit('connection', ws, req)
          visitorsLive.accept(ws, agent)
        })
        return
      }
      if (path.startsWith('/sync/')) {
        let name: string
        try {
          name = decodeURIComponent(path.slice('/sync/'.length))
        } catch {
          return refuse(wssSync, req, socket, head, CloseCode.badRequest, 'bad document name')
        }
        const verdict = await syncGateway!.authorize(name, url.searchParams.get('token'))
        if (!verdict.ok) return refuse(wssSync, req, socket, head, verdict.code, verdict.reason)
        wssSync.handleUpgrade(req, socket, head, (ws) => {
          wssSync.emit('connection', ws, req)
          syncGateway!.accept(ws, name, verdict.agent, verdict.ref, verdict.access)
        })
        return
      }
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
    })().catch((err) => {
      log.error({ err }, 'upgrade failed')
      socket.destroy()
    })
  })

  const pinger = setInterval(() => {
    for (const wss of [wssSync, wssWidget, wssLive, wssVisitors]) {
      for (const ws of wss.clients) {
        if (alive.get(ws) === false) {
          ws.terminate()
          continue
        }
        alive.set(ws, false)
        ws.ping()
      }
    }
  }, PING_INTERVAL_MS)
  pinger.unref()

  let firstAdmin: ParleyServer['firstAdmin'] = null
  let closed = false
  /** Store open and migrated, recovery done: /readyz may say yes. */
  let started = false

  return {
    store,
    accounts,
    get firstAdmin() {
      return firstAdmin
    },
    async listen() {
      // Connects and migrates (PostgreSQL); a store that cannot open fails the start, never falls back.
      await store.open?.()
      pushedSeq.set(DEFAULT_WORKSPACE, Math.max(pushedSeq.get(DEFAULT_WORKSPACE) ?? 0, await store.lastSeq(DEFAULT_WORKSPACE)))
      firstAdmin = await accounts.bootstrap(opts.adminEmail, opts.adminPassword)
      // Agents a crash left signed in are signed out in the log before anyone connects again.
      await agentConnections.recover(DEFAULT_WORKSPACE)
      await snoozes.start(store)
      // Email notices owed when the server last stopped.
      await notifier?.start()
      dispatcher.start(DEFAULT_WORKSPACE)
      // Replies to messengers that were not sent before the last stop go now.
      void delivery!.resume(DEFAULT_WORKSPACE).catch((err) => log.error({ err }, 'could not resume channel replies'))
      await new Promise<void>((resolveListen, reject) => {
        http.once('error', reject)
        http.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', () => {
          http.off('error', reject)
          resolveListen()
        })
      })
      const { port } = http.address() as AddressInfo
      const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : 'localhost'
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
      started = true
      log.info({ url, store: store.kind }, 'listening')
      return { url, port }
    },
    async close() {
      if (closed) return
      closed = true
      clearInterval(pinger)
      snoozes.close()
      delivery!.close()
      channels.close()
      notifier?.close()
      mailer.close()
      dispatcher.close()
      widgets!.closeAll()
      // Logged while the store is still open; the sockets closing next log nothing more.
      await agentConnections.close()
      settings.close()
      for (const wss of [wssLive, wssWidget, wssVisitors]) for (const ws of wss.clients) ws.close(CloseCode.goingAway, 'server shutting down')
      await rooms.closeAll()
      // A peer that does not answer the closing handshake (its network gone) would hold the
      // shutdown until ws's own 30 s timeout: after a moment its socket is cut instead.
      await endSockets([wssSync, wssWidget, wssLive, wssVisitors], SHUTDOWN_GRACE_MS)
      for (const wss of [wssSync, wssWidget, wssLive, wssVisitors]) wss.close()
      http.closeAllConnections()
      // Whatever is still open (an upgrade that was being authorized when the stop began) is cut.
      for (const socket of connections) socket.destroy()
      await new Promise<void>((r) => http.close(() => r()))
      await store.close()
    },
  }
}

/** How long a shutdown waits for websocket peers to answer the closing handshake. */
const SHUTDOWN_GRACE_MS = 1_000

/** Resolves once every client of the servers has closed; those still open after `graceMs` are cut. */
async function endSockets(servers: WebSocketServer[], graceMs: number): Promise<void> {
  const open = servers.flatMap((wss) => [...wss.clients]).filter((ws) => ws.readyState !== ws.CLOSED)
  if (!open.length) return
  const closed = Promise.all(open.map((ws) => new Promise<void>((r) => (ws.readyState === ws.CLOSED ? r() : ws.once('close', () => r())))))
  const timer = setTimeout(() => {
    for (const ws of open) if (ws.readyState !== ws.CLOSED) ws.terminate()
  }, graceMs)
  await closed
  clearTimeout(timer)
}

/**
 * The address a request comes from. Behind a trusted proxy: the last `X-Forwarded-For` entry, the
 * one the proxy itself added (earlier entries are whatever the client claimed, and could dodge limits).
 */
function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for']
  const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim()
  return (trustProxy && last) || req.socket.remoteAddress || 'unknown'
}
