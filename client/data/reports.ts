/**
 * The page's handle on the reports worker (reportsWorker.ts): one worker per signed-in session,
 * asked for the live view, the agents board or a period report; each answer is a promise.
 */
import type { AgentBoardRow, AgentsBoardContext } from '../../shared/reports/agentsBoard.ts'
import type { LiveContext, LiveView } from '../../shared/reports/live.ts'
import type { PeriodReport, ReportQuery } from '../../shared/reports/periodReport.ts'
import type { PeriodContext, ReportsAnswer, ReportsRequest } from './reportsProtocol.ts'
import { createWorkerClient } from './workerClient.ts'

/** Distributes `Omit` over a union, so each request keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

/** A period report with the server time of the newest event the facts it read had folded. */
export interface DatedReport {
  report: PeriodReport
  dataUpTo: number | null
}

export interface Reports {
  live(ctx: LiveContext): Promise<LiveView>
  agents(ctx: AgentsBoardContext): Promise<AgentBoardRow[]>
  period(query: ReportQuery, ctx: PeriodContext): Promise<DatedReport>
  close(): void
}

/** Starts the reports worker on one agent's database. */
export function createReports(workspace: string, agentId: string): Reports {
  const worker = new Worker(new URL('./reportsWorker.ts', import.meta.url), { type: 'module', name: 'parley-reports' })
  const client = createWorkerClient<ReportsRequest, unknown, ReportsAnswer>(worker, {
    failure: 'the reports worker failed',
    id: (a) => a.id,
    settle(a) {
      if (a.ok) return a.value
      throw new Error(a.error)
    },
  })
  const ask = <T,>(req: WithoutId<ReportsRequest>): Promise<T> => client.ask((id) => ({ ...req, id }) as ReportsRequest) as Promise<T>
  void ask({ type: 'open', workspace, agentId }).catch((err) => console.error('[reports]', err))
  return {
    live: (ctx) => ask<LiveView>({ type: 'live', ctx }),
    agents: (ctx) => ask<AgentBoardRow[]>({ type: 'agents', ctx }),
    period: (query, ctx) => ask<DatedReport>({ type: 'period', query, ctx }),
    close: () => client.close(new Error('signed out')),
  }
}
