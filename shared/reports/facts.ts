/**
 * The reports' facts: one compact record per conversation, folded from the event log (DESIGN
 * §3.2). Reports read these, never the raw log. `foldFact` is pure (one fact, one event); the app
 * applies it incrementally as events arrive, and `factsFromLog` folds a log from scratch: both must
 * give identical facts (a property test holds them to it).
 *
 * Times are the server's (`event.at`), never a client's clock.
 */
import { ConversationStatus, EventType, MessageKind, type LogEvent } from '../protocol.ts'

/** A stretch of time a conversation was open and assigned to one agent; `to` is null while it lasts. */
export interface Stretch {
  agentId: string
  from: number
  to: number | null
}

/** A transfer of the conversation (`conversation.transferred`). */
export interface TransferFact {
  at: number
  /** The agent who held it before (null: it was waiting). */
  fromAgentId: string | null
  /** Who moved it. */
  by: string | null
  toAgentId: string | null
  toGroupId: string | null
}

/** An agent's (non-internal) reply; `waitedMs` is from the oldest visitor message it answered, null when none was waiting. */
export interface ReplyFact {
  at: number
  agentId: string
  waitedMs: number | null
}

/** A visitor's rating of one kind (the last one counts). */
export interface RatingFact {
  score: number
  at: number
}

/** One conversation as the reports see it. */
export interface ConversationFact {
  id: string
  /** The request number: the sequence number of its creation event (null when its creation was not seen). */
  number: number | null
  createdAt: number
  channel: string
  visitorId: string | null
  visitorName: string
  /** The team its routing chose (`conversation.routed`); reports also read the team of `groupId` from the settings. */
  teamId: string | null
  groupId: string | null
  status: ConversationStatus
  assigneeId: string | null
  snoozedUntil: number | null
  /** First `queue.joined`. */
  firstQueuedAt: number | null
  /** Since when it waits in a queue now (null when it does not). */
  queuedSince: number | null
  /** First `conversation.assigned` with an assignee (or transfer to an agent before any). */
  firstAssignedAt: number | null
  firstAssigneeId: string | null
  /** First agent message that is not internal. */
  firstResponseAt: number | null
  firstResponderId: string | null
  /** Last `conversation.closed`, and who closed it. */
  closedAt: number | null
  closedBy: string | null
  closes: number
  reopens: number
  /** Open and assigned stretches, oldest first. */
  stretches: Stretch[]
  transfers: TransferFact[]
  replies: ReplyFact[]
  csat: RatingFact | null
  nps: RatingFact | null
  /** When the survey was sent to the visitor (`survey.sent`); null when it never was. */
  surveyedAt: number | null
  tags: string[]
  ticket: boolean
  /** Server time of the last message of any kind but system lines. */
  lastMessageAt: number | null
  /** Oldest visitor message no agent has answered yet. */
  awaitingSince: number | null
  /** The highest sequence number folded in: replaying an event changes nothing. */
  seq: number
}

const STATUSES = new Set<string>(Object.values(ConversationStatus))
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/** A fact for a conversation first seen at `at`. */
export function emptyFact(id: string, at: number): ConversationFact {
  return {
    id,
    number: null,
    createdAt: at,
    channel: 'widget',
    visitorId: null,
    visitorName: '',
    teamId: null,
    groupId: null,
    status: ConversationStatus.waiting,
    assigneeId: null,
    snoozedUntil: null,
    firstQueuedAt: null,
    queuedSince: null,
    firstAssignedAt: null,
    firstAssigneeId: null,
    firstResponseAt: null,
    firstResponderId: null,
    closedAt: null,
    closedBy: null,
    closes: 0,
    reopens: 0,
    stretches: [],
    transfers: [],
    replies: [],
    csat: null,
    nps: null,
    surveyedAt: null,
    tags: [],
    ticket: false,
    lastMessageAt: null,
    awaitingSince: null,
    seq: 0,
  }
}

/** The event types that change a fact: everything else leaves facts alone. */
export const FACT_EVENTS: ReadonlySet<string> = new Set<string>([
  EventType.conversationCreated,
  EventType.routed,
  EventType.queueJoined,
  EventType.queueLeft,
  EventType.message,
  EventType.statusChanged,
  EventType.assigned,
  EventType.transferred,
  EventType.botEscalated,
  EventType.snoozed,
  EventType.woke,
  EventType.closed,
  EventType.reopened,
  EventType.rated,
  EventType.surveySent,
  EventType.visitorUpdated,
])

/** Closes or opens the handling stretch so that it matches the state at `at`. */
function settleStretch(f: ConversationFact, at: number): void {
  const last = f.stretches[f.stretches.length - 1]
  const current = last && last.to === null ? last : null
  const handling = f.status === ConversationStatus.open && f.assigneeId !== null
  if (current && (!handling || current.agentId !== f.assigneeId)) current.to = Math.max(current.from, at)
  if (handling && (!current || current.agentId !== f.assigneeId)) f.stretches.push({ agentId: f.assigneeId!, from: at, to: null })
}

function assign(f: ConversationFact, agentId: string, at: number): void {
  f.assigneeId = agentId
  if (f.firstAssignedAt === null) {
    f.firstAssignedAt = at
    f.firstAssigneeId = agentId
  }
  f.queuedSince = null
}

/** A deep enough copy that folding into it never touches `f`. */
function copy(f: ConversationFact): ConversationFact {
  return {
    ...f,
    stretches: f.stretches.map((s) => ({ ...s })),
    transfers: f.transfers.slice(),
    replies: f.replies.slice(),
    tags: f.tags.slice(),
  }
}

/**
 * The fact after one event. `fact` is undefined for a conversation not seen yet; the result is
 * undefined when the event does not concern facts (or was folded in already). Pure: `fact` is not
 * modified.
 */
export function foldFact(fact: ConversationFact | undefined, event: LogEvent): ConversationFact | undefined {
  const id = event.conversationId
  if (!id || !FACT_EVENTS.has(event.type)) return undefined
  if (fact && event.seq <= fact.seq) return undefined
  const f = fact ? copy(fact) : emptyFact(id, event.at)
  f.seq = event.seq
  const d = event.data ?? {}
  const at = event.at
  switch (event.type) {
    case EventType.conversationCreated: {
      f.number = event.seq
      f.createdAt = at
      f.channel = str(d.channel) ?? f.channel
      f.visitorId = str(d.visitorId) ?? f.visitorId
      f.visitorName = str(d.visitorName) ?? f.visitorName
      f.groupId = str(d.groupId) ?? f.groupId
      const status = str(d.status)
      if (status && STATUSES.has(status)) f.status = status as ConversationStatus
      if (d.ticket === true) f.ticket = true
      break
    }
    case EventType.routed:
      f.teamId = str(d.teamId) ?? f.teamId
      f.groupId = str(d.groupId) ?? f.groupId
      break
    case EventType.botEscalated:
      f.groupId = str(d.groupId)
      break
    case EventType.queueJoined:
      f.firstQueuedAt ??= at
      f.queuedSince ??= at
      if (d.groupId !== undefined) f.groupId = str(d.groupId)
      break
    case EventType.queueLeft:
      f.queuedSince = null
      break
    case EventType.message: {
      const kind = str(d.kind)
      if (kind === MessageKind.system) break
      if (d.internal === true) break
      f.lastMessageAt = at
      if (kind === MessageKind.visitor) {
        f.awaitingSince ??= at
        f.visitorName ||= str(d.authorName) ?? ''
      } else if (kind === MessageKind.agent) {
        const agentId = str(d.authorId)
        if (agentId) {
          f.replies.push({ at, agentId, waitedMs: f.awaitingSince === null ? null : at - f.awaitingSince })
          if (f.firstResponseAt === null) {
            f.firstResponseAt = at
            f.firstResponderId = agentId
          }
        }
        f.awaitingSince = null
      }
      break
    }
    case EventType.statusChanged: {
      const status = str(d.status)
      if (!status || !STATUSES.has(status)) return undefined
      f.status = status as ConversationStatus
      if (status !== ConversationStatus.snoozed) f.snoozedUntil = null
      if (status !== ConversationStatus.waiting) f.queuedSince = null
      break
    }
    case EventType.assigned: {
      const agentId = str(d.assigneeId)
      if (agentId) {
        assign(f, agentId, at)
        if (f.status === ConversationStatus.waiting) f.status = ConversationStatus.open
      } else {
        f.assigneeId = null
        if (f.status === ConversationStatus.open) f.status = ConversationStatus.waiting
      }
      break
    }
    case EventType.transferred: {
      const toAgentId = str(d.toAgentId)
      const toGroupId = str(d.toGroupId)
      f.transfers.push({ at, fromAgentId: str(d.from), by: str(d.by), toAgentId, toGroupId })
      if (toAgentId) {
        assign(f, toAgentId, at)
        if (f.status !== ConversationStatus.closed) f.status = ConversationStatus.open
      } else if (toGroupId || str(d.toSkillId) || str(d.toTeamId)) {
        f.assigneeId = null
        if (toGroupId) f.groupId = toGroupId
        if (f.status !== ConversationStatus.closed) f.status = ConversationStatus.waiting
      }
      f.snoozedUntil = null
      break
    }
    case EventType.snoozed:
      // Snoozing a chat nobody held makes the snoozer its holder.
      f.assigneeId = str(d.assigneeId) ?? f.assigneeId
      f.status = ConversationStatus.snoozed
      f.snoozedUntil = num(d.until)
      f.queuedSince = null
      break
    case EventType.woke:
      if (f.status === ConversationStatus.snoozed) f.status = f.assigneeId ? ConversationStatus.open : ConversationStatus.waiting
      f.snoozedUntil = null
      break
    case EventType.closed:
      f.status = ConversationStatus.closed
      f.snoozedUntil = null
      f.queuedSince = null
      f.closedAt = at
      f.closedBy = str(d.by)
      f.closes += 1
      f.tags = Array.isArray(d.tags) ? [...new Set(d.tags.filter((t): t is string => typeof t === 'string'))] : f.tags
      if (d.asTicket === true) f.ticket = true
      break
    case EventType.reopened:
      f.assigneeId ??= str(d.by)
      f.status = f.assigneeId ? ConversationStatus.open : ConversationStatus.waiting
      f.reopens += 1
      break
    case EventType.rated: {
      const score = num(d.score)
      if (score === null) return undefined
      if (d.kind === 'csat') f.csat = { score, at }
      else if (d.kind === 'nps') f.nps = { score, at }
      else return undefined
      break
    }
    case EventType.surveySent:
      f.surveyedAt ??= at
      break
    case EventType.visitorUpdated:
      f.visitorName = str(d.visitorName) ?? f.visitorName
      break
  }
  settleStretch(f, at)
  return f
}

/** Folds a whole log (any order: it is sorted by sequence) into facts, from scratch. */
export function factsFromLog(events: readonly LogEvent[]): Map<string, ConversationFact> {
  const facts = new Map<string, ConversationFact>()
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    const next = foldFact(e.conversationId ? facts.get(e.conversationId) : undefined, e)
    if (next) facts.set(next.id, next)
  }
  return facts
}

/** Whether a stored record has the shape of a fact (a corrupted row is rebuilt from the log, never shown). */
export function isFact(v: unknown): v is ConversationFact {
  if (typeof v !== 'object' || v === null) return false
  const f = v as Record<string, unknown>
  return (
    typeof f.id === 'string' &&
    typeof f.createdAt === 'number' &&
    Number.isFinite(f.createdAt) &&
    typeof f.seq === 'number' &&
    typeof f.status === 'string' &&
    STATUSES.has(f.status) &&
    typeof f.channel === 'string' &&
    Array.isArray(f.stretches) &&
    Array.isArray(f.transfers) &&
    Array.isArray(f.replies) &&
    Array.isArray(f.tags) &&
    typeof f.closes === 'number' &&
    typeof f.reopens === 'number'
  )
}
