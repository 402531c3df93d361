/**
 * The commands of one conversation as Solid state: what waits in the outbox, what the server
 * refused, and `issue`, which checks the input against the shared rules and queues the command
 * (offline too).
 */
import { createMemo, type Accessor } from 'solid-js'
import type { CommandInput } from '../../../shared/commands.ts'
import { dismissCommand, enqueueCommand, precheck } from '../../data/commands.ts'
import type { CommandRow, ConversationRow } from '../../data/db.ts'
import { createLiveQuery } from './liveQuery.ts'
import { useWorkspace } from './workspace.tsx'

export interface ConversationCommands {
  pending: Accessor<CommandRow[]>
  rejected: Accessor<CommandRow[]>
  /** Whether a command of this name waits in the outbox. */
  isPending(command: CommandInput['command']): boolean
  /** Queues a command; resolves with the reason it cannot go (bad input), or null once queued. */
  issue(input: CommandInput): Promise<string | null>
  dismiss(key: string): Promise<void>
}

/** Must run inside a component of the workspace. */
export function createConversationCommands(conversationId: string, row: Accessor<ConversationRow | undefined>): ConversationCommands {
  const ws = useWorkspace()
  const rows = createLiveQuery(() => ws.db.commands.where('conversationId').equals(conversationId).sortBy('createdAt'))
  const pending = createMemo(() => (rows() ?? []).filter((r) => r.state === 'pending'))
  const rejected = createMemo(() => (rows() ?? []).filter((r) => r.state === 'rejected'))
  const agent = ws.session.agent
  return {
    pending,
    rejected,
    isPending: (command) => pending().some((r) => r.command === command),
    async issue(input) {
      const problem = precheck(input, row(), { id: agent.id, role: agent.role, groups: agent.groups, unassignedQueue: true, name: agent.name }, Date.now())
      if (problem) return problem
      try {
        await enqueueCommand(ws.db, conversationId, input)
      } catch (err) {
        // Storage refused (full, or blocked): say so rather than lose the action silently.
        console.error('[commands] could not keep the command on this device', err)
        return 'it could not be saved on this device (is its storage full?)'
      }
      return null
    },
    dismiss: (key) => dismissCommand(ws.db, key),
  }
}
