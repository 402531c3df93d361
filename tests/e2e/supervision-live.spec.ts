import type { Locator, Page } from '@playwright/test'
import { command, createAgent, login, Visitor } from '../support/clients.ts'
import { setStatus } from '../support/widget.ts'
import { BEA, addGroup, agentPage, goOffline, goOnline } from './actionsSupport.ts'
import { expect, signIn, test } from './fixtures.ts'

/** A figure of the live table: the row of `group` (a group id, `workspace` or `total`), the metric `name`. */
const liveFigure = (page: Page, group: string, name: string): Locator => page.locator(`[data-group="${group}"] [data-metric="${name}"]`)
const agentFigure = (page: Page, agentId: string, name: string): Locator => page.locator(`[data-agent="${agentId}"] [data-metric="${name}"]`)
const valueOf = async (l: Locator) => Number(await l.getAttribute('data-value'))

async function openSupervision(page: Page, tab: 'live' | 'agents') {
  const entry = page.getByTestId('nav-supervision')
  if (!(await entry.isVisible())) await page.getByTestId('header-menu').click()
  await entry.click()
  await page.getByTestId(`supervision-tab-${tab}`).click()
  await expect(page.getByTestId(`supervision-${tab}`)).toBeVisible()
}

test('the live view follows a chat from waiting to handled to closed, and freezes with its time offline', async ({ page, parley }) => {
  await addGroup(parley.url, parley.wsUrl, 'sales', 'Sales')
  // The page's clock runs as usual, and can be moved on at once to show what does not move.
  await page.clock.install()
  await signIn(page, parley.url)
  await openSupervision(page, 'live')
  await expect(page).toHaveURL(/\/supervision\/live$/)
  await expect(page.getByTestId('as-of')).toHaveText('Live')
  await expect(liveFigure(page, 'sales', 'waiting')).toHaveAttribute('data-value', '0')
  await expect(liveFigure(page, 'workspace', 'waiting')).toHaveAttribute('data-value', '0')
  // The admin's own app is a live connection.
  await expect(liveFigure(page, 'total', 'agents_signed_in')).toHaveAttribute('data-value', '1')

  const visitor = new Visitor(parley.wsUrl, { name: 'Vera' })
  await visitor.connect()
  const { conversationId } = await visitor.say('Is the blue jacket in stock?')
  await expect(liveFigure(page, 'workspace', 'waiting')).toHaveAttribute('data-value', '1')
  await expect(liveFigure(page, 'total', 'waiting')).toHaveAttribute('data-value', '1')
  // The longest wait ticks.
  const wait = liveFigure(page, 'workspace', 'longest_wait_ms')
  await expect.poll(() => valueOf(wait)).toBeGreaterThan(0)
  const first = await valueOf(wait)
  await expect.poll(() => valueOf(wait)).toBeGreaterThan(first)

  const admin = await login(parley.url)
  expect((await command(parley.url, admin.token, conversationId, 'take')).status).toBe(200)
  await expect(liveFigure(page, 'workspace', 'waiting')).toHaveAttribute('data-value', '0')
  await expect(liveFigure(page, 'workspace', 'longest_wait_ms')).toHaveAttribute('data-value', '')
  await expect(liveFigure(page, 'workspace', 'handling')).toHaveAttribute('data-value', '1')

  expect((await command(parley.url, admin.token, conversationId, 'close', { tags: [] })).status).toBe(200)
  await expect(liveFigure(page, 'workspace', 'handling')).toHaveAttribute('data-value', '0')
  await expect(liveFigure(page, 'workspace', 'closed_today')).toHaveAttribute('data-value', '1')
  await expect(liveFigure(page, 'total', 'closed_today')).toHaveAttribute('data-value', '1')

  // A second visitor waits; offline the view keeps what it knew, says since when, and stops ticking.
  const second = new Visitor(parley.wsUrl, { name: 'Walt' })
  await second.connect()
  await second.say('Hello?')
  await expect(liveFigure(page, 'workspace', 'waiting')).toHaveAttribute('data-value', '1')
  await goOffline(page)
  await expect(page.getByTestId('as-of')).toHaveText(/^As of \d{2}:\d{2}/)
  const frozen = await valueOf(liveFigure(page, 'workspace', 'longest_wait_ms'))
  const third = new Visitor(parley.wsUrl, { name: 'Xena' })
  await third.connect()
  await third.say('Anyone there?')
  // Five seconds on (the ticker runs every second), the wait still reads the same.
  await page.clock.runFor(5_000)
  await expect(liveFigure(page, 'workspace', 'longest_wait_ms')).toHaveAttribute('data-value', String(frozen))
  await expect(liveFigure(page, 'workspace', 'waiting')).toHaveAttribute('data-value', '1')
  // The view reloads offline from the device.
  await page.reload()
  await expect(page.getByTestId('supervision-live')).toBeVisible()
  await expect(liveFigure(page, 'workspace', 'waiting')).toHaveAttribute('data-value', '1')
  await expect(page.getByTestId('as-of')).toHaveText(/^As of \d{2}:\d{2}/)

  await goOnline(page)
  await expect(page.getByTestId('as-of')).toHaveText('Live')
  await expect(liveFigure(page, 'workspace', 'waiting')).toHaveAttribute('data-value', '2')
  for (const v of [visitor, second, third]) await v.close()
})

test('the agents board shows a colleague signing in, changing status and the clock since their last reply', async ({ page, browser, parley }) => {
  const admin = await login(parley.url)
  const created = await createAgent(parley.url, admin.token, BEA)
  const beaId = created.body.id as string
  await page.clock.install()
  await signIn(page, parley.url)
  await openSupervision(page, 'agents')
  await expect(agentFigure(page, beaId, 'status')).toHaveAttribute('data-connected', 'false')

  const bea = await agentPage(browser, parley.url, BEA)
  await expect(agentFigure(page, beaId, 'status')).toHaveAttribute('data-connected', 'true')
  await setStatus(parley.url, (await login(parley.url, BEA)).token, 'away')
  await expect(agentFigure(page, beaId, 'status')).toHaveAttribute('data-value', 'away')
  await expect.poll(() => valueOf(agentFigure(page, beaId, 'in_status_ms'))).toBeGreaterThan(0)

  // Bea answers a visitor from her app: the reply clock starts and ticks.
  const visitor = new Visitor(parley.wsUrl, { name: 'Yann' })
  await visitor.connect()
  const { conversationId } = await visitor.say('Where is my parcel?')
  const beaToken = (await login(parley.url, BEA)).token
  expect((await command(parley.url, beaToken, conversationId, 'take')).status).toBe(200)
  await expect(agentFigure(page, beaId, 'active_chats')).toHaveAttribute('data-value', '1')
  await expect(agentFigure(page, beaId, 'since_last_reply_ms')).toHaveAttribute('data-value', '')
  await bea.goto(`${parley.url}/c/${conversationId}`)
  await bea.getByTestId('composer').fill('On its way!')
  await bea.getByTestId('send').click()
  await expect.poll(() => valueOf(agentFigure(page, beaId, 'since_last_reply_ms')), { timeout: 10_000 }).toBeGreaterThanOrEqual(0)
  await expect(agentFigure(page, beaId, 'since_last_reply_ms')).not.toHaveAttribute('data-value', '')
  const since = await valueOf(agentFigure(page, beaId, 'since_last_reply_ms'))
  await expect.poll(() => valueOf(agentFigure(page, beaId, 'since_last_reply_ms'))).toBeGreaterThan(since)
  await expect(agentFigure(page, beaId, 'frt_today_avg_ms')).not.toHaveAttribute('data-value', '')
  await expect(agentFigure(page, beaId, 'reply_today_avg_ms')).not.toHaveAttribute('data-value', '')

  // Sorting by a column orders the rows by it.
  await page.getByTestId('sort-active_chats').click()
  await page.getByTestId('sort-active_chats').click()
  await expect(page.locator('[data-testid="agents-table"] tbody tr').first()).toHaveAttribute('data-agent', beaId)

  // Bea closes her app: she is no longer signed in.
  await bea.context().close()
  await expect(agentFigure(page, beaId, 'status')).toHaveAttribute('data-connected', 'false')

  // Offline the board keeps what it knew, says since when, and its clocks stop.
  await goOffline(page)
  await expect(page.getByTestId('as-of')).toHaveText(/^As of \d{2}:\d{2}/)
  const stopped = await agentFigure(page, beaId, 'since_last_reply_ms').getAttribute('data-value')
  await page.clock.runFor(5_000)
  await expect(agentFigure(page, beaId, 'since_last_reply_ms')).toHaveAttribute('data-value', stopped!)
  await expect(agentFigure(page, beaId, 'closed_today')).toHaveAttribute('data-value', '0')
  await goOnline(page)
  await expect(page.getByTestId('as-of')).toHaveText('Live')
  await visitor.close()
})

test('an agent without the management right has no Supervision entry and is told so at its address', async ({ page, parley }) => {
  const admin = await login(parley.url)
  await createAgent(parley.url, admin.token, BEA)
  await signIn(page, parley.url, BEA)
  await expect(page.getByTestId('nav-supervision')).toHaveCount(0)
  await page.goto(`${parley.url}/supervision/live`)
  await expect(page.getByTestId('supervision-denied')).toBeVisible()
  await expect(page.getByTestId('live-table')).toHaveCount(0)
  await expect(page.getByTestId('supervision-tab-reports')).toHaveCount(0)
})

test('a damaged fact on the device is rebuilt from the log, never counted as it is', async ({ page, parley }) => {
  await signIn(page, parley.url)
  const visitor = new Visitor(parley.wsUrl, { name: 'Zoe' })
  await visitor.connect()
  const { conversationId } = await visitor.say('Hi there')
  await openSupervision(page, 'live')
  await expect(liveFigure(page, 'workspace', 'waiting')).toHaveAttribute('data-value', '1')
  // Storage damages the conversation's fact: it now claims to be closed, in a shape no build writes.
  const admin = await login(parley.url)
  await page.evaluate(
    ({ name, id }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(name)
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          // Facts are kept in pages (client/data/factPages.ts): the one holding this conversation's.
          const tx = open.result.transaction('factPages', 'readwrite')
          const pages = tx.objectStore('factPages')
          const all = pages.getAll()
          all.onsuccess = () => {
            const page = (all.result as { facts: { id: string }[] }[]).find((p) => p.facts.some((f) => f.id === id))
            if (!page) return reject(new Error('no page holds the fact'))
            page.facts = page.facts.map((f) => (f.id === id ? { id, status: 'closed', closedAt: Date.now(), seq: 1e9, stretches: null } : f))
            pages.put({ ...page, seq: 1e9 })
          }
          tx.oncomplete = () => (open.result.close(), resolve())
          tx.onerror = () => reject(tx.error)
        }
      }),
    { name: `parley-default-${admin.agent.id}`, id: conversationId },
  )
  await page.reload()
  await expect(page.getByTestId('supervision-live')).toBeVisible()
  await expect(liveFigure(page, 'workspace', 'waiting')).toHaveAttribute('data-value', '1')
  await expect(liveFigure(page, 'workspace', 'closed_today')).toHaveAttribute('data-value', '0')
  await visitor.close()
})

test('the supervision tabs reach every view and stay on screen, on a phone too', async ({ browser, parley }) => {
  const page = await agentPage(browser, parley.url, undefined, true)
  await page.getByTestId('header-menu').click()
  await page.getByTestId('nav-supervision').click()
  const views = { live: 'supervision-live', agents: 'supervision-agents', conversations: 'supervision-conversations', visitors: 'visitors', reports: 'reports' }
  for (const [tab, view] of Object.entries(views)) {
    await page.getByTestId(`supervision-tab-${tab}`).click()
    await expect(page.getByTestId(view)).toBeVisible()
    await expect(page.getByTestId(`supervision-tab-${tab}`)).toHaveAttribute('aria-current', 'page')
    // The tabs keep their height above a tall view (the reports are taller than a phone).
    const box = await page.locator('.supervision-tabs').boundingBox()
    expect(box!.height).toBeGreaterThan(30)
  }
  await expect(page).toHaveURL(/\/reports/)
})
