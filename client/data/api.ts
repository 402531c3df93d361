/**
 * The app's one way to the server's REST API. Every request carries the session's token; JSON
 * goes out and comes back parsed here, once; a 401 signs the agent out (`onUnauthenticated`)
 * whichever request met it; and every answer is one of two shapes, so no caller parses a response
 * or tells a network failure from a refusal by hand. The answers' types are the server's own
 * (shared/api.ts). The sockets (the live feed, the documents) have their own paths.
 */
import type { ErrorAnswer } from '../../shared/api.ts'

/** The server answered (any status): `body` is its JSON, or null when it sent none. */
export interface Answered<T> {
  reached: true
  ok: boolean
  status: number
  body: T | null
  /** The server's sentence when it refused (`{error}`), else `refused (<status>)`; empty when ok. */
  error: string
}

/** The request never reached the server (offline, the server away): nothing is known of it. */
export interface Unreached {
  reached: false
  ok: false
  status: 0
  body: null
  error: string
}

export type ApiAnswer<T> = Answered<T> | Unreached

export interface ApiRequest {
  /** Sent as JSON. */
  json?: unknown
  /** Sent as it is (a file), with its own content type in `headers`. */
  raw?: Blob
  headers?: Record<string, string>
}

export interface Api {
  get<T>(path: string): Promise<ApiAnswer<T>>
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, request?: ApiRequest): Promise<ApiAnswer<T>>
}

export interface ApiOptions {
  /** Called on any 401: the session is over (revoked, expired), whichever request found out. */
  onUnauthenticated?: () => void
  fetchImpl?: typeof fetch
}

export function createApi(session: { token: string }, options: ApiOptions = {}): Api {
  const fetchImpl = options.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a))

  async function call<T>(method: string, path: string, request: ApiRequest = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${session.token}`, ...request.headers }
    let body: BodyInit | undefined
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(request.json)
    } else if (request.raw) body = request.raw
    let res: Response
    try {
      res = await fetchImpl(path, { method, headers, ...(body !== undefined ? { body } : {}) })
    } catch {
      return { reached: false, ok: false, status: 0, body: null, error: 'The server could not be reached.' }
    }
    let parsed: unknown = null
    try {
      parsed = await res.json()
    } catch {
      // No JSON (204, a proxy's page): the status says enough.
    }
    if (res.status === 401) options.onUnauthenticated?.()
    const said = (parsed as Partial<ErrorAnswer> | null)?.error
    return { reached: true, ok: res.ok, status: res.status, body: parsed as T | null, error: res.ok ? '' : typeof said === 'string' && said ? said : `refused (${res.status})` }
  }

  return {
    get: (path) => call('GET', path),
    send: (method, path, request) => call(method, path, request),
  }
}
