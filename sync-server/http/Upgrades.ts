import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { WebSocketServer, type WebSocket } from 'ws'
import { CloseCode, Limits } from '../../shared/protocol.ts'
import type { Accounts } from '../Accounts.ts'
import type { AgentConnections } from '../events/AgentConnections.ts'
import type { LiveGateway } from '../events/LiveGateway.ts'
import type { SocketKind } from '../metrics/Metrics.ts'
import type { SyncGateway } from '../rooms/SyncGateway.ts'
import type { VisitorsLiveGateway } from '../widget/VisitorsLiveGateway.ts'

/** Sockets that have not answered a ping within this are dead (a phone that lost its network does not say goodbye). */
const PING_INTERVAL_MS = 30_000
/** How long a shutdown waits for websocket peers to answer the closing handshake. */
const SHUTDOWN_GRACE_MS = 1_000
/**
 * permessage-deflate on the app's control socket: a backlog frame of JSON events shrinks about
 * sixfold. Level 1 keeps the server's zlib time under the network time; frames under 1 KB (a
 * live event) go as they are; no context takeover, so an idle socket holds no zlib window.
 */
const LIVE_DEFLATE = { threshold: 1024, serverNoContextTakeover: true, clientNoContextTakeover: true, zlibDeflateOptions: { level: 1 } }

export interface UpgradesDeps {
  accounts: Accounts
  sync: SyncGateway
  live: LiveGateway
  visitorsLive: VisitorsLiveGateway
  agentConnections: AgentConnections
  /** Serves a visitor's widget socket; `address` is where it comes from (for per-address limits). */
  acceptWidget(ws: WebSocket, address: string): void
  /** Behind a reverse proxy: take the visitor's address from `X-Forwarded-For`. */
  trustProxy: boolean
  log: Logger
}

/**
 * The server's websockets: `/sync/<document>` (Yjs documents), `/widget/ws` (visitors),
 * `/api/live` (the app's event feed and sign-in) and `/api/visitors/live` (who is on the site).
 * Each is authorized before it opens; a refusal opens the socket only to close it with a code.
 * Dead peers are found by ping.
 */
export class Upgrades {
  private readonly sync = new WebSocketServer({ noServer: true, maxPayload: Limits.syncFrame * 2 })
  private readonly widget = new WebSocketServer({ noServer: true, maxPayload: Limits.widgetFrame * 4 })
  private readonly live = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: LIVE_DEFLATE })
  private readonly visitors = new WebSocketServer({ noServer: true, maxPayload: 4096 })
  private readonly all = [this.sync, this.widget, this.live, this.visitors]
  private readonly alive = new WeakMap<WebSocket, boolean>()
  private readonly pinger: NodeJS.Timeout
  private stopped = false

  constructor(private readonly deps: UpgradesDeps) {
    for (const wss of this.all) {
      wss.on('connection', (ws) => {
        this.alive.set(ws, true)
        ws.on('pong', () => this.alive.set(ws, true))
      })
    }
    this.pinger = setInterval(() => {
      for (const wss of this.all) {
        for (const ws of wss.clients) {
          if (this.alive.get(ws) === false) {
            ws.terminate()
            continue
          }
          this.alive.set(ws, false)
          ws.ping()
        }
      }
    }, PING_INTERVAL_MS)
    this.pinger.unref()
  }

  /** Open sockets by kind (for the metrics). */
  counts(): Record<SocketKind, number> {
    return { sync: this.sync.clients.size, widget: this.widget.clients.size, live: this.live.clients.size, visitors: this.visitors.clients.size }
  }

  /** The HTTP server's `upgrade` listener. */
  readonly handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy())
    // Shutting down: a client redialling now (apps do, on the close) is not let in.
    if (this.stopped) return void socket.destroy()
    const url = new URL(req.url ?? '/', 'http://localhost')
    this.dispatch(url, req, socket, head).catch((err) => {
      this.deps.log.error({ err }, 'upgrade failed')
      socket.destroy()
    })
  }

  private async dispatch(url: URL, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { deps } = this
    const path = url.pathname
    if (path === '/widget/ws') {
      return this.open(this.widget, req, socket, head, (ws) => deps.acceptWidget(ws, clientAddress(req, deps.trustProxy)))
    }
    if (path === '/api/live') {
      const agent = await deps.accounts.authenticate(url.searchParams.get('token'))
      if (!agent) return refuse(this.live, req, socket, head, CloseCode.unauthenticated, 'sign in first')
      const after = Number(url.searchParams.get('after') ?? '0')
      return this.open(this.live, req, socket, head, (ws) => {
        // The app's live socket is the agent's sign-in: their first opening and last closing are logged.
        deps.agentConnections.opened(agent.workspace, agent.id)
        ws.once('close', () => deps.agentConnections.closed(agent.workspace, agent.id))
        deps.live.accept(ws, agent, Number.isSafeInteger(after) && after >= 0 ? after : 0, { credit: url.searchParams.get('credit') === '1' })
      })
    }
    if (path === '/api/visitors/live') {
      const agent = await deps.accounts.authenticate(url.searchParams.get('token'))
      if (!agent) return refuse(this.visitors, req, socket, head, CloseCode.unauthenticated, 'sign in first')
      if (!(await deps.visitorsLive.mayWatch(agent))) return refuse(this.visitors, req, socket, head, CloseCode.forbidden, 'needs the management right')
      return this.open(this.visitors, req, socket, head, (ws) => deps.visitorsLive.accept(ws, agent))
    }
    if (path.startsWith('/sync/')) {
      let name: string
      try {
        name = decodeURIComponent(path.slice('/sync/'.length))
      } catch {
        return refuse(this.sync, req, socket, head, CloseCode.badRequest, 'bad document name')
      }
      const verdict = await deps.sync.authorize(name, url.searchParams.get('token'))
      if (!verdict.ok) return refuse(this.sync, req, socket, head, verdict.code, verdict.reason)
      return this.open(this.sync, req, socket, head, (ws) => deps.sync.accept(ws, name, verdict.agent, verdict.ref, verdict.access))
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
  }

  private open(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, accept: (ws: WebSocket) => void): void {
    wss.handleUpgrade(req, socket, head, (ws) => {
      wss.emit('connection', ws, req)
      accept(ws)
    })
  }

  /** The shutdown's first step: no more upgrades, no more pings. */
  stop(): void {
    this.stopped = true
    clearInterval(this.pinger)
  }

  /** Tells the app's and the widget's sockets the server is going away (the document sockets close with their rooms). */
  goingAway(): void {
    for (const wss of [this.live, this.widget, this.visitors]) for (const ws of wss.clients) ws.close(CloseCode.goingAway, 'server shutting down')
  }

  /**
   * Resolves once every socket has closed. A peer that does not answer the closing handshake (its
   * network gone) would hold the shutdown until ws's own 30 s timeout: after a moment it is cut instead.
   */
  async end(): Promise<void> {
    await endSockets(this.all, SHUTDOWN_GRACE_MS)
    for (const wss of this.all) wss.close()
  }
}

function refuse(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string): void {
  // Close codes only exist on an open socket, so open it, then close with the reason.
  wss.handleUpgrade(req, socket, head, (ws) => ws.close(code, reason))
}

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
