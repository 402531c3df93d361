import { expect, signIn, test } from './fixtures.ts'

const DEMO_TITLE = 'Northwind Outfitters — demo shop'

test('a visitor opening /demo is listed in Supervision › Visitors; the admin starts a chat from the row and the visitor’s widget gets the message; offline the view says it needs the connection', async ({ browser, page, parley }) => {
  await signIn(page, parley.url)
  await page.goto(`${parley.url}/supervision/visitors`)
  const count = page.locator('[data-metric="visitors_online"]')
  await expect(count).toHaveAttribute('data-value', '0')
  await expect(page.getByTestId('visitors-empty')).toBeVisible()

  // The visitor only opens the page: the loader's presence puts them on the list, chat not opened.
  const visitorContext = await browser.newContext()
  const shop = await visitorContext.newPage()
  await shop.goto(`${parley.url}/demo`)
  await expect(shop.getByTestId('parley-launcher')).toBeVisible()
  await expect(count).toHaveAttribute('data-value', '1')
  const row = page.getByTestId('visitor-row')
  await expect(row).toHaveCount(1)
  const visitorId = await row.getAttribute('data-visitor')
  expect(visitorId).toBeTruthy()
  await expect(row.getByTestId('visitor-name')).toHaveText('Visitor')
  await expect(row.getByTestId('visitor-page')).toHaveText(DEMO_TITLE)
  await expect(row.getByTestId('visitor-page')).toHaveAttribute('href', `${parley.url}/demo`)
  await expect(row.getByTestId('visitor-pages')).toHaveAttribute('data-value', '1')
  await expect(row.getByTestId('visitor-from')).toHaveText('Direct')
  await expect(row.getByTestId('visitor-returning')).toHaveText('New')
  // Time on the site ticks.
  const firstMs = Number(await row.getByTestId('visitor-time').getAttribute('data-value'))
  await expect.poll(async () => Number(await row.getByTestId('visitor-time').getAttribute('data-value'))).toBeGreaterThan(firstMs + 1000)

  // Start chat from the row: the first message goes, the conversation opens, the visitor's widget receives it.
  await row.getByTestId('visitor-start').click()
  await page.getByTestId('engaged-text').fill('Hello! Can I help you pick a jacket?')
  await page.getByTestId('engaged-send').click()
  await expect(page).toHaveURL(/\/c\/[^/]+$/)
  const conversationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!)
  await expect(page.getByTestId('message').filter({ hasText: 'Can I help you pick a jacket?' })).toHaveCount(1)
  // The loader was nudged: the box opens on the visitor's page with the agent's message.
  await expect(shop.getByTestId('parley-panel')).toBeVisible()
  await expect(shop.getByTestId('parley-message').filter({ hasText: 'Can I help you pick a jacket?' })).toHaveCount(1)

  // Back on the list: the visitor is chatting, with a link to that conversation instead of Start chat.
  await page.goto(`${parley.url}/supervision/visitors`)
  const chatting = page.locator(`[data-visitor="${visitorId}"]`)
  await expect(chatting.getByTestId('visitor-chat')).toHaveAttribute('href', `/c/${encodeURIComponent(conversationId)}`)
  await expect(chatting.getByTestId('visitor-start')).toHaveCount(0)

  // Another page of the site counts as a page of this visit.
  await shop.goto(`${parley.url}/demo?section=jackets`)
  await expect(chatting.getByTestId('visitor-pages')).toHaveAttribute('data-value', '2')

  // Offline: no stale list pretending to be live.
  await page.context().setOffline(true)
  await expect(page.getByTestId('visitors-offline')).toContainText('needs the connection')
  await expect(page.getByTestId('visitors-table')).toHaveCount(0)
  await expect(count).toHaveCount(0)
  await page.context().setOffline(false)
  await expect(count).toHaveAttribute('data-value', '1')

  // The visitor leaves: off the list at once.
  await visitorContext.close()
  await expect(count).toHaveAttribute('data-value', '0')
  await expect(page.getByTestId('visitor-row')).toHaveCount(0)
})
