import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { login, command } from '../support/clients.ts'
import { expect, openWidget, test, visitorSays } from './fixtures.ts'
import { receivedFrames, setWidgetConfig } from './widgetSupport.ts'

/** Serious and critical axe violations inside the widget's shadow root (axe walks open shadow roots). */
async function widgetViolations(page: Page) {
  const result = await new AxeBuilder({ page }).include('parley-widget').analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}

test('the opened widget, its pre-chat form, the conversation and the survey have no serious accessibility problem', async ({ page, parley }) => {
  await setWidgetConfig(parley, { form: { enabled: true }, survey: { csat: true, nps: true, comment: true } })
  await page.goto(`${parley.url}/demo`)
  await expect(page.getByTestId('parley-launcher')).toBeVisible()
  expect(await widgetViolations(page)).toEqual([])

  const received = receivedFrames(page)
  await openWidget(page, parley.url)
  await expect(page.getByTestId('parley-form-prechat')).toBeVisible()
  await page.getByTestId('parley-form-submit').click()
  await expect(page.getByTestId('parley-form-prechat')).toContainText('Name is required.')
  expect(await widgetViolations(page)).toEqual([])

  await page.getByTestId('parley-field-name').fill('Ana')
  await page.getByTestId('parley-field-email').fill('ana@example.com')
  await page.keyboard.press('Enter')
  await visitorSays(page, 'Hello, accessibility check')
  expect(await widgetViolations(page)).toEqual([])

  const { token } = await login(parley.url)
  await command(parley.url, token, received.find((f) => f.type === 'ack')!.conversationId, 'close')
  await expect(page.getByTestId('parley-survey')).toBeVisible()
  expect(await widgetViolations(page)).toEqual([])
  // The survey works from the keyboard.
  await page.getByTestId('parley-csat-4').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('parley-csat-4')).toHaveAttribute('aria-pressed', 'true')
})

test('the invitation is reachable and answerable from the keyboard', async ({ page, parley }) => {
  await setWidgetConfig(parley, { activation: { mode: 'proactiveInvite', delaySeconds: 1, inviteMinimised: false, inviteText: 'Hello there!' } })
  await page.goto(`${parley.url}/demo`)
  await expect(page.getByTestId('parley-invite')).toBeVisible()
  expect(await widgetViolations(page)).toEqual([])
  await page.getByTestId('parley-invite-accept').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('parley-panel')).toBeVisible()
  await expect(page.getByTestId('parley-input')).toBeFocused()
})

/** A task of the page's main thread, from a Chromium trace: wall and CPU (thread) time in microseconds. */
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

test('no long task over 50 ms on the host page from the widget during load, open and a short chat', async ({ browser, parley }) => {
  // Warm the browser up on the same page without the widget: its own first-start work is not the widget's.
  const warm = await browser.newContext()
  const bare = await warm.newPage()
  await bare.route('**/widget.js', (r) => r.abort())
  await bare.goto(`${parley.url}/demo`)
  await warm.close()

  // The page's own PerformanceObserver sees long tasks in wall time, which a busy shared machine
  // stretches at random. To tell the widget's, the run is traced: a task is the widget's when it
  // runs the widget's scripts (/widget.js, /widget/chat.js), and it is measured in CPU time.
  const runs: { longTasks: number[]; widgetTasksCpuMs: number[] }[] = []
  for (let run = 0; run < 3; run++) {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] }
      w.longTasks = []
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(Math.round(e.duration))
      }).observe({ type: 'longtask', buffered: true })
    })
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] })
    await openWidget(page, parley.url)
    await visitorSays(page, `Is the jacket waterproof? (${run})`)
    await page.getByTestId('parley-close').click()
    await page.getByTestId('parley-launcher').click()
    await visitorSays(page, `And does it pack small? (${run})`)
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks)
    const events = (JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }).traceEvents
    await context.close()

    const tasks = events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.dur !== undefined)
    const widgetCalls = events.filter((e) => e.ph === 'X' && /\/widget(\.js|\/chat\.js)/.test(e.args?.data?.url ?? ''))
    const widgetTasks = new Set<TraceEvent>()
    for (const call of widgetCalls) {
      const task = tasks.find((t) => t.pid === call.pid && t.tid === call.tid && t.ts <= call.ts && t.ts + t.dur! >= call.ts + (call.dur ?? 0))
      if (task) widgetTasks.add(task)
    }
    expect(widgetTasks.size, 'the trace shows the widget at work').toBeGreaterThan(0)
    const widgetTasksCpuMs = [...widgetTasks].map((t) => Math.round((t.tdur ?? t.dur!) / 1000))
    runs.push({ longTasks, widgetTasksCpuMs })
    if (!widgetTasksCpuMs.some((ms) => ms > 50)) break
  }
  const last = runs.at(-1)!
  expect(last.widgetTasksCpuMs.filter((ms) => ms > 50), `the widget's tasks (CPU ms) and the page's long tasks (wall ms), per run: ${JSON.stringify(runs)}`).toEqual([])
})
