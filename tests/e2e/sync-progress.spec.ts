import { prng } from '../support/random.ts'
import { seedHistory } from '../bench/appSeed.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { expect, signIn, test } from './fixtures.ts'

/** Events per backlog frame of this test's server: the history spans many frames. */
const PAGE = 200
/** Frames let through before the test holds the rest back: the device is then part-way. */
const LET_THROUGH = 3
const CONVERSATIONS = 300
const MESSAGES = 2700

let server: TestServer
test.beforeEach(async () => {
  server = await startServer({ liveBacklogPage: PAGE })
})
test.afterEach(async () => {
  await server.destroy()
})

test('a first sync far behind shows "Syncing history" with its numbers, keeps the inbox usable, and hides once caught up', async ({ browser }) => {
  const now = Date.now()
  await seedHistory(server.server.store, { prefix: 'hist', conversations: CONVERSATIONS, messages: MESSAGES, fromAt: now - 30 * 86_400_000, toAt: now - 3600_000, rand: prng(11) })
  const serverLast = await server.server.store.lastSeq('default')
  expect(serverLast).toBeGreaterThanOrEqual(CONVERSATIONS + MESSAGES)

  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  // The live socket goes through the test, which passes the hello and a few frames, then holds
  // the rest of the backlog until it has looked at the page.
  let release!: () => void
  const released = new Promise<void>((r) => (release = r))
  await page.routeWebSocket(/\/api\/live/, (ws) => {
    const upstream = ws.connectToServer()
    const queue: (string | Buffer)[] = []
    let frames = 0
    let pumping = false
    const pump = async () => {
      if (pumping) return
      pumping = true
      while (queue.length) {
        const m = queue.shift()!
        if (String(m).startsWith('{"type":"events"') && ++frames > LET_THROUGH) await released
        ws.send(m)
      }
      pumping = false
    }
    upstream.onMessage((m) => {
      queue.push(m)
      void pump()
    })
  })

  await signIn(page, server.url)
  const bar = page.getByTestId('sync-progress')
  await expect(bar).toBeVisible()
  await expect(bar).toHaveAttribute('role', 'progressbar')
  await expect(bar).toHaveAttribute('aria-valuemax', String(serverLast))
  // What the frames let through hold, and not more.
  await expect(bar).toHaveAttribute('aria-valuenow', String(LET_THROUGH * PAGE))
  const expected = await page.evaluate(
    ({ stored, total }) => `Syncing history ${Math.floor((stored / total) * 100)}% — ${new Intl.NumberFormat().format(stored)} of ${new Intl.NumberFormat().format(total)}`,
    { stored: LET_THROUGH * PAGE, total: serverLast },
  )
  await expect(bar).toContainText(expected)
  await expect(bar).toHaveAttribute('aria-valuetext', expected)

  // Meanwhile the inbox lists what is stored and answers: a tab switches, a conversation opens.
  const rows = page.getByTestId('conversation-row')
  await expect(rows.first()).toBeVisible()
  await page.locator('[data-testid="tab"][data-tab="closed"]').click()
  await expect(page.getByTestId('inbox')).toHaveAttribute('data-tab', 'closed')
  await page.locator('[data-testid="tab"][data-tab="all"]').click()
  await expect(page.getByTestId('inbox')).toHaveAttribute('data-tab', 'all')
  await rows.first().click()
  await expect(page.getByTestId('thread')).toBeVisible()
  await expect(bar).toBeVisible()

  // Offline the bar stays with what is stored and says the sync is paused; back online it goes on.
  await ctx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await expect(bar).toHaveAttribute('data-paused', 'true')
  await expect(bar).toContainText(`${expected} — paused offline`)
  await ctx.setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
  await expect(bar).toHaveAttribute('data-paused', 'false')

  release()
  await expect(bar).toBeHidden({ timeout: 60_000 })
  // Hidden because the device holds the whole log: every conversation is listed.
  await expect(page.locator('[data-testid="tab"][data-tab="all"]').getByTestId('tab-count')).toHaveText(String(CONVERSATIONS))
  await ctx.close()
})
