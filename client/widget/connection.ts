import type { FromWidget, ToWidget, WidgetHello } from '../../shared/protocol.ts'
import { CloseCode } from '../../shared/protocol.ts'
import { decodeFrame } from './frames.ts'

/**
 * First reconnect delay. Short, so that a server restart or a blip on the visitor's network
 * is invisible; with jitter the first retry lands between 250 and 500 ms.
 */
export const RECONNECT_BASE_MS = 500
/**
 * Longest wait between attempts. Thousands of widgets reconnect at once after a server
 * restart; 30 s bounds the herd while still reconnecting a visitor within half a minute.
 */
export const RECONNECT_CAP_MS = 30_000
/**
 * Attempts start here after the server closed with 4429 (too many): it asked us to back off,
 * so skip the fast first retries (2^4 × 500 ms = 8 s before jitter).
 */
const TOO_MANY_FIRST_ATTEMPT = 4
/**
 * How long a socket may take from creation to `welcome`. A connect into a black hole (captive
 * portal, dead proxy) can hang for minutes before the browser gives up on its own.
 */
export const HANDSHAKE_TIMEOUT_MS = 15_000

/** What the visitor should be told about the link to the server. */
export type ConnectionStatus = 'connecting' | 'online' | 'offline'

export interface ConnectionOptions {
  url: string
  /** Built at every (re)connect, so it carries the latest token and page. */
  hello: () => WidgetHello
  onFrame: (frame: ToWidget) => void
  onStatus: (status: ConnectionStatus) => void
  /** Injected for tests; default: the browser's. */
  createSocket?: (url: string) => WebSocket
  random?: () => number
}

/** The delay before reconnect attempt `attempt` (0-based): capped exponential with "equal jitter". */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16))
  // Half fixed, half random: spreads a reconnecting crowd without ever retrying in a hot loop.
  return ceiling / 2 + random() * (ceiling / 2)
}

/**
 * One logical connection to `/widget/ws` that survives any number of sockets: reconnects
 * forever with backoff, pauses while the browser says it is offline, and hands decoded frames
 * to its owner. It is "ready" only once `welcome` arrived, because the server reads nothing
 * but `hello` before that.
 */
export class Connection {
  private ws: WebSocket | null = null
  private ready = false
  private attempt = 0
  private status: ConnectionStatus | null = null
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined
  private started = false
  private readonly createSocket: (url: string) => WebSocket
  private readonly random: () => number

  constructor(private readonly opts: ConnectionOptions) {
    this.createSocket = opts.createSocket ?? ((url) => new WebSocket(url))
    this.random = opts.random ?? Math.random
  }

  start(): void {
    if (this.started) return
    this.started = true
    window.addEventListener('online', this.handleOnline)
    window.addEventListener('offline', this.handleOffline)
    document.addEventListener('visibilitychange', this.handleVisibility)
    this.connect()
  }

  stop(): void {
    this.started = false
    window.removeEventListener('online', this.handleOnline)
    window.removeEventListener('offline', this.handleOffline)
    document.removeEventListener('visibilitychange', this.handleVisibility)
    this.drop()
    clearTimeout(this.retryTimer)
  }

  get isReady(): boolean {
    return this.ready
  }

  /** Sends a frame if the server has welcomed us; returns false otherwise (the caller keeps it). */
  send(frame: FromWidget): boolean {
    const ws = this.ws
    if (!ws || !this.ready || ws.readyState !== WebSocket.OPEN) return false
    try {
      ws.send(JSON.stringify(frame))
      return true
    } catch {
      return false
    }
  }

  /** Drops the current socket and starts over with a fresh hello (after a backoff delay). */
  restart(): void {
    if (!this.started) return
    this.drop()
    this.scheduleReconnect()
  }

  private connect(): void {
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    if (!this.started || this.ws) return
    if (!navigator.onLine) {
      // Wait for the 'online' event rather than burn attempts that cannot succeed.
      this.setStatus('offline')
      return
    }
    this.setStatus('connecting')
    let ws: WebSocket
    try {
      ws = this.createSocket(this.opts.url)
    } catch {
      // A malformed URL or a CSP that forbids the origin: keep retrying, it may be fixed by a deploy.
      this.scheduleReconnect()
      return
    }
    this.ws = ws
    this.ready = false
    this.handshakeTimer = setTimeout(() => {
      if (this.ws === ws && !this.ready) this.restart()
    }, HANDSHAKE_TIMEOUT_MS)

    // Every callback first checks that `ws` is still the current socket: a replaced socket's
    // late events must not touch its successor.
    ws.onopen = () => {
      if (this.ws !== ws) return
      try {
        ws.send(JSON.stringify(this.opts.hello()))
      } catch {
        this.restart()
      }
    }
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return
      const frame = decodeFrame(ev.data)
      if (!frame) return
      if (frame.type === 'welcome') {
        this.ready = true
        // Only a welcome proves the server accepts us; resetting on 'open' would let a server
        // that accepts and then immediately closes pull us into a tight loop.
        this.attempt = 0
        clearTimeout(this.handshakeTimer)
        this.setStatus('online')
      }
      try {
        this.opts.onFrame(frame)
      } catch (err) {
        console.error('[parley] frame handler failed', err)
      }
    }
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return
      this.detach()
      if (ev.code === CloseCode.tooMany) this.attempt = Math.max(this.attempt, TOO_MANY_FIRST_ATTEMPT)
      this.scheduleReconnect()
    }
    // 'error' is always followed by 'close', which does the work.
    ws.onerror = () => {}
  }

  private scheduleReconnect(): void {
    if (!this.started) return
    clearTimeout(this.retryTimer)
    this.setStatus(navigator.onLine ? 'connecting' : 'offline')
    const delay = backoffDelay(this.attempt++, this.random)
    this.retryTimer = setTimeout(() => this.connect(), delay)
  }

  /** Forgets the current socket first (so its callbacks turn into no-ops), then closes it. */
  private drop(): void {
    const ws = this.ws
    this.detach()
    if (!ws) return
    try {
      ws.close()
    } catch {
      // Closing a socket that is already closing can throw in old browsers; nothing to do.
    }
  }

  private detach(): void {
    this.ws = null
    this.ready = false
    clearTimeout(this.handshakeTimer)
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return
    this.status = status
    try {
      this.opts.onStatus(status)
    } catch (err) {
      console.error('[parley] status handler failed', err)
    }
  }

  private readonly handleOnline = (): void => {
    // The network is back: the backoff was about the network, not the server, so start fresh.
    this.attempt = 0
    if (!this.ws) this.connect()
  }

  private readonly handleOffline = (): void => {
    // Browsers (and Playwright's offline emulation) may keep an open socket "alive" while
    // nothing gets through; close it so unsent messages stay pending instead of vanishing
    // into a dead connection, and wait for 'online'.
    this.drop()
    clearTimeout(this.retryTimer)
    this.setStatus('offline')
  }

  private readonly handleVisibility = (): void => {
    // Mobile browsers freeze timers in background tabs; coming back should not wait out a
    // backoff delay that was computed minutes ago.
    if (document.visibilityState === 'visible' && !this.ws) this.connect()
  }
}
