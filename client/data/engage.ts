/**
 * An agent starts a chat with an engaged visitor (proactive without invitation): one request to
 * the server, never queued offline — the visitor may have left by the time the network is back.
 */
import { newId } from '../../shared/id.ts'
import type { Api } from './api.ts'

export type StartChatOutcome =
  /** `existing`: the visitor was chatting already (409); their conversation opens instead. */
  | { kind: 'opened'; conversationId: string; existing: boolean }
  | { kind: 'refused'; reason: string }
  | { kind: 'offline' }
  | { kind: 'unauthenticated' }

/** Reads the server's answer to `POST /api/visitors/<id>/chat`. */
export function startChatOutcome(status: number, body: unknown): StartChatOutcome {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { conversationId?: unknown; conversation?: { id?: unknown } | null; error?: unknown; reason?: unknown }
  // `{conversationId}`, or the new conversation itself (`{conversation: {id, …}}`).
  const given = b.conversationId ?? b.conversation?.id
  const id = typeof given === 'string' && given ? given : null
  if ((status === 201 || status === 200 || status === 409) && id) return { kind: 'opened', conversationId: id, existing: status === 409 }
  if (status === 401) return { kind: 'unauthenticated' }
  // The server's sentence (`error`) reads better than its short code (`reason`).
  const raw = typeof b.error === 'string' && b.error ? b.error : typeof b.reason === 'string' && b.reason ? b.reason : null
  const said = raw ? `${raw[0]!.toUpperCase()}${raw.slice(1)}${/[.!?]$/.test(raw) ? '' : '.'}` : null
  if (status === 404) return { kind: 'refused', reason: said ?? 'This visitor has left.' }
  return { kind: 'refused', reason: said ?? `The server refused (${status}).` }
}

/** Sends the agent's first message to a visitor; offline, says so rather than waiting. */
export async function startChatWith(api: Api, visitorId: string, text: string): Promise<StartChatOutcome> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return { kind: 'offline' }
  const answer = await api.send('POST', `/api/visitors/${encodeURIComponent(visitorId)}/chat`, { json: { text, clientId: newId() } })
  if (!answer.reached) return { kind: 'offline' }
  return startChatOutcome(answer.status, answer.body)
}
