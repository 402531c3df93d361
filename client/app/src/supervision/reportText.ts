/**
 * How the Reports view words its numbers: labels, what each drill-down list holds, and each
 * figure as a person reads it ("4 min 12 s", "87%", "+20"). The raw numbers stay in `data-value` (MetricCell.tsx).
 */
import type { AgentMetric, ReportMetric } from '../../../../shared/reports/periodReport.ts'
import { formatDuration } from '../format.ts'

export interface MetricText {
  label: string
  /** What the conversations behind the number are (the drill-down's heading). */
  behind: string
}

export const METRIC_TEXT: Record<ReportMetric, MetricText> = {
  created: { label: 'Created', behind: 'Conversations created in the period' },
  closed: { label: 'Closed', behind: 'Conversations closed in the period (and not reopened since)' },
  unanswered: { label: 'Unanswered', behind: 'Conversations created in the period and never assigned' },
  handled: { label: 'Handled', behind: 'Conversations assigned to an agent during the period' },
  wait_median_ms: { label: 'Median wait', behind: 'Conversations first assigned in the period' },
  wait_p90_ms: { label: 'Wait, 90th percentile', behind: 'Conversations first assigned in the period' },
  frt_median_ms: { label: 'Median first response', behind: 'Conversations first answered in the period' },
  frt_p90_ms: { label: 'First response, 90th percentile', behind: 'Conversations first answered in the period' },
  resolution_median_ms: { label: 'Median resolution', behind: 'Conversations closed in the period (and not reopened since)' },
  resolution_p90_ms: { label: 'Resolution, 90th percentile', behind: 'Conversations closed in the period (and not reopened since)' },
  aht_avg_ms: { label: 'Average handling time', behind: 'Conversations closed in the period that an agent handled' },
  transfers: { label: 'Transfers', behind: 'Conversations transferred in the period' },
  transfer_rate: { label: 'Transferred (share of handled)', behind: 'Conversations handled in the period with a transfer in it' },
  csat_avg: { label: 'CSAT (1–5)', behind: 'Conversations whose satisfaction rating was given in the period' },
  csat_satisfied_rate: { label: 'Satisfied (4–5)', behind: 'Conversations rated 4 or 5 in the period' },
  nps: { label: 'NPS', behind: 'Conversations whose NPS rating was given in the period' },
  survey_response_rate: { label: 'Survey response rate', behind: 'Conversations surveyed in the period that were rated' },
}

export const AGENT_METRIC_TEXT: Record<AgentMetric, MetricText> = {
  handled: { label: 'Handled', behind: 'Conversations they handled in the period' },
  closed: { label: 'Closed', behind: 'Conversations they held when closed in the period' },
  frt_median_ms: { label: 'Median first response', behind: 'Conversations they answered first, in the period' },
  aht_avg_ms: { label: 'Average handling time', behind: 'Conversations closed in the period that they handled' },
  transfers_out: { label: 'Transfers out', behind: 'Conversations they transferred away in the period' },
  csat_avg: { label: 'CSAT', behind: 'Conversations they held, rated in the period' },
}

/** The tiles, grouped as the view shows them. */
export const TILE_GROUPS: { title: string; metrics: ReportMetric[] }[] = [
  { title: 'Volume', metrics: ['created', 'closed', 'unanswered', 'handled'] },
  { title: 'Times', metrics: ['wait_median_ms', 'wait_p90_ms', 'frt_median_ms', 'frt_p90_ms', 'resolution_median_ms', 'resolution_p90_ms', 'aht_avg_ms'] },
  { title: 'Transfers', metrics: ['transfers', 'transfer_rate'] },
  { title: 'Satisfaction', metrics: ['csat_avg', 'csat_satisfied_rate', 'nps', 'survey_response_rate'] },
]

const PERCENT = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 })
const SCORE = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 })
const COUNT = new Intl.NumberFormat()

/** A figure as a person reads it; "—" where there is no data. */
export function metricText(metric: ReportMetric | AgentMetric, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—'
  if (metric.endsWith('_ms')) return formatDuration(value)
  if (metric.endsWith('_rate')) return PERCENT.format(value)
  if (metric === 'csat_avg') return SCORE.format(value)
  if (metric === 'nps') {
    const n = Math.round(value)
    return n > 0 ? `+${n}` : String(n)
  }
  return COUNT.format(value)
}

const formats = new Map<string, Intl.DateTimeFormat>()
/** A moment as a date and time in the workspace's timezone: "31 Mar 2026, 14:05". */
export function dateTimeText(at: number, tz: string): string {
  let f = formats.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { timeZone: tz, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })
    formats.set(tz, f)
  }
  return f.format(at)
}

const dayFormats = new Map<string, Intl.DateTimeFormat>()
/** A `YYYY-MM-DD` day as a person reads it ("Mon 2 Mar"), independent of any timezone. */
export function dayText(day: string, withYear = false): string {
  const key = withYear ? 'y' : 'n'
  let f = dayFormats.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', ...(withYear ? { year: 'numeric' } : {}) })
    dayFormats.set(key, f)
  }
  return f.format(Date.parse(`${day}T00:00:00Z`))
}
