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

test('no long task over 50 ms on the host page from the widget during load, open and a short chat', async ({ browser, parley }) => {
  // Warm the browser up on the same page without the widget: its own first-start work is not the widget's.
  const warm = await browser.newContext()
  const bare = await warm.newPage()
  await bare.route('**/widget.js', (r) => r.abort())
  await bare.goto(`${parley.url}/demo`)
  await warm.close()

  // The machine running the tests is shared: another process can stall any page now and then. A long
  // task the widget causes shows up on every run; noise does not. So the scenario runs up to three
  // times in fresh contexts and the best run must be clean.
  const runs: number[][] = []
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
    await openWidget(page, parley.url)
    await visitorSays(page, `Is the jacket waterproof? (${run})`)
    await page.getByTestId('parley-close').click()
    await page.getByTestId('parley-launcher').click()
    await visitorSays(page, `And does it pack small? (${run})`)
    runs.push((await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks)).filter((d) => d > 50))
    await context.close()
    if (runs[run]!.length === 0) break
  }
  expect(runs.at(-1), `long tasks over 50 ms in every run: ${JSON.stringify(runs)}`).toEqual([])
})
