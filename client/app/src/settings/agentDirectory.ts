/**
 * The admin's view of the workspace's agents: the directory with each agent's status (and email,
 * when the server gives it), and adding an agent. Both need the server; the list itself also
 * shows offline from the agents cache (../../../data/agents.ts).
 */
import { Role, type AgentStatus } from '../../../../shared/protocol.ts'
import type { Session } from '../../../data/session.ts'
import { capitalize } from '../format.ts'

export interface DirectoryAgent {
  id: string
  name: string
  role: Role
  email: string | null
  status: AgentStatus | null
}

export const ROLES: readonly Role[] = [Role.agent, Role.supervisor, Role.admin]
const isRole = (v: unknown): v is Role => ROLES.includes(v as Role)
const isStatus = (v: unknown): v is AgentStatus => v === 'online' || v === 'away' || v === 'offline'

/** The agents as the server has them now; null when offline or refused. */
export async function fetchDirectory(session: Session): Promise<DirectoryAgent[] | null> {
  if (navigator.onLine === false) return null
  try {
    const res = await fetch('/api/agents', { headers: { authorization: `Bearer ${session.token}` } })
    if (!res.ok) return null
    const body = (await res.json()) as { agents?: unknown }
    if (!Array.isArray(body.agents)) return null
    const out: DirectoryAgent[] = []
    for (const a of body.agents as Record<string, unknown>[]) {
      if (typeof a?.id !== 'string' || typeof a.name !== 'string' || !isRole(a.role)) continue
      out.push({ id: a.id, name: a.name, role: a.role, email: typeof a.email === 'string' ? a.email : null, status: isStatus(a.status) ? a.status : null })
    }
    return out
  } catch {
    return null
  }
}

export interface NewAgent {
  name: string
  email: string
  password: string
  role: Role
}

/** What adding an agent came to: their id, or the sentence to show beside the form. */
export type AddResult = { ok: true; id: string } | { ok: false; error: string; field?: 'email' }

/** Creates an agent account (admins only); never throws. */
export async function addAgent(session: Session, agent: NewAgent): Promise<AddResult> {
  if (navigator.onLine === false) return { ok: false, error: 'Adding agents needs a connection.' }
  let res: Response
  try {
    res = await fetch('/api/agents', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
      body: JSON.stringify({ ...agent, groups: [] }),
    })
  } catch {
    return { ok: false, error: 'The server could not be reached; try again when you are online.' }
  }
  const body = (await res.json().catch(() => ({}))) as { id?: unknown; error?: unknown }
  if (res.status === 201 && typeof body.id === 'string') return { ok: true, id: body.id }
  if (res.status === 409) return { ok: false, field: 'email', error: 'An agent with this email already exists.' }
  if (res.status === 403) return { ok: false, error: 'Only admins add agents.' }
  const detail = typeof body.error === 'string' ? body.error : `the server answered ${res.status}`
  return { ok: false, error: res.status === 400 ? capitalize(detail) : `Could not add the agent: ${detail}.` }
}
