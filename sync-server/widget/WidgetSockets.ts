import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import { CloseCode, EventType, type ToWidget } from '../../shared/protocol.ts'
import type { Store } from '../store/Store.ts'
import type { SiteVisitors } from './SiteVisitors.ts'
import type { TokenBucket } from './TokenBucket.ts'
import type { VisitorPresence } from './VisitorPresence.ts'

/** A visitor who stopped typing this long ago is no longer shown as typing (the widget repeats while typing). */
const TYPING_TTL_MS = 6_000
/** Memory bound on when visitors left (for email notices): the oldest are forgotten first. */
const MAX_AWAY = 100_000

/** One socket at `/widget/ws`, and who said hello on it. */
export interface WidgetConn {
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

export interface WidgetSocketsDeps {
  store: Store
  log: Logger
  now: () => number
  presence: VisitorPresence
  site?: SiteVisitors
}

/**
 * Each visitor's open sockets, and what follows from them: online while a chat is open, the
 * conversation they have open, typing, and since when they have been away.
 */
export class WidgetSockets {
  private chats = new Map<string, Set<WebSocket>>()
  /** The loaders' presence sockets per visitor (`hello.presence`), nudged when a message comes for a visitor with no chat open. */
  private loaders = new Map<string, Set<WebSocket>>()
  /** Each visitor's open conversation, for presence and read receipts. */
  private current = new Map<string, string>()
  private typingTimers = new Map<string, NodeJS.Timeout>()
  /** When each visitor's last socket closed, for email notices of answers they missed. */
  private away = new Map<string, number>()
  private closing = false

  constructor(private deps: WidgetSocketsDeps) {}

  send(ws: WebSocket, frame: ToWidget): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }

  /** Sends a frame to every open socket of a visitor; false when they have none. */
  sendTo(workspace: string, visitorId: string, frame: ToWidget): boolean {
    const set = this.chats.get(`${workspace}/${visitorId}`)
    if (!set?.size) return false
    for (const ws of set) this.send(ws, frame)
    return true
  }

  /** Whether the visitor has a chat open (the loader's presence socket is not one). */
  hasChat(workspace: string, visitorId: string): boolean {
    return !!this.chats.get(`${workspace}/${visitorId}`)?.size
  }

  /** Whether this socket is still one of the visitor's open chats. */
  isChat(workspace: string, visitorId: string, ws: WebSocket): boolean {
    return this.chats.get(`${workspace}/${visitorId}`)?.has(ws) === true
  }

  /** The visitor's open chat sockets, if any; the set is live. */
  chatsOf(workspace: string, visitorId: string): ReadonlySet<WebSocket> | undefined {
    return this.chats.get(`${workspace}/${visitorId}`)
  }

  /** The loaders' presence sockets of the visitor, if any. */
  loadersOf(workspace: string, visitorId: string): ReadonlySet<WebSocket> | undefined {
    return this.loaders.get(`${workspace}/${visitorId}`)
  }

  addLoader(workspace: string, visitorId: string, ws: WebSocket): void {
    const key = `${workspace}/${visitorId}`
    let loaders = this.loaders.get(key)
    if (!loaders) this.loaders.set(key, (loaders = new Set()))
    loaders.add(ws)
  }

  /** A chat socket said hello: the visitor is no longer away. */
  addChat(workspace: string, visitorId: string, ws: WebSocket): void {
    const key = `${workspace}/${visitorId}`
    let set = this.chats.get(key)
    if (!set) this.chats.set(key, (set = new Set()))
    set.add(ws)
    this.away.delete(key)
  }

  /** The conversation the visitor has open now; agents see them online in it. */
  chatOpen(workspace: string, visitorId: string, conversationId: string): void {
    this.current.set(`${workspace}/${visitorId}`, conversationId)
    this.deps.presence.set(workspace, conversationId, { online: true, typing: false })
  }

  /** The visitor sent a message in a conversation: no longer typing, and that conversation is theirs now. */
  wrote(workspace: string, visitorId: string, conversationId: string): void {
    clearTimeout(this.typingTimers.get(`${workspace}/${visitorId}`))
    this.chatOpen(workspace, visitorId, conversationId)
  }

  currentOf(workspace: string, visitorId: string): string | undefined {
    return this.current.get(`${workspace}/${visitorId}`)
  }

  /** Shows the visitor as typing in their conversation until they stop (or send). */
  typing(workspace: string, visitorId: string): void {
    const key = `${workspace}/${visitorId}`
    const conversationId = this.current.get(key)
    if (!conversationId) return
    this.deps.presence.set(workspace, conversationId, { online: true, typing: true })
    clearTimeout(this.typingTimers.get(key))
    const timer = setTimeout(() => {
      this.typingTimers.delete(key)
      if (this.current.get(key) === conversationId)
        this.deps.presence.set(workspace, conversationId, { online: this.chats.has(key), typing: false })
    }, TYPING_TTL_MS)
    timer.unref()
    this.typingTimers.set(key, timer)
  }

  /**
   * Since when a visitor has had no widget open; null while one is. A visitor not seen since the
   * server started counts as away from now.
   */
  awaySince(workspace: string, visitorId: string): number | null {
    const key = `${workspace}/${visitorId}`
    if (this.chats.get(key)?.size) return null
    let at = this.away.get(key)
    if (at === undefined) remember(this.away, key, (at = this.deps.now()))
    return at
  }

  /** A socket closed: the visitor's last chat closing takes them offline. */
  left(conn: WidgetConn): void {
    if (!conn.workspace || !conn.visitorId) return
    this.deps.site?.left(conn.workspace, conn.visitorId, conn.ws)
    const key = `${conn.workspace}/${conn.visitorId}`
    if (conn.presence) {
      const loaders = this.loaders.get(key)
      loaders?.delete(conn.ws)
      if (loaders && !loaders.size) this.loaders.delete(key)
      return
    }
    const set = this.chats.get(key)
    if (!set) return
    set.delete(conn.ws)
    if (set.size > 0) return
    this.chats.delete(key)
    remember(this.away, key, this.deps.now())
    // At shutdown the store closes next; the visitor's going offline is implied by the restart.
    if (this.closing) return
    clearTimeout(this.typingTimers.get(key))
    const conversationId = this.current.get(key)
    this.current.delete(key)
    if (conversationId) this.deps.presence.set(conn.workspace, conversationId, { online: false, typing: false })
    const workspace = conn.workspace
    this.deps.store
      .commit({ workspace, events: [{ type: EventType.visitorOffline, at: this.deps.now(), data: { visitorId: conn.visitorId } }] })
      .catch((err) => this.deps.log.warn({ err }, 'could not record visitor offline'))
  }

  /** Shutdown: closes every chat socket, recording no one as offline. */
  closeAll(): void {
    this.closing = true
    for (const t of this.typingTimers.values()) clearTimeout(t)
    for (const set of this.chats.values()) for (const ws of set) ws.close(CloseCode.goingAway, 'server shutting down')
  }
}

/** Sets a key in a map bounded to `MAX_AWAY` entries, the oldest forgotten first. */
function remember<V>(m: Map<string, V>, key: string, value: V): void {
  m.delete(key)
  if (m.size >= MAX_AWAY) m.delete(m.keys().next().value!)
  m.set(key, value)
}
