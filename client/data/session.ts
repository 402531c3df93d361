/**
 * The signed-in session: the bearer token and the agent it belongs to, kept in localStorage so
 * that the app opens signed in (and offline) after a reload. One session per browser profile,
 * shared by its tabs: a sign-out in one tab signs the others out too.
 */
import { createSignal, type Accessor } from 'solid-js'
import type { LoginResponse, PublicAgent } from '../../shared/protocol.ts'

export interface Session {
  token: string
  agent: PublicAgent
}

const STORAGE_KEY = 'parley.session'

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    // Storage access throws when the browser blocks it (e.g. some private modes).
    return null
  }
}

function isSession(v: unknown): v is Session {
  if (typeof v !== 'object' || v === null) return false
  const s = v as Record<string, unknown>
  const a = s.agent as Record<string, unknown> | undefined
  return (
    typeof s.token === 'string' &&
    typeof a === 'object' &&
    a !== null &&
    typeof a.id === 'string' &&
    typeof a.name === 'string' &&
    typeof a.workspace === 'string'
  )
}

/** Reads the stored session; null when there is none or it is unreadable. */
export function readStoredSession(): Session | null {
  const raw = storage()?.getItem(STORAGE_KEY)
  if (!raw) return null
  try {
    const parsed: unknown = JSON.parse(raw)
    return isSession(parsed) ? parsed : null
  } catch {
    return null
  }
}

/** Why a sign-in failed, worded for the person signing in. */
export class SignInError extends Error {
  constructor(
    message: string,
    readonly reason: 'offline' | 'credentials' | 'server',
  ) {
    super(message)
    this.name = 'SignInError'
  }
}

export interface SessionStore {
  session: Accessor<Session | null>
  /** Signs in against the server; throws a SignInError with a human message. */
  signIn(email: string, password: string): Promise<Session>
  /** Forgets the session on this device (the local database stays for the next sign-in). */
  signOut(): void
}

/**
 * The session store. One per app; the data layer calls `signOut` when the server says the
 * token is no longer valid (close code 4401).
 */
export function createSessionStore(fetchImpl: typeof fetch = (...a) => fetch(...a)): SessionStore {
  const [session, setSession] = createSignal<Session | null>(readStoredSession(), {
    equals: (a, b) => a?.token === b?.token,
  })

  // Another tab signed in or out.
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (e) => {
      if (e.key === STORAGE_KEY || e.key === null) setSession(readStoredSession())
    })
  }

  async function signIn(email: string, password: string): Promise<Session> {
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      throw new SignInError('You are offline', 'offline')
    }
    let res: Response
    try {
      res = await fetchImpl('/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      })
    } catch {
      throw new SignInError('You are offline', 'offline')
    }
    let body: unknown = null
    try {
      body = await res.json()
    } catch {
      /* a body that is not JSON is reported by status below */
    }
    if (res.status === 401) throw new SignInError('Wrong email or password', 'credentials')
    if (!res.ok) {
      const msg = typeof (body as { error?: unknown } | null)?.error === 'string' ? (body as { error: string }).error : null
      // The server's validation text names fields ("email: Invalid email"); say it plainly instead.
      if (res.status === 400) throw new SignInError('Enter a valid email and password', 'credentials')
      if (res.status === 429) throw new SignInError('Too many attempts, try again in a minute', 'server')
      throw new SignInError(msg ?? `Sign-in failed (${res.status})`, 'server')
    }
    const login = body as LoginResponse
    const next: Session = { token: login.token, agent: login.agent }
    if (!isSession(next)) throw new SignInError('The server sent an unexpected answer', 'server')
    storage()?.setItem(STORAGE_KEY, JSON.stringify(next))
    setSession(next)
    return next
  }

  function signOut() {
    const token = session()?.token
    storage()?.removeItem(STORAGE_KEY)
    setSession(null)
    // Revoke the token on the server when we can; offline, forgetting it locally is what matters.
    if (token) {
      void fetchImpl('/api/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` } }).catch(() => {})
    }
  }

  return { session, signIn, signOut }
}
