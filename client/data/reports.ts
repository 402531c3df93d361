/**
 * The page's handle on the reports worker (reportsWorker.ts): one worker per signed-in session,
 * asked for the live view, the agents board or a period report; each answer is a promise.
 */
import type { AgentBoardRow, AgentsBoardContext } from '../../shared/reports/agentsBoard.ts'
import type { LiveContext, LiveView } from '../../shared/reports/live.ts'
import type { PeriodReport, ReportQuery } from '../../shared/reports/periodReport.ts'
import type { PeriodContext, ReportsAnswer, ReportsRequest } from './reportsProtocol.ts'

/** Distributes `Omit` over a union, so each request keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never

export interface Reports {
  live(ctx: LiveContext): Promise<LiveView>
  agents(ctx: AgentsBoardContext): Promise<AgentBoardRow[]>
  period(query: ReportQuery, ctx: PeriodContext): Promise<PeriodReport>
  close(): void
}

/** Starts the reports worker on one agent's database. */
export function createReports(workspace: string, agentId: string): Reports {
  const worker = new Worker(new URL('./reportsWorker.ts', import.meta.url), { type: 'module', name: 'parley-reports' })
  let nextId = 1
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  worker.onmessage = (e: MessageEvent<ReportsAnswer>) => {
    const a = e.data
    const w = waiting.get(a.id)
    if (!w) return
    waiting.delete(a.id)
    if (a.ok) w.resolve(a.value)
    else w.reject(new Error(a.error))
  }
  worker.onerror = (e) => {
    const err = new Error(`the reports worker failed: ${e.message}`)
    for (const w of waiting.values()) w.reject(err)
    waiting.clear()
  }
  const ask = <T,>(req: WithoutId<ReportsRequest>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      worker.postMessage({ ...req, id })
    })
  void ask({ type: 'open', workspace, agentId }).catch((err) => console.error('[reports]', err))
  return {
    live: (ctx) => ask<LiveView>({ type: 'live', ctx }),
    agents: (ctx) => ask<AgentBoardRow[]>({ type: 'agents', ctx }),
    period: (query, ctx) => ask<PeriodReport>({ type: 'period', query, ctx }),
    close() {
      worker.terminate()
      const err = new Error('signed out')
      for (const w of waiting.values()) w.reject(err)
      waiting.clear()
    },
  }
}
