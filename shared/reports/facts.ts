/**
 * The reports' facts: one compact record per conversation, folded from the event log (DESIGN
 * §3.2). Reports read these, never the raw log. `foldFact` is pure (one fact, one event); the app
 * applies it incrementally as events arrive, and `factsFromLog` folds a log from scratch: both must
 * give identical facts (a property test holds them to it).
 *
 * Times are the server's (`event.at`), never a client's clock.
 */
import { CONVERSATION_STATE_EVENTS, foldConversationState, isConversationStatus, StateChange } from '../conversationState.ts'
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
  ...CONVERSATION_STATE_EVENTS,
  EventType.queueJoined,
  EventType.queueLeft,
  EventType.message,
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

/** The fact's own fields after an event whose state change (shared/conversationState.ts) is `change`; false: nothing to fold. */
function foldOwnFields(f: ConversationFact, event: LogEvent, change: StateChange): boolean {
  const d = event.data ?? {}
  const at = event.at
  if (change === StateChange.given) {
    if (f.firstAssignedAt === null) {
      f.firstAssignedAt = at
      f.firstAssigneeId = f.assigneeId
    }
    f.queuedSince = null
  }
  switch (event.type) {
    case EventType.conversationCreated:
      f.number = event.seq
      f.createdAt = at
      f.channel = str(d.channel) ?? f.channel
      f.visitorId = str(d.visitorId) ?? f.visitorId
      f.visitorName = str(d.visitorName) ?? f.visitorName
      if (d.ticket === true) f.ticket = true
      return true
    case EventType.routed:
      f.teamId = str(d.teamId) ?? f.teamId
      return true
    case EventType.queueJoined:
      f.firstQueuedAt ??= at
      f.queuedSince ??= at
      if (d.groupId !== undefined) f.groupId = str(d.groupId)
      return true
    case EventType.queueLeft:
      f.queuedSince = null
      return true
    case EventType.message: {
      const kind = str(d.kind)
      if (kind === MessageKind.system || d.internal === true) return true
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
      return true
    }
    case EventType.statusChanged:
      if (change === StateChange.none) return false
      if (f.status !== ConversationStatus.waiting) f.queuedSince = null
      return true
    case EventType.transferred:
      f.transfers.push({ at, fromAgentId: str(d.from), by: str(d.by), toAgentId: str(d.toAgentId), toGroupId: str(d.toGroupId) })
      return true
    case EventType.snoozed:
      f.queuedSince = null
      return true
    case EventType.closed:
      f.queuedSince = null
      f.closedAt = at
      f.closedBy = str(d.by)
      f.closes += 1
      f.tags = Array.isArray(d.tags) ? [...new Set(d.tags.filter((t): t is string => typeof t === 'string'))] : f.tags
      if (d.asTicket === true) f.ticket = true
      return true
    case EventType.reopened:
      f.reopens += 1
      return true
    case EventType.rated: {
      const score = num(d.score)
      if (score === null) return false
      if (d.kind === 'csat') f.csat = { score, at }
      else if (d.kind === 'nps') f.nps = { score, at }
      else return false
      return true
    }
    case EventType.surveySent:
      f.surveyedAt ??= at
      return true
    case EventType.visitorUpdated:
      f.visitorName = str(d.visitorName) ?? f.visitorName
      return true
    default:
      return change !== StateChange.none
  }
}

/**
 * Folds one event into `f` in place (a fact the caller owns: a row just read, or one being built);
 * false, and `f` untouched, when the event does not concern it or was folded in already. Batch
 * folds use this: copying a conversation's replies for each of its events made a long frame quadratic.
 */
export function foldFactInto(f: ConversationFact, event: LogEvent): boolean {
  if (event.conversationId !== f.id || !FACT_EVENTS.has(event.type) || event.seq <= f.seq) return false
  // A malformed status or rating changes nothing: checked before anything is written.
  if (event.type === EventType.statusChanged && !isConversationStatus(event.data?.status)) return false
  if (event.type === EventType.rated && (num(event.data?.score) === null || (event.data.kind !== 'csat' && event.data.kind !== 'nps'))) return false
  const change = foldConversationState(f, event)
  if (!foldOwnFields(f, event, change)) return false
  f.seq = event.seq
  settleStretch(f, event.at)
  return true
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
  return foldFactInto(f, event) ? f : undefined
}

/**
 * Folds one event into the facts of `facts` (owned by the caller), adding a conversation first
 * seen; resolves with the fact it changed, if any.
 */
export function foldIntoFacts(facts: Map<string, ConversationFact>, event: LogEvent): ConversationFact | undefined {
  const id = event.conversationId
  if (!id || !FACT_EVENTS.has(event.type)) return undefined
  const known = facts.get(id)
  const f = known ?? emptyFact(id, event.at)
  if (!foldFactInto(f, event)) return undefined
  if (!known) facts.set(id, f)
  return f
}

/** Folds a whole log (any order: it is sorted by sequence) into facts, from scratch. */
export function factsFromLog(events: readonly LogEvent[]): Map<string, ConversationFact> {
  const facts = new Map<string, ConversationFact>()
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) foldIntoFacts(facts, e)
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
    isConversationStatus(f.status) &&
    typeof f.channel === 'string' &&
    Array.isArray(f.stretches) &&
    Array.isArray(f.transfers) &&
    Array.isArray(f.replies) &&
    Array.isArray(f.tags) &&
    typeof f.closes === 'number' &&
    typeof f.reopens === 'number'
  )
}
