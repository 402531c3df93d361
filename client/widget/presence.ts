/**
 * The loader's presence socket: tells the server this visitor is on this page, so supervisors see
 * everyone on the site ("visitors on the site now"), not only those who opened the chat. It says
 * a presence-only hello (no history comes back, nothing else is sent to it) and keeps the token the
 * server gives a first-time visitor, so the chat loaded later is the same visitor. A message frame
 * on it (an agent started a chat with this visitor) asks for the chat to be opened. Kept tiny: it is
 * part of the loader's budget.
 */

/** First redial delay after the socket drops: a restarting server is not redialled at once by every open page. */
const PRESENCE_RETRY_MS = 2_000
/** Longest redial delay: presence is a nicety, a minute late is fine and spares a server that is down. */
const PRESENCE_RETRY_MAX_MS = 60_000

/** Opens the presence socket and keeps it open (redialling with jittered backoff) for the page's life. */
export function announcePresence(socketUrl: string, hello: () => object, token: (t: string | null) => void, wake: () => void): void {
  let ws: WebSocket | null = null
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const dial = () => {
    if (ws) return
    const s = (ws = new WebSocket(socketUrl))
    s.onopen = () => s.send(JSON.stringify(hello()))
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
      if (e.code === 4401) token(null)
      const ceiling = Math.min(PRESENCE_RETRY_MAX_MS, PRESENCE_RETRY_MS * 2 ** attempt++)
      timer = setTimeout(dial, ceiling * (0.5 + Math.random() / 2))
    }
  }
  addEventListener('online', () => {
    attempt = 0
    clearTimeout(timer)
    dial()
  })
  dial()
}
