/**
 * The loader's presence socket: tells the server this visitor is on this page, so supervisors see
 * everyone on the site ("visitors on the site now"), not only those who opened the chat. It says
 * a presence-only hello (no history comes back, nothing else is sent to it) and keeps the token the
 * server gives a first-time visitor, so the chat loaded later is the same visitor. A message frame
 * on it (an agent started a chat with this visitor) asks for the chat to be opened. Kept tiny: it is
 * part of the loader's budget.
 *
 * It stays open once the chat has its own socket: the server lists a visitor while any of their
 * sockets is open (SiteVisitors), so without this one every redial of the chat's socket alone (a
 * handshake timeout, a 4429, a server that closed just that socket) would take the visitor off the
 * supervisors' list and put them back.
 */
import { CloseCode } from '../../shared/protocol.ts'
import { backoffDelay } from './connection.ts'

/**
 * Presence redials start at the chat's third step (2 s before jitter): it is a nicety, a few seconds
 * late is fine, and a restarting server is not redialled at once by every open page.
 */
const PRESENCE_FIRST_ATTEMPT = 2

/** Opens the presence socket and keeps it open (redialling with jittered backoff) for the page's life. */
export function announcePresence(socketUrl: string, hello: () => object, token: (t: string | null) => void, wake: () => void): void {
  let ws: WebSocket | null = null
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const dial = () => {
    clearTimeout(timer)
    if (ws || navigator.onLine === false) return
    const s = (ws = new WebSocket(socketUrl))
    s.onopen = () => {
      if (ws === s) s.send(JSON.stringify(hello()))
    }
    s.onmessage = (e) => {
      try {
        const f = JSON.parse(e.data)
        if (ws !== s) return
        if (f.type === 'message') wake()
        if (f.type === 'welcome') {
          attempt = 0
          token(f.visitorToken)
        }
      } catch {
        // Not JSON: nothing to learn from it.
      }
    }
    s.onclose = (e) => {
      if (ws !== s) return
      ws = null
      // A token the server no longer accepts: the next hello is a new visitor's.
      if (e.code === CloseCode.unauthenticated) token(null)
      // Offline: the `online` event redials.
      if (navigator.onLine !== false) timer = setTimeout(dial, backoffDelay(PRESENCE_FIRST_ATTEMPT + attempt++))
    }
  }
  /** Dials now, the backoff starting over: the network or the tab is back. */
  const redial = () => {
    attempt = 0
    dial()
  }
  addEventListener('online', redial)
  addEventListener('offline', () => {
    // Browsers may keep a socket open after going offline: drop it, so coming back dials afresh.
    clearTimeout(timer)
    const s = ws
    ws = null
    s?.close()
  })
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && !ws) redial()
  })
  dial()
}
