/**
 * A period report that follows the query and the event feed: asked of the reports worker again
 * when the query, the settings or the timezone change and whenever this device stores new events,
 * at most one question in flight (the last change is always answered), so the page never waits
 * on a computation and never shows a report for another query as if it were this one's.
 */
import { createEffect, createSignal, on, type Accessor } from 'solid-js'
import type { PeriodReport, ReportQuery } from '../../../../shared/reports/periodReport.ts'
import { useWorkspace } from '../workspace.tsx'
import { coalesced } from '../../../data/coalesced.ts'

export interface PeriodReportState {
  /** The last report computed (possibly for an earlier query: see `current`). */
  report: Accessor<PeriodReport | undefined>
  /** Whether `report` answers the query asked now. */
  current: Accessor<boolean>
  /** Whether the worker is computing. */
  pending: Accessor<boolean>
  error: Accessor<string | null>
  /** Server time of the newest event this device held when the report was computed. */
  dataUpTo: Accessor<number | null>
}

/** A stable key for a query: its period, filters and the list it carries. */
export const queryKey = (q: ReportQuery): string =>
  JSON.stringify([q.from, q.to, q.team, q.group, q.channel, q.agent, q.tag, q.list?.metric ?? null, q.list?.agentId ?? null, q.list?.limit ?? null, q.everything === true])

/** Must run inside a reactive owner. */
export function createPeriodReport(query: Accessor<ReportQuery>): PeriodReportState {
  const ws = useWorkspace()
  const [report, setReport] = createSignal<PeriodReport | undefined>(undefined, { equals: false })
  const [pending, setPending] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const [dataUpTo, setDataUpTo] = createSignal<number | null>(null)
  const run = coalesced(
    async () => {
      try {
        const next = await ws.reports.period(query())
        setReport(() => next.report)
        setDataUpTo(next.dataUpTo)
        setError(null)
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err))
      }
    },
    { onBusy: setPending },
  )

  const key = () => queryKey(query())
  createEffect(on([key, ws.feed.lastSeq, () => ws.settings.value(), ws.timezone], () => run()))
  const current = () => {
    const r = report()
    return r !== undefined && queryKey(r.query) === key() && r.timezone === ws.timezone()
  }
  return { report, current, pending, error, dataUpTo }
}
