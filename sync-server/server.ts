import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { join, resolve } from 'node:path'
import { pino, type Logger } from 'pino'
import { EventType } from '../shared/protocol.ts'
import { Accounts } from './Accounts.ts'
import { WorkspaceSettings } from './WorkspaceSettings.ts'
import { DispatchService } from './dispatch/DispatchService.ts'
import { CommandService } from './commands/CommandService.ts'
import { SnoozeClock } from './commands/SnoozeClock.ts'
import { Conversations } from './Conversations.ts'
import { CommitFeed, CommitOrder } from './events/CommitFeed.ts'
import { EventHub } from './events/EventHub.ts'
import { LiveGateway } from './events/LiveGateway.ts'
import { AgentConnections } from './events/AgentConnections.ts'
import { createRouter } from './http/router.ts'
import { StaticFiles } from './http/StaticFiles.ts'
import { Upgrades } from './http/Upgrades.ts'
import { agentRoutes } from './http/routes/agents.ts'
import { channelRoutes } from './http/routes/channels.ts'
import { conversationRoutes } from './http/routes/conversations.ts'
import { eventRoutes } from './http/routes/events.ts'
import { fileRoutes } from './http/routes/files.ts'
import { operationRoutes } from './http/routes/operations.ts'
import { staticRoutes } from './http/routes/static.ts'
import { visitorRoutes } from './http/routes/visitors.ts'
import { workspaceRoutes } from './http/routes/workspace.ts'
import { proactiveRoutes } from './http/routes/proactive.ts'
import { RoomManager, ROOM_IDLE_MS } from './rooms/RoomManager.ts'
import { SyncGateway } from './rooms/SyncGateway.ts'
import { SqliteStore } from './store/SqliteStore.ts'
import { PostgresStore } from './store/PostgresStore.ts'
import type { Store } from './store/Store.ts'
import { VisitorPresence } from './widget/VisitorPresence.ts'
import { SiteVisitors } from './widget/SiteVisitors.ts'
import { VisitorsLiveGateway } from './widget/VisitorsLiveGateway.ts'
import { WidgetGateway } from './widget/WidgetGateway.ts'
import { BotService } from './bot/BotService.ts'
import { EmailNotifier } from './widget/EmailNotifier.ts'
import { Mailer } from './mail/Mailer.ts'
import { BlobStore } from './files/BlobStore.ts'
import { FileService } from './files/FileService.ts'
import { ChannelService, type ChannelsConfig } from './channels/ChannelService.ts'
import { ChannelDelivery } from './channels/ChannelDelivery.ts'
import { Metrics } from './metrics/Metrics.ts'
import { instanceId } from './config.ts'
import { RedisBus } from './cluster/RedisBus.ts'
import { ClusterPresence, DEAD_AFTER_MS } from './cluster/ClusterPresence.ts'
import { Leadership } from './cluster/Leadership.ts'
import { conversationDocName } from '../shared/documents.ts'

export interface ServerOptions {
  dataDir: string
  /** The uploaded files' bytes (content-addressed): `dataDir/files` by default; several instances share one folder. */
  filesDir?: string
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
   * PostgreSQL instead of SQLite for everything but the files' bytes (still in `filesDir`).
   * Without `redisUrl` the server holds an advisory lock saying it is the single instance on that
   * database: a second one fails to start.
   */
  databaseUrl?: string
  /**
   * Several instances on one `databaseUrl`: commits fan out over this Redis (RedisBus), one
   * instance leads each workspace (Leadership). Needs `databaseUrl`.
   */
  redisUrl?: string
  /** Prefix of this cluster's Redis channels and keys (`parley:` by default; tests give each run its own). */
  redisPrefix?: string
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
  // Every durable commit, this instance's and (over the cluster bus) the others', reaches the
  // listeners registered below, in CommitOrder.
  const feed = new CommitFeed(log.child({ sub: 'feed' }))
  if (opts.redisUrl && !opts.databaseUrl) throw new Error('REDIS_URL needs DATABASE_URL: the instances share a PostgreSQL database, Redis only fans out')
  const clustered = Boolean(opts.redisUrl && opts.databaseUrl)
  // Commits are timed and fed here, at the composition root, whichever adapter stores them.
  const store: Store = feed.feeding(
    metrics.timed(
      opts.store ??
        (opts.databaseUrl
          ? new PostgresStore({ url: opts.databaseUrl, log: log.child({ sub: 'store' }), singleInstance: !clustered })
          : new SqliteStore({ file: join(resolve(opts.dataDir), 'parley.db'), synchronous: opts.sqliteSynchronous })),
    ),
  )
  const accounts = new Accounts(store, log.child({ sub: 'accounts' }), (opts.sessionHours ?? 24 * 30) * 3600_000, now)
  const conversations = new Conversations(store)
  const hub = new EventHub({ read: (ws, after, limit) => store.readEvents(ws, after, limit), log: log.child({ sub: 'hub' }) })
  // Who is on the site now, from the widget sockets (the supervisor's visitors view).
  const site = new SiteVisitors(now)
  // Several instances: the others' commits are heard over Redis; one instance leads each workspace.
  const bus = clustered
    ? new RedisBus({
        url: opts.redisUrl!,
        prefix: opts.redisPrefix ?? 'parley:',
        instance,
        log: log.child({ sub: 'bus' }),
        heard: (c) => feed.emit(c),
        healed: () => {
          hub.heal()
          void rooms.reloadAll()
        },
        reconnected: () => metrics.redisReconnects.inc(),
        signalled: (from, signal) => cluster?.heard(from, signal),
      })
    : null
  const leadership = clustered
    ? new Leadership({ url: opts.databaseUrl!, log: log.child({ sub: 'leader' }), lead: (ws) => void onLead(ws).catch((err) => log.error({ err, workspace: ws }, 'could not start what the leader runs')), lose: (ws) => log.warn({ workspace: ws }, 'leadership lost') })
    : null
  /** Whether this instance runs what must run once for the workspace (always, alone). */
  const leads = (workspace: string) => (leadership ? leadership.leads(workspace) : true)
  // What the leader writes carries the epoch it leads in, refused once another instance leads (Commit.fence).
  const fence = (workspace: string) => leadership?.epoch(workspace)

  let widgets: WidgetGateway | null = null
  let notifier: EmailNotifier | null = null
  let syncGateway: SyncGateway | null = null
  /** The workspaces this server runs (every one in the store, at start). */
  const workspaces: string[] = []
  let presence: VisitorPresence | null = null
  let delivery: ChannelDelivery | null = null
  const rooms: RoomManager = new RoomManager(
    {
      store,
      log: log.child({ sub: 'rooms' }),
      now,
      conversationMessages: (ws, id, messages) => {
        void widgets?.conversationMessages(ws, id, messages).catch((err) => log.error({ err }, 'push to widget failed'))
      },
      visitorPresence: (ws, id) => presence?.get(ws, id) ?? null,
      agentAwareness: (ws, id, agents) => widgets?.agentAwareness(ws, id, agents),
      awarenessOut: bus ? (ws, name, update) => cluster!.awarenessOut(ws, name, update) : undefined,
      remoteAwareness: bus ? (ws, name) => cluster!.remoteAwareness(ws, name) : undefined,
    },
    opts.roomIdleMs ?? ROOM_IDLE_MS,
  )
  // Several instances: awareness and visitors' presence cross over the bus too, never stored.
  const cluster: ClusterPresence | null = bus
    ? new ClusterPresence({
        send: (signal) => bus.signal(signal),
        rooms: rooms,
        presence: () => presence,
        agentAwareness: (ws, id, agents) => widgets?.agentAwareness(ws, id, agents),
        // Where the workspace leads, the agents a silent instance held are signed out in the log.
        silent: (gone) => {
          for (const ws of workspaces)
            if (leads(ws)) agentConnections.recover(ws, (i) => i === gone, 'instance gone').catch((err) => log.warn({ err, workspace: ws }, 'could not sign out the agents of an instance gone'))
        },
        now,
        log: log.child({ sub: 'presence' }),
      })
    : null
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
    leads,
    queueChanged: (ws, id, place) => void widgets?.queueChanged(ws, id, place).catch((err) => log.error({ err }, 'queue frame failed')),
  })
  presence = new VisitorPresence(rooms, cluster ? (ws, id, state) => cluster.presenceOut(ws, id, state) : undefined)
  // Files: metadata in the store, blobs content-addressed in DATA_DIR/files (DESIGN §3.3).
  const files = new FileService({ store, accounts, blobs: new BlobStore(resolve(opts.filesDir ?? join(opts.dataDir, 'files'))), log: log.child({ sub: 'files' }), now })
  widgets = new WidgetGateway({
    store,
    rooms,
    accounts,
    conversations,
    log: log.child({ sub: 'widget' }),
    now,
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
    fence,
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
    delivery: () => delivery!,
  })
  delivery = new ChannelDelivery({
    fence,
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
  const agentConnections = new AgentConnections({ store, now, log: log.child({ sub: 'connections' }), instance, fence })
  const commands = new CommandService(store, rooms, conversations, settings, log.child({ sub: 'commands' }), now, (ws, ids) => dispatcher.pickGroup(ws, ids), fence)
  dispatcher.bind(commands)
  // Every instance follows the snoozes; the leader wakes them (and re-arms from the store when it becomes one).
  const snoozes = new SnoozeClock((ws, id) => (leads(ws) ? commands.wake(ws, id) : Promise.resolve()), now, log.child({ sub: 'snooze' }))

  // What a commit changes, in order (CommitOrder): the records (access, queues, snoozes), then the
  // live feeds, then the effects that look at both.
  feed.listen('records', CommitOrder.records, (c) => {
    for (const r of c.conversations) {
      dispatcher.conversationChanged(r)
      syncGateway?.revalidate(r)
      site.conversationChanged(r)
      snoozes.track(r)
    }
  })
  // Another instance's document updates reach the documents loaded here.
  feed.listen('documents', CommitOrder.documents, (c) => {
    if (c.origin !== 'remote' || !c.updates.length) return
    const byDoc = new Map<string, Uint8Array[]>()
    for (const u of c.updates) byDoc.set(u.doc, [...(byDoc.get(u.doc) ?? []), u.update])
    for (const [doc, updates] of byDoc) {
      const record = c.conversations.find((r) => conversationDocName(r.id) === doc)
      // Not loaded here, but its visitor may be on this instance's sockets: they get the new messages.
      if (!rooms.remote(c.workspace, doc, updates, record)) void widgets?.remoteMessages(c.workspace, doc, c.events).catch((err) => log.error({ err }, 'push to widget failed'))
    }
  })
  feed.listen('events', CommitOrder.events, (c) => hub.publish(c.workspace, c.events))
  feed.listen('effects', CommitOrder.effects, (c) => {
    if (!c.events.length) return
    site.committed(c.workspace, c.events)
    void widgets?.committed(c.workspace, c.events, c.origin).catch((err) => log.error({ err }, 'widget event hook failed'))
    if (!leads(c.workspace)) return
    delivery!.committed(c.workspace, c.events)
    for (const e of c.events)
      if (e.type === EventType.message && e.conversationId && e.data.kind === 'agent' && !e.data.internal)
        void notifier?.agentAnswered(c.workspace, e.conversationId).catch((err) => log.warn({ err }, 'could not schedule an email notice'))
  })

  const upgrades = new Upgrades({
    accounts,
    sync: syncGateway,
    live,
    visitorsLive,
    agentConnections,
    acceptWidget: (ws, address) => widgets!.accept(ws, address),
    trustProxy: opts.trustProxy === true,
    log,
  })
  metrics.observe({
    sockets: () => upgrades.counts(),
    documents: () => rooms.loadedCount,
    eventLogLag: async () =>
      Promise.all(hub.delivered().map(async ({ workspace, seq }) => ({ workspace, lag: Math.max(0, (await store.lastSeq(workspace)) - seq) }))),
    queues: () => dispatcher.queueSizes(),
  })

  feed.listen('bus', CommitOrder.bus, (c) => bus?.publish(c))

  /** What runs once per workspace in the cluster starts where it leads (at the start, alone). */
  async function onLead(workspace: string): Promise<void> {
    // Alone, agents a crash left signed in are signed out in the log before anyone connects again.
    if (!leadership) await agentConnections.recover(workspace)
    // Several: once the others have had time to be heard, those of instances no longer there.
    else
      setTimeout(() => {
        if (closed || !leads(workspace)) return
        agentConnections.recover(workspace, (i) => i !== instance && !cluster!.alive(i), 'instance gone').catch((err) => log.warn({ err }, 'could not sign out the agents of instances gone'))
      }, DEAD_AFTER_MS).unref()
    // Armed again from the store: a former leader may have left snoozes behind.
    await snoozes.start(store, workspace)
    // Email notices owed when the server (or the former leader) stopped.
    await notifier?.start(workspace)
    dispatcher.lead(workspace)
    // Replies to messengers that were not sent before the last stop go now.
    void delivery!.resume(workspace).catch((err) => log.error({ err }, 'could not resume channel replies'))
  }

  const staticRoot = resolve(opts.staticDir ?? 'dist')
  // Tried in order. Operations, files and messengers come first and take every method on their
  // paths; the app's shell comes last and takes any GET outside /api/.
  const routes = [
    ...operationRoutes({ store, metrics, metricsToken: opts.metricsToken, state: () => ({ started, stopping: closed, bus }) }),
    ...fileRoutes({ files }),
    ...channelRoutes({ channels }),
    ...agentRoutes({ accounts, store, settings, now }),
    ...workspaceRoutes({ accounts }),
    ...proactiveRoutes({ rooms, settings }),
    ...visitorRoutes({ startChat: (agent, visitorId, clientId, text) => widgets!.startChat(agent, visitorId, clientId, text) }),
    ...conversationRoutes({ store, conversations, settings, commands }),
    ...eventRoutes({ store, conversations, settings }),
    ...staticRoutes({ accounts, settings, appFiles: new StaticFiles(join(staticRoot, 'app')), widgetFiles: new StaticFiles(join(staticRoot, 'widget')) }),
  ]
  const http = createServer(createRouter(routes, { authenticate: (token) => accounts.authenticate(token), principalOf: (agent) => settings.principalOf(agent), log }))

  // Every connection, upgraded ones too, until it closes: a shutdown ends the ones left.
  const connections = new Set<Duplex>()
  http.on('connection', (socket: Duplex) => {
    connections.add(socket)
    socket.once('close', () => connections.delete(socket))
  })
  http.on('upgrade', upgrades.handle)

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
      // Several instances: Redis connected (or one line saying why not) before the store is touched.
      await bus?.open()
      cluster?.start()
      await store.open?.()
      firstAdmin = await accounts.bootstrap(opts.adminEmail, opts.adminPassword)
      // Every workspace in the store (the default one, and any a migration or an operator brought).
      for (const ws of await store.listWorkspaceIds()) {
        workspaces.push(ws)
        hub.start(ws, await store.lastSeq(ws))
        // From the workspace's ordered feed, not the bus: an "instance gone" logged about this
        // instance while it was cut from Redis reaches it when the gap is read from the store.
        hub.subscribe(ws, (events) => agentConnections.committed(ws, events))
        // Several: the agents this instance held when it last stopped without a word (kill -9) are signed out.
        if (leadership) await agentConnections.recover(ws, (i) => i === instance)
        // Every instance follows the queues (places in line); the leader assigns.
        dispatcher.start(ws)
        if (leadership) await leadership.join(ws)
        else await onLead(ws)
      }
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
      // Another instance takes the lead at once rather than after this one is gone.
      await leadership?.close()
      upgrades.stop()
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
      upgrades.goingAway()
      await rooms.closeAll()
      hub.close()
      cluster?.stop()
      await bus?.close()
      await upgrades.end()
      http.closeAllConnections()
      // Whatever is still open (an upgrade that was being authorized when the stop began) is cut.
      for (const socket of connections) socket.destroy()
      await new Promise<void>((r) => http.close(() => r()))
      await store.close()
    },
  }
}
