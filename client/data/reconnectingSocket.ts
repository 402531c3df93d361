/**
 * One logical connection that survives any number of WebSockets: it dials, redials forever with
 * capped, jittered backoff, pauses while the browser is offline, dials at once when it comes back
 * online or the tab becomes visible again, and ignores every late callback of a socket it has
 * replaced. The app's event feed (feed.ts) and the visitors list (visitorsLive.ts) are built on it;
 * what a frame means is theirs.
 */
import { createSignal, type Accessor } from 'solid-js'

/**
 * `connecting`: dialling or waiting to redial; `open`: the owner said the server accepted the socket
 * (its hello, its snapshot); `offline`: the browser has no network; `stopped`: closed for good.
 */
export type SocketState = 'connecting' | 'open' | 'offline' | 'stopped'

/** First redial delay: long enough not to hammer a server that just restarted, short enough to feel instant. */
export const SOCKET_BACKOFF_BASE_MS = 500
/** Longest redial delay: after a long outage the agent should be back within half a minute of the server. */
export const SOCKET_BACKOFF_MAX_MS = 30_000
/**
 * Share of each delay that is random ("equal jitter"): when a server restarts, every agent's app
 * redials at once; spreading the redials stops them from arriving as one thundering herd.
 */
export const SOCKET_BACKOFF_JITTER = 0.5

/** The delay before redial (or retry) number `attempt` (0-based), with jitter, doubling from `baseMs`. */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = SOCKET_BACKOFF_BASE_MS): number {
  const ceiling = Math.min(SOCKET_BACKOFF_MAX_MS, baseMs * 2 ** Math.min(attempt, 16))
  return Math.round(ceiling * (1 - SOCKET_BACKOFF_JITTER) + ceiling * SOCKET_BACKOFF_JITTER * random())
}

/** One socket of the connection, as its callbacks see it. */
export interface SocketLink {
  /** Numbers the sockets of this connection, increasing. */
  readonly id: number
  /** The address this socket dialled. */
  readonly url: string
  /** Whether this is still the connection's socket (a dropped one's work must stop). */
  readonly current: boolean
  /** Sends if this is still the current socket and it is open; returns whether it did. */
  send(text: string): boolean
  /** The server accepted this socket: the state becomes `open` and, unless told otherwise, the backoff starts over. */
  ready(resetBackoff?: boolean): void
  /** Drops this socket and redials after the backoff (e.g. what it sent could not be used). */
  retry(): void
  /** Drops this socket and dials again now, without waiting for the backoff. */
  redial(): void
}

export interface ReconnectingSocketOptions {
  /** Builds the address at each dial; may wait (the feed dials after what is stored). */
  url: () => string | Promise<string>
  /** A new socket is the current one (created, not yet open). */
  onOpen?: (link: SocketLink) => void
  onMessage: (data: string, link: SocketLink) => void
  /**
   * The current socket is gone: closed by the server (its close code), or dropped here (1000:
   * offline, a redial, `close()`). Return true to stop for good (the server refused us).
   */
  onClose?: (code: number) => boolean | void
  /** Injected for tests; default: `backoffDelay`. */
  backoff?: (attempt: number) => number
}

export interface ReconnectingSocket {
  state: Accessor<SocketState>
  /** Redials now, skipping the backoff wait (e.g. a "retry" button); a no-op once stopped. */
  reconnect(): void
  /** Stops for good and removes every listener. */
  close(): void
}

const offlineNow = () => typeof navigator !== 'undefined' && navigator.onLine === false

/** Starts dialling at once (or as soon as the browser is online). */
export function createReconnectingSocket(options: ReconnectingSocketOptions): ReconnectingSocket {
  const [state, setState] = createSignal<SocketState>('connecting')
  const backoff = options.backoff ?? ((attempt: number) => backoffDelay(attempt))

  let socket: WebSocket | null = null
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  let dialing = false
  /** Bumped by every dial and every drop, so that a dial overtaken by events gives up. */
  let generation = 0

  function clearRetry() {
    if (retryTimer !== null) clearTimeout(retryTimer)
    retryTimer = null
  }

  function stop() {
    stopped = true
    clearRetry()
    setState('stopped')
  }

  /** Forgets the socket: its late callbacks are ignored, and the owner is told it is gone. */
  function dropSocket() {
    generation++
    dialing = false
    const ws = socket
    socket = null
    if (!ws) return
    ws.onopen = ws.onmessage = ws.onclose = null
    ws.onerror = () => {}
    try {
      ws.close(1000)
    } catch {
      /* already closing */
    }
    if (options.onClose?.(1000) === true && !stopped) stop()
  }

  function scheduleRetry() {
    clearRetry()
    if (stopped) return
    // Nothing to dial: the `online` event brings us back.
    if (offlineNow()) return void setState('offline')
    setState('connecting')
    retryTimer = setTimeout(() => {
      retryTimer = null
      void dial()
    }, backoff(attempt++))
  }

  /** Dials; a no-op while a socket is open or a dial is under way. */
  async function dial() {
    clearRetry()
    if (stopped || socket || dialing) return
    if (offlineNow()) return void setState('offline')
    dialing = true
    const gen = ++generation
    setState('connecting')
    let url: string
    try {
      url = await options.url()
    } catch {
      dialing = false
      if (gen === generation) scheduleRetry()
      return
    }
    dialing = false
    if (stopped || gen !== generation || socket) return
    let ws: WebSocket
    try {
      ws = new WebSocket(url)
    } catch {
      scheduleRetry()
      return
    }
    socket = ws
    const link: SocketLink = {
      id: gen,
      url,
      get current() {
        return socket === ws
      },
      send(text) {
        if (socket !== ws || ws.readyState !== WebSocket.OPEN) return false
        ws.send(text)
        return true
      },
      ready(resetBackoff = true) {
        if (socket !== ws) return
        if (resetBackoff) attempt = 0
        setState('open')
      },
      retry() {
        if (socket !== ws) return
        dropSocket()
        scheduleRetry()
      },
      redial() {
        if (socket !== ws) return
        dropSocket()
        void dial()
      },
    }
    ws.onmessage = (e) => {
      if (socket !== ws) return
      try {
        options.onMessage(String(e.data), link)
      } catch (err) {
        // A frame the owner could not handle must not take the socket down with it.
        console.error('[socket] a frame could not be handled', err)
      }
    }
    ws.onclose = (e) => {
      if (socket !== ws) return
      socket = null
      if (options.onClose?.(e.code) === true) return void stop()
      scheduleRetry()
    }
    ws.onerror = () => {
      // An error is always followed by a close event, which schedules the redial.
    }
    options.onOpen?.(link)
  }

  const onOnline = () => {
    attempt = 0
    if (!socket) void dial()
  }
  const onOffline = () => {
    if (stopped) return
    // Browsers (and Playwright's setOffline) may keep an open socket alive after going offline.
    dropSocket()
    clearRetry()
    if (!stopped) setState('offline')
  }
  const onVisibility = () => {
    if (document.visibilityState === 'visible' && !socket && !stopped) {
      attempt = 0
      void dial()
    }
  }
  window.addEventListener('online', onOnline)
  window.addEventListener('offline', onOffline)
  document.addEventListener('visibilitychange', onVisibility)
  void dial()

  return {
    state,
    reconnect() {
      if (stopped) return
      attempt = 0
      dropSocket()
      void dial()
    },
    close() {
      stopped = true
      clearRetry()
      dropSocket()
      setState('stopped')
      window.removeEventListener('online', onOnline)
      window.removeEventListener('offline', onOffline)
      document.removeEventListener('visibilitychange', onVisibility)
    },
  }
}
