/**
 * The supervisor's views on a caught-up device (`reports` keys, measured after the catch-up):
 * - `period_90d_ms`: the full 90-day report, every metric, from asking for it (the address changes,
 *   as a preset's click does) to the tiles showing its numbers; `baseline_period_1d_ms` the same
 *   for one day, in the same run.
 * - `live_update_p95_ms`: from a server commit (the widget's acknowledgement of a new chat, which
 *   the server sends after the commit) to the live view's total "waiting" tile showing it.
 * Times are taken in the page (`Date.now()` on both sides: one machine, one clock).
 */
import { writeFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { Visitor } from '../support/clients.ts'
import { quantile } from './stats.ts'
import type { CaughtUpSession } from './reports.ts'

export const VIEWS_BUDGET = { period_90d_ms: 300, live_update_p95_ms: 250 }

/** Reports asked per range: the median is the figure. */
const PERIOD_RUNS = 5
/** New chats whose arrival on the live view is timed. */
const LIVE_SAMPLES = 20

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10)

/**
 * In the page: goes to `href` through the History API (the router follows popstate), and resolves
 * with the ms until the report on screen is the one for that address (its tiles hold its numbers).
 */
const ASK_PERIOD = `async ({ href, timeoutMs }) => {
  const body = () => document.querySelector('[data-testid="reports-body"]')
  const t0 = performance.now()
  history.pushState(null, '', href)
  dispatchEvent(new PopStateEvent('popstate'))
  // The router answers popstate at once: the report on screen is now for another query, until the worker answers.
  let stale = body()?.getAttribute('data-current') !== 'true'
  for (;;) {
    const current = body()?.getAttribute('data-current') === 'true'
    if (!current) stale = true
    else if (stale) return performance.now() - t0
    if (performance.now() - t0 > timeoutMs) throw new Error('the report for ' + href + ' never showed')
    await new Promise((r) => requestAnimationFrame(r))
  }
}`

async function timePeriod(page: Page, from: string, to: string): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < PERIOD_RUNS; i++) {
    // Alternate with another range, so each ask is a fresh computation, not a cached answer.
    await page.evaluate(`(${ASK_PERIOD})(${JSON.stringify({ href: `/reports?from=${from}&to=${from}&channel=telegram`, timeoutMs: 60_000 })})`)
    times.push((await page.evaluate(`(${ASK_PERIOD})(${JSON.stringify({ href: `/reports?from=${from}&to=${to}`, timeoutMs: 60_000 })})`)) as number)
  }
  return times
}

/** In the page: resolves with `Date.now()` when the total waiting tile first reads `want`. */
const WHEN_WAITING = `({ want, timeoutMs }) => new Promise((resolve, reject) => {
  const tile = () => document.querySelector('[data-group="total"] [data-metric="waiting"]')
  const check = () => {
    const t = tile()
    if (t && Number(t.getAttribute('data-value')) >= want) { obs.disconnect(); clearTimeout(timer); resolve(Date.now()) }
  }
  const obs = new MutationObserver(check)
  obs.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-value'], childList: true })
  const timer = setTimeout(() => { obs.disconnect(); reject(new Error('the live view never showed ' + want + ' waiting')) }, timeoutMs)
  check()
})`

export async function measureViews(s: CaughtUpSession) {
  const { page, log } = s
  const wsUrl = s.url.replace(/^http/, 'ws')
  // The seeded log spans the 90 days up to now (the workspace's timezone is UTC).
  const last = Date.now()
  const to = dayOf(last)
  const from90 = dayOf(last - 89 * 86_400_000)

  log('reports: the 90-day period report in the worker…')
  await page.goto(`${s.url}/reports?from=${from90}&to=${to}`)
  await page.locator('[data-testid="reports-body"][data-current="true"]').waitFor({ timeout: 120_000 })
  // BENCH_REPORTS_VIEWS_PROFILE=<file>: the page's main thread profiled while the periods are asked (a .cpuprofile).
  const profileTo = process.env.BENCH_REPORTS_VIEWS_PROFILE
  const cdp = profileTo ? await s.context.newCDPSession(page) : null
  if (cdp) {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.start')
  }
  const period90 = await timePeriod(page, from90, to)
  const period1 = await timePeriod(page, to, to)
  if (cdp && profileTo) {
    const { profile } = await cdp.send('Profiler.stop')
    writeFileSync(profileTo, JSON.stringify(profile))
    await cdp.detach()
    log(`reports: the main thread's profile while asking for periods is in ${profileTo}`)
  }

  log('reports: live updates, from a new chat committed to the live tile…')
  await page.goto(`${s.url}/supervision/live`)
  const tile = page.locator('[data-group="total"] [data-metric="waiting"]')
  await tile.waitFor({ timeout: 60_000 })
  const samples: number[] = []
  for (let i = 0; i < LIVE_SAMPLES; i++) {
    const before = Number(await tile.getAttribute('data-value'))
    const shown = page.evaluate(`(${WHEN_WAITING})(${JSON.stringify({ want: before + 1, timeoutMs: 30_000 })})`) as Promise<number>
    const visitor = new Visitor(wsUrl, { name: `Bench visitor ${i}` })
    await visitor.connect()
    await visitor.say('A question for the live view')
    const committed = Date.now()
    samples.push(Math.max(0, (await shown) - committed))
    await visitor.close()
  }
  return {
    period_90d_ms: Math.round(quantile(period90, 0.5)),
    period_90d_runs_ms: period90.map(Math.round),
    baseline_period_1d_ms: Math.round(quantile(period1, 0.5)),
    live_update_p50_ms: Math.round(quantile(samples, 0.5)),
    live_update_p95_ms: Math.round(quantile(samples, 0.95)),
    live_update_samples: samples.length,
  }
}
