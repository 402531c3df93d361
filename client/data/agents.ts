/**
 * The workspace's agents, for the transfer picker and for names ("Assigned to Ana"). Fetched from
 * `GET /api/agents` when online and kept in the `kv` table, so both work offline.
 */
import { AgentStatus, type Role } from '../../shared/protocol.ts'
import { Kv, type ParleyDb } from './db.ts'
import type { AgentsAnswer } from '../../shared/api.ts'
import type { Api } from './api.ts'

export interface AgentInfo {
  id: string
  name: string
  role: Role
  groups: string[]
  /** The status the server held when the list was fetched (the event log's word is newer). */
  status?: AgentStatus
}

const STATUSES = new Set<string>(Object.values(AgentStatus))

function isAgentInfo(v: unknown): v is AgentInfo {
  if (typeof v !== 'object' || v === null) return false
  const a = v as Record<string, unknown>
  return typeof a.id === 'string' && typeof a.name === 'string' && typeof a.role === 'string' && Array.isArray(a.groups)
}

/** The agents as last fetched (empty before the first fetch). */
export async function readCachedAgents(db: ParleyDb): Promise<AgentInfo[]> {
  const row = await db.kv.get(Kv.agents)
  return Array.isArray(row?.value) ? row.value.filter(isAgentInfo) : []
}

/**
 * Fetches the agents and caches them. Resolves with the fresh list, or null when offline or the
 * server failed (the cached list stays as it was).
 */
export async function refreshAgents(api: Api, db: ParleyDb): Promise<AgentInfo[] | null> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return null
  const answer = await api.get<AgentsAnswer>('/api/agents')
  if (!answer.ok || !answer.body) return null
  try {
    const body = answer.body as { agents?: unknown }
    const agents = Array.isArray(body.agents) ? body.agents.filter(isAgentInfo).map(({ id, name, role, groups, status }) => ({ id, name, role, groups, ...(typeof status === 'string' && STATUSES.has(status) ? { status } : {}) })) : null
    if (!agents) return null
    agents.sort((a, b) => a.name.localeCompare(b.name))
    await db.kv.put({ key: Kv.agents, value: agents })
    return agents
  } catch {
    return null
  }
}
