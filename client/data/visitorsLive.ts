/**
 * Visitors on the site now, for supervisors: the server's `/api/visitors/live` socket (a snapshot,
 * then every change, pushed). Nothing is kept on the device: the list is live or it is not shown,
 * so offline the view says it needs the connection rather than showing who was there an hour ago.
 * It redials forever with capped, jittered backoff, like the event feed.
 */
import { createMemo, createSignal, getOwner, onCleanup, type Accessor } from 'solid-js'
import { CloseCode } from '../../shared/protocol.ts'
import { isVisitorsLiveFrame, type OnSiteVisitor } from '../../shared/supervision.ts'
import { backoffDelay } from './feed.ts'
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
  const [state, setState] = createSignal<VisitorsLiveState>('connecting')
  const [byId, setById] = createSignal<ReadonlyMap<string, OnSiteVisitor>>(new Map())
  const visitors = createMemo(() => [...byId().values()].sort(compareOnSite))
  const wsBase = options.wsBase ?? defaultWsBase()

  let socket: WebSocket | null = null
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let stopped = false

  const offlineNow = () => typeof navigator !== 'undefined' && navigator.onLine === false

  function clearRetry() {
    if (retryTimer !== null) clearTimeout(retryTimer)
    retryTimer = null
  }

  /** Forgets the socket (its late callbacks are ignored) and the list it was keeping. */
  function dropSocket() {
    const ws = socket
    socket = null
    setById(new Map())
    if (!ws) return
    ws.onopen = ws.onmessage = ws.onclose = null
    ws.onerror = () => {}
    try {
      ws.close(1000)
    } catch {
      /* already closing */
    }
  }

  function scheduleRetry() {
    clearRetry()
    if (stopped) return
    if (offlineNow()) return void setState('offline')
    setState('connecting')
    retryTimer = setTimeout(() => {
      retryTimer = null
      dial()
    }, backoffDelay(attempt++))
  }

  function dial() {
    clearRetry()
    if (stopped || socket) return
    if (offlineNow()) return void setState('offline')
    setState('connecting')
    let ws: WebSocket
    try {
      ws = new WebSocket(`${wsBase}/api/visitors/live?token=${encodeURIComponent(session.token)}`)
    } catch {
      scheduleRetry()
      return
    }
    socket = ws
    ws.onmessage = (e) => {
      if (socket !== ws) return
      let frame: unknown
      try {
        frame = JSON.parse(String(e.data))
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
          attempt = 0
          setById(new Map(frame.visitors.map((v) => [v.visitorId, v])))
          setState('open')
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
    }
    ws.onclose = (e) => {
      if (socket !== ws) return
      socket = null
      setById(new Map())
      if (e.code === CloseCode.forbidden || e.code === CloseCode.unauthenticated) {
        // Redialling would be refused the same way; the app's session handling deals with a 4401.
        clearRetry()
        return void setState('denied')
      }
      scheduleRetry()
    }
    ws.onerror = () => {
      // Always followed by a close event, which schedules the redial.
    }
  }

  const onOnline = () => {
    attempt = 0
    if (!socket && state() !== 'denied') dial()
  }
  const onOffline = () => {
    // Browsers (and Playwright's setOffline) may keep a socket open after going offline: a list
    // that can no longer change must not look live.
    dropSocket()
    clearRetry()
    setState('offline')
  }
  const onVisibility = () => {
    if (document.visibilityState === 'visible' && !socket && !stopped && state() !== 'denied') {
      attempt = 0
      dial()
    }
  }
  window.addEventListener('online', onOnline)
  window.addEventListener('offline', onOffline)
  document.addEventListener('visibilitychange', onVisibility)
  dial()

  function close() {
    if (stopped) return
    stopped = true
    clearRetry()
    dropSocket()
    window.removeEventListener('online', onOnline)
    window.removeEventListener('offline', onOffline)
    document.removeEventListener('visibilitychange', onVisibility)
  }
  if (getOwner()) onCleanup(close)

  return { state, visitors, close }
}
