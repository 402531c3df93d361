/**
 * One conversation's own figures (issue 10 §2), whatever the period: its team, whose it is, its
 * wait, first response, resolution and handling time, and its row in the lists and the CSV.
 * Pure: a fact in, numbers out.
 */
import type { ConversationFact } from './facts.ts'
import type { ReportContext, ReportConversation, ReportFilters } from './reportTypes.ts'

/** The team a conversation belongs to: its group's team in the settings, else the team its routing chose. */
export function teamOf(f: ConversationFact, teamOfGroup: ReportContext['teamOfGroup']): string | null {
  return (f.groupId !== null ? teamOfGroup(f.groupId) : null) ?? f.teamId
}

/** Whether a conversation is the agent's: they had a handling stretch in it, or were its first or current assignee. */
export function isAgentsConversation(f: ConversationFact, agentId: string): boolean {
  return f.assigneeId === agentId || f.firstAssigneeId === agentId || f.stretches.some((s) => s.agentId === agentId)
}

/** Whether a conversation passes the query's filters. */
export function matchesFilters(f: ConversationFact, q: ReportFilters, teamOfGroup: ReportContext['teamOfGroup']): boolean {
  if (q.channel !== null && f.channel !== q.channel) return false
  if (q.group !== null && f.groupId !== q.group) return false
  if (q.team !== null && teamOf(f, teamOfGroup) !== q.team) return false
  if (q.tag !== null && !f.tags.includes(q.tag)) return false
  if (q.agent !== null && !isAgentsConversation(f, q.agent)) return false
  return true
}

/** The wait: first queue join (creation when it joined none before) to first assignment; null when never assigned. */
export function waitMs(f: ConversationFact): number | null {
  if (f.firstAssignedAt === null) return null
  const from = f.firstQueuedAt !== null && f.firstQueuedAt <= f.firstAssignedAt ? f.firstQueuedAt : f.createdAt
  return Math.max(0, f.firstAssignedAt - from)
}

/** Creation to the first agent reply that is not internal (bot and system lines do not count); null when none. */
export function firstResponseMs(f: ConversationFact): number | null {
  return f.firstResponseAt === null ? null : Math.max(0, f.firstResponseAt - f.createdAt)
}

/** Creation to the last close, for a conversation closed now (not reopened since); null otherwise. */
export function resolutionMs(f: ConversationFact): number | null {
  return f.status === 'closed' && f.closedAt !== null ? Math.max(0, f.closedAt - f.createdAt) : null
}

/** Time spent open and assigned, summed over its stretches; a running stretch counts up to `now`. */
export function handlingMs(f: ConversationFact, now: number): number {
  let sum = 0
  for (let i = 0; i < f.stretches.length; i++) {
    const s = f.stretches[i]!
    sum += Math.max(0, (s.to ?? Math.max(now, s.from)) - s.from)
  }
  return sum
}

/** One agent's share of `handlingMs`: the sum of their own stretches. */
export function agentHandlingMs(f: ConversationFact, now: number, agentId: string): number {
  let sum = 0
  for (let i = 0; i < f.stretches.length; i++) {
    const s = f.stretches[i]!
    if (s.agentId === agentId) sum += Math.max(0, (s.to ?? Math.max(now, s.from)) - s.from)
  }
  return sum
}

/** Who holds a conversation for the per-agent table: its assignee, else the last agent to handle it. */
export function holderOf(f: ConversationFact): string | null {
  return f.assigneeId ?? f.stretches[f.stretches.length - 1]?.agentId ?? null
}

/** A conversation's own figures, as its list row and CSV line show them. */
export function conversationRow(f: ConversationFact, now: number, teamOfGroup: ReportContext['teamOfGroup']): ReportConversation {
  const closed = f.status === 'closed' && f.closedAt !== null
  return {
    id: f.id,
    number: f.number,
    createdAt: f.createdAt,
    channel: f.channel,
    visitorName: f.visitorName,
    status: f.status,
    teamId: teamOf(f, teamOfGroup),
    groupId: f.groupId,
    assigneeId: f.assigneeId,
    firstAssignedAt: f.firstAssignedAt,
    firstResponseAt: f.firstResponseAt,
    closedAt: closed ? f.closedAt : null,
    waitMs: waitMs(f),
    firstResponseMs: firstResponseMs(f),
    resolutionMs: resolutionMs(f),
    handlingMs: handlingMs(f, now),
    transfers: f.transfers.length,
    reopened: f.reopens,
    csat: f.csat?.score ?? null,
    nps: f.nps?.score ?? null,
    tags: f.tags.slice(),
  }
}
