/**
 * The period report (issue 10 §1.5, definitions in §2): a pure fold of conversation facts, a
 * period in the workspace's timezone, filters and a clock into figures. The app's reports worker
 * runs it; tests and a server-side export call it the same way.
 *
 * Each figure is counted in the period of the event its definition names (the first assignment
 * for wait, the first reply for first response, the last close for resolution and handling, the
 * transfer, the rating, the survey), so one conversation may count in several periods.
 */
import type { ConversationFact } from './facts.ts'
import { agentHandlingMs, conversationRow, firstResponseMs, handlingMs, holderOf, matchesFilters, resolutionMs, waitMs } from './conversationFigures.ts'
import { dayIndex, dayStarts } from './period.ts'
import { canonicalTimezone } from '../timezone.ts'
import type { AgentMetric, AgentReportRow, PeriodReport, ReportContext, ReportDay, ReportList, ReportMetric, ReportQuery } from './reportTypes.ts'
import { AGENT_METRICS, REPORT_METRICS } from './reportTypes.ts'
import { mean, median, percentiles } from './stats.ts'

export type * from './reportTypes.ts'
export { AGENT_METRICS, REPORT_METRICS, ReportPreset } from './reportTypes.ts'
export * from './conversationFigures.ts'

/** Lowest CSAT score that counts as satisfied (on 1–5). */
const SATISFIED_FROM = 4
/** NPS promoters score 9–10, detractors 0–6. */
const PROMOTER_FROM = 9
const DETRACTOR_UPTO = 6

/** Per-agent accumulators: positions in the creation-ordered facts. */
interface AgentAcc {
  handled: number[]
  closed: number[]
  frt: number[]
  frtIds: number[]
  aht: number[]
  ahtIds: number[]
  transfersOut: number
  transfersOutIds: number[]
  csat: number[]
  csatIds: number[]
}

const newAgentAcc = (): AgentAcc => ({ handled: [], closed: [], frt: [], frtIds: [], aht: [], ahtIds: [], transfersOut: 0, transfersOutIds: [], csat: [], csatIds: [] })

const agentLists = (a: AgentAcc): Record<AgentMetric, number[]> => ({
  handled: a.handled,
  closed: a.closed,
  frt_median_ms: a.frtIds,
  aht_avg_ms: a.ahtIds,
  transfers_out: a.transfersOutIds,
  csat_avg: a.csatIds,
})

/** Positions in a sort key: seconds since the epoch fit 31 bits, leaving 21 for the position (2,097,152 facts). */
const POSITION_BITS = 2 ** 21

const byTimeThenId = (a: ConversationFact, b: ConversationFact): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * Where each fact stands by creation (then id): `order[r]` is the index of the r-th oldest,
 * `rank[i]` the place of fact `i`. Numbers sort in a typed array several times faster than
 * objects with a comparator; and the report then walks the facts in their own order (memory
 * order), ranking only the lists it sends.
 */
export function creationOrder(list: readonly ConversationFact[]): { order: Int32Array; rank: Int32Array } {
  const n = list.length
  const order = new Int32Array(n)
  if (n >= POSITION_BITS || list.some((f) => !(f.createdAt >= 0))) {
    const idx = Array.from({ length: n }, (_, i) => i).sort((x, y) => byTimeThenId(list[x]!, list[y]!) || x - y)
    order.set(idx)
  } else {
    const keys = new Float64Array(n)
    for (let i = 0; i < n; i++) keys[i] = Math.floor(list[i]!.createdAt / 1000) * POSITION_BITS + i
    keys.sort()
    for (let r = 0; r < n; r++) order[r] = keys[r]! % POSITION_BITS
    // Within one second, order exactly (such runs are rare and short): insertion sort by time, then id.
    for (let r = 1; r < n; r++) {
      const second = Math.floor(keys[r]! / POSITION_BITS)
      if (Math.floor(keys[r - 1]! / POSITION_BITS) !== second) continue
      const x = order[r]!
      let j = r - 1
      while (j >= 0 && Math.floor(keys[j]! / POSITION_BITS) === second && byTimeThenId(list[order[j]!]!, list[x]!) > 0) {
        order[j + 1] = order[j]!
        j--
      }
      order[j + 1] = x
    }
  }
  const rank = new Int32Array(n)
  for (let r = 0; r < n; r++) rank[order[r]!] = r
  return { order, rank }
}

/** The report of `query` over `facts` (the README's "Reports" states every definition). */
export function computeReport(facts: Iterable<ConversationFact>, query: ReportQuery, ctx: ReportContext): PeriodReport {
  const timezone = canonicalTimezone(ctx.timezone) ?? 'UTC'
  const now = ctx.now
  const { days: dayNames, bounds } = dayStarts(query, timezone)
  const start = bounds[0]!
  const end = bounds[bounds.length - 1]!
  const inPeriod = (t: number | null): t is number => t !== null && t >= start && t < end

  const teamCache = new Map<string, string | null>()
  const teamOfGroup = (g: string): string | null => {
    let t = teamCache.get(g)
    if (t === undefined) teamCache.set(g, (t = ctx.teamOfGroup(g)))
    return t
  }

  const kept: ConversationFact[] = []
  for (const f of facts) if (matchesFilters(f, query, teamOfGroup)) kept.push(f)
  const { order, rank } = creationOrder(kept)

  // Every list holds creation ranks; the lists sent are sorted by them, so they come out oldest first.
  const lists = Object.fromEntries(REPORT_METRICS.map((m) => [m, [] as number[]])) as Record<ReportMetric, number[]>
  const waits: number[] = []
  const frts: number[] = []
  const resolutions: number[] = []
  const ahts: number[] = []
  const csats: number[] = []
  let satisfied = 0
  let promoters = 0
  let detractors = 0
  let surveyed = 0
  let transfers = 0

  const perDay = dayNames.map(() => ({ created: 0, closed: 0, waits: [] as number[] }))
  const agents = new Map<string, AgentAcc>()
  const acc = (id: string): AgentAcc => {
    let a = agents.get(id)
    if (!a) agents.set(id, (a = newAgentAcc()))
    return a
  }
  /** Positions of the conversations that count anywhere (the CSV's rows). */
  const counted: number[] = []

  for (let k = 0; k < kept.length; k++) {
    const f = kept[k]!
    const i = rank[k]!
    let counts = false

    if (inPeriod(f.createdAt)) {
      counts = true
      lists.created.push(i)
      perDay[dayIndex(bounds, f.createdAt)]!.created++
      if (f.firstAssignedAt === null) lists.unanswered.push(i)
    }

    const wait = waitMs(f)
    if (wait !== null && inPeriod(f.firstAssignedAt)) {
      counts = true
      waits.push(wait)
      lists.wait_median_ms.push(i)
      perDay[dayIndex(bounds, f.firstAssignedAt)]!.waits.push(wait)
    }

    const frt = firstResponseMs(f)
    if (frt !== null && inPeriod(f.firstResponseAt)) {
      counts = true
      frts.push(frt)
      lists.frt_median_ms.push(i)
      if (f.firstResponderId) {
        const a = acc(f.firstResponderId)
        a.frt.push(frt)
        a.frtIds.push(i)
      }
    }

    const resolution = resolutionMs(f)
    if (resolution !== null && inPeriod(f.closedAt)) {
      counts = true
      lists.closed.push(i)
      resolutions.push(resolution)
      perDay[dayIndex(bounds, f.closedAt!)]!.closed++
      const holder = holderOf(f)
      if (holder) acc(holder).closed.push(i)
      const stretches = f.stretches
      if (stretches.length > 0) {
        const total = handlingMs(f, now)
        ahts.push(total)
        lists.aht_avg_ms.push(i)
        if (stretches.length === 1) {
          const a = acc(stretches[0]!.agentId)
          a.aht.push(total)
          a.ahtIds.push(i)
        } else {
          const seen: string[] = []
          for (const s of stretches) {
            if (seen.includes(s.agentId)) continue
            seen.push(s.agentId)
            const a = acc(s.agentId)
            a.aht.push(agentHandlingMs(f, now, s.agentId))
            a.ahtIds.push(i)
          }
        }
      }
    }

    // Handled in the period: a handling stretch overlapping it, or the first assignment in it.
    let handledBy: string[] | null = null
    for (let k = 0; k < f.stretches.length; k++) {
      const s = f.stretches[k]!
      const to = s.to ?? Math.max(now, s.from)
      if (s.from < end && (to > start || s.from >= start)) {
        if (handledBy === null) handledBy = [s.agentId]
        else if (!handledBy.includes(s.agentId)) handledBy.push(s.agentId)
      }
    }
    if (f.firstAssigneeId && inPeriod(f.firstAssignedAt)) {
      if (handledBy === null) handledBy = [f.firstAssigneeId]
      else if (!handledBy.includes(f.firstAssigneeId)) handledBy.push(f.firstAssigneeId)
    }
    const handled = handledBy !== null
    if (handledBy !== null) {
      counts = true
      lists.handled.push(i)
      for (const agentId of handledBy) acc(agentId).handled.push(i)
    }

    let transfersHere = 0
    for (const t of f.transfers) {
      if (!inPeriod(t.at)) continue
      transfersHere++
      if (t.fromAgentId) {
        const a = acc(t.fromAgentId)
        a.transfersOut++
        if (a.transfersOutIds[a.transfersOutIds.length - 1] !== i) a.transfersOutIds.push(i)
      }
    }
    if (transfersHere > 0) {
      counts = true
      transfers += transfersHere
      lists.transfers.push(i)
      if (handled) lists.transfer_rate.push(i)
    }

    if (f.csat && inPeriod(f.csat.at)) {
      counts = true
      csats.push(f.csat.score)
      lists.csat_avg.push(i)
      if (f.csat.score >= SATISFIED_FROM) {
        satisfied++
        lists.csat_satisfied_rate.push(i)
      }
      const holder = holderOf(f)
      if (holder) {
        const a = acc(holder)
        a.csat.push(f.csat.score)
        a.csatIds.push(i)
      }
    }

    if (f.nps && inPeriod(f.nps.at)) {
      counts = true
      lists.nps.push(i)
      if (f.nps.score >= PROMOTER_FROM) promoters++
      else if (f.nps.score <= DETRACTOR_UPTO) detractors++
    }

    if (inPeriod(f.surveyedAt)) {
      counts = true
      surveyed++
      if (f.csat || f.nps) lists.survey_response_rate.push(i)
    }

    if (counts) counted.push(i)
  }
  // The percentiles stand on the same conversations as their medians.
  lists.wait_p90_ms = lists.wait_median_ms
  lists.frt_p90_ms = lists.frt_median_ms
  lists.resolution_median_ms = lists.closed
  lists.resolution_p90_ms = lists.closed

  const [waitMedian, waitP90] = percentiles(waits, [50, 90])
  const [frtMedian, frtP90] = percentiles(frts, [50, 90])
  const [resolutionMedian, resolutionP90] = percentiles(resolutions, [50, 90])
  const handledCount = lists.handled.length
  const npsCount = lists.nps.length
  const metrics: Record<ReportMetric, number | null> = {
    created: lists.created.length,
    closed: lists.closed.length,
    unanswered: lists.unanswered.length,
    handled: handledCount,
    wait_median_ms: waitMedian ?? null,
    wait_p90_ms: waitP90 ?? null,
    frt_median_ms: frtMedian ?? null,
    frt_p90_ms: frtP90 ?? null,
    resolution_median_ms: resolutionMedian ?? null,
    resolution_p90_ms: resolutionP90 ?? null,
    aht_avg_ms: mean(ahts),
    transfers,
    transfer_rate: handledCount > 0 ? lists.transfer_rate.length / handledCount : null,
    csat_avg: mean(csats),
    csat_satisfied_rate: csats.length > 0 ? satisfied / csats.length : null,
    nps: npsCount > 0 ? ((promoters - detractors) / npsCount) * 100 : null,
    survey_response_rate: surveyed > 0 ? lists.survey_response_rate.length / surveyed : null,
  }
  const counts = Object.fromEntries(REPORT_METRICS.map((m) => [m, lists[m].length])) as Record<ReportMetric, number>

  const days: ReportDay[] = perDay.map((d, i) => ({
    day: dayNames[i]!,
    start: bounds[i]!,
    created: d.created,
    closed: d.closed,
    waitMedianMs: median(d.waits),
  }))

  const everything = query.everything === true
  /** The facts of a list, oldest first. */
  const factsOf = (ranks: number[], limit = ranks.length): ConversationFact[] => {
    const sortedRanks = new Int32Array(ranks).sort()
    const out: ConversationFact[] = []
    for (let r = 0; r < Math.min(limit, sortedRanks.length); r++) out.push(kept[order[sortedRanks[r]!]!]!)
    return out
  }
  const ids = (ranks: number[]) => factsOf(ranks).map((f) => f.id)
  const agentRows: AgentReportRow[] = []
  for (const [agentId, a] of [...agents].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    if (query.agent !== null && agentId !== query.agent) continue
    const l = agentLists(a)
    if (AGENT_METRICS.every((k) => l[k].length === 0)) continue
    const row: AgentReportRow = {
      agentId,
      metrics: {
        handled: a.handled.length,
        closed: a.closed.length,
        frt_median_ms: median(a.frt),
        aht_avg_ms: mean(a.aht),
        transfers_out: a.transfersOut,
        csat_avg: mean(a.csat),
      },
      counts: Object.fromEntries(AGENT_METRICS.map((k) => [k, l[k].length])) as Record<AgentMetric, number>,
    }
    if (everything) row.drill = Object.fromEntries(AGENT_METRICS.map((k) => [k, ids(l[k])])) as Record<AgentMetric, string[]>
    agentRows.push(row)
  }

  let list: ReportList | null = null
  const want = query.list
  if (want) {
    let positions: number[] = []
    if (want.agentId === null) {
      if ((REPORT_METRICS as readonly string[]).includes(want.metric)) positions = lists[want.metric as ReportMetric]
    } else {
      const a = agents.get(want.agentId)
      if (a && (AGENT_METRICS as readonly string[]).includes(want.metric)) positions = agentLists(a)[want.metric as AgentMetric]
    }
    const limit = Math.max(0, Math.floor(want.limit))
    list = { metric: want.metric, agentId: want.agentId, total: positions.length, rows: factsOf(positions, limit).map((f) => conversationRow(f, now, teamOfGroup)) }
  }

  const report: PeriodReport = {
    query,
    timezone,
    start,
    end,
    now,
    metrics,
    counts,
    agents: agentRows,
    days,
    list,
    conversations: everything ? factsOf(counted).map((f) => conversationRow(f, now, teamOfGroup)) : [],
  }
  if (everything) report.drill = Object.fromEntries(REPORT_METRICS.map((m) => [m, ids(lists[m])])) as Record<ReportMetric, string[]>
  return report
}
