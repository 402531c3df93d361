import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import type { z } from 'zod'
import { CloseCode, EventType, FromWidgetType, Limits, WidgetErrorCode, type ChatMessage, type LogEvent, type ToWidget } from '../../shared/protocol.ts'
import type { RouteDecision, RouteRequest } from '../../shared/routing/route.ts'
import { describeIssues, fromWidgetSchema } from '../../shared/schemas.ts'
import type { WidgetConfig } from '../../shared/widgetConfig.ts'
import type { Accounts } from '../Accounts.ts'
import type { Conversations } from '../Conversations.ts'
import type { FileService } from '../files/FileService.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { AgentRecord, Store } from '../store/Store.ts'
import { KeyedQueue } from '../util/KeyedQueue.ts'
import { AgentSignals, type AgentPresence } from './AgentSignals.ts'
import { startChat, type StartChatResult } from './AgentStartsChat.ts'
import type { SiteVisitors } from './SiteVisitors.ts'
import { TokenBucket } from './TokenBucket.ts'
import { VisitorActions, type VisitorContext } from './VisitorActions.ts'
import { VisitorHello } from './VisitorHello.ts'
import type { VisitorPresence } from './VisitorPresence.ts'
import { WidgetMessages, type ChannelMessageOutcome } from './WidgetMessages.ts'
import { WidgetReceipts } from './WidgetReceipts.ts'
import { WidgetSockets, type WidgetConn } from './WidgetSockets.ts'
import { WidgetSurveys } from './WidgetSurveys.ts'

export type { ChannelMessageOutcome } from './WidgetMessages.ts'

/** A visitor who has not said hello by then is not a widget. */
export const HELLO_TIMEOUT_MS = 10_000
/** Malformed frames tolerated on one socket before it is closed: a buggy widget gets errors, a fuzzer gets cut off. */
const MAX_BAD_FRAMES = 50
/** Frames a second one socket may sustain (typing and page events included), and the burst above it. */
const FRAME_RATE = { perSecond: 10, burst: 40 }
/**
 * Frames a second one network address may sustain across all its sockets: a flood opening many
 * sockets is slowed, while an office of visitors behind one address still chats (about 20 busy ones).
 */
export const ADDRESS_FRAME_RATE = { perSecond: 100, burst: 400 }
/** Memory bound on the per-address limiter: past this many addresses it starts afresh. */
const MAX_ADDRESS_BUCKETS = 100_000

export interface WidgetGatewayDeps {
  store: Store
  rooms: RoomManager
  accounts: Accounts
  conversations: Conversations
  log: Logger
  now: () => number
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

/** A frame from the widget, as validated. */
type Frame = z.output<typeof fromWidgetSchema>
/** The frames of a visitor who has said hello. */
type VisitorFrameType = Exclude<Frame['type'], 'hello'>

/**
 * How one type of frame is handled once the visitor has said hello. `serialized`: on the
 * visitor's queue, in the order they sent it with their other serialized frames.
 */
interface FrameHandler<T extends VisitorFrameType> {
  serialized: boolean
  handle(ctx: VisitorContext, frame: Extract<Frame, { type: T }>): Promise<void> | void
}

/** Visitors' sockets at `/widget/ws`: JSON frames, no Yjs; the server writes to documents on their behalf. */
export class WidgetGateway {
  /** One queue per visitor, so two quick first messages cannot open two conversations. */
  private queue = new KeyedQueue()
  private addressBuckets = new Map<string, TokenBucket>()
  private sockets: WidgetSockets
  private actions: VisitorActions
  private messages: WidgetMessages
  private receipts: WidgetReceipts
  private surveys: WidgetSurveys
  private greeter: VisitorHello
  /** Agents' typing and read receipts, told to the visitor. */
  readonly signals: AgentSignals

  /** Every type a visitor may send after hello; the schema admits no other. */
  private readonly handlers: { [T in VisitorFrameType]: FrameHandler<T> } = {
    message: { serialized: true, handle: (ctx, f) => this.messages.post(ctx, f.clientId, f.text, f.attachments ?? [], { choice: f.choice }) },
    typing: { serialized: false, handle: (ctx) => this.sockets.typing(ctx.workspace, ctx.visitorId) },
    read: { serialized: true, handle: (ctx, f) => this.receipts.read(ctx.workspace, ctx.visitorId, f.upTo) },
    page: { serialized: true, handle: (ctx, f) => this.page(ctx.workspace, ctx.visitorId, f.url, f.title) },
    // The client card's writes take the visitor's queue themselves, for their read-modify-write only.
    form: { serialized: false, handle: (ctx, f) => this.actions.form(ctx, f.kind, f.fields) },
    attributes: { serialized: false, handle: (ctx, f) => this.actions.attributes(ctx, f.values) },
    rating: { serialized: false, handle: (ctx, f) => this.actions.rating(ctx, f.conversationId, f.kind, f.score, f.comment) },
    // The proactive funnel's events are the visitor's in the order they sent them: on the
    // visitor's queue, as messages are (on PostgreSQL, unqueued commits could land out of order).
    invite: { serialized: true, handle: (ctx, f) => this.actions.invite(ctx, f.action) },
    engage: { serialized: true, handle: (ctx) => this.actions.engage(ctx) },
    track: { serialized: true, handle: (ctx, f) => this.actions.track(ctx, f.name, f.payload) },
  }

  constructor(private deps: WidgetGatewayDeps) {
    const serialize = (workspace: string, key: string, fn: () => Promise<void>) => this.serialize(workspace, key, fn)
    this.sockets = new WidgetSockets(deps)
    const sendTo = (workspace: string, visitorId: string, frame: ToWidget) => this.sockets.sendTo(workspace, visitorId, frame)
    this.signals = new AgentSignals({ ...deps, send: sendTo })
    this.messages = new WidgetMessages({ ...deps, sockets: this.sockets, serialize })
    this.actions = new VisitorActions({
      ...deps,
      exclusive: (ctx, fn) => this.serialize(ctx.workspace, ctx.visitorId, fn),
      postAsVisitor: async (ctx, clientId, text, opts) => {
        await this.serialize(ctx.workspace, ctx.visitorId, () => this.messages.post(ctx, clientId, text, [], opts))
        const done = await deps.store.getWidgetAck(ctx.workspace, ctx.visitorId, clientId)
        return done?.conversationId ?? null
      },
    })
    this.receipts = new WidgetReceipts({ ...deps, sockets: this.sockets, signals: this.signals, serialize })
    this.surveys = new WidgetSurveys({ ...deps, sendTo })
    this.greeter = new VisitorHello({
      ...deps,
      sockets: this.sockets,
      receipts: this.receipts,
      surveys: this.surveys,
      error: (conn, code, message) => this.error(conn, code, message),
    })
  }

  accept(ws: WebSocket, address = 'unknown'): void {
    const conn: WidgetConn = {
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
      this.sockets.left(conn)
    })
    ws.on('error', (err) => this.deps.log.debug({ err }, 'widget socket error'))
  }

  private async onFrame(conn: WidgetConn, raw: Buffer, isBinary: boolean): Promise<void> {
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
    if (frame.type === 'hello') return this.greeter.hello(conn, frame)
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
    const handler = this.handlers[frame.type] as FrameHandler<VisitorFrameType> | undefined
    if (!handler) {
      this.error(conn, WidgetErrorCode.unknownType, `Unknown frame type.`)
      return this.strike(conn)
    }
    const ctx = this.context(conn)
    if (!handler.serialized) return handler.handle(ctx, frame)
    return this.serialize(ctx.workspace, ctx.visitorId, async () => {
      await handler.handle(ctx, frame)
    })
  }

  /** The socket as a sink for the answers to what the visitor sent (acks, errors, queue places). */
  private context(conn: WidgetConn): VisitorContext {
    return {
      workspace: conn.workspace!,
      visitorId: conn.visitorId!,
      reply: (frame) => this.sockets.send(conn.ws, frame),
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

  private strike(conn: WidgetConn): void {
    if (++conn.bad >= MAX_BAD_FRAMES) conn.ws.close(CloseCode.badRequest, 'too many bad frames')
  }

  private error(conn: WidgetConn, code: WidgetErrorCode, message: string): void {
    this.sockets.send(conn.ws, { type: 'error', code, message })
    this.deps.refused?.(code)
  }

  /** Remembers the page the visitor is on, for the agent's client card. */
  private async page(workspace: string, visitorId: string, url: string, title: string): Promise<void> {
    this.deps.site?.pageChanged(workspace, visitorId, url, title)
    const visitor = await this.deps.store.getVisitor(workspace, visitorId)
    if (!visitor || visitor.pageUrl === url) return
    await this.deps.store.commit({ workspace, visitorPatches: [{ id: visitorId, pageUrl: url, pageTitle: title }] })
  }

  /** See `WidgetMessages.channelMessage`: a messenger visitor's message, through the widget's path. */
  channelMessage(workspace: string, visitorId: string, clientId: string, text: string, opts: { choice?: string } = {}): Promise<ChannelMessageOutcome> {
    return this.messages.channelMessage(workspace, visitorId, clientId, text, opts)
  }

  /** Pushes messages newly committed to a conversation to every socket of its visitor. */
  conversationMessages(workspace: string, conversationId: string, messages: ChatMessage[]): Promise<void> {
    return this.receipts.conversationMessages(workspace, conversationId, messages)
  }

  /** See `WidgetReceipts.remoteMessages`. */
  remoteMessages(workspace: string, doc: string, events: readonly LogEvent[]): Promise<void> {
    return this.receipts.remoteMessages(workspace, doc, events)
  }

  /** Sends a frame to every open socket of a visitor; false when they have none. */
  sendTo(workspace: string, visitorId: string, frame: ToWidget): boolean {
    return this.sockets.sendTo(workspace, visitorId, frame)
  }

  /**
   * Since when a visitor has had no widget open; null while one is. A visitor not seen since the
   * server started counts as away from now.
   */
  awaySince(workspace: string, visitorId: string): number | null {
    return this.sockets.awaySince(workspace, visitorId)
  }

  /** The agents present in a conversation's awareness changed (typing, viewing). */
  agentAwareness(workspace: string, conversationId: string, agents: AgentPresence[]): void {
    this.signals.awareness(workspace, conversationId, agents)
  }

  /**
   * Events just committed: a closed conversation stops the agents' signals and asks its visitor for
   * a rating (`WidgetSurveys`). Another instance's close (`remote`) asks only a visitor connected
   * here; the instance that closed it notes the survey owed when the visitor is not on its sockets.
   */
  async committed(workspace: string, events: LogEvent[], origin: 'local' | 'remote' = 'local'): Promise<void> {
    for (const e of events) {
      if (e.type !== EventType.closed || !e.conversationId) continue
      this.signals.forget(workspace, e.conversationId)
      await this.surveys.closed(workspace, e.conversationId, origin === 'local')
    }
  }

  /** An agent starts a chat with a visitor (`POST /api/visitors/<id>/chat`), in turn with the visitor's own messages. */
  async startChat(agent: AgentRecord, visitorId: string, clientId: string, text: string): Promise<StartChatResult> {
    let result: StartChatResult = { status: 500, body: { error: 'internal error' } }
    await this.serialize(agent.workspace, visitorId, async () => {
      result = await startChat(this.deps, agent, visitorId, clientId, text)
    })
    const id = (result.body.conversation as { id?: string } | undefined)?.id
    if (result.status === 201 && id && this.sockets.hasChat(agent.workspace, visitorId)) this.sockets.chatOpen(agent.workspace, visitorId, id)
    return result
  }

  /** Tells a waiting visitor their place in line; position 0 when they no longer wait. */
  async queueChanged(workspace: string, conversationId: string, place: { position: number; waitSeconds: number | null } | null): Promise<void> {
    const conv = await this.deps.conversations.get(workspace, conversationId)
    if (!conv) return
    this.sockets.sendTo(workspace, conv.visitorId, { type: 'queue', position: place?.position ?? 0, waitSeconds: place?.waitSeconds ?? null })
  }

  closeAll(): void {
    this.signals.close()
    this.sockets.closeAll()
  }

  private serialize(workspace: string, key: string, fn: () => Promise<void>): Promise<void> {
    return this.queue.run(`${workspace}/${key}`, fn)
  }
}
