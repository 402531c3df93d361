import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import { mayKnowOfConversation, maySeeConversation, seesEverything } from '../../shared/permissions.ts'
import { CloseCode, EventType, isLiveStored, LIVE_CREDIT_EVENTS, PROTOCOL_VERSION, type LogEvent, type ToLive } from '../../shared/protocol.ts'
import type { Conversations } from '../Conversations.ts'
import type { AgentRecord, Store } from '../store/Store.ts'
import type { WorkspaceSettings } from '../WorkspaceSettings.ts'
import type { EventHub } from './EventHub.ts'

/**
 * Events read from the store per page while a socket catches up (one frame each). 5,000 events
 * are about 1 MB of JSON (some 150 KB deflated): few enough frames that a million-event log is
 * not dominated by per-frame costs (a transaction and a round of live queries in the app for
 * each), small enough that one frame is parsed and stored well inside a second.
 */
export const BACKLOG_PAGE = 5000

/** The app's frames are tiny acknowledgements: anything longer is not one. */
const MAX_APP_FRAME = 256

/**
 * The events an agent may see: workspace-wide ones; messages of conversations they may see; and
 * the lifecycle of conversations they may know of (so a chat someone else took leaves their queue).
 */
export async function visibleEvents(
  agent: AgentRecord,
  events: LogEvent[],
  conversations: Conversations,
  settings: WorkspaceSettings,
): Promise<LogEvent[]> {
  const who = await settings.principalOf(agent)
  if (seesEverything(who)) return events
  const out: LogEvent[] = []
  for (const e of events) {
    if (!e.conversationId) {
      out.push(e)
      continue
    }
    const conv = await conversations.get(agent.workspace, e.conversationId)
    const visible =
      e.type === EventType.message
        ? maySeeConversation(who, conv)
        : e.type === EventType.note
          ? // A mention reaches the colleague it names, to bring them in.
            maySeeConversation(who, conv) || (Array.isArray(e.data.mentions) && e.data.mentions.includes(agent.id))
          : mayKnowOfConversation(who, conv)
    if (visible) out.push(e)
  }
  return out
}

/** The app's control socket at `/api/live`: the backlog after `after`, then every new event, with no gap between. */
export class LiveGateway {
  constructor(
    private store: Store,
    private hub: EventHub,
    private conversations: Conversations,
    private settings: WorkspaceSettings,
    private log: Logger,
    /** Events per backlog frame; tests lower it to see a catch-up span several frames. */
    private pageSize = BACKLOG_PAGE,
    /** How far the backlog may run ahead of what a crediting app stored (tests lower it). */
    private creditEvents = LIVE_CREDIT_EVENTS,
  ) {}

  /**
   * `credit`: the app acknowledges what it stored (`{type:"stored", last}`), and the backlog waits
   * whenever it runs more than `creditEvents` ahead of that (older apps send nothing and get no
   * window).
   */
  accept(ws: WebSocket, agent: AgentRecord, after: number, opts: { credit?: boolean } = {}): void {
    const log = this.log.child({ workspace: agent.workspace, agent: agent.id })
    let sent = after
    let storedUpTo = after
    let closed = false
    let wake: (() => void) | null = null
    const window = this.creditEvents
    /** Resolves once the app has stored enough that the next page may go (or the socket is gone). */
    const credit = (): Promise<void> | void => {
      if (!opts.credit || closed || sent - storedUpTo <= window) return
      return new Promise<void>((resolve) => (wake = resolve)).then(credit)
    }
    let catchingUp = true
    const held: LogEvent[] = []
    let chain = Promise.resolve()

    const deliver = async (events: LogEvent[]) => {
      const fresh = events.filter((e) => e.seq > sent)
      if (!fresh.length) return
      sent = fresh[fresh.length - 1]!.seq
      const visible = await visibleEvents(agent, fresh, this.conversations, this.settings)
      // `last` moves even when nothing is visible, so the app never asks again for what it may not see.
      this.send(ws, { type: 'events', events: visible, last: sent })
    }

    // Subscribe before reading the backlog, and hold live events until it is sent: nothing falls in between.
    const unsubscribe = this.hub.subscribe(agent.workspace, (events) => {
      if (catchingUp) held.push(...events)
      else chain = chain.then(() => deliver(events)).catch((err) => log.error({ err }, 'live push failed'))
    })
    ws.on('close', () => {
      closed = true
      unsubscribe()
      wake?.()
    })
    ws.on('error', (err) => log.debug({ err }, 'live socket error'))
    // The app says only what it stored; anything else is refused (it is never trusted beyond that).
    ws.on('message', (data, isBinary) => {
      let frame: unknown = null
      try {
        if (!isBinary && (data as Buffer).length <= MAX_APP_FRAME) frame = JSON.parse(String(data))
      } catch {
        /* refused below */
      }
      if (!isLiveStored(frame)) {
        ws.close(CloseCode.badRequest, 'only {type:"stored", last} is taken here')
        return
      }
      // What was never sent cannot have been stored; an older acknowledgement changes nothing.
      storedUpTo = Math.max(storedUpTo, Math.min(frame.last, sent))
      const w = wake
      wake = null
      w?.()
    })

    chain = (async () => {
      this.send(ws, { type: 'hello', protocol: PROTOCOL_VERSION, last: await this.store.lastSeq(agent.workspace) })
      for (;;) {
        await credit()
        if (closed) return
        const page = await this.store.readEvents(agent.workspace, sent, this.pageSize)
        if (!page.length) break
        await deliver(page)
        if (page.length < this.pageSize) break
      }
      catchingUp = false
      await deliver(held.splice(0))
    })().catch((err) => {
      log.error({ err }, 'live backlog failed')
      ws.close(1011, 'could not read events')
    })
  }

  private send(ws: WebSocket, frame: ToLive): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }
}
