/**
 * The admin's view of the workspace's agents: the directory with each agent's status (and email,
 * when the server gives it), and adding an agent. Both need the server; the list itself also
 * shows offline from the agents cache (../../../data/agents.ts).
 */
import { Role, type AgentStatus } from '../../../../shared/protocol.ts'
import type { AgentsAnswer, CreatedAnswer } from '../../../../shared/api.ts'
import type { Api } from '../../../data/api.ts'
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
export async function fetchDirectory(api: Api): Promise<DirectoryAgent[] | null> {
  if (navigator.onLine === false) return null
  const answer = await api.get<AgentsAnswer>('/api/agents')
  const listed = (answer.body as { agents?: unknown } | null)?.agents
  if (!answer.ok || !Array.isArray(listed)) return null
  const out: DirectoryAgent[] = []
  for (const a of listed as Record<string, unknown>[]) {
    if (typeof a?.id !== 'string' || typeof a.name !== 'string' || !isRole(a.role)) continue
    out.push({ id: a.id, name: a.name, role: a.role, email: typeof a.email === 'string' ? a.email : null, status: isStatus(a.status) ? a.status : null })
  }
  return out
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
export async function addAgent(api: Api, agent: NewAgent): Promise<AddResult> {
  if (navigator.onLine === false) return { ok: false, error: 'Adding agents needs a connection.' }
  const answer = await api.send<CreatedAnswer>('POST', '/api/agents', { json: { ...agent, groups: [] } })
  if (!answer.reached) return { ok: false, error: 'The server could not be reached; try again when you are online.' }
  if (answer.status === 201 && typeof answer.body?.id === 'string') return { ok: true, id: answer.body.id }
  if (answer.status === 409) return { ok: false, field: 'email', error: 'An agent with this email already exists.' }
  if (answer.status === 403) return { ok: false, error: 'Only admins add agents.' }
  return { ok: false, error: answer.status === 400 ? capitalize(answer.error) : `Could not add the agent: ${answer.error}.` }
}
