/**
 * The visitor widget's weight in real headless Chromium: every response the widget fetches
 * (loader, configuration, chat bundle, anything else), gzipped here at the default level (the
 * server may not compress), before the visitor opens the chat and after. The baseline, measured in
 * the same run, is the demo shop page itself. Long tasks on the host page are reported too.
 */
import { gzipSync } from 'node:zlib'
import type { Response } from '@playwright/test'
import { startServer } from '../support/server.ts'
import { launchChromium } from './appBrowser.ts'

/** The budgets: before opening (what every page of the site pays) and after. */
export const WIDGET_BUDGET = { loader_gzip_bytes: 5 * 1024, opened_gzip_bytes: 30 * 1024 }

export interface WidgetResult {
  loader_gzip_bytes: number
  opened_gzip_bytes: number
  loader_files: Record<string, number>
  opened_files: Record<string, number>
  /** The welcome and other frames received on the socket by the time the box is ready (not counted above). */
  opened_socket_bytes: number
  baseline_page_gzip_bytes: number
  /** The longest task on the host page during load, open and a first message; and on the page without the widget. */
  long_tasks_max_ms: number
  baseline_long_tasks_max_ms: number
}

const LONG_TASKS = `(() => {
  window.__longTasks = []
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push(Math.round(e.duration)) }).observe({ type: 'longtask', buffered: true })
  } catch {}
})()`

export async function measureWidget(): Promise<WidgetResult> {
  const server = await startServer()
  const browser = await launchChromium()
  try {
    // The baseline: the same page with the widget's script refused (this also warms the browser up,
    // so its own first-start costs are not counted against the widget).
    const bare = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await bare.addInitScript(LONG_TASKS)
    await bare.route('**/widget.js', (r) => r.abort())
    await bare.goto(`${server.url}/demo`)
    await bare.waitForLoadState('networkidle')
    const bareLongTasks = (await bare.evaluate('window.__longTasks')) as number[]
    await bare.context().close()

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()
    await page.addInitScript(LONG_TASKS)
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
    await page.getByTestId('parley-input').fill('Hello, is the storm shell jacket waterproof?')
    await page.getByTestId('parley-send').click()
    await page.locator('[data-testid="parley-message"][data-state="sent"]').waitFor()
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0)
    const longTasks = (await page.evaluate('window.__longTasks')) as number[]
    return {
      loader_gzip_bytes: sum(files.loader),
      opened_gzip_bytes: sum(files.opened),
      loader_files: files.loader,
      opened_files: files.opened,
      opened_socket_bytes: socketBytes,
      baseline_page_gzip_bytes: baseline,
      long_tasks_max_ms: Math.max(0, ...longTasks),
      baseline_long_tasks_max_ms: Math.max(0, ...bareLongTasks),
    }
  } finally {
    await browser.close()
    await server.destroy()
  }
}
