/**
 * A conversation's state — status, holder, routing group, snooze — after an event of the log: the
 * one rule the inbox rows (client/data/conversationIndex.ts) and the reports' facts
 * (shared/reports/facts.ts) both follow, so a change of rule (who holds a snoozed chat, what a
 * reopen does) is made once. It mirrors what the commands do (shared/commands.ts), for a device
 * that learns of a change from its event alone.
 */
import { ConversationStatus, EventType, type LogEvent } from './protocol.ts'

export interface ConversationState {
  status: ConversationStatus
  assigneeId: string | null
  groupId: string | null
  /** Epoch ms the snooze ends; null when not snoozed. */
  snoozedUntil: number | null
}

/** What an event did to the state, for the folds' own fields. */
export const StateChange = {
  /** The event is not about the state (or is malformed): nothing was changed. */
  none: 'none',
  /** The state may have changed. */
  changed: 'changed',
  /** An agent was given the conversation (taken, assigned, transferred to them). */
  given: 'given',
} as const
export type StateChange = (typeof StateChange)[keyof typeof StateChange]

/** The events `foldConversationState` folds; any other leaves the state as it was. */
export const CONVERSATION_STATE_EVENTS: ReadonlySet<string> = new Set<string>([
  EventType.conversationCreated,
  EventType.routed,
  EventType.statusChanged,
  EventType.assigned,
  EventType.transferred,
  EventType.botEscalated,
  EventType.snoozed,
  EventType.woke,
  EventType.closed,
  EventType.reopened,
])

const STATUSES = new Set<string>(Object.values(ConversationStatus))
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** Whether `status` is one of the conversation statuses. */
export const isConversationStatus = (status: unknown): status is ConversationStatus => typeof status === 'string' && STATUSES.has(status)

/** Folds one event into `s` (in place); says what it did. */
export function foldConversationState(s: ConversationState, event: LogEvent): StateChange {
  const d = event.data ?? {}
  switch (event.type) {
    case EventType.conversationCreated: {
      s.groupId = str(d.groupId) ?? s.groupId
      if (isConversationStatus(d.status)) s.status = d.status
      return StateChange.changed
    }
    case EventType.routed:
      s.groupId = str(d.groupId) ?? s.groupId
      return StateChange.changed
    case EventType.botEscalated:
      // The bot handed the conversation to the group the visitor's answers chose (null: the workspace-wide queue).
      s.groupId = str(d.groupId)
      return StateChange.changed
    case EventType.statusChanged: {
      if (!isConversationStatus(d.status)) return StateChange.none
      s.status = d.status
      if (d.status !== ConversationStatus.snoozed) s.snoozedUntil = null
      return StateChange.changed
    }
    case EventType.assigned: {
      const agentId = str(d.assigneeId)
      s.assigneeId = agentId
      // A taken chat is open; one given back waits (the status event says so too, but a device
      // that lost sight of the conversation in between may not get it).
      if (agentId && s.status === ConversationStatus.waiting) s.status = ConversationStatus.open
      if (!agentId && s.status === ConversationStatus.open) s.status = ConversationStatus.waiting
      return agentId ? StateChange.given : StateChange.changed
    }
    case EventType.transferred: {
      const toAgent = str(d.toAgentId)
      const toGroup = str(d.toGroupId)
      s.snoozedUntil = null
      if (toAgent) {
        s.assigneeId = toAgent
        if (s.status !== ConversationStatus.closed) s.status = ConversationStatus.open
        return StateChange.given
      }
      if (toGroup || str(d.toSkillId) || str(d.toTeamId)) {
        s.assigneeId = null
        if (toGroup) s.groupId = toGroup
        if (s.status !== ConversationStatus.closed) s.status = ConversationStatus.waiting
      }
      return StateChange.changed
    }
    case EventType.snoozed:
      // Snoozing a chat nobody held makes the snoozer its holder (older servers did not say).
      s.assigneeId = str(d.assigneeId) ?? s.assigneeId
      s.status = ConversationStatus.snoozed
      s.snoozedUntil = num(d.until)
      return StateChange.changed
    case EventType.woke:
      // The status event that follows says the same; this keeps the state right if it lags.
      if (s.status === ConversationStatus.snoozed) s.status = s.assigneeId ? ConversationStatus.open : ConversationStatus.waiting
      s.snoozedUntil = null
      return StateChange.changed
    case EventType.closed:
      s.status = ConversationStatus.closed
      s.snoozedUntil = null
      return StateChange.changed
    case EventType.reopened:
      // As the command's rule does: the holder keeps it, or whoever reopened it takes it.
      s.assigneeId ??= str(d.by)
      s.status = s.assigneeId ? ConversationStatus.open : ConversationStatus.waiting
      return StateChange.changed
    default:
      return StateChange.none
  }
}
