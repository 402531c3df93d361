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
import type { Api } from './api.ts'
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

export function createAgentStatus(session: Session, api: Api, db: ParleyDb): AgentStatusControl {
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
      const answer = await api.send<{ status?: unknown; reason?: unknown; conversations?: unknown }>('POST', '/api/me/status', { json: { status: row.value } })
      // Offline, signed out (the API client saw to it), or a transient failure: kept for the next time the network is back.
      if (!answer.reached || answer.status === 401 || answer.status >= 500 || answer.status === 429) return
      const body = answer.body ?? {}
      if (answer.ok && isStatus(body.status)) setStatus(body.status)
      else {
        setHeldChats(Array.isArray(body.conversations) ? body.conversations.filter((id): id is string => typeof id === 'string') : [])
        setError(typeof body.reason === 'string' ? body.reason : answer.error)
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
