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
  /**
   * The server instances holding their live connections (`""` for events that name none). With
   * several instances an agent may be connected through two; a state stored before this field
   * existed reads as `[""]` when connected.
   */
  instances?: string[]
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
    case EventType.agentDisconnected: {
      const instances = connectionsAfter(base.instances ?? (base.connected ? [''] : []), event)
      const connected = instances.length > 0
      return { ...base, connected, connectedSince: connected ? (base.connected ? base.connectedSince : event.at) : null, instances, seq: event.seq }
    }
    default:
      return undefined
  }
}

/**
 * The instances holding an agent's live connections after a connection event: `agent.connected`
 * adds the one it names, `agent.disconnected` removes the one it names, or all of them when it
 * names none (a single server's restart or stop, as logged before instances were named).
 */
export function connectionsAfter(instances: readonly string[], event: Pick<LogEvent, 'type' | 'data'>): string[] {
  const instance = typeof event.data?.instance === 'string' ? event.data.instance : null
  if (event.type === EventType.agentConnected) {
    const name = instance ?? ''
    return instances.includes(name) ? [...instances] : [...instances, name]
  }
  if (event.type === EventType.agentDisconnected) return instance === null ? [] : instances.filter((i) => i !== instance)
  return [...instances]
}

/** Whether an event can change an agent's state (to know which rows a frame touches). */
export const isAgentStateEvent = (e: LogEvent): boolean =>
  e.type === EventType.agentStatus || e.type === EventType.agentConnected || e.type === EventType.agentDisconnected
