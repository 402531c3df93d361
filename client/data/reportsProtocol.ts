/**
 * What the app asks its reports worker (reportsWorker.ts) and what it answers. The worker holds
 * the reports' facts in memory, refreshes them from IndexedDB by sequence number, and runs the
 * pure folds of shared/reports/, so the page never computes a report itself.
 */
import type { AgentsBoardContext } from '../../shared/reports/agentsBoard.ts'
import type { LiveContext } from '../../shared/reports/live.ts'
import type { ReportQuery } from '../../shared/reports/periodReport.ts'

/** A report's context as it crosses to the worker (functions do not: the group → team map does). */
export interface PeriodContext {
  timezone: string
  now: number
  /** `[groupId, teamId]` of every routing group. */
  groupTeams: [string, string | null][]
}

export type ReportsRequest =
  | { id: number; type: 'open'; workspace: string; agentId: string }
  | { id: number; type: 'live'; ctx: LiveContext }
  | { id: number; type: 'agents'; ctx: AgentsBoardContext }
  | { id: number; type: 'period'; query: ReportQuery; ctx: PeriodContext }

export type ReportsAnswer<T = unknown> = { id: number; ok: true; value: T } | { id: number; ok: false; error: string }
