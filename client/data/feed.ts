/**
 * The event feed: the app's control socket (`/api/live`). It replays the log after the last
 * applied sequence number, then streams new events, and stores each frame in IndexedDB in one
 * transaction (see applyEvents). The socket lives here, on the main thread; the frames are
 * parsed and stored by the ingest worker (ingest.ts), strictly in order. It reconnects forever.
 */
import { createSignal, type Accessor } from 'solid-js'
import { CloseCode, LIVE_CREDIT_EVENTS, PROTOCOL_VERSION, type FromLive, type ToLive } from '../../shared/protocol.ts'
import { resetEventLog } from './applyEvents.ts'
import { readLastSeq, type ParleyDb } from './db.ts'
import { createIngest, type Ingest } from './ingest.ts'
import { EVENTS_FRAME_PREFIX } from './liveFrame.ts'
import { createReconnectingSocket, type SocketLink } from './reconnectingSocket.ts'
import type { Session } from './session.ts'
import { defaultWsBase } from './wsBase.ts'

/** `connecting`: dialling or waiting to redial; `open`: the server said hello; `closed`: stopped (offline, or closed for good). */
export type FeedState = 'connecting' | 'open' | 'closed'

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
  const [lastSeq, setLastSeq] = createSignal(0)
  const [serverLastAtOpen, setServerLastAtOpen] = createSignal<number | null>(null)
  const [catchUp, setCatchUp] = createSignal<{ from: number; to: number } | null>(null)
  const wsBase = options.wsBase ?? defaultWsBase()
  const ingest = options.ingest ?? createIngest({ db, workspace: session.agent.workspace, agentId: session.agent.id })

  /** Frames are applied strictly in order; a reconnect waits for the frames already received. */
  let applying: Promise<unknown> = Promise.resolve()
  /** The current socket's catch-up: what was stored when it dialled, where the log stood at its hello, what we acknowledged. */
  let link: { socket: SocketLink; after: number; to: number | null; acked: number } | null = null

  void readLastSeq(db).then(setLastSeq, () => {})

  const socket = createReconnectingSocket({
    async url() {
      let after = 0
      try {
        // Dial with the sequence number of what is stored, not of what is still being stored.
        await applying
        after = await readLastSeq(db)
      } catch {
        /* the database is closing: the socket's own checks stop us */
      }
      // `credit=1`: the server sends the backlog only so far ahead of what this device says it stored.
      return `${wsBase}/api/live?token=${encodeURIComponent(session.token)}&after=${after}&credit=1`
    },
    onOpen(s) {
      const after = Number(new URL(s.url).searchParams.get('after')) || 0
      link = { socket: s, after, to: null, acked: after }
    },
    onMessage(text, s) {
      const c = link
      if (!c || c.socket !== s) return
      if (text.startsWith(EVENTS_FRAME_PREFIX)) {
        // Parsed and stored in the worker: a backlog frame is a megabyte of JSON.
        // Older servers may skip the hello; a frame of events proves the socket works too.
        s.ready(false)
        enqueue(c, text)
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
          onHello(c, frame.protocol, frame.last)
          return
        case 'events':
          // Written some other way than our server does (keys in another order): the worker copes.
          s.ready(false)
          enqueue(c, text)
          return
        default:
          console.warn('[feed] ignored a frame of unknown type', (frame as { type?: unknown })?.type)
      }
    },
    onClose(code) {
      link = null
      if (code !== CloseCode.unauthenticated) return
      options.onUnauthenticated?.()
      return true
    },
  })
  const state = () => {
    const s = socket.state()
    return s === 'offline' || s === 'stopped' ? 'closed' : s
  }

  function onHello(c: NonNullable<typeof link>, protocol: number, serverLast: number) {
    if (serverLastAtOpen() === null && typeof serverLast === 'number') setServerLastAtOpen(serverLast)
    if (typeof serverLast === 'number') {
      c.to = serverLast
      setCatchUp({ from: c.after, to: serverLast })
    }
    if (protocol !== PROTOCOL_VERSION) console.warn(`[feed] server speaks protocol ${protocol}, this app ${PROTOCOL_VERSION}`)
    if (typeof serverLast === 'number' && serverLast < c.after) {
      // The server's log is shorter than ours: it was reset or restored from an older backup.
      // What we derived from the old log is wrong now; start over from its beginning (the redial
      // waits for the reset: it dials after what `applying` leaves stored).
      applying = applying
        .then(() => resetEventLog(db))
        .then(() => setLastSeq(0))
        .then(() => ingest.kick())
        .catch((err) => console.error('[feed] could not reset the local event log', err))
      c.socket.redial()
      return
    }
    c.socket.ready()
  }

  function enqueue(c: NonNullable<typeof link>, text: string) {
    // Handed over at once, so the worker parses the next frame while this one is stored; the
    // worker keeps the order, and refuses a socket's frames after one of them failed.
    const stored = ingest.apply(text, c.socket.id)
    applying = applying.then(async () => {
      try {
        const last = await stored
        setLastSeq(last)
        // The server's credit window: what is stored lets the next backlog frames come. It waits
        // for credit only while it pages the backlog (LiveGateway.accept), so once this socket has
        // stored what the log held at its hello, live frames are not acknowledged one by one: every
        // agent would send a frame per frame forever. Its backlog loop may still page past the
        // hello (events committed meanwhile), so an acknowledgement still goes whenever what is
        // unacknowledged exceeds the window: the server can then never wait for one that is not coming.
        const behind = c.to === null || last < c.to || last - c.acked > LIVE_CREDIT_EVENTS
        if (behind && c.socket.send(JSON.stringify({ type: 'stored', last } satisfies FromLive))) c.acked = last
      } catch (err) {
        console.error('[feed] could not store events', err)
        // Redial: the server replays everything after what was stored.
        c.socket.retry()
      }
    })
  }

  return {
    state,
    lastSeq,
    serverLastAtOpen,
    catchUp,
    reconnect: () => socket.reconnect(),
    close() {
      socket.close()
      ingest.close()
    },
  }
}
