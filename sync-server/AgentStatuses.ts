import { EventType, type AgentStatus } from '../shared/protocol.ts'
import type { AgentRecord, Store } from './store/Store.ts'
import type { WorkspaceSettings } from './WorkspaceSettings.ts'

export interface StatusDeps {
  store: Store
  /** For `workspace.restrictOffline`: no going offline while holding open chats. */
  settings: WorkspaceSettings
  now: () => number
}

/** Sets an agent's own status; refused (409) when they would go offline holding open chats and the workspace forbids it. */
export async function setAgentStatus(deps: StatusDeps, agent: AgentRecord, status: AgentStatus): Promise<{ status: number; body: Record<string, unknown> }> {
  const ws = agent.workspace
  if (status === 'offline' && (await deps.settings.get(ws)).workspace.restrictOffline) {
    const held = await deps.store.listHeldConversations(ws, agent.id)
    if (held.length) {
      const n = held.length
      const reason = `you still hold ${n} open chat${n === 1 ? '' : 's'}; close or transfer ${n === 1 ? 'it' : 'them'} before going offline`
      return { status: 409, body: { error: reason, reason, conversations: held.map((c) => c.id) } }
    }
  }
  if (agent.status !== status) {
    await deps.store.commit({
      workspace: ws,
      agentStatuses: [{ agentId: agent.id, status }],
      events: [{ type: EventType.agentStatus, at: deps.now(), data: { agentId: agent.id, status } }],
    })
  }
  return { status: 200, body: { status } }
}
