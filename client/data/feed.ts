/**
 * The event feed: the app's control socket (`/api/live`). It replays the log after the last
 * applied sequence number, then streams new events, and stores each frame in IndexedDB in one
 * transaction (see applyEvents). The socket lives here, on the main thread; the frames are
 * parsed and stored by the ingest worker (ingest.ts), strictly in order. It reconnects forever.
 */
import { createSignal, type Accessor } from 'solid-js'
import { CloseCode, PROTOCOL_VERSION, type FromLive, type ToLive } from '../../shared/protocol.ts'
import { resetEventLog } from './applyEvents.ts'
import { readLastSeq, type ParleyDb } from './db.ts'
import { createIngest, type Ingest } from './ingest.ts'
import { EVENTS_FRAME_PREFIX } from './liveFrame.ts'
import type { Session } from './session.ts'
import { defaultWsBase } from './wsBase.ts'

/** `connecting`: dialling or waiting to redial; `open`: the server said hello; `closed`: stopped (offline, or closed for good). */
export type FeedState = 'connecting' | 'open' | 'closed'

/** First redial delay: long enough not to hammer a server that just restarted, short enough to feel instant. */
export const FEED_BACKOFF_BASE_MS = 500
/** Longest redial delay: after a long outage the agent should be back within half a minute of the server. */
export const FEED_BACKOFF_MAX_MS = 30_000
/**
 * Share of each delay that is random ("equal jitter"): when a server restarts, every agent's app
 * redials at once; spreading the redials stops them from arriving as one thundering herd.
 */
export const FEED_BACKOFF_JITTER = 0.5

/** The delay before redial (or retry) number `attempt` (0-based), with jitter, doubling from `baseMs`. */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = FEED_BACKOFF_BASE_MS): number {
  const ceiling = Math.min(FEED_BACKOFF_MAX_MS, baseMs * 2 ** Math.min(attempt, 16))
  return Math.round(ceiling * (1 - FEED_BACKOFF_JITTER) + ceiling * FEED_BACKOFF_JITTER * random())
}

export interface EventFeed {
  state: Accessor<FeedState>
  /** The highest sequence number stored locally. */
  lastSeq: Accessor<number>
  /** Where the server's log stood at the first hello of this session: what came before is history. */
  serverLastAtOpen: Accessor<number | null>
  /**
   * The catch-up of the current connection: what was stored when it dialled (`from`) and where
   * the server's log stood at its hello (`to`); null before the first hello.
   */
  catchUp: Accessor<{ from: number; to: number } | null>
  /** Redials now, skipping the backoff wait (e.g. a "retry" button). */
  reconnect(): void
  /** Stops for good and removes every listener. */
  close(): void
}

export interface EventFeedOptions {
  /** Called when the server refuses the token (close code 4401). */
  onUnauthenticated?: () => void
  /** Defaults to `ws(s)://<location.host>`. */
  wsBase?: string
  /** Where frames are stored; defaults to the ingest worker on `db`'s database. */
  ingest?: Ingest
}

/** Connects the event feed of one signed-in agent to their database. */
export function createEventFeed(session: Session, db: ParleyDb, options: EventFeedOptions = {}): EventFeed {
  const [state, setState] = createSignal<FeedState>('connecting')
  const [lastSeq, setLastSeq] = createSignal(0)
  const [serverLastAtOpen, setServerLastAtOpen] = createSignal<number | null>(null)
  const [catchUp, setCatchUp] = createSignal<{ from: number; to: number } | null>(null)
  const wsBase = options.wsBase ?? defaultWsBase()
  const ingest = options.ingest ?? createIngest({ db, workspace: session.agent.workspace, agentId: session.agent.id })

  let socket: WebSocket | null = null
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  let dialing = false
  /** Bumped by every dial and every drop, so that a dial overtaken by events gives up. */
  let generation = 0
  /** Frames are applied strictly in order; a reconnect waits for the frames already received. */
  let applying: Promise<unknown> = Promise.resolve()

  void readLastSeq(db).then(setLastSeq, () => {})

  function clearRetry() {
    if (retryTimer !== null) clearTimeout(retryTimer)
    retryTimer = null
  }

  function dropSocket(code = 1000) {
    generation++
    dialing = false
    const ws = socket
    socket = null
    if (!ws) return
    ws.onopen = ws.onmessage = ws.onclose = null
    ws.onerror = () => {}
    try {
      ws.close(code)
    } catch {
      /* already closing */
    }
  }

  function scheduleRetry() {
    clearRetry()
    if (stopped) return
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      // Nothing to dial: the `online` event brings us back.
      setState('closed')
      return
    }
    setState('connecting')
    const delay = backoffDelay(attempt++)
    retryTimer = setTimeout(() => {
      retryTimer = null
      void dial()
    }, delay)
  }

  /** Dials the live socket; a no-op while a socket is open or a dial is under way. */
  async function dial() {
    clearRetry()
    if (stopped || socket || dialing) return
    dialing = true
    const gen = ++generation
    setState('connecting')
    let after = 0
    try {
      // Dial with the sequence number of what is stored, not of what is still being stored.
      await applying
      after = await readLastSeq(db)
    } catch {
      /* the database is closing: the checks below stop us */
    }
    dialing = false
    if (stopped || gen !== generation || socket) return
    // `credit=1`: the server sends the backlog only so far ahead of what this device says it stored.
    const url = `${wsBase}/api/live?token=${encodeURIComponent(session.token)}&after=${after}&credit=1`
    let ws: WebSocket
    try {
      ws = new WebSocket(url)
    } catch {
      socket = null
      scheduleRetry()
      return
    }
    socket = ws

    ws.onmessage = (e) => {
      if (socket !== ws) return
      const text = String(e.data)
      if (text.startsWith(EVENTS_FRAME_PREFIX)) {
        // Parsed and stored in the worker: a backlog frame is a megabyte of JSON.
        // Older servers may skip the hello; a frame of events proves the socket works too.
        setState('open')
        enqueue(ws, gen, text)
        return
      }
      let frame: ToLive
      try {
        frame = JSON.parse(text) as ToLive
      } catch {
        console.warn('[feed] ignored a frame that is not JSON')
        return
      }
      switch (frame?.type) {
        case 'hello':
          onHello(ws, frame.protocol, frame.last, after)
          return
        case 'events':
          // Written some other way than our server does (keys in another order): the worker copes.
          setState('open')
          enqueue(ws, gen, text)
          return
        default:
          console.warn('[feed] ignored a frame of unknown type', (frame as { type?: unknown })?.type)
      }
    }
    ws.onclose = (e) => {
      if (socket !== ws) return
      socket = null
      if (e.code === CloseCode.unauthenticated) {
        stopped = true
        setState('closed')
        options.onUnauthenticated?.()
        return
      }
      scheduleRetry()
    }
    ws.onerror = () => {
      // An error is always followed by a close event, which schedules the redial.
    }
  }

  function onHello(ws: WebSocket, protocol: number, serverLast: number, after: number) {
    if (socket !== ws) return
    if (serverLastAtOpen() === null && typeof serverLast === 'number') setServerLastAtOpen(serverLast)
    if (typeof serverLast === 'number') setCatchUp({ from: after, to: serverLast })
    if (protocol !== PROTOCOL_VERSION) console.warn(`[feed] server speaks protocol ${protocol}, this app ${PROTOCOL_VERSION}`)
    if (typeof serverLast === 'number' && serverLast < after) {
      // The server's log is shorter than ours: it was reset or restored from an older backup.
      // What we derived from the old log is wrong now; start over from its beginning.
      dropSocket()
      applying = applying
        .then(() => resetEventLog(db))
        .then(() => setLastSeq(0))
        .then(() => ingest.kick())
        .catch((err) => console.error('[feed] could not reset the local event log', err))
        .finally(() => void dial())
      return
    }
    attempt = 0
    setState('open')
  }

  function enqueue(ws: WebSocket, socketGen: number, text: string) {
    // Handed over at once, so the worker parses the next frame while this one is stored; the
    // worker keeps the order, and refuses a socket's frames after one of them failed.
    const stored = ingest.apply(text, socketGen)
    applying = applying.then(async () => {
      try {
        const last = await stored
        setLastSeq(last)
        // The server's credit window: what is stored lets the next backlog frames come.
        if (socket === ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'stored', last } satisfies FromLive))
      } catch (err) {
        console.error('[feed] could not store events', err)
        // Redial: the server replays everything after what was stored.
        if (socket === ws) {
          dropSocket()
          scheduleRetry()
        }
      }
    })
  }

  const onOnline = () => {
    attempt = 0
    if (!socket) void dial()
  }
  const onOffline = () => {
    // Browsers (and Playwright's setOffline) may keep an open socket alive after going offline.
    dropSocket()
    clearRetry()
    setState('closed')
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

  if (typeof navigator !== 'undefined' && navigator.onLine === false) setState('closed')
  else void dial()

  return {
    state,
    lastSeq,
    serverLastAtOpen,
    catchUp,
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
      setState('closed')
      ingest.close()
      window.removeEventListener('online', onOnline)
      window.removeEventListener('offline', onOffline)
      document.removeEventListener('visibilitychange', onVisibility)
    },
  }
}
