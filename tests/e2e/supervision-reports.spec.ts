import { readFileSync } from 'node:fs'
import type { Locator, Page } from '@playwright/test'
import { CONVERSATION_COLUMNS, AGENT_COLUMNS } from '../../shared/reports/csv.ts'
import { parseCsv } from '../support/csv.ts'
import { presetRange } from '../../shared/reports/period.ts'
import { goOffline, goOnline } from './actionsSupport.ts'
import { expect, signIn, test } from './fixtures.ts'
import { Chat, commitChats, MIN, PERIOD, seed, setTimezone } from './reportsSupport.ts'

const metric = (page: Page, name: string): Locator => page.locator(`.reports-tiles [data-metric="${name}"]`)
const agentCell = (page: Page, agentId: string, name: string): Locator => page.locator(`[data-agent="${agentId}"] [data-metric="${name}"]`)

async function openReports(page: Page, url: string, search: string) {
  await page.goto(`${url}/reports${search}`)
  await expect(page.getByTestId('reports-body')).toHaveAttribute('data-current', 'true')
}

/** Every tile's raw value, by metric name. */
async function tiles(page: Page): Promise<Record<string, string>> {
  return page.locator('.reports-tiles [data-metric]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-metric'), e.getAttribute('data-value')])))
}

const EXPECTED_TILES = {
  created: '5',
  closed: '5',
  unanswered: '1',
  handled: '5',
  // waits [0, 1, 2, 4] minutes: nearest rank 2 and 4
  wait_median_ms: String(1 * MIN),
  wait_p90_ms: String(4 * MIN),
  // first responses [1, 2, 3, 6]
  frt_median_ms: String(2 * MIN),
  frt_p90_ms: String(6 * MIN),
  // resolutions [16, 20, 30, 100, 3780]
  resolution_median_ms: String(30 * MIN),
  resolution_p90_ms: String(3780 * MIN),
  // (18 + 11 + 29 + 30 + 3779) / 5
  aht_avg_ms: String((3867 * MIN) / 5),
  transfers: '1',
  transfer_rate: '0.2',
  csat_avg: '4',
  csat_satisfied_rate: '0.5',
  nps: '0',
  survey_response_rate: String(2 / 3),
}

test('a seeded week is shown exactly, exported as CSV, drilled into, and computed offline', async ({ page, parley }) => {
  const { ana, bob, numbers } = await seed(parley)
  await signIn(page, parley.url)
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await openReports(page, parley.url, PERIOD)

  expect(await tiles(page)).toEqual(EXPECTED_TILES)
  await expect(metric(page, 'aht_avg_ms')).toContainText('12 h 53 min')
  await expect(metric(page, 'transfer_rate')).toContainText('20%')
  await expect(metric(page, 'frt_median_ms')).toContainText('2 min 00 s')
  await expect(page.getByTestId('reports-preset-custom')).toHaveAttribute('data-active', 'true')
  await expect(page.getByTestId('reports-status')).toContainText('Computed on this device from data up to')

  // Per agent: handled, closed, median first response, handling of their own stretches, transfers out, CSAT.
  const agentRow = async (id: string) => Object.fromEntries(await Promise.all(['handled', 'closed', 'frt_median_ms', 'aht_avg_ms', 'transfers_out', 'csat_avg'].map(async (m) => [m, await agentCell(page, id, m).getAttribute('data-value')])))
  expect(await agentRow(ana)).toEqual({ handled: '3', closed: '2', frt_median_ms: String(2 * MIN), aht_avg_ms: String(19 * MIN), transfers_out: '1', csat_avg: '' })
  expect(await agentRow(bob)).toEqual({ handled: '3', closed: '3', frt_median_ms: String(6 * MIN), aht_avg_ms: String(1270 * MIN), transfers_out: '0', csat_avg: '4' })

  // Per day, in the table under the chart.
  const day = (d: string, m: string) => page.locator(`[data-testid="report-days"] tr[data-day="${d}"] [data-metric="${m}"]`)
  await expect(day('2026-11-02', 'created')).toHaveAttribute('data-value', '2')
  await expect(day('2026-11-02', 'closed')).toHaveAttribute('data-value', '3')
  await expect(day('2026-11-02', 'wait_median_ms')).toHaveAttribute('data-value', String(2 * MIN))
  await expect(day('2026-11-03', 'closed')).toHaveAttribute('data-value', '1')
  await expect(day('2026-11-05', 'wait_median_ms')).toHaveAttribute('data-value', '')
  await expect(page.locator('[data-testid="report-chart"] svg title').first()).toHaveText('Conversations created and closed per day')

  // The list of closed conversations is shown by default.
  const listed = () => page.getByTestId('report-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation')))
  await expect(page.locator('#report-list-heading')).toContainText('Closed conversations (5)')
  // The list on screen is asked of the worker after each click: wait for it rather than read it at once.
  await expect.poll(listed).toEqual(['conv-f', 'conv-a', 'conv-b', 'conv-d', 'conv-e'])

  // Both CSV files, parsed and checked.
  const [conversationsFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('reports-export-conversations').click()])
  expect(conversationsFile.suggestedFilename()).toBe('parley-conversations-2026-11-02_2026-11-08.csv')
  const rows = parseCsv(readFileSync((await conversationsFile.path())!, 'utf8'))
  expect(rows[0]).toEqual([...CONVERSATION_COLUMNS])
  expect(rows.slice(1).map((r) => r[0])).toEqual(['conv-f', 'conv-a', 'conv-b', 'conv-c', 'conv-d', 'conv-e'])
  const line = (id: string) => Object.fromEntries(CONVERSATION_COLUMNS.map((c, i) => [c, rows.find((r) => r[0] === id)![i]]))
  expect(line('conv-a')).toEqual({
    conversation_id: 'conv-a',
    number: String(numbers['conv-a']),
    created_at: '2026-11-02T09:00:00+00:00',
    channel: 'widget',
    team: 'Sales, EU',
    group: 'Front "desk"',
    assignee: 'Ana',
    first_assigned_at: '2026-11-02T09:02:00+00:00',
    first_response_at: '2026-11-02T09:03:00+00:00',
    closed_at: '2026-11-02T09:20:00+00:00',
    wait_ms: String(2 * MIN),
    first_response_ms: String(3 * MIN),
    resolution_ms: String(20 * MIN),
    handling_ms: String(18 * MIN),
    transfers: '0',
    reopened: '0',
    csat: '',
    nps: '',
    tags: 'billing, vip, "gold"',
  })
  expect(line('conv-e')).toMatchObject({ channel: 'email', team: 'Support', group: 'Mail', resolution_ms: String(100 * MIN), handling_ms: String(30 * MIN), reopened: '1' })
  expect(line('conv-d')).toMatchObject({ assignee: 'Bob', transfers: '1', csat: '3', nps: '5' })
  expect(line('conv-c')).toMatchObject({ assignee: '', first_assigned_at: '', closed_at: '', wait_ms: '', handling_ms: '0' })

  const [agentsFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('reports-export-agents').click()])
  expect(agentsFile.suggestedFilename()).toBe('parley-agents-2026-11-02_2026-11-08.csv')
  const agentRows = parseCsv(readFileSync((await agentsFile.path())!, 'utf8'))
  expect(agentRows[0]).toEqual([...AGENT_COLUMNS])
  expect(agentRows.slice(1).sort((a, b) => a[1]!.localeCompare(b[1]!))).toEqual([
    [ana, 'Ana', '3', '2', String(2 * MIN), String(19 * MIN), '1', ''],
    [bob, 'Bob', '3', '3', String(6 * MIN), String(1270 * MIN), '0', '4'],
  ])

  // Drill-down: a number opens the conversations behind it, each a link to the conversation.
  await metric(page, 'frt_median_ms').click()
  await expect(page).toHaveURL(/drill=frt_median_ms/)
  await expect(page.locator('#report-list-heading')).toContainText('(4)')
  await expect.poll(listed).toEqual(['conv-a', 'conv-b', 'conv-d', 'conv-e'])
  await metric(page, 'unanswered').click()
  await expect.poll(listed).toEqual(['conv-c'])
  await agentCell(page, bob, 'closed').getByRole('button').click()
  await expect(page).toHaveURL(new RegExp(`drill=closed&drill_agent=${bob}`))
  await expect.poll(listed).toEqual(['conv-f', 'conv-b', 'conv-d'])
  await page.locator('[data-conversation="conv-d"]').getByTestId('report-conversation-link').click()
  await expect(page).toHaveURL(/\/c\/conv-d$/)
  await page.goBack()
  await expect(page.getByTestId('reports-body')).toHaveAttribute('data-current', 'true')
  await expect.poll(listed).toEqual(['conv-f', 'conv-b', 'conv-d'])

  // Filters are reflected in the address, and the figures follow.
  await page.getByTestId('reports-filter-team').selectOption('t1')
  await expect(page).toHaveURL(/team=t1/)
  await expect(metric(page, 'created')).toHaveAttribute('data-value', '4')
  await page.getByTestId('reports-filter-team').selectOption('')
  await page.getByTestId('reports-filter-channel').selectOption('email')
  await expect(metric(page, 'created')).toHaveAttribute('data-value', '1')
  await expect(metric(page, 'resolution_median_ms')).toHaveAttribute('data-value', String(100 * MIN))

  // Offline: the report is computed on this device, after a reload too.
  await goOffline(page)
  await openReports(page, parley.url, `${PERIOD}&agent=${bob}`)
  await expect(page.getByTestId('reports-status')).toContainText('offline')
  await expect(metric(page, 'created')).toHaveAttribute('data-value', '2')
  await expect(metric(page, 'closed')).toHaveAttribute('data-value', '3')
  await expect(page.locator('[data-agent]')).toHaveCount(1)
  await page.getByTestId('reports-filter-agent').selectOption('')
  await expect(page).not.toHaveURL(/agent=/)
  expect(await tiles(page)).toEqual(EXPECTED_TILES)
  await goOnline(page)
})

test('a malformed period or filter in the address says so and shows the last 7 days', async ({ page, parley }) => {
  await signIn(page, parley.url)
  await openReports(page, parley.url, '?from=2026-13-01&to=2026-11-08&channel=')
  const problem = page.getByTestId('reports-query-problem')
  await expect(problem).toContainText('“from” in the address ("2026-13-01") is not a day written YYYY-MM-DD. Showing the last 7 days.')
  await expect(problem).toContainText('The channel filter in the address is not valid. Showing every channel.')
  const last7 = presetRange('last7', Date.now(), 'UTC')
  await expect(page.getByTestId('reports-from')).toHaveValue(last7.from)
  await expect(page.getByTestId('reports-to')).toHaveValue(last7.to)
  await expect(page.getByTestId('reports-preset-last7')).toHaveAttribute('aria-pressed', 'true')
  await expect(metric(page, 'created')).toHaveAttribute('data-value', '0')
  await expect(metric(page, 'wait_median_ms')).toHaveAttribute('data-value', '')

  await openReports(page, parley.url, '?from=2026-11-10&to=2026-11-01&team=nope')
  await expect(problem).toContainText('The period in the address ends (2026-11-01) before it begins (2026-11-10). Showing the last 7 days.')
  await expect(problem).toContainText('There is no team “nope”. Showing every team.')

  // Choosing a period replaces the bad address with a good one, and the message goes.
  await page.getByTestId('reports-preset-yesterday').click()
  const y = presetRange('yesterday', Date.now(), 'UTC')
  await expect(page).toHaveURL(new RegExp(`/reports\\?from=${y.from}&to=${y.to}$`))
  await expect(problem).toHaveCount(0)
})

test("the workspace's timezone buckets the days, across a DST change, and the CSV carries its offsets", async ({ page, parley }) => {
  await setTimezone(parley, 'Europe/Paris')
  // 29 March 2026 in Paris: 23 hours, from 23:00 UTC the day before to 22:00 UTC.
  const numbers = await commitChats(parley, [
    new Chat('before', Date.parse('2026-03-28T22:30:00Z')), // 23:30 on the 28th, +01:00
    new Chat('early', Date.parse('2026-03-28T23:30:00Z')), // 00:30 on the 29th, +01:00
    new Chat('late', Date.parse('2026-03-29T21:30:00Z')), // 23:30 on the 29th, +02:00
    new Chat('after', Date.parse('2026-03-29T22:30:00Z')), // 00:30 on the 30th
  ])
  await signIn(page, parley.url)
  await openReports(page, parley.url, '?from=2026-03-29&to=2026-03-29')
  await expect(page.getByTestId('reports-status')).toContainText('Days in Europe/Paris')
  await expect(metric(page, 'created')).toHaveAttribute('data-value', '2')
  await expect(metric(page, 'unanswered')).toHaveAttribute('data-value', '2')
  await expect(page.locator('[data-testid="report-days"] tr')).toHaveCount(2)
  await expect(page.locator('[data-testid="report-days"] tr[data-day="2026-03-29"] [data-metric="created"]')).toHaveAttribute('data-value', '2')

  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('reports-export-conversations').click()])
  const rows = parseCsv(readFileSync((await file.path())!, 'utf8'))
  expect(rows.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([
    ['early', String(numbers.early), '2026-03-29T00:30:00+01:00'],
    ['late', String(numbers.late), '2026-03-29T23:30:00+02:00'],
  ])

  // The next day starts at 22:00 UTC.
  await openReports(page, parley.url, '?from=2026-03-30&to=2026-03-30')
  await expect(metric(page, 'created')).toHaveAttribute('data-value', '1')
})
