/**
 * One inbox row after one event: the pure fold behind the local conversation index. Every field
 * a list needs (status, assignee, group, snooze, tags, request, waiting time) comes from here,
 * from the event log, never from documents.
 */
import { attachmentSummary, sanitizeAttachments } from '../../shared/files.ts'
import { ConversationStatus, EventType, MessageKind, type LogEvent } from '../../shared/protocol.ts'
import type { ConversationRow } from './db.ts'

const STATUSES = new Set<string>(Object.values(ConversationStatus))
const KINDS = new Set<string>(Object.values(MessageKind))

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** A row for a conversation first seen through `event`. */
export function emptyRow(id: string, at: number): ConversationRow {
  return {
    id,
    visitorName: '',
    visitorEmail: null,
    channel: 'widget',
    status: 'waiting',
    assigneeId: null,
    groupId: null,
    snoozedUntil: null,
    tags: [],
    ticket: false,
    closedAt: null,
    waitingSince: null,
    lastText: '',
    lastKind: null,
    lastActivityAt: at,
    createdAt: at,
    messageCount: 0,
    unread: 0,
  }
}

/**
 * The inbox row after one event; `row` is undefined for a conversation not seen yet, and the
 * result is undefined when the event does not concern the inbox. `me` is the signed-in agent:
 * their own replies mark the conversation read.
 */
export function indexConversation(row: ConversationRow | undefined, event: LogEvent, me: string): ConversationRow | undefined {
  const id = event.conversationId ?? str(event.data.conversationId)
  if (!id) return undefined
  const d = event.data
  const start = () => {
    const next = { ...(row ?? emptyRow(id, event.at)) }
    next.lastActivityAt = Math.max(next.lastActivityAt, event.at)
    return next
  }
  switch (event.type) {
    case EventType.conversationCreated: {
      const next = start()
      next.visitorName = str(d.visitorName) ?? next.visitorName
      next.visitorEmail = str(d.visitorEmail) ?? next.visitorEmail ?? null
      next.channel = str(d.channel) ?? next.channel
      next.groupId = str(d.groupId) ?? next.groupId ?? null
      const status = str(d.status)
      if (status && STATUSES.has(status)) next.status = status as ConversationStatus
      // A visitor's request (the widget's request form) is a ticket from the start.
      if (d.ticket === true) next.ticket = true
      if (!row) next.createdAt = event.at
      return next
    }
    case EventType.message: {
      const next = start()
      const kind = str(d.kind)
      if (kind === MessageKind.system) {
        // The app's own lines ("Ana took the chat"): activity, but neither a preview nor unread.
        return next
      }
      // A message of files alone is previewed by its files ("📎 photo.png").
      next.lastText = str(d.text) || attachmentSummary(sanitizeAttachments(d.attachments))
      next.lastKind = kind && KINDS.has(kind) ? (kind as MessageKind) : null
      next.lastAuthorId = str(d.authorId)
      next.messageCount += 1
      if (kind === MessageKind.visitor) {
        next.unread += 1
        next.waitingSince ??= event.at
      } else if (kind === MessageKind.agent) {
        next.waitingSince = null
        if (d.authorId === me) next.unread = 0
      }
      if (!next.visitorName && kind === MessageKind.visitor) next.visitorName = str(d.authorName) ?? ''
      return next
    }
    case EventType.statusChanged: {
      const status = str(d.status)
      if (!status || !STATUSES.has(status)) return undefined
      const next = start()
      next.status = status as ConversationStatus
      if (status !== ConversationStatus.snoozed) next.snoozedUntil = null
      if (status !== ConversationStatus.closed) next.closedAt = null
      return next
    }
    case EventType.assigned: {
      const next = start()
      next.assigneeId = str(d.assigneeId)
      // A taken chat is open (the status event says so too, but an agent who lost sight of the
      // conversation in between may not get it).
      if (next.assigneeId && next.status === ConversationStatus.waiting) next.status = ConversationStatus.open
      return next
    }
    case EventType.transferred: {
      const next = start()
      const toAgent = str(d.toAgentId)
      const toGroup = str(d.toGroupId)
      const toSkill = str(d.toSkillId)
      // As the command's rule does (the status event says the same, unless it was not news).
      if (toAgent) {
        next.assigneeId = toAgent
        if (next.status !== ConversationStatus.closed) next.status = ConversationStatus.open
      } else if (toGroup || toSkill) {
        next.assigneeId = null
        if (toGroup) next.groupId = toGroup
        if (next.status !== ConversationStatus.closed) next.status = ConversationStatus.waiting
      }
      next.snoozedUntil = null
      return next
    }
    case EventType.botEscalated: {
      // The bot handed the conversation to the group the visitor's answers chose.
      const next = start()
      next.groupId = str(d.groupId)
      return next
    }
    case EventType.snoozed: {
      const next = start()
      next.status = ConversationStatus.snoozed
      next.snoozedUntil = num(d.until)
      // Snoozing a chat nobody held makes the snoozer its holder (older servers did not say).
      next.assigneeId = str(d.assigneeId) ?? next.assigneeId
      return next
    }
    case EventType.woke: {
      const next = start()
      // The status event that follows says the same; this keeps the row right if it lags.
      if (next.status === ConversationStatus.snoozed) next.status = next.assigneeId ? ConversationStatus.open : ConversationStatus.waiting
      next.snoozedUntil = null
      return next
    }
    case EventType.closed: {
      const next = start()
      next.status = ConversationStatus.closed
      next.snoozedUntil = null
      next.closedAt = event.at
      next.tags = Array.isArray(d.tags) ? d.tags.filter((t): t is string => typeof t === 'string') : (next.tags ?? [])
      if (d.asTicket === true) next.ticket = true
      return next
    }
    case EventType.reopened: {
      const next = start()
      // As the command's rule does: the holder keeps it, or whoever reopened it takes it.
      next.assigneeId ??= str(d.by)
      next.status = next.assigneeId ? ConversationStatus.open : ConversationStatus.waiting
      next.closedAt = null
      return next
    }
    case EventType.visitorBlocked:
    case EventType.visitorUnblocked: {
      const next = start()
      next.visitorBlocked = event.type === EventType.visitorBlocked
      return next
    }
    case EventType.visitorUpdated: {
      // A name or email given after the chat began (pre-chat form, the site's identity).
      const next = start()
      next.visitorName = str(d.visitorName) || next.visitorName
      next.visitorEmail = str(d.visitorEmail) || next.visitorEmail
      return next
    }
    case EventType.visitorOnline:
    case EventType.visitorOffline: {
      if (!row) return undefined
      return { ...row, visitorOnline: event.type === EventType.visitorOnline }
    }
    default:
      // A newer server may log types this build does not know: keep them in the log, skip the index.
      return undefined
  }
}
