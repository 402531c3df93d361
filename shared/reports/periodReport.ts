/**
 * The period report (issue 10 §1.5, definitions in §2): a pure fold of conversation facts, a
 * period in the workspace's timezone, filters and a clock into figures. The app's reports worker
 * runs it; tests and a server-side export can call it the same way.
 */
import type { ConversationFact } from './facts.ts'
import type { PeriodReport, ReportContext, ReportQuery } from './reportTypes.ts'

export type * from './reportTypes.ts'
export { REPORT_METRICS, AGENT_METRICS, ReportPreset } from './reportTypes.ts'

/** The report of `query` over `facts` (see the README's "Reports" for every definition). */
export function computeReport(facts: Iterable<ConversationFact>, query: ReportQuery, ctx: ReportContext): PeriodReport {
  void facts
  void query
  void ctx
  throw new Error('computeReport: being written')
}
