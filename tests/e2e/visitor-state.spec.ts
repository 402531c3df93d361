import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

test('with a real widget open, a reply shows read once the visitor’s widget shows it; the header says Online, then Offline when the page closes', async ({ browser, parley }) => {
  // Two browsers, a round trip offline and back, and a second visit: longer than most.
  test.slow()
  const visitorCtx = await browser.newContext()
  const shop = await visitorCtx.newPage()
  await openWidget(shop, parley.url)
  await visitorSays(shop, 'Is the blue kettle in stock?')

  const agentCtx = await browser.newContext()
  const page = await agentCtx.newPage()
  await signIn(page, parley.url)
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await page.getByTestId('conversation-row').filter({ hasText: 'Is the blue kettle in stock?' }).click()
  await expect(page.getByTestId('thread')).toContainText('Is the blue kettle in stock?')

  // The widget is open on the shop's page: the visitor is online.
  const online = page.getByTestId('visitor-online')
  const offline = page.getByTestId('visitor-offline')
  await expect(online).toHaveText('Online')
  await expect(offline).toHaveCount(0)

  // The reply reaches the widget, which shows it and sends a read receipt.
  await page.getByTestId('composer').fill('Yes, three are left.')
  await page.getByTestId('send').click()
  await expect(shop.getByTestId('parley-message').filter({ hasText: 'Yes, three are left.' })).toBeVisible()
  const mark = page.getByTestId('message').filter({ hasText: 'Yes, three are left.' }).getByTestId('delivery-state')
  await expect(mark).toHaveAttribute('data-state', 'read')
  await expect(mark).toHaveAttribute('aria-label', 'Read')

  // The visitor closes the shop's page: the header says so, in words and not only by colour.
  await shop.close()
  await expect(offline).toHaveText('Offline')
  await expect(offline).toHaveAttribute('title', 'The visitor has no chat window open')
  await expect(online).toHaveCount(0)

  // Offline, this device cannot know: it claims neither.
  await agentCtx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await expect(offline).toHaveCount(0)
  await expect(online).toHaveCount(0)
  // Back online, the visitor (still away) shows offline again, and the reply stays read.
  await agentCtx.setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
  await expect(offline).toHaveText('Offline')
  await expect(mark).toHaveAttribute('data-state', 'read')

  // The visitor comes back to the shop: online again.
  const back = await visitorCtx.newPage()
  await back.goto(`${parley.url}/demo`)
  await back.getByTestId('parley-launcher').click()
  await expect(back.getByTestId('parley-message').filter({ hasText: 'Yes, three are left.' })).toBeVisible()
  await expect(online).toHaveText('Online')
  await expect(offline).toHaveCount(0)

  await visitorCtx.close()
  await agentCtx.close()
})
