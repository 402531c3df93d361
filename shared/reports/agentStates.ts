/**
 * Each agent's status and connection, folded from the workspace's `agent.status`,
 * `agent.connected` and `agent.disconnected` events (server times). The supervisor's live view and
 * agents board read these; like the facts, they are kept incrementally on the device.
 */
import { AgentStatus, EventType, type LogEvent } from '../protocol.ts'

export interface AgentState {
  agentId: string
  /** Null until the log said (the directory's status then stands). */
  status: AgentStatus | null
  statusSince: number | null
  /** Whether the agent has the app open now (a live connection). */
  connected: boolean
  connectedSince: number | null
  /** The highest sequence number folded in. */
  seq: number
}

const STATUSES = new Set<string>(Object.values(AgentStatus))

/** The agent's state after one event; undefined when the event is not about an agent's state (or was folded already). */
export function foldAgentState(state: AgentState | undefined, event: LogEvent): AgentState | undefined {
  const agentId = typeof event.data?.agentId === 'string' ? event.data.agentId : null
  if (!agentId) return undefined
  if (state && event.seq <= state.seq) return undefined
  const base: AgentState = state ?? { agentId, status: null, statusSince: null, connected: false, connectedSince: null, seq: 0 }
  switch (event.type) {
    case EventType.agentStatus: {
      const status = event.data.status
      if (typeof status !== 'string' || !STATUSES.has(status)) return undefined
      if (base.status === status) return { ...base, seq: event.seq }
      return { ...base, status: status as AgentStatus, statusSince: event.at, seq: event.seq }
    }
    case EventType.agentConnected:
      return { ...base, connected: true, connectedSince: base.connected ? base.connectedSince : event.at, seq: event.seq }
    case EventType.agentDisconnected:
      return { ...base, connected: false, connectedSince: null, seq: event.seq }
    default:
      return undefined
  }
}

/** Whether an event can change an agent's state (to know which rows a frame touches). */
export const isAgentStateEvent = (e: LogEvent): boolean =>
  e.type === EventType.agentStatus || e.type === EventType.agentConnected || e.type === EventType.agentDisconnected
