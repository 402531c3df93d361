/**
 * The visitor widget's weight in real headless Chromium: every response the widget fetches
 * (loader, configuration, chat bundle, anything else), gzipped here at the default level (the
 * server may not compress), before the visitor opens the chat and after. The baseline, measured in
 * the same run, is the demo shop page itself. Long tasks on the host page (load, open, one message)
 * are reported too, as the median over several runs of each run's longest, next to the same page
 * without the widget: a shared machine stalls any page now and then, a widget's own long task
 * shows up in every run. The budget is on the widget's own tasks in CPU time (from a trace), which
 * a busy machine does not stretch.
 */
import { gzipSync } from 'node:zlib'
import type { Browser, Response } from '@playwright/test'
import { startServer, type TestServer } from '../support/server.ts'
import { launchChromium } from './appBrowser.ts'
import { quantile } from './stats.ts'

/** The budgets: before opening (what every page of the site pays) and after; no long task (RAIL's 50 ms). */
export const WIDGET_BUDGET = { loader_gzip_bytes: 5 * 1024, opened_gzip_bytes: 30 * 1024, long_task_ms: 50 }

export interface WidgetResult {
  loader_gzip_bytes: number
  opened_gzip_bytes: number
  loader_files: Record<string, number>
  opened_files: Record<string, number>
  /** The welcome and other frames received on the socket by the time the box is ready (not counted above). */
  opened_socket_bytes: number
  baseline_page_gzip_bytes: number
  long_task_median_max_ms: number
  baseline_long_task_median_max_ms: number
  /** The widget's own longest task (one that runs /widget.js or /widget/chat.js) in CPU time, from a trace; median of the visits. */
  widget_task_median_max_cpu_ms: number
  runs: number
}

const LONG_TASKS = `(() => {
  window.__longTasks = []
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(Math.round(e.duration)) }).observe({ type: 'longtask', buffered: true })
  } catch {}
})()`

const VIEWPORT = { width: 1280, height: 800 }

/** The demo page without the widget (its script refused): the longest task. */
async function bareRun(browser: Browser, server: TestServer): Promise<number> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  const page = await context.newPage()
  await page.addInitScript(LONG_TASKS)
  await page.route('**/widget.js', (r) => r.abort())
  await page.goto(`${server.url}/demo`)
  await page.waitForLoadState('networkidle')
  const longTasks = (await page.evaluate('window.__longTasks')) as number[]
  await context.close()
  return Math.max(0, ...longTasks)
}

/** One visit: load, open, one message; the widget's responses by phase and the longest task. */
async function widgetRun(browser: Browser, server: TestServer) {
  const context = await browser.newContext({ viewport: VIEWPORT })
  const page = await context.newPage()
  await page.addInitScript(LONG_TASKS)
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] })
  let phase: 'loader' | 'opened' = 'loader'
  const files: Record<'loader' | 'opened', Record<string, number>> = { loader: {}, opened: {} }
  let baseline = 0
  const pending: Promise<void>[] = []
  page.on('response', (res: Response) => {
    const url = new URL(res.url())
    if (url.origin !== server.url) return
    const at = phase
    pending.push(
      res.body().then(
        (body) => {
          const size = gzipSync(body).length
          if (url.pathname === '/demo') baseline += size
          else files[at][url.pathname] = (files[at][url.pathname] ?? 0) + size
        },
        () => {},
      ),
    )
  })
  let socketBytes = 0
  page.on('websocket', (ws) => ws.on('framereceived', (f) => (socketBytes += Buffer.byteLength(String(f.payload)))))

  await page.goto(`${server.url}/demo`)
  await page.getByTestId('parley-launcher').waitFor()
  await page.waitForLoadState('networkidle')
  await Promise.all(pending)
  phase = 'opened'
  await page.getByTestId('parley-launcher').click()
  await page.getByTestId('parley-status').filter({ hasText: 'Online' }).waitFor()
  await page.waitForLoadState('networkidle')
  await Promise.all(pending)
  const socketAtOpen = socketBytes
  await page.getByTestId('parley-input').fill('Hello, is the storm shell jacket waterproof?')
  await page.getByTestId('parley-send').click()
  await page.locator('[data-testid="parley-message"][data-state="sent"]').waitFor()
  const longTasks = (await page.evaluate('window.__longTasks')) as number[]
  const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }
  await context.close()
  return { files, baseline, socketBytes: socketAtOpen, longest: Math.max(0, ...longTasks), widgetCpu: Math.max(0, ...widgetTaskCpuMs(trace.traceEvents)) }
}

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  tdur?: number
  args?: { data?: { url?: string } }
}

/** CPU milliseconds of each main-thread task that ran the widget's scripts. */
function widgetTaskCpuMs(events: TraceEvent[]): number[] {
  const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.dur !== undefined)
  const mine = new Set<TraceEvent>()
  for (const call of events) {
    if (call.ph !== 'X' || !/\/widget(\.js|\/chat\.js)/.test(call.args?.data?.url ?? '')) continue
    const task = tasks.find((t) => t.pid === call.pid && t.tid === call.tid && t.ts <= call.ts && t.ts + t.dur! >= call.ts + (call.dur ?? 0))
    if (task) mine.add(task)
  }
  return [...mine].map((t) => Math.round((t.tdur ?? t.dur!) / 1000))
}

export async function measureWidget(runs = 5): Promise<WidgetResult> {
  const server = await startServer()
  const browser = await launchChromium()
  try {
    // Warm-up: the browser's own first-start work is not the widget's.
    await bareRun(browser, server)
    const bare: number[] = []
    const measured: Awaited<ReturnType<typeof widgetRun>>[] = []
    for (let i = 0; i < runs; i++) {
      bare.push(await bareRun(browser, server))
      measured.push(await widgetRun(browser, server))
    }
    const first = measured[0]!
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0)
    return {
      loader_gzip_bytes: sum(first.files.loader),
      opened_gzip_bytes: sum(first.files.opened),
      loader_files: first.files.loader,
      opened_files: first.files.opened,
      opened_socket_bytes: first.socketBytes,
      baseline_page_gzip_bytes: first.baseline,
      long_task_median_max_ms: quantile(measured.map((m) => m.longest), 0.5),
      baseline_long_task_median_max_ms: quantile(bare, 0.5),
      widget_task_median_max_cpu_ms: quantile(measured.map((m) => m.widgetCpu), 0.5),
      runs,
    }
  } finally {
    await browser.close()
    await server.destroy()
  }
}
