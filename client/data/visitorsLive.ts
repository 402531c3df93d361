/**
 * Visitors on the site now, for supervisors: the server's `/api/visitors/live` socket (a snapshot,
 * then every change, pushed). Nothing is kept on the device: the list is live or it is not shown,
 * so offline the view says it needs the connection rather than showing who was there an hour ago.
 * It redials forever with capped, jittered backoff, like the event feed.
 */
import { createMemo, createSignal, getOwner, onCleanup, type Accessor } from 'solid-js'
import { CloseCode } from '../../shared/protocol.ts'
import { isVisitorsLiveFrame, type OnSiteVisitor } from '../../shared/supervision.ts'
import { createReconnectingSocket } from './reconnectingSocket.ts'
import type { Session } from './session.ts'
import { defaultWsBase } from './wsBase.ts'

/**
 * `connecting`: dialling or waiting to redial; `open`: the list is live; `offline`: the browser has
 * no network; `denied`: the server refused (the management right was withdrawn, or the session ended).
 */
export type VisitorsLiveState = 'connecting' | 'open' | 'offline' | 'denied'

export interface VisitorsLive {
  state: Accessor<VisitorsLiveState>
  /** Who is on the site now, in the order the view shows them (see `compareOnSite`); empty unless open. */
  visitors: Accessor<OnSiteVisitor[]>
  /** Stops for good (also done on the owner's cleanup). */
  close(): void
}

export interface VisitorsLiveOptions {
  /** Defaults to `ws(s)://<location.host>`. */
  wsBase?: string
}

/**
 * The order of the list: visitors not chatting first (those an agent can start a chat with),
 * then those chatting; in each, the longest on the site first.
 */
export function compareOnSite(a: OnSiteVisitor, b: OnSiteVisitor): number {
  const chatting = Number(a.chat !== null) - Number(b.chat !== null)
  if (chatting) return chatting
  return a.visitStartedAt - b.visitStartedAt || a.visitorId.localeCompare(b.visitorId)
}

/** Connects the visitors socket of a signed-in agent; must run inside a reactive owner to close on cleanup. */
export function createVisitorsLive(session: Session, options: VisitorsLiveOptions = {}): VisitorsLive {
  const [byId, setById] = createSignal<ReadonlyMap<string, OnSiteVisitor>>(new Map())
  const visitors = createMemo(() => [...byId().values()].sort(compareOnSite))
  const wsBase = options.wsBase ?? defaultWsBase()

  /** The server refused us (4401, 4403): redialling would be refused the same way. */
  const [denied, setDenied] = createSignal(false)

  const socket = createReconnectingSocket({
    url: () => `${wsBase}/api/visitors/live?token=${encodeURIComponent(session.token)}`,
    onMessage(text, link) {
      let frame: unknown
      try {
        frame = JSON.parse(text)
      } catch {
        console.warn('[visitors] ignored a frame that is not JSON')
        return
      }
      if (!isVisitorsLiveFrame(frame)) {
        console.warn('[visitors] ignored a malformed frame', (frame as { type?: unknown } | null)?.type)
        return
      }
      switch (frame.type) {
        case 'snapshot':
          setById(new Map(frame.visitors.map((v) => [v.visitorId, v])))
          link.ready()
          return
        case 'visitor':
          setById((m) => new Map(m).set(frame.visitor.visitorId, frame.visitor))
          return
        case 'left':
          setById((m) => {
            if (!m.has(frame.visitorId)) return m
            const next = new Map(m)
            next.delete(frame.visitorId)
            return next
          })
          return
      }
    },
    onClose(code) {
      // Dropped (offline: browsers may keep a socket open after going offline) or closed: a list
      // that can no longer change must not look live.
      setById(new Map())
      if (code !== CloseCode.forbidden && code !== CloseCode.unauthenticated) return
      // The app's session handling deals with a 4401.
      setDenied(true)
      return true
    },
  })
  const state = (): VisitorsLiveState => {
    if (denied()) return 'denied'
    const s = socket.state()
    return s === 'open' || s === 'offline' ? s : 'connecting'
  }

  const close = () => socket.close()
  if (getOwner()) onCleanup(close)

  return { state, visitors, close }
}
