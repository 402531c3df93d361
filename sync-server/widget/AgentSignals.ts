import type { Logger } from 'pino'
import { conversationDocName, isChatMessage, messagesOf } from '../../shared/documents.ts'
import type { ToWidget } from '../../shared/protocol.ts'
import type { WidgetConfig } from '../../shared/widgetConfig.ts'
import type { Conversations } from '../Conversations.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'

/** An agent present in a conversation's awareness: viewing it, and typing when `typing`. */
export interface AgentPresence {
  agentId: string
  name: string
  typing: boolean
}

/**
 * Awareness changes arrive on every keystroke of every agent; the visitor needs at most a few a
 * second. Changes within this window are sent as one.
 */
const SIGNAL_DEBOUNCE_MS = 250
/** Memory bound on what was last told per conversation; past it, the next change is simply told again. */
const MAX_REMEMBERED = 50_000

interface Told {
  typing: boolean
  readUpTo: string | null
}

export interface AgentSignalsDeps {
  rooms: RoomManager
  conversations: Conversations
  log: Logger
  widgetConfig: (workspace: string) => Promise<WidgetConfig>
  /** Sends a frame to every open socket of a visitor; false when they have none. */
  send: (workspace: string, visitorId: string, frame: ToWidget) => boolean
}

/**
 * What the visitor sees of the agents: "typing…" while one types in their conversation, and a
 * read receipt when one views it (or answers). Sent only on change, debounced.
 */
export class AgentSignals {
  private pending = new Map<string, { workspace: string; conversationId: string; agents: AgentPresence[]; timer: NodeJS.Timeout }>()
  private told = new Map<string, Told>()
  private closed = false

  constructor(private deps: AgentSignalsDeps) {}

  /** The agents present in a conversation's awareness now. */
  awareness(workspace: string, conversationId: string, agents: AgentPresence[]): void {
    if (this.closed) return
    const key = `${workspace}/${conversationId}`
    const p = this.pending.get(key)
    if (p) {
      p.agents = agents
      return
    }
    const timer = setTimeout(() => {
      const entry = this.pending.get(key)
      this.pending.delete(key)
      if (entry) void this.flush(entry.workspace, entry.conversationId, entry.agents).catch((err) => this.deps.log.warn({ err }, 'agent signal failed'))
    }, SIGNAL_DEBOUNCE_MS)
    timer.unref()
    this.pending.set(key, { workspace, conversationId, agents, timer })
  }

  /** An agent's message was committed: they have read what the visitor wrote before it, and stopped typing. */
  async answered(workspace: string, conversationId: string): Promise<void> {
    const record = await this.deps.conversations.get(workspace, conversationId)
    if (!record) return
    const key = `${workspace}/${conversationId}`
    const told = this.told.get(key) ?? { typing: false, readUpTo: null }
    const upTo = this.lastVisitorMessage(workspace, conversationId)
    if (upTo && upTo !== told.readUpTo) this.deps.send(workspace, record.visitorId, { type: 'read', conversationId, upTo })
    this.remember(key, { typing: told.typing, readUpTo: upTo ?? told.readUpTo })
  }

  /** Forgets a conversation (closed): nothing more to tell about it. */
  forget(workspace: string, conversationId: string): void {
    const key = `${workspace}/${conversationId}`
    clearTimeout(this.pending.get(key)?.timer)
    this.pending.delete(key)
    this.told.delete(key)
  }

  close(): void {
    this.closed = true
    for (const p of this.pending.values()) clearTimeout(p.timer)
    this.pending.clear()
  }

  private async flush(workspace: string, conversationId: string, agents: AgentPresence[]): Promise<void> {
    const record = await this.deps.conversations.get(workspace, conversationId)
    if (!record || record.status === 'closed') return
    const key = `${workspace}/${conversationId}`
    const told = this.told.get(key) ?? { typing: false, readUpTo: null }
    const next: Told = { ...told }
    const typist = agents.find((a) => a.typing)
    if (Boolean(typist) !== told.typing) {
      const config = await this.deps.widgetConfig(workspace)
      const name = config.department.enabled && config.department.name ? config.department.name : (typist?.name ?? '')
      // Nobody to tell (the visitor left): remember nothing, so that they learn it when back and it changes.
      if (!this.deps.send(workspace, record.visitorId, { type: 'typing', conversationId, typing: Boolean(typist), name })) return
      next.typing = Boolean(typist)
    }
    // An agent with the conversation open has seen everything the visitor wrote.
    if (agents.length) {
      const upTo = this.lastVisitorMessage(workspace, conversationId)
      if (upTo && upTo !== told.readUpTo && this.deps.send(workspace, record.visitorId, { type: 'read', conversationId, upTo })) next.readUpTo = upTo
    }
    this.remember(key, next)
  }

  private lastVisitorMessage(workspace: string, conversationId: string): string | null {
    const room = this.deps.rooms.peek(workspace, conversationDocName(conversationId))
    if (!room) return null
    const messages = messagesOf(room.doc)
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages.get(i)
      if (isChatMessage(m) && m.kind === 'visitor') return m.id
    }
    return null
  }

  private remember(key: string, told: Told): void {
    if (this.told.size >= MAX_REMEMBERED && !this.told.has(key)) this.told.clear()
    this.told.set(key, told)
  }
}
