import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import { decideWake } from '../../shared/commands.ts'
import { appendMessageOnce, conversationDocName, isChatMessage, messagesOf, metaOf, readMeta } from '../../shared/documents.ts'
import { newId } from '../../shared/id.ts'
import {
  CloseCode,
  EventType,
  FromWidgetType,
  Limits,
  PROTOCOL_VERSION,
  WidgetErrorCode,
  type Attachment,
  type ChatMessage,
  type ConversationStatus,
  type LogEvent,
  type ToWidget,
  type WidgetHistoryMessage,
  type WidgetSurvey,
} from '../../shared/protocol.ts'
import { describeIssues, fromWidgetSchema } from '../../shared/schemas.ts'
import type { Accounts } from '../Accounts.ts'
import { signVisitorToken, verifyVisitorToken } from '../auth.ts'
import type { Conversations } from '../Conversations.ts'
import type { FileService } from '../files/FileService.ts'
import type { RouteDecision, RouteRequest } from '../../shared/routing/route.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { Commit, Store, VisitorRecord } from '../store/Store.ts'
import { appendSystemLine, applyPatch } from '../commands/patch.ts'
import { TokenBucket } from './TokenBucket.ts'
import { KeyedQueue } from '../util/KeyedQueue.ts'
import type { VisitorPresence } from './VisitorPresence.ts'
import type { SiteVisitors } from './SiteVisitors.ts'
import { publicWidgetConfig, type WidgetConfig } from '../../shared/widgetConfig.ts'
import { AgentSignals, type AgentPresence } from './AgentSignals.ts'
import { VisitorActions, visitorUpdatedEvent, type VisitorContext } from './VisitorActions.ts'
import { verifyIdentity } from './VisitorIdentity.ts'
import { startChat, type StartChatResult } from './AgentStartsChat.ts'
import type { AgentRecord } from '../store/Store.ts'

/** A visitor who has not said hello by then is not a widget. */
export const HELLO_TIMEOUT_MS = 10_000
/** Malformed frames tolerated on one socket before it is closed: a buggy widget gets errors, a fuzzer gets cut off. */
const MAX_BAD_FRAMES = 50
/** Conversations whose history a returning visitor receives. */
const HISTORY_CONVERSATIONS = 20
/** A visitor who stopped typing this long ago is no longer shown as typing (the widget repeats while typing). */
const TYPING_TTL_MS = 6_000
/** Frames a second one socket may sustain (typing and page events included), and the burst above it. */
const FRAME_RATE = { perSecond: 10, burst: 40 }
/**
 * Frames a second one network address may sustain across all its sockets: a flood opening many
 * sockets is slowed, while an office of visitors behind one address still chats (about 20 busy ones).
 */
export const ADDRESS_FRAME_RATE = { perSecond: 100, burst: 400 }
/** Memory bound on the per-address limiter: past this many addresses it starts afresh. */
const MAX_ADDRESS_BUCKETS = 100_000
/** Memory bound on when visitors left (for email notices): the oldest are forgotten first. */
const MAX_AWAY = 100_000

interface Conn {
  ws: WebSocket
  /** The network address (the proxy's client when trusted): frames are limited per address too. */
  address: string
  workspace: string | null
  visitorId: string | null
  bad: number
  bucket: TokenBucket
  /** The loader's presence socket (`hello.presence`): on the site's visitors list, nothing else. */
  presence: boolean
}

export interface WidgetGatewayDeps {
  store: Store
  rooms: RoomManager
  accounts: Accounts
  conversations: Conversations
  log: Logger
  now: () => number
  published: (workspace: string, events: LogEvent[]) => void
  presence: VisitorPresence
  /** Who is on the site now (the supervisor's visitors view): told of every hello, page and last socket closing. */
  site?: SiteVisitors
  /** Resolves the files a message carries to the server's records of them. */
  files: FileService
  /** Decides where a new conversation goes and where a waiting one stands (the dispatcher). */
  routing: {
    route(workspace: string, conversationId: string, req: RouteRequest): Promise<RouteDecision>
    placeOf(workspace: string, conversationId: string): Promise<{ position: number; waitSeconds: number | null } | null>
    /** Whether someone could take a chat from this page now, and whether the request form replaces it. */
    availability(workspace: string, pageUrl: string | null): Promise<{ online: boolean; requestForm: boolean }>
  }
  /** The workspace's widget configuration (settings › widget). */
  widgetConfig: (workspace: string) => Promise<WidgetConfig>
  /** Frames per address across sockets; `ADDRESS_FRAME_RATE` by default. */
  addressRate?: { perSecond: number; burst: number }
  /** The bot before routing (sync-server/bot): a new conversation meets it first when enabled. */
  bot?: {
    active(workspace: string): Promise<boolean>
    start(workspace: string, conversationId: string): Promise<void>
    reply(workspace: string, conversationId: string, visitorId: string, text: string, choice: string | undefined): Promise<void>
  }
  /** Told of every frame refused with an error, by its code (the metrics). */
  refused?: (code: WidgetErrorCode) => void
}

/** What a messenger's message came to: acknowledged, or refused with the words the widget would show. */
export type ChannelMessageOutcome = { ok: true; messageId: string; conversationId: string } | { ok: false; code: WidgetErrorCode; message: string }

/** Visitors' sockets at `/widget/ws`: JSON frames, no Yjs; the server writes to documents on their behalf. */
export class WidgetGateway {
  private sockets = new Map<string, Set<WebSocket>>()
  /** The loaders' presence sockets per visitor (`hello.presence`), nudged when a message comes for a visitor with no chat open. */
  private presenceSockets = new Map<string, Set<WebSocket>>()
  /** One queue per visitor, so two quick first messages cannot open two conversations. */
  private queue = new KeyedQueue()
  private closing = false
  /** Each visitor's open conversation, for presence and read receipts. */
  private current = new Map<string, string>()
  private typingTimers = new Map<string, NodeJS.Timeout>()
  private addressBuckets = new Map<string, TokenBucket>()
  /** When each visitor's last socket closed, for email notices of answers they missed. */
  private away = new Map<string, number>()
  private actions: VisitorActions
  /** Agents' typing and read receipts, told to the visitor. */
  readonly signals: AgentSignals

  constructor(private deps: WidgetGatewayDeps) {
    this.actions = new VisitorActions({
      ...deps,
      exclusive: (ctx, fn) => this.serialize(ctx.workspace, ctx.visitorId, fn),
      postAsVisitor: async (ctx, clientId, text, opts) => {
        await this.serialize(ctx.workspace, ctx.visitorId, () => this.message(ctx, clientId, text, [], opts))
        const done = await deps.store.getWidgetAck(ctx.workspace, ctx.visitorId, clientId)
        return done?.conversationId ?? null
      },
    })
    this.signals = new AgentSignals({ ...deps, send: (workspace, visitorId, frame) => this.sendTo(workspace, visitorId, frame) })
  }

  accept(ws: WebSocket, address = 'unknown'): void {
    const conn: Conn = {
      ws,
      address,
      workspace: null,
      visitorId: null,
      bad: 0,
      bucket: new TokenBucket(FRAME_RATE.burst, FRAME_RATE.perSecond, this.deps.now),
      presence: false,
    }
    const helloTimer = setTimeout(() => {
      if (!conn.visitorId) ws.close(CloseCode.unauthenticated, 'hello expected')
    }, HELLO_TIMEOUT_MS)
    helloTimer.unref()

    ws.on('message', (raw, isBinary) => {
      void this.onFrame(conn, raw as Buffer, isBinary).catch((err) => {
        this.deps.log.error({ err }, 'widget frame failed')
        this.error(conn, WidgetErrorCode.internal, 'Something went wrong on our side; please try again.')
      })
    })
    ws.on('close', () => {
      clearTimeout(helloTimer)
      this.forget(conn)
    })
    ws.on('error', (err) => this.deps.log.debug({ err }, 'widget socket error'))
  }

  private async onFrame(conn: Conn, raw: Buffer, isBinary: boolean): Promise<void> {
    if (!conn.bucket.take()) {
      this.error(conn, WidgetErrorCode.tooMany, 'You are sending too fast; please slow down.')
      conn.ws.close(CloseCode.tooMany, 'too many frames')
      return
    }
    if (!this.addressBucket(conn.address).take()) {
      // Others may share the address (an office, a mobile carrier): refuse the frame, keep the socket.
      this.error(conn, WidgetErrorCode.tooMany, 'Too many messages from your network right now; please wait a moment.')
      return this.strike(conn)
    }
    if (raw.byteLength > Limits.widgetFrame) {
      this.error(conn, WidgetErrorCode.tooLarge, 'That message is too large.')
      return this.strike(conn)
    }
    if (isBinary) {
      this.error(conn, WidgetErrorCode.badRequest, 'Frames must be JSON text.')
      return this.strike(conn)
    }
    let json: unknown
    try {
      json = JSON.parse(raw.toString('utf8'))
    } catch {
      this.error(conn, WidgetErrorCode.badRequest, 'Frames must be JSON.')
      return this.strike(conn)
    }
    const type = (json as { type?: unknown } | null)?.type
    const parsed = fromWidgetSchema.safeParse(json)
    if (!parsed.success) {
      const known = typeof type === 'string' && (Object.values(FromWidgetType) as string[]).includes(type)
      this.error(conn, known ? WidgetErrorCode.badRequest : WidgetErrorCode.unknownType, known ? describeIssues(parsed.error) : `Unknown frame type.`)
      return this.strike(conn)
    }
    const frame = parsed.data
    if (frame.type === 'hello') return this.hello(conn, frame)
    if (!conn.visitorId || !conn.workspace) {
      this.error(conn, WidgetErrorCode.notHello, 'Say hello first.')
      conn.ws.close(CloseCode.unauthenticated, 'hello expected')
      return
    }
    if (conn.presence) {
      // The loader's socket tells where the visitor is, and nothing else: the chat has its own.
      if (frame.type === 'page') return this.deps.site?.pageChanged(conn.workspace, conn.visitorId, frame.url, frame.title)
      this.error(conn, WidgetErrorCode.badRequest, 'This connection only tells the page the visitor is on; the chat opens its own.')
      return this.strike(conn)
    }
    switch (frame.type) {
      case 'message':
        return this.serialize(conn.workspace, conn.visitorId, () => this.message(this.context(conn), frame.clientId, frame.text, frame.attachments ?? [], { choice: frame.choice }))
      case 'typing':
        return this.typing(conn.workspace, conn.visitorId)
      case 'read':
        return this.serialize(conn.workspace, conn.visitorId, () => this.read(conn.workspace!, conn.visitorId!, frame.upTo))
      case 'page':
        return this.serialize(conn.workspace, conn.visitorId, () => this.page(conn.workspace!, conn.visitorId!, frame.url, frame.title))
      case 'form':
        return this.actions.form(this.context(conn), frame.kind, frame.fields)
      case 'attributes':
        return this.actions.attributes(this.context(conn), frame.values)
      case 'rating':
        return this.actions.rating(this.context(conn), frame.conversationId, frame.kind, frame.score, frame.comment)
      // The proactive funnel's events are the visitor's in the order they sent them: on the
      // visitor's queue, as messages are (on PostgreSQL, unqueued commits could land out of order).
      case 'invite':
        return this.serialize(conn.workspace, conn.visitorId, () => this.actions.invite(this.context(conn), frame.action))
      case 'engage':
        return this.serialize(conn.workspace, conn.visitorId, () => this.actions.engage(this.context(conn)))
      case 'track':
        return this.serialize(conn.workspace, conn.visitorId, () => this.actions.track(this.context(conn), frame.name, frame.payload))
    }
  }

  /** The socket as a sink for the answers to what the visitor sent (acks, errors, queue places). */
  private context(conn: Conn): VisitorContext {
    return {
      workspace: conn.workspace!,
      visitorId: conn.visitorId!,
      reply: (frame) => this.send(conn.ws, frame),
      error: (code, message) => this.error(conn, code, message),
    }
  }

  private addressBucket(address: string): TokenBucket {
    let bucket = this.addressBuckets.get(address)
    if (!bucket) {
      if (this.addressBuckets.size >= MAX_ADDRESS_BUCKETS) this.addressBuckets.clear()
      const rate = this.deps.addressRate ?? ADDRESS_FRAME_RATE
      this.addressBuckets.set(address, (bucket = new TokenBucket(rate.burst, rate.perSecond, this.deps.now)))
    }
    return bucket
  }

  private strike(conn: Conn): void {
    if (++conn.bad >= MAX_BAD_FRAMES) conn.ws.close(CloseCode.badRequest, 'too many bad frames')
  }

  private async hello(
    conn: Conn,
    frame: {
      workspace: string
      visitorToken: string | null
      user?: { name?: string; email?: string; hash?: string }
      page?: { url: string; title: string; referrer?: string }
      presence?: boolean
    },
    retried = false,
  ): Promise<void> {
    const helloAt = this.deps.now()
    if (conn.visitorId) {
      this.error(conn, WidgetErrorCode.badRequest, 'Already said hello.')
      return
    }
    const ws = await this.deps.accounts.workspace(frame.workspace)
    if (!ws) {
      this.error(conn, WidgetErrorCode.unknownWorkspace, 'This chat is not set up.')
      conn.ws.close(CloseCode.badRequest, 'unknown workspace')
      return
    }
    let visitor: VisitorRecord | null = null
    if (frame.visitorToken !== null) {
      const id = verifyVisitorToken(ws.secret, ws.id, frame.visitorToken)
      if (!id) {
        this.error(conn, WidgetErrorCode.badToken, 'Your session has expired; starting a new one.')
        conn.ws.close(CloseCode.unauthenticated, 'bad visitor token')
        return
      }
      visitor = (await this.deps.store.getVisitor(ws.id, id)) ?? {
        id,
        workspace: ws.id,
        name: '',
        email: '',
        createdAt: this.deps.now(),
        currentConversationId: null,
        blocked: false,
      }
    }
    // The site's backend vouched for the email (user.hash): that person is one visitor on every device.
    const claimed = frame.user?.email?.trim().toLowerCase()
    const verified = claimed && frame.user?.hash && verifyIdentity(ws.secret, claimed, frame.user.hash) ? claimed : null
    if (frame.user?.hash && !verified) this.deps.log.info({ workspace: ws.id }, 'identity hash did not verify; the email is kept unverified')
    if (verified && visitor?.verifiedEmail !== verified) {
      const owner = await this.deps.store.getVisitorByVerifiedEmail(ws.id, verified)
      if (owner) visitor = owner
      // Someone else signed in on this browser: they are not the previous person.
      else if (visitor?.verifiedEmail) visitor = null
    }
    const isNew = !visitor
    visitor ??= { id: newId(), workspace: ws.id, name: '', email: '', createdAt: this.deps.now(), currentConversationId: null, blocked: false }
    const name = frame.user?.name?.trim() || visitor.name
    // A verified email is not replaced by an unverified one.
    const email = verified ?? (visitor.verifiedEmail ? visitor.email : claimed || visitor.email)
    const verifiedEmail = verified ?? visitor.verifiedEmail
    const presenceOnly = frame.presence === true
    // The client card's page is the chat's: a presence hello on every page view writes nothing for it.
    const pageUrl = (!presenceOnly && frame.page?.url) || visitor.pageUrl
    const pageTitle = (!presenceOnly && frame.page?.title) || visitor.pageTitle
    const changed = isNew || name !== visitor.name || email !== visitor.email || pageUrl !== visitor.pageUrl || verifiedEmail !== visitor.verifiedEmail
    const before = visitor
    visitor = { ...visitor, name, email, pageUrl, pageTitle, ...(verifiedEmail ? { verifiedEmail } : {}) }

    const key = `${ws.id}/${visitor.id}`
    // Online means a chat is open: the loader's presence socket logs nothing (it is on every page view).
    const firstSocket = !presenceOnly && !this.sockets.get(key)?.size
    const commit: Commit = { workspace: ws.id, visitors: changed ? [visitor] : [] }
    if (firstSocket) commit.events = [{ type: EventType.visitorOnline, at: this.deps.now(), data: { visitorId: visitor.id } }]
    // The site named the visitor (or gave their email) after their chat began.
    const updated = isNew ? null : visitorUpdatedEvent(before, visitor, this.deps.now())
    if (updated) commit.events = [...(commit.events ?? []), updated]
    if (changed || firstSocket) {
      try {
        this.deps.published(ws.id, await this.deps.store.commit(commit))
      } catch (err) {
        // Two devices of one verified person said hello at once and both claimed the email: the
        // store keeps one visitor per verified email, so the second looks again and finds the first.
        if (verified && !retried) return this.hello(conn, frame, true)
        throw err
      }
    }
    if (conn.ws.readyState !== conn.ws.OPEN) return

    conn.workspace = ws.id
    conn.visitorId = visitor.id
    const arrival = {
      visitorId: visitor.id,
      name: visitor.name,
      email: visitor.email,
      page: { url: frame.page?.url ?? visitor.pageUrl ?? '', title: frame.page?.title ?? visitor.pageTitle ?? '' },
      referrer: frame.page?.referrer ?? '',
      // A record made for this hello (a first visit, or a token whose record is gone) is a new visitor.
      createdNow: visitor.createdAt >= helloAt,
    }
    if (presenceOnly) {
      conn.presence = true
      let loaders = this.presenceSockets.get(key)
      if (!loaders) this.presenceSockets.set(key, (loaders = new Set()))
      loaders.add(conn.ws)
      this.deps.site?.arrived(ws.id, arrival, conn.ws)
      const current = visitor.currentConversationId ? await this.deps.conversations.get(ws.id, visitor.currentConversationId) : null
      this.deps.site?.chatIs(ws.id, visitor.id, current)
      this.send(conn.ws, { type: 'welcome', protocol: PROTOCOL_VERSION, visitorToken: signVisitorToken(ws.secret, ws.id, visitor.id), visitorId: visitor.id, history: [] })
      return
    }
    let set = this.sockets.get(key)
    if (!set) this.sockets.set(key, (set = new Set()))
    set.add(conn.ws)
    this.away.delete(key)
    this.deps.site?.arrived(ws.id, arrival, conn.ws)
    if (visitor.currentConversationId) {
      this.current.set(key, visitor.currentConversationId)
      this.deps.presence.set(ws.id, visitor.currentConversationId, { online: true, typing: false })
    }

    const [history, config, availability, current] = await Promise.all([
      this.history(ws.id, visitor.id),
      this.deps.widgetConfig(ws.id),
      this.deps.routing.availability(ws.id, visitor.pageUrl ?? null),
      visitor.currentConversationId ? this.deps.conversations.get(ws.id, visitor.currentConversationId) : null,
    ])
    if (this.sockets.get(key)?.has(conn.ws)) this.deps.site?.chatIs(ws.id, visitor.id, current)
    this.send(conn.ws, {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      visitorToken: signVisitorToken(ws.secret, ws.id, visitor.id),
      visitorId: visitor.id,
      history,
      config: publicWidgetConfig(config),
      availability,
      current: current && current.status !== 'closed' ? { conversationId: current.id, status: current.status as ConversationStatus } : null,
      formDone: visitor.formDone === true,
    })
    // Replies written while the visitor was away are delivered now.
    const lastReply = current ? history.filter((m) => m.conversationId === current.id && m.kind === 'agent').at(-1) : undefined
    if (current && lastReply) await this.markDelivered(ws.id, current.id, lastReply.id)
    // A visitor back while still waiting learns their place at once.
    const place = visitor.currentConversationId ? await this.deps.routing.placeOf(ws.id, visitor.currentConversationId) : null
    if (place) this.send(conn.ws, { type: 'queue', position: place.position, waitSeconds: place.waitSeconds })
    const survey = await this.owedSurvey(ws.id, visitor)
    if (survey && conn.ws.readyState === conn.ws.OPEN) {
      this.send(conn.ws, survey)
      await this.surveySent(ws.id, survey.conversationId, visitor.id)
    }
  }

  /** Every message of the visitor's recent conversations, oldest first. Notes live elsewhere and never appear. */
  private async history(workspace: string, visitorId: string): Promise<WidgetHistoryMessage[]> {
    const convs = (await this.deps.store.listConversationsOfVisitor(workspace, visitorId)).slice(-HISTORY_CONVERSATIONS)
    const found: [string, ChatMessage][] = []
    for (const c of convs) {
      const name = conversationDocName(c.id)
      const room = await this.deps.rooms.hold(workspace, name, { kind: 'conversation', conversationId: c.id })
      try {
        for (const m of messagesOf(room.doc).toArray()) if (isChatMessage(m) && !m.internal) found.push([c.id, m])
      } finally {
        this.deps.rooms.release(room)
      }
    }
    const files = await this.deps.files.verified(workspace, found.map(([, m]) => m))
    return found.map(([id, m]) => forVisitor(id, m, files(m)))
  }

  /**
   * A messenger visitor's message (sync-server/channels), through the same path as a widget's:
   * blocked visitors, routing, the bot, snooze wake-up, and the ack table keyed by `clientId` (derived
   * from the platform's message id, so a platform's retry is one message). Resolves with the ack, or
   * with the refusal the widget would show.
   */
  async channelMessage(workspace: string, visitorId: string, clientId: string, text: string, opts: { choice?: string } = {}): Promise<ChannelMessageOutcome> {
    let outcome: ChannelMessageOutcome | null = null
    const sink: VisitorContext = {
      workspace,
      visitorId,
      reply: (frame) => {
        if (frame.type === 'ack') outcome = { ok: true, messageId: frame.id, conversationId: frame.conversationId }
        else if (frame.type === 'error') outcome = { ok: false, code: frame.code, message: frame.message }
        // Queue places are the widget's; a messenger gets no such frame.
      },
      error: (code, message) => (outcome = { ok: false, code, message }),
    }
    await this.serialize(workspace, visitorId, () => this.message(sink, clientId, text, [], opts))
    return outcome ?? { ok: false, code: WidgetErrorCode.internal, message: 'Something went wrong on our side; please try again.' }
  }

  /**
   * A visitor's message; `ticket`: the request form's answers, kept as a request even when the group
   * is full. `sink` receives the ack or the refusal: the widget's socket, or a messenger's webhook.
   */
  private async message(sink: VisitorContext, clientId: string, text: string, fileIds: string[], opts: { ticket?: boolean; choice?: string } = {}): Promise<void> {
    const { workspace, visitorId } = sink
    const { store, rooms, conversations, now } = this.deps
    const done = await store.getWidgetAck(workspace, visitorId, clientId)
    if (done) {
      sink.reply({ type: 'ack', clientId, id: done.messageId, conversationId: done.conversationId })
      return
    }
    const visitor = await store.getVisitor(workspace, visitorId)
    if (!visitor) throw new Error(`visitor ${visitorId} vanished`)
    if (visitor.blocked) {
      sink.reply({ type: 'error', code: WidgetErrorCode.blocked, message: 'Sorry, you can no longer send messages in this chat.', clientId })
      return
    }
    // A messenger's visitor: their conversations are of that channel, and they have no widget open.
    const channel = visitor.channel?.kind ?? 'widget'
    // Only files this visitor uploaded, described as the server recorded them.
    const attachments = fileIds.length ? await this.deps.files.visitorAttachments(workspace, visitorId, fileIds) : []
    if (!attachments) {
      sink.reply({ type: 'error', code: WidgetErrorCode.badFile, message: 'That file could not be attached; please send it again.', clientId })
      return
    }
    const current = visitor.currentConversationId ? await conversations.get(workspace, visitor.currentConversationId) : null
    const creating = !current || current.status === 'closed'
    const conversationId = creating ? newId() : current.id
    // With the bot on, a new conversation is not queued yet: the bot routes it once it has its answers.
    const botFirst = creating && !opts.ticket && (await this.deps.bot?.active(workspace)) === true
    // A new conversation is routed first: a group at its maximum refuses it, with the group's words.
    const route = creating && !botFirst ? await this.deps.routing.route(workspace, conversationId, { pageUrl: visitor.pageUrl ?? null, channel }) : null
    if (route?.outcome === 'full' && !opts.ticket) {
      sink.reply({ type: 'error', code: WidgetErrorCode.full, message: route.message || 'All our agents are busy; please try again later.', clientId })
      return
    }
    const at = now()
    const message: ChatMessage = {
      id: newId(),
      clientId,
      kind: 'visitor',
      authorId: visitorId,
      authorName: visitor.name || 'Visitor',
      text,
      at,
      ...(attachments.length ? { attachments } : {}),
    }
    const extra: Omit<Commit, 'workspace'> = {
      widgetAcks: [{ visitorId, clientId, messageId: message.id, conversationId }],
    }
    if (creating) {
      extra.visitors = [{ ...visitor, currentConversationId: conversationId }]
      extra.events = [
        {
          type: EventType.conversationCreated,
          at,
          conversationId,
          data: {
            visitorId,
            visitorName: message.authorName,
            visitorEmail: visitor.email || undefined,
            channel,
            status: 'waiting',
            groupId: route?.groupId ?? null,
            ...(opts.ticket ? { ticket: true } : {}),
            ...(botFirst ? { bot: true } : {}),
          },
        },
      ]
      if (!botFirst)
        extra.events.push(
          {
            type: EventType.routed,
            at,
            conversationId,
            data: { groupId: route?.groupId ?? null, teamId: route?.teamId ?? null, scriptId: route?.scriptId ?? null, outcome: route?.outcome ?? 'queued', requestForm: route?.requestForm ?? false },
          },
          { type: EventType.queueJoined, at, conversationId, data: { groupId: route?.groupId ?? null, reason: 'new' } },
        )
    }
    const room = await rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    let botHolds = false
    try {
      botHolds = !creating && metaOf(room.doc).get('bot') === true
      // A snoozed conversation wakes up when the visitor writes.
      const wake = !creating ? decideWake(readMeta(room.doc) ?? { status: 'open', assigneeId: null, groupId: null, snoozedUntil: null }, 'visitor') : null
      if (wake) (extra.events ??= []).push({ type: EventType.woke, at, conversationId, data: { reason: 'visitor' } })
      await room.change((doc) => {
        if (wake) {
          applyPatch(doc, wake.patch)
          appendSystemLine(doc, wake.line, at)
        }
        if (creating) {
          const meta = metaOf(doc)
          meta.set('id', conversationId)
          meta.set('status', 'waiting')
          meta.set('channel', channel)
          meta.set('visitorId', visitorId)
          meta.set('visitorName', message.authorName)
          meta.set('groupId', route?.groupId ?? null)
          meta.set('assigneeId', null)
          meta.set('createdAt', at)
          // A request from the request form: agents see it marked as one in the queue.
          if (opts.ticket) meta.set('ticket', true)
          if (botFirst) meta.set('bot', true)
        }
        appendMessageOnce(doc, message)
      }, extra)
    } finally {
      rooms.release(room)
    }
    sink.reply({ type: 'ack', clientId, id: message.id, conversationId })
    // The bot answers in turn with the visitor's writes (its answers go on their card); its failure is not the message's.
    if (botFirst || botHolds) {
      const bot = this.deps.bot!
      await (botFirst ? bot.start(workspace, conversationId) : bot.reply(workspace, conversationId, visitorId, text, opts.choice)).catch((err) =>
        this.deps.log.error({ err, workspace, conversationId }, 'the bot failed'),
      )
    }
    // The dispatcher may have placed it before the conversation existed to address: say it now.
    const place = route ? await this.deps.routing.placeOf(workspace, conversationId) : null
    if (place) sink.reply({ type: 'queue', position: place.position, waitSeconds: place.waitSeconds })
    // Presence and typing are the widget's: a messenger's visitor is never shown online.
    if (visitor.channel) return
    const key = `${workspace}/${visitorId}`
    clearTimeout(this.typingTimers.get(key))
    this.current.set(key, conversationId)
    this.deps.presence.set(workspace, conversationId, { online: true, typing: false })
  }

  /** Remembers the page the visitor is on, for the agent's client card. */
  private async page(workspace: string, visitorId: string, url: string, title: string): Promise<void> {
    this.deps.site?.pageChanged(workspace, visitorId, url, title)
    const visitor = await this.deps.store.getVisitor(workspace, visitorId)
    if (!visitor || visitor.pageUrl === url) return
    await this.deps.store.commit({ workspace, visitors: [{ ...visitor, pageUrl: url, pageTitle: title }] })
  }

  /** Shows the visitor as typing in their conversation until they stop (or send). */
  private typing(workspace: string, visitorId: string): void {
    const key = `${workspace}/${visitorId}`
    const conversationId = this.current.get(key)
    if (!conversationId) return
    this.deps.presence.set(workspace, conversationId, { online: true, typing: true })
    clearTimeout(this.typingTimers.get(key))
    const timer = setTimeout(() => {
      this.typingTimers.delete(key)
      if (this.current.get(key) === conversationId)
        this.deps.presence.set(workspace, conversationId, { online: this.sockets.has(key), typing: false })
    }, TYPING_TTL_MS)
    timer.unref()
    this.typingTimers.set(key, timer)
  }

  /** A read receipt: the visitor has seen their conversation up to a message, which agents then see as read. */
  private async read(workspace: string, visitorId: string, upTo: string): Promise<void> {
    const conversationId = this.current.get(`${workspace}/${visitorId}`)
    if (!conversationId) return
    const record = await this.deps.conversations.get(workspace, conversationId)
    if (!record || record.visitorId !== visitorId) return
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = metaOf(room.doc)
      if (meta.get('visitorReadUpTo') === upTo) return
      // Only a message of this conversation, and never backwards: a stale tab must not undo a newer receipt.
      const ids = messagesOf(room.doc).toArray().map((m) => m.id)
      const at = ids.indexOf(upTo)
      const before = ids.indexOf(meta.get('visitorReadUpTo') as string)
      if (at < 0 || at <= before) return
      await room.change((doc) => {
        metaOf(doc).set('visitorReadUpTo', upTo)
        metaOf(doc).set('visitorReadAt', this.deps.now())
      })
    } finally {
      this.deps.rooms.release(room)
    }
  }

  /** Pushes messages newly committed to a conversation to every socket of its visitor. */
  conversationMessages(workspace: string, conversationId: string, messages: ChatMessage[]): Promise<void> {
    // In commit order, even when one batch waits for its files' records and the next does not.
    return this.serialize(workspace, `push:${conversationId}`, () => this.push(workspace, conversationId, messages))
  }

  private async push(workspace: string, conversationId: string, messages: ChatMessage[]): Promise<void> {
    const record = await this.deps.conversations.get(workspace, conversationId)
    if (!record) return
    const shown = messages.filter((m) => !m.internal)
    if (!this.sockets.get(`${workspace}/${record.visitorId}`)) {
      // No chat open, only the loader on a page (an agent started the chat from the visitors list):
      // a nudge makes it load the chat, which then receives the message with its history.
      const reply = shown.find((m) => m.kind !== 'visitor')
      const loaders = this.presenceSockets.get(`${workspace}/${record.visitorId}`)
      if (reply && loaders) for (const ws of loaders) this.send(ws, { type: 'message', conversationId, message: forVisitor(conversationId, reply, undefined) })
      return
    }
    const files = shown.some((m) => m.attachments?.length) ? await this.deps.files.verified(workspace, shown) : () => undefined
    // Looked up again: the visitor may have left while the files were read.
    const set = this.sockets.get(`${workspace}/${record.visitorId}`)
    if (!set) return
    for (const m of shown) {
      const frame: ToWidget = { type: 'message', conversationId, message: forVisitor(conversationId, m, files(m)) }
      for (const ws of set) this.send(ws, frame)
    }
    const lastReply = shown.filter((m) => m.kind === 'agent').at(-1)
    if (lastReply) {
      // Handed to an open widget: agents see their reply as delivered.
      await this.markDelivered(workspace, conversationId, lastReply.id)
      // An agent who answers has read what the visitor wrote before.
      await this.signals.answered(workspace, conversationId)
    }
  }

  /**
   * Agents' replies are delivered once handed to an open widget of the visitor (live, or in the
   * history of a widget coming back): `meta.visitorDeliveredUpTo`, never moved backwards.
   */
  private async markDelivered(workspace: string, conversationId: string, upTo: string): Promise<void> {
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = metaOf(room.doc)
      if (meta.get('visitorDeliveredUpTo') === upTo) return
      const ids = messagesOf(room.doc).toArray().map((m) => m.id)
      const at = ids.lastIndexOf(upTo)
      const before = ids.lastIndexOf(meta.get('visitorDeliveredUpTo') as string)
      if (at < 0 || at <= before) return
      await room.change((doc) => metaOf(doc).set('visitorDeliveredUpTo', upTo))
    } finally {
      this.deps.rooms.release(room)
    }
  }

  /** Sends a frame to every open socket of a visitor; false when they have none. */
  sendTo(workspace: string, visitorId: string, frame: ToWidget): boolean {
    const set = this.sockets.get(`${workspace}/${visitorId}`)
    if (!set?.size) return false
    for (const ws of set) this.send(ws, frame)
    return true
  }

  /**
   * Since when a visitor has had no widget open; null while one is. A visitor not seen since the
   * server started counts as away from now.
   */
  awaySince(workspace: string, visitorId: string): number | null {
    const key = `${workspace}/${visitorId}`
    if (this.sockets.get(key)?.size) return null
    let at = this.away.get(key)
    if (at === undefined) this.rememberAway(key, (at = this.deps.now()))
    return at
  }

  private rememberAway(key: string, at: number): void {
    remember(this.away, key, at)
  }

  /** The agents present in a conversation's awareness changed (typing, viewing). */
  agentAwareness(workspace: string, conversationId: string, agents: AgentPresence[]): void {
    this.signals.awareness(workspace, conversationId, agents)
  }

  /**
   * Events just committed: a closed conversation asks its visitor for a rating, as configured. A
   * visitor away when it closed is asked when they are back: the conversation notes that it owes
   * the survey (`meta.surveyOwed`), so a restart in between forgets nothing.
   */
  async committed(workspace: string, events: LogEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type !== EventType.closed || !e.conversationId) continue
      this.signals.forget(workspace, e.conversationId)
      const conv = await this.deps.conversations.get(workspace, e.conversationId)
      if (!conv) continue
      const { survey } = await this.deps.widgetConfig(workspace)
      if (!survey.csat && !survey.nps) continue
      // Messenger visitors have no widget to rate in.
      const visitor = await this.deps.store.getVisitor(workspace, conv.visitorId)
      if (!visitor || visitor.channel) continue
      const frame: ToWidget = { type: 'survey', conversationId: conv.id, csat: survey.csat, nps: survey.nps, comment: survey.comment }
      if (this.sendTo(workspace, conv.visitorId, frame)) await this.surveySent(workspace, conv.id, conv.visitorId)
      else await this.setSurveyOwed(workspace, conv.id, true)
    }
  }

  /** Logs that a survey reached the visitor's widget: the reports' denominator of the response rate. */
  private async surveySent(workspace: string, conversationId: string, visitorId: string): Promise<void> {
    const events = await this.deps.store.commit({ workspace, events: [{ type: EventType.surveySent, at: this.deps.now(), conversationId, data: { visitorId } }] })
    this.deps.published(workspace, events)
  }

  private async setSurveyOwed(workspace: string, conversationId: string, owed: boolean): Promise<void> {
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      if ((metaOf(room.doc).get('surveyOwed') === true) !== owed) await room.change((doc) => metaOf(doc).set('surveyOwed', owed))
    } finally {
      this.deps.rooms.release(room)
    }
  }

  /**
   * The survey of the visitor's latest conversation when it closed while they were away, unless it
   * was rated meanwhile; asked once (the note is cleared as the survey is sent).
   */
  private async owedSurvey(workspace: string, visitor: VisitorRecord): Promise<WidgetSurvey | null> {
    const conversationId = visitor.currentConversationId
    if (!conversationId) return null
    const conv = await this.deps.conversations.get(workspace, conversationId)
    if (conv?.status !== 'closed') return null
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = metaOf(room.doc)
      if (meta.get('surveyOwed') !== true) return null
      await room.change((doc) => metaOf(doc).set('surveyOwed', false))
      if (meta.get('csat') !== undefined || meta.get('nps') !== undefined) return null
    } finally {
      this.deps.rooms.release(room)
    }
    const { survey } = await this.deps.widgetConfig(workspace)
    if (!survey.csat && !survey.nps) return null
    return { type: 'survey', conversationId, csat: survey.csat, nps: survey.nps, comment: survey.comment }
  }

  /** An agent starts a chat with a visitor (`POST /api/visitors/<id>/chat`), in turn with the visitor's own messages. */
  async startChat(agent: AgentRecord, visitorId: string, clientId: string, text: string): Promise<StartChatResult> {
    let result: StartChatResult = { status: 500, body: { error: 'internal error' } }
    await this.serialize(agent.workspace, visitorId, async () => {
      result = await startChat(this.deps, agent, visitorId, clientId, text)
    })
    const id = (result.body.conversation as { id?: string } | undefined)?.id
    if (result.status === 201 && id) {
      const key = `${agent.workspace}/${visitorId}`
      if (this.sockets.get(key)?.size) {
        this.current.set(key, id)
        this.deps.presence.set(agent.workspace, id, { online: true, typing: false })
      }
    }
    return result
  }

  private serialize(workspace: string, visitorId: string, fn: () => Promise<void>): Promise<void> {
    return this.queue.run(`${workspace}/${visitorId}`, fn)
  }


  private forget(conn: Conn): void {
    if (!conn.workspace || !conn.visitorId) return
    this.deps.site?.left(conn.workspace, conn.visitorId, conn.ws)
    if (conn.presence) {
      const key = `${conn.workspace}/${conn.visitorId}`
      const loaders = this.presenceSockets.get(key)
      loaders?.delete(conn.ws)
      if (loaders && !loaders.size) this.presenceSockets.delete(key)
      return
    }
    const key = `${conn.workspace}/${conn.visitorId}`
    const set = this.sockets.get(key)
    if (!set) return
    set.delete(conn.ws)
    if (set.size > 0) return
    this.sockets.delete(key)
    this.rememberAway(key, this.deps.now())
    // At shutdown the store closes next; the visitor's going offline is implied by the restart.
    if (this.closing) return
    clearTimeout(this.typingTimers.get(key))
    const conversationId = this.current.get(key)
    this.current.delete(key)
    if (conversationId) this.deps.presence.set(conn.workspace, conversationId, { online: false, typing: false })
    const workspace = conn.workspace
    this.deps.store
      .commit({ workspace, events: [{ type: EventType.visitorOffline, at: this.deps.now(), data: { visitorId: conn.visitorId } }] })
      .then((events) => this.deps.published(workspace, events))
      .catch((err) => this.deps.log.warn({ err }, 'could not record visitor offline'))
  }

  private error(conn: Conn, code: WidgetErrorCode, message: string): void {
    this.send(conn.ws, { type: 'error', code, message })
    this.deps.refused?.(code)
  }

  /** Tells a waiting visitor their place in line; position 0 when they no longer wait. */
  async queueChanged(workspace: string, conversationId: string, place: { position: number; waitSeconds: number | null } | null): Promise<void> {
    const conv = await this.deps.conversations.get(workspace, conversationId)
    if (!conv) return
    const key = `${workspace}/${conv.visitorId}`
    for (const ws of this.sockets.get(key) ?? []) this.send(ws, { type: 'queue', position: place?.position ?? 0, waitSeconds: place?.waitSeconds ?? null })
  }

  private send(ws: WebSocket, frame: ToWidget): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }

  closeAll(): void {
    this.closing = true
    this.signals.close()
    for (const t of this.typingTimers.values()) clearTimeout(t)
    for (const set of this.sockets.values()) for (const ws of set) ws.close(CloseCode.goingAway, 'server shutting down')
  }
}

/**
 * What the visitor sees of a message: the author's display name, not the agent's id; its files
 * as the server recorded them (`attachments`), never as the message claims.
 */
function forVisitor(conversationId: string, m: ChatMessage, attachments: Attachment[] | undefined): WidgetHistoryMessage {
  return {
    id: m.id,
    clientId: m.clientId,
    kind: m.kind,
    authorName: m.authorName,
    text: m.text,
    at: m.at,
    conversationId,
    ...(attachments?.length ? { attachments } : {}),
    // A bot's question: its buttons, as plain label/value pairs.
    ...(Array.isArray(m.buttons) && m.buttons.length ? { buttons: m.buttons.map((b) => ({ label: String(b.label), value: String(b.value) })) } : {}),
  }
}

/** Sets a key in a map bounded to `MAX_AWAY` entries, the oldest forgotten first. */
function remember<V>(m: Map<string, V>, key: string, value: V): void {
  m.delete(key)
  if (m.size >= MAX_AWAY) m.delete(m.keys().next().value!)
  m.set(key, value)
}
