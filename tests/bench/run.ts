/**
 * `npm run bench`: every benchmark, one JSON object on the last line. Each figure is compared
 * with a baseline measured in the same run, on the same machine, so the numbers mean something.
 * `BENCH_ONLY=app` (or `roundtrip,durable`, …) runs only some of them.
 */
import { APP_BUDGET, measureApp } from './app.ts'
import { CLUSTER_BUDGET, measureCluster } from './cluster.ts'
import { DISPATCHER_BUDGET, measureDispatcher } from './dispatcher.ts'
import { measureDurable } from './durable.ts'
import { INTAKE_BUDGET, measureIntake } from './intake.ts'
import { measureReports, REPORTS_BUDGET } from './reports.ts'
import { VIEWS_BUDGET } from './reportsViews.ts'
import { measureParley, measureStock } from './roundtrip.ts'
import { quantile, round } from './stats.ts'
import { measureWidget, WIDGET_BUDGET } from './widget.ts'

// Each y-websocket provider listens for the process's exit; hundreds of them are expected here.
process.setMaxListeners(0)

const BENCHES = ['roundtrip', 'durable', 'app', 'dispatcher', 'widget', 'reports', 'intake', 'cluster'] as const
const ONLY = new Set((process.env.BENCH_ONLY ?? BENCHES.join(',')).split(',').map((s) => s.trim()))
for (const name of ONLY) if (!(BENCHES as readonly string[]).includes(name)) throw new Error(`BENCH_ONLY: unknown benchmark "${name}" (known: ${BENCHES.join(', ')})`)

const VISITORS = Number(process.env.BENCH_VISITORS ?? 200)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const APP_RUNS = Number(process.env.BENCH_APP_RUNS ?? 5)
const BUDGET = { p99_ms: 50, vs_stock: 2, durable_per_s: 5000 }

const opts = { visitors: VISITORS, agents: 20, rounds: ROUNDS, thinkMs: [500, 1500] as [number, number] }

const log = (msg: string) => process.stderr.write(`${msg}\n`)

const result: Record<string, unknown> = {}
const budgets: Record<string, { budget: number; ok: boolean }> = {}

if (ONLY.has('roundtrip')) {
  log(`roundtrip: stock y-websocket server, ${VISITORS} rooms…`)
  const stock = await measureStock(opts)
  log(`roundtrip: Parley, ${VISITORS} visitors and ${opts.agents} agents…`)
  const ours = await measureParley(opts)
  const p99 = quantile(ours, 0.99)
  const baselineP99 = quantile(stock, 0.99)
  result.roundtrip = {
    visitors: VISITORS,
    samples: ours.length,
    p50_ms: round(quantile(ours, 0.5)),
    p99_ms: round(p99),
    baseline_p50_ms: round(quantile(stock, 0.5)),
    baseline_p99_ms: round(baselineP99),
    p99_vs_baseline: round(p99 / baselineP99),
  }
  budgets.roundtrip_p99_ms = { budget: BUDGET.p99_ms, ok: p99 <= BUDGET.p99_ms }
  budgets.roundtrip_p99_vs_baseline = { budget: BUDGET.vs_stock, ok: p99 <= BUDGET.vs_stock * baselineP99 }
}

if (ONLY.has('durable')) {
  log('durable: committed messages per second…')
  const durable = await measureDurable({ conversations: 200, messages: 20_000 })
  result.durable = durable
  budgets.durable_messages_per_s = { budget: BUDGET.durable_per_s, ok: durable.messages_per_s >= BUDGET.durable_per_s }
}

if (ONLY.has('app')) {
  log('app: the agent app in Chromium (needs `npm run build`)…')
  const app = await measureApp({ runs: APP_RUNS, conversations: 10_000, messages: 100_000, longMessages: 5_000, log })
  result.app = app
  budgets.app_cold_start_offline_ms = { budget: APP_BUDGET.cold_start_offline_ms, ok: app.cold_start_offline_ms <= APP_BUDGET.cold_start_offline_ms }
  budgets.app_open_5k_messages_ms = { budget: APP_BUDGET.open_5k_messages_ms, ok: app.open_5k_messages_ms <= APP_BUDGET.open_5k_messages_ms }
  budgets.app_search_100k_p95_ms = { budget: APP_BUDGET.search_100k_p95_ms, ok: app.search_100k_p95_ms <= APP_BUDGET.search_100k_p95_ms }
}

if (ONLY.has('dispatcher')) {
  log('dispatcher: a burst of 1,000 new conversations into 10,000, 500 agents…')
  const dispatcher = measureDispatcher({ runs: Number(process.env.BENCH_DISPATCHER_RUNS ?? 9), agents: 500, groups: 20, existing: 10_000, burst: 1000 })
  result.dispatcher = dispatcher
  budgets.dispatcher_burst_1000_ms = { budget: DISPATCHER_BUDGET.burst_1000_ms, ok: dispatcher.burst_1000_ms <= DISPATCHER_BUDGET.burst_1000_ms }
}

if (ONLY.has('widget')) {
  log('widget: the visitor widget on the demo page in Chromium, before and after opening (needs `npm run build`)…')
  const widget = await measureWidget()
  result.widget = widget
  budgets.widget_loader_gzip_bytes = { budget: WIDGET_BUDGET.loader_gzip_bytes, ok: widget.loader_gzip_bytes <= WIDGET_BUDGET.loader_gzip_bytes }
  budgets.widget_opened_gzip_bytes = { budget: WIDGET_BUDGET.opened_gzip_bytes, ok: widget.opened_gzip_bytes <= WIDGET_BUDGET.opened_gzip_bytes }
  budgets.widget_task_cpu_ms = { budget: WIDGET_BUDGET.long_task_ms, ok: widget.widget_task_median_max_cpu_ms <= WIDGET_BUDGET.long_task_ms }
}

if (ONLY.has('reports')) {
  log('reports: a supervisor\'s first sync of the whole log in Chromium (needs `npm run build`)…')
  const events = Number(process.env.BENCH_REPORTS_EVENTS ?? 1_000_000)
  const reports = await measureReports({ events, conversations: Number(process.env.BENCH_REPORTS_CONVERSATIONS ?? Math.round(events / 10)), log })
  result.reports = reports
  budgets.reports_catchup_events_per_s = { budget: REPORTS_BUDGET.catchup_events_per_s, ok: reports.catchup_events_per_s >= REPORTS_BUDGET.catchup_events_per_s }
  budgets.reports_catchup_longest_task_ms = { budget: REPORTS_BUDGET.catchup_longest_task_ms, ok: reports.catchup_longest_task_ms <= REPORTS_BUDGET.catchup_longest_task_ms }
  budgets.reports_period_90d_ms = { budget: VIEWS_BUDGET.period_90d_ms, ok: typeof reports.period_90d_ms === 'number' && reports.period_90d_ms <= VIEWS_BUDGET.period_90d_ms }
  budgets.reports_live_update_p95_ms = { budget: VIEWS_BUDGET.live_update_p95_ms, ok: typeof reports.live_update_p95_ms === 'number' && reports.live_update_p95_ms <= VIEWS_BUDGET.live_update_p95_ms }
}

if (ONLY.has('intake')) {
  log('intake: visitors starting chats 50 at a time, each from its own address, while 1,000 and then 10,000 wait…')
  const intake = await measureIntake({ concurrency: 50, marks: [1000, 10_000], window: Number(process.env.BENCH_INTAKE_WINDOW ?? 500), timeoutMs: 15 * 60_000, log })
  result.intake = intake
  budgets.intake_new_chats_per_s_10k = { budget: INTAKE_BUDGET.new_chats_per_s_10k, ok: intake.new_chats_per_s_10k >= INTAKE_BUDGET.new_chats_per_s_10k }
  budgets.intake_ratio_10k_vs_1k = { budget: INTAKE_BUDGET.ratio_10k_vs_1k, ok: intake.ratio_10k_vs_1k >= INTAKE_BUDGET.ratio_10k_vs_1k }
}

if (ONLY.has('cluster')) {
  const visitors = Number(process.env.BENCH_CLUSTER_VISITORS ?? 600)
  const cluster = await measureCluster({
    instances: 3,
    roundtrip: { ...opts, visitors, agents: Math.round(visitors / 10) },
    baselineVisitors: VISITORS,
    senders: Number(process.env.BENCH_CLUSTER_SENDERS ?? 300),
    messagesEach: 20,
    log,
  })
  result.cluster = cluster
  budgets.cluster_roundtrip_p99_ms = { budget: CLUSTER_BUDGET.roundtrip_p99_ms, ok: cluster.roundtrip_p99_ms <= CLUSTER_BUDGET.roundtrip_p99_ms }
  budgets.cluster_durable_messages_per_s = { budget: CLUSTER_BUDGET.durable_messages_per_s, ok: cluster.durable_messages_per_s >= CLUSTER_BUDGET.durable_messages_per_s }
  budgets.cluster_failover_s = { budget: CLUSTER_BUDGET.failover_s, ok: cluster.failover_s <= CLUSTER_BUDGET.failover_s }
}

result.budgets = budgets
console.log(JSON.stringify(result))
// A missed budget fails the run (the JSON above still says which and by how much).
const missed = Object.entries(budgets).filter(([, b]) => !b.ok).map(([key]) => key)
if (missed.length) {
  log(`bench: over budget: ${missed.join(', ')}`)
  process.exitCode = 1
}
