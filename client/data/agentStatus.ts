/**
 * The agent's own status (online / away / offline). The server is the arbiter (the workspace may
 * forbid going offline while holding open chats), so a change is a request: stored first, so it
 * survives going offline and reloads, sent when the network works, and either confirmed by the
 * `agent.status` event or refused with the server's reason.
 */
import { liveQuery } from 'dexie'
import { createSignal, onCleanup, type Accessor } from 'solid-js'
import type { AgentStatus } from '../../shared/protocol.ts'
import type { ParleyDb } from './db.ts'
import type { Session } from './session.ts'

const PENDING_KEY = 'pendingStatus'

export interface AgentStatusControl {
  /** The status the server last confirmed for this agent. */
  status: Accessor<AgentStatus>
  /** A change that waits for the network, if any. */
  pending: Accessor<AgentStatus | null>
  /** Why the server refused the last change, until the next one. */
  error: Accessor<string | null>
  /** The open chats the server named when it refused going offline (`restrictOffline`), until the next change. */
  heldChats: Accessor<string[]>
  set(status: AgentStatus): Promise<void>
  dismissError(): void
  /** Sends a waiting change now (the network is back). */
  kick(): void
}

const isStatus = (v: unknown): v is AgentStatus => v === 'online' || v === 'away' || v === 'offline'

export function createAgentStatus(session: Session, db: ParleyDb, options: { onUnauthenticated?: () => void } = {}): AgentStatusControl {
  const me = session.agent.id
  const [status, setStatus] = createSignal<AgentStatus>(isStatus(session.agent.status) ? session.agent.status : 'offline')
  const [pending, setPending] = createSignal<AgentStatus | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [heldChats, setHeldChats] = createSignal<string[]>([])

  // The log's last word on my status is the truth: the feed folds it into `agentStates` with each
  // frame (one row to read, where a supervisor's device holds thousands of others' status events).
  const confirmed = liveQuery(() => db.agentStates.get(me)).subscribe({ next: (s) => isStatus(s?.status) && setStatus(s.status), error: () => {} })
  const waiting = liveQuery(() => db.kv.get(PENDING_KEY)).subscribe({
    next: (row) => setPending(isStatus(row?.value) ? row.value : null),
    error: () => {},
  })
  onCleanup(() => {
    confirmed.unsubscribe()
    waiting.unsubscribe()
  })

  let sending = false
  async function send(): Promise<void> {
    if (sending || navigator.onLine === false) return
    const row = await db.kv.get(PENDING_KEY)
    if (!isStatus(row?.value)) return
    sending = true
    try {
      const res = await fetch('/api/me/status', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ status: row.value }),
      })
      if (res.status === 401) return options.onUnauthenticated?.()
      // A transient failure keeps the request for the next time the network is back.
      if (res.status >= 500 || res.status === 429) return
      const body = (await res.json().catch(() => ({}))) as { status?: unknown; reason?: unknown; error?: unknown; conversations?: unknown }
      if (res.ok && isStatus(body.status)) setStatus(body.status)
      else {
        setHeldChats(Array.isArray(body.conversations) ? body.conversations.filter((id): id is string => typeof id === 'string') : [])
        setError(typeof body.reason === 'string' ? body.reason : typeof body.error === 'string' ? body.error : `refused (${res.status})`)
      }
      // Answered either way: this request is done, unless a newer one replaced it meanwhile.
      await db.transaction('rw', db.kv, async () => {
        if ((await db.kv.get(PENDING_KEY))?.value === row.value) await db.kv.delete(PENDING_KEY)
      })
    } catch {
      /* offline or the server is away: kept for later */
    } finally {
      sending = false
    }
  }

  return {
    status,
    pending,
    error,
    heldChats,
    async set(next) {
      setError(null)
      setHeldChats([])
      await db.kv.put({ key: PENDING_KEY, value: next })
      await send()
    },
    kick: () => void send(),
    dismissError: () => {
      setError(null)
      setHeldChats([])
    },
  }
}
