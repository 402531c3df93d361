/**
 * The report's CSV exports (issue 10 §1.5): one row per conversation of the period, and the
 * per-agent table. RFC 4180: CRLF line ends, a field holding a comma, a quote or a line break is
 * quoted and its quotes doubled. Times are ISO 8601 with the workspace's offset; empty where none.
 */
import { isoInZone } from './period.ts'
import type { AgentReportRow, PeriodReport, ReportConversation } from './reportTypes.ts'

/** The conversations file's columns, in order. */
export const CONVERSATION_COLUMNS = [
  'conversation_id',
  'number',
  'created_at',
  'channel',
  'team',
  'group',
  'assignee',
  'first_assigned_at',
  'first_response_at',
  'closed_at',
  'wait_ms',
  'first_response_ms',
  'resolution_ms',
  'handling_ms',
  'transfers',
  'reopened',
  'csat',
  'nps',
  'tags',
] as const

/** The per-agent file's columns, in order. */
export const AGENT_COLUMNS = ['agent_id', 'agent', 'handled', 'closed', 'frt_median_ms', 'aht_avg_ms', 'transfers_out', 'csat_avg'] as const

/** Display names of the ids a report holds; an id without a name is written as it is. */
export interface ReportNames {
  team(id: string): string | undefined
  group(id: string): string | undefined
  agent(id: string): string | undefined
}

type Cell = string | number | null | undefined

/** One field, quoted when RFC 4180 needs it; null and undefined are empty. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return ''
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** A whole file: a header line, then one line per row, each ended by CRLF. */
export function csvText(header: readonly string[], rows: Iterable<readonly Cell[]>): string {
  let out = header.map(csvField).join(',') + '\r\n'
  for (const row of rows) out += row.map(csvField).join(',') + '\r\n'
  return out
}

const time = (at: number | null, tz: string): string => (at === null ? '' : isoInZone(at, tz))
const name = (id: string | null, lookup: (id: string) => string | undefined): string => (id === null ? '' : (lookup(id) ?? id))
/** Whole milliseconds in the file (handling of a running stretch may be fractional only if a clock is). */
const ms = (v: number | null): number | null => (v === null ? null : Math.round(v))

/** One conversation's line of the conversations file. */
export function conversationCsvRow(c: ReportConversation, tz: string, names: ReportNames): Cell[] {
  return [
    c.id,
    c.number,
    time(c.createdAt, tz),
    c.channel,
    name(c.teamId, (id) => names.team(id)),
    name(c.groupId, (id) => names.group(id)),
    name(c.assigneeId, (id) => names.agent(id)),
    time(c.firstAssignedAt, tz),
    time(c.firstResponseAt, tz),
    time(c.closedAt, tz),
    ms(c.waitMs),
    ms(c.firstResponseMs),
    ms(c.resolutionMs),
    ms(c.handlingMs),
    c.transfers,
    c.reopened,
    c.csat,
    c.nps,
    c.tags.join(', '),
  ]
}

/** The conversations file of a report: every conversation that counts in it, oldest first. */
export function conversationsCsv(report: PeriodReport, names: ReportNames): string {
  return csvText(
    CONVERSATION_COLUMNS,
    report.conversations.map((c) => conversationCsvRow(c, report.timezone, names)),
  )
}

/** One agent's line of the per-agent file. */
export function agentCsvRow(a: AgentReportRow, names: ReportNames): Cell[] {
  const m = a.metrics
  return [a.agentId, names.agent(a.agentId) ?? a.agentId, m.handled, m.closed, ms(m.frt_median_ms), ms(m.aht_avg_ms), m.transfers_out, m.csat_avg]
}

/** The per-agent file of a report. */
export function agentsCsv(report: PeriodReport, names: ReportNames): string {
  return csvText(
    AGENT_COLUMNS,
    report.agents.map((a) => agentCsvRow(a, names)),
  )
}

/** The files' names, with the period: `parley-conversations-2026-03-01_2026-03-31.csv`. */
export function csvFileName(kind: 'conversations' | 'agents', report: Pick<PeriodReport, 'query'>): string {
  return `parley-${kind}-${report.query.from}_${report.query.to}.csv`
}
