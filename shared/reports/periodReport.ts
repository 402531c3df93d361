/**
 * The period report (issue 10 §1.5, definitions in §2): a pure fold of conversation facts, a
 * period in the workspace's timezone, filters and a clock into figures. The app's reports worker
 * runs it; tests and a server-side export call it the same way.
 *
 * Each figure is counted in the period of the event its definition names (the first assignment
 * for wait, the first reply for first response, the last close for resolution and handling, the
 * transfer, the rating, the survey), so one conversation may count in several periods.
 */
import type { ConversationFact, Stretch } from './facts.ts'
import { dayIndex, dayStarts, isTimezone } from './period.ts'
import type { AgentMetric, AgentReportRow, PeriodReport, ReportContext, ReportConversation, ReportDay, ReportFilters, ReportMetric, ReportQuery } from './reportTypes.ts'
import { AGENT_METRICS, REPORT_METRICS } from './reportTypes.ts'
import { mean, percentileSorted, sortedValues } from './stats.ts'

export type * from './reportTypes.ts'
export { AGENT_METRICS, REPORT_METRICS, ReportPreset } from './reportTypes.ts'

/** Lowest CSAT score that counts as satisfied (on 1–5). */
const SATISFIED_FROM = 4
/** NPS promoters score 9–10, detractors 0–6. */
const PROMOTER_FROM = 9
const DETRACTOR_UPTO = 6

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

const stretchMs = (s: Stretch, now: number): number => Math.max(0, (s.to ?? Math.max(now, s.from)) - s.from)

/** Time spent open and assigned, summed over its stretches (of one agent when `agentId` is given); a running stretch counts up to `now`. */
export function handlingMs(f: ConversationFact, now: number, agentId?: string): number {
  let sum = 0
  for (const s of f.stretches) if (agentId === undefined || s.agentId === agentId) sum += stretchMs(s, now)
  return sum
}

/** Who holds a conversation for the per-agent table: its assignee, else the last agent to handle it. */
export function holderOf(f: ConversationFact): string | null {
  return f.assigneeId ?? f.stretches[f.stretches.length - 1]?.agentId ?? null
}

/** Per-agent accumulators. */
interface AgentAcc {
  handled: string[]
  closed: string[]
  frt: number[]
  frtIds: string[]
  aht: number[]
  ahtIds: string[]
  transfersOut: number
  transfersOutIds: string[]
  csat: number[]
  csatIds: string[]
}

const newAgentAcc = (): AgentAcc => ({ handled: [], closed: [], frt: [], frtIds: [], aht: [], ahtIds: [], transfersOut: 0, transfersOutIds: [], csat: [], csatIds: [] })

/** The report of `query` over `facts` (the README's "Reports" states every definition). */
export function computeReport(facts: Iterable<ConversationFact>, query: ReportQuery, ctx: ReportContext): PeriodReport {
  const timezone = isTimezone(ctx.timezone) ? ctx.timezone : 'UTC'
  const now = ctx.now
  const { days: dayNames, bounds } = dayStarts(query, timezone)
  const start = bounds[0]!
  const end = bounds[bounds.length - 1]!
  const inPeriod = (t: number | null): t is number => t !== null && t >= start && t < end

  const teamCache = new Map<string, string | null>()
  const teamOfGroup = (g: string): string | null => {
    if (!teamCache.has(g)) teamCache.set(g, ctx.teamOfGroup(g))
    return teamCache.get(g)!
  }

  const selected: ConversationFact[] = []
  for (const f of facts) if (matchesFilters(f, query, teamOfGroup)) selected.push(f)
  selected.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

  const drill = Object.fromEntries(REPORT_METRICS.map((m) => [m, [] as string[]])) as Record<ReportMetric, string[]>
  const waits: number[] = []
  const frts: number[] = []
  const resolutions: number[] = []
  const ahts: number[] = []
  const csats: number[] = []
  let satisfied = 0
  let promoters = 0
  let detractors = 0
  let npsCount = 0
  let surveyed = 0
  let transfers = 0
  let transferredHandled = 0
  let handledCount = 0

  const perDay = dayNames.map(() => ({ created: 0, closed: 0, waits: [] as number[] }))
  const agents = new Map<string, AgentAcc>()
  const acc = (id: string): AgentAcc => {
    let a = agents.get(id)
    if (!a) agents.set(id, (a = newAgentAcc()))
    return a
  }
  const counted = new Set<string>()
  const rows: ReportConversation[] = []

  for (const f of selected) {
    const id = f.id
    let counts = false
    const mark = (metric: ReportMetric): void => {
      drill[metric].push(id)
      counts = true
    }

    if (inPeriod(f.createdAt)) {
      mark('created')
      perDay[dayIndex(bounds, f.createdAt)]!.created++
      if (f.firstAssignedAt === null) mark('unanswered')
    }

    const wait = waitMs(f)
    if (wait !== null && inPeriod(f.firstAssignedAt)) {
      waits.push(wait)
      mark('wait_median_ms')
      drill.wait_p90_ms.push(id)
      perDay[dayIndex(bounds, f.firstAssignedAt)]!.waits.push(wait)
    }

    const frt = firstResponseMs(f)
    if (frt !== null && inPeriod(f.firstResponseAt)) {
      frts.push(frt)
      mark('frt_median_ms')
      drill.frt_p90_ms.push(id)
      if (f.firstResponderId) {
        const a = acc(f.firstResponderId)
        a.frt.push(frt)
        a.frtIds.push(id)
      }
    }

    const resolution = resolutionMs(f)
    const closedNow = resolution !== null && inPeriod(f.closedAt)
    if (closedNow) {
      mark('closed')
      resolutions.push(resolution)
      drill.resolution_median_ms.push(id)
      drill.resolution_p90_ms.push(id)
      perDay[dayIndex(bounds, f.closedAt!)]!.closed++
      const holder = holderOf(f)
      if (holder) acc(holder).closed.push(id)
      if (f.stretches.length > 0) {
        ahts.push(handlingMs(f, now))
        drill.aht_avg_ms.push(id)
        for (const agentId of new Set(f.stretches.map((s) => s.agentId))) {
          const a = acc(agentId)
          a.aht.push(handlingMs(f, now, agentId))
          a.ahtIds.push(id)
        }
      }
    }

    // Handled in the period: a handling stretch overlapping it, or the first assignment in it.
    const handledBy = new Set<string>()
    for (const s of f.stretches) {
      const to = s.to ?? Math.max(now, s.from)
      if (s.from < end && (to > start || s.from >= start)) handledBy.add(s.agentId)
    }
    if (f.firstAssigneeId && inPeriod(f.firstAssignedAt)) handledBy.add(f.firstAssigneeId)
    const handled = handledBy.size > 0
    if (handled) {
      handledCount++
      mark('handled')
      for (const agentId of handledBy) acc(agentId).handled.push(id)
    }

    let transfersHere = 0
    for (const t of f.transfers) {
      if (!inPeriod(t.at)) continue
      transfersHere++
      if (t.fromAgentId) {
        const a = acc(t.fromAgentId)
        a.transfersOut++
        if (a.transfersOutIds[a.transfersOutIds.length - 1] !== id) a.transfersOutIds.push(id)
      }
    }
    if (transfersHere > 0) {
      transfers += transfersHere
      mark('transfers')
      if (handled) {
        transferredHandled++
        drill.transfer_rate.push(id)
      }
    }

    if (f.csat && inPeriod(f.csat.at)) {
      csats.push(f.csat.score)
      mark('csat_avg')
      if (f.csat.score >= SATISFIED_FROM) {
        satisfied++
        drill.csat_satisfied_rate.push(id)
      }
      const holder = holderOf(f)
      if (holder) {
        const a = acc(holder)
        a.csat.push(f.csat.score)
        a.csatIds.push(id)
      }
    }

    if (f.nps && inPeriod(f.nps.at)) {
      npsCount++
      mark('nps')
      if (f.nps.score >= PROMOTER_FROM) promoters++
      else if (f.nps.score <= DETRACTOR_UPTO) detractors++
    }

    if (inPeriod(f.surveyedAt)) {
      surveyed++
      counts = true
      if (f.csat || f.nps) drill.survey_response_rate.push(id)
    }

    if (counts && !counted.has(id)) {
      counted.add(id)
      rows.push(conversationRow(f, now, teamOfGroup))
    }
  }

  const waitsSorted = sortedValues(waits)
  const frtsSorted = sortedValues(frts)
  const resolutionsSorted = sortedValues(resolutions)
  const metrics: Record<ReportMetric, number | null> = {
    created: drill.created.length,
    closed: drill.closed.length,
    unanswered: drill.unanswered.length,
    handled: handledCount,
    wait_median_ms: percentileSorted(waitsSorted, 50),
    wait_p90_ms: percentileSorted(waitsSorted, 90),
    frt_median_ms: percentileSorted(frtsSorted, 50),
    frt_p90_ms: percentileSorted(frtsSorted, 90),
    resolution_median_ms: percentileSorted(resolutionsSorted, 50),
    resolution_p90_ms: percentileSorted(resolutionsSorted, 90),
    aht_avg_ms: mean(ahts),
    transfers,
    transfer_rate: handledCount > 0 ? transferredHandled / handledCount : null,
    csat_avg: mean(csats),
    csat_satisfied_rate: csats.length > 0 ? satisfied / csats.length : null,
    nps: npsCount > 0 ? ((promoters - detractors) / npsCount) * 100 : null,
    survey_response_rate: surveyed > 0 ? drill.survey_response_rate.length / surveyed : null,
  }

  const days: ReportDay[] = perDay.map((d, i) => ({
    day: dayNames[i]!,
    start: bounds[i]!,
    created: d.created,
    closed: d.closed,
    waitMedianMs: percentileSorted(sortedValues(d.waits), 50),
  }))

  const agentRows: AgentReportRow[] = []
  for (const [agentId, a] of [...agents].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (query.agent !== null && agentId !== query.agent) continue
    const m: Record<AgentMetric, number | null> = {
      handled: a.handled.length,
      closed: a.closed.length,
      frt_median_ms: percentileSorted(sortedValues(a.frt), 50),
      aht_avg_ms: mean(a.aht),
      transfers_out: a.transfersOut,
      csat_avg: mean(a.csat),
    }
    const d: Record<AgentMetric, string[]> = {
      handled: a.handled,
      closed: a.closed,
      frt_median_ms: a.frtIds,
      aht_avg_ms: a.ahtIds,
      transfers_out: a.transfersOutIds,
      csat_avg: a.csatIds,
    }
    if (AGENT_METRICS.every((k) => d[k].length === 0)) continue
    agentRows.push({ agentId, metrics: m, drill: d })
  }

  return { query, timezone, start, end, now, metrics, drill, agents: agentRows, days, conversations: rows }
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
