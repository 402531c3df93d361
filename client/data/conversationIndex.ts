/**
 * One inbox row after one event: the pure fold behind the local conversation index. Every field
 * a list needs (status, assignee, group, snooze, tags, request, waiting time) comes from here,
 * from the event log, never from documents.
 */
import { attachmentSummary, sanitizeAttachments } from '../../shared/files.ts'
import { CONVERSATION_STATE_EVENTS, foldConversationState, StateChange, type ConversationState } from '../../shared/conversationState.ts'
import { ConversationStatus, EventType, MessageKind, type LogEvent } from '../../shared/protocol.ts'
import type { ConversationRow } from './db.ts'

const KINDS = new Set<string>(Object.values(MessageKind))

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

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
  const start = (): ConversationRow & ConversationState => {
    const next = { ...(row ?? emptyRow(id, event.at)) }
    next.lastActivityAt = Math.max(next.lastActivityAt, event.at)
    // Rows stored by older builds may lack these.
    next.groupId ??= null
    next.snoozedUntil ??= null
    return next as ConversationRow & ConversationState
  }
  // Status, holder, group and snooze follow the rule the reports' facts follow too.
  if (CONVERSATION_STATE_EVENTS.has(event.type)) {
    const next = start()
    if (foldConversationState(next, event) === StateChange.none) return undefined
    switch (event.type) {
      case EventType.conversationCreated:
        next.visitorName = str(d.visitorName) ?? next.visitorName
        next.visitorEmail = str(d.visitorEmail) ?? next.visitorEmail ?? null
        next.channel = str(d.channel) ?? next.channel
        // A visitor's request (the widget's request form) is a ticket from the start.
        if (d.ticket === true) next.ticket = true
        if (!row) next.createdAt = event.at
        break
      case EventType.statusChanged:
        if (next.status !== ConversationStatus.closed) next.closedAt = null
        break
      case EventType.closed:
        next.closedAt = event.at
        next.tags = Array.isArray(d.tags) ? d.tags.filter((t): t is string => typeof t === 'string') : (next.tags ?? [])
        if (d.asTicket === true) next.ticket = true
        break
      case EventType.reopened:
        next.closedAt = null
        break
    }
    return next
  }
  switch (event.type) {
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
