/**
 * The period report's contract (issue 10 §1.5): what is asked (`ReportQuery`) and what comes back
 * (`PeriodReport`). The app's reports worker receives a query and posts a report back, so both are
 * plain, structured-cloneable data.
 */

/** The named periods of the Reports view; `custom` is any `from`–`to` range. */
export const ReportPreset = {
  today: 'today',
  yesterday: 'yesterday',
  last7: 'last7',
  last30: 'last30',
  thisMonth: 'thisMonth',
  custom: 'custom',
} as const
export type ReportPreset = (typeof ReportPreset)[keyof typeof ReportPreset]

/** The filters of a report; null (or absent): no filter on that dimension. */
export interface ReportFilters {
  /** A team id: the team of the conversation's group, else the team its routing chose. */
  team: string | null
  group: string | null
  channel: string | null
  /** An agent id: conversations the agent handled (a stretch) or held (assignee, first assignee). */
  agent: string | null
  tag: string | null
}

/**
 * The conversations of one number (a drill-down list): a report metric, or an agent's (with
 * `agentId`); `limit` bounds the rows sent, so a list of 100,000 costs what it shows.
 */
export interface ReportListRequest {
  metric: string
  agentId: string | null
  limit: number
}

/** What a report is asked for: days in the workspace's timezone, `to` inclusive. */
export interface ReportQuery extends ReportFilters {
  /** First day, `YYYY-MM-DD`. */
  from: string
  /** Last day, `YYYY-MM-DD`, inclusive. */
  to: string
  preset: ReportPreset
  /** The drill-down list to carry rows for (none when absent). */
  list?: ReportListRequest | null
  /** Carry every conversation's row and every drill-down's ids (the CSV export, tests); costly for big periods. */
  everything?: boolean
}

/** The names of the report's numbers, as the view's `data-metric` attributes carry them. */
export const REPORT_METRICS = [
  'created',
  'closed',
  'unanswered',
  'handled',
  'wait_median_ms',
  'wait_p90_ms',
  'frt_median_ms',
  'frt_p90_ms',
  'resolution_median_ms',
  'resolution_p90_ms',
  'aht_avg_ms',
  'transfers',
  'transfer_rate',
  'csat_avg',
  'csat_satisfied_rate',
  'nps',
  'survey_response_rate',
] as const
export type ReportMetric = (typeof REPORT_METRICS)[number]

/** The report's numbers: durations in ms, counts, rates 0–1, NPS −100…100; null where there is no data. */
export type ReportMetrics = Record<ReportMetric, number | null>

/** The numbers of the per-agent table. */
export const AGENT_METRICS = ['handled', 'closed', 'frt_median_ms', 'aht_avg_ms', 'transfers_out', 'csat_avg'] as const
export type AgentMetric = (typeof AGENT_METRICS)[number]

/** One agent's row of the per-agent table, with how many conversations are behind each number. */
export interface AgentReportRow {
  agentId: string
  metrics: Record<AgentMetric, number | null>
  counts: Record<AgentMetric, number>
  /** The ids behind each number, oldest first: only when the query asked for `everything`. */
  drill?: Record<AgentMetric, string[]>
}

/** One day of the period (in the workspace's timezone). */
export interface ReportDay {
  /** `YYYY-MM-DD`. */
  day: string
  /** Start of the day, epoch ms. */
  start: number
  created: number
  closed: number
  /** Median wait of the conversations first assigned that day; null when none was. */
  waitMedianMs: number | null
}

/** One conversation of the period as the lists and the CSV show it (its own figures, whatever the period). */
export interface ReportConversation {
  id: string
  number: number | null
  createdAt: number
  channel: string
  visitorName: string
  status: string
  teamId: string | null
  groupId: string | null
  assigneeId: string | null
  firstAssignedAt: number | null
  firstResponseAt: number | null
  /** Last close; null when never closed or reopened since. */
  closedAt: number | null
  waitMs: number | null
  firstResponseMs: number | null
  resolutionMs: number | null
  /** Sum of its open-and-assigned stretches (a running one counts up to `now`). */
  handlingMs: number
  transfers: number
  reopened: number
  csat: number | null
  nps: number | null
  tags: string[]
}

/** A period report: the numbers, where they come from, the per-agent table and the per-day series. */
export interface PeriodReport {
  query: ReportQuery
  timezone: string
  /** The period as epoch ms, `[start, end)`. */
  start: number
  end: number
  /** The clock the report was computed at. */
  now: number
  metrics: ReportMetrics
  /** How many conversations are behind each metric. */
  counts: Record<ReportMetric, number>
  agents: AgentReportRow[]
  days: ReportDay[]
  /** The drill-down list asked for (`query.list`): its size and its first `limit` rows, oldest first. */
  list: ReportList | null
  /** For every metric, the ids behind it, oldest first: only when the query asked for `everything`. */
  drill?: Record<ReportMetric, string[]>
  /** Every conversation that counts anywhere in the report, oldest first (the CSV's rows): only when the query asked for `everything`, else empty. */
  conversations: ReportConversation[]
}

/** A drill-down list: the conversations behind one number. */
export interface ReportList {
  metric: string
  agentId: string | null
  total: number
  rows: ReportConversation[]
}

/** What a report needs besides the facts. */
export interface ReportContext {
  /** The workspace's IANA timezone (days are bucketed in it). */
  timezone: string
  /** The team of a routing group from the settings (null: none, or no such group). */
  teamOfGroup: (groupId: string) => string | null
  /** The clock, epoch ms. */
  now: number
}
