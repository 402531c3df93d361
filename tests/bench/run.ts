/**
 * `npm run bench`: every benchmark, one JSON object on the last line. Each figure is compared
 * with a baseline measured in the same run, on the same machine, so the numbers mean something.
 */
import { measureDurable } from './durable.ts'
import { measureParley, measureStock } from './roundtrip.ts'
import { quantile, round } from './stats.ts'

// Each y-websocket provider listens for the process's exit; hundreds of them are expected here.
process.setMaxListeners(0)

const VISITORS = Number(process.env.BENCH_VISITORS ?? 200)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const BUDGET = { p99_ms: 50, vs_stock: 2, durable_per_s: 5000 }

const opts = { visitors: VISITORS, agents: 20, rounds: ROUNDS, thinkMs: [500, 1500] as [number, number] }

const log = (msg: string) => process.stderr.write(`${msg}\n`)

log(`roundtrip: stock y-websocket server, ${VISITORS} rooms…`)
const stock = await measureStock(opts)
log(`roundtrip: Parley, ${VISITORS} visitors and ${opts.agents} agents…`)
const ours = await measureParley(opts)
log('durable: committed messages per second…')
const durable = await measureDurable({ conversations: 200, messages: 20_000 })

const p99 = quantile(ours, 0.99)
const baselineP99 = quantile(stock, 0.99)
const result = {
  roundtrip: {
    visitors: VISITORS,
    samples: ours.length,
    p50_ms: round(quantile(ours, 0.5)),
    p99_ms: round(p99),
    baseline_p50_ms: round(quantile(stock, 0.5)),
    baseline_p99_ms: round(baselineP99),
    p99_vs_baseline: round(p99 / baselineP99),
  },
  durable,
  budgets: {
    roundtrip_p99_ms: { budget: BUDGET.p99_ms, ok: p99 <= BUDGET.p99_ms },
    roundtrip_p99_vs_baseline: { budget: BUDGET.vs_stock, ok: p99 <= BUDGET.vs_stock * baselineP99 },
    durable_messages_per_s: { budget: BUDGET.durable_per_s, ok: durable.messages_per_s >= BUDGET.durable_per_s },
  },
}
console.log(JSON.stringify(result))
