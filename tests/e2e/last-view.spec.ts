import type { Page } from '@playwright/test'
import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

/** The key this device keeps the signed-in agent's last view under. */
const lastViewKey = (page: Page) => page.evaluate(() => Object.keys(localStorage).find((k) => k.endsWith('.lastPath')) ?? null)

test('the app launched offline at / opens the last view: the conversation, or the inbox once the agent went back to it', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const visitor = await visitorCtx.newPage()
  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Where did I leave off?')

  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  // The app shell must be in the service worker's cache before the network goes.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await page.getByTestId('conversation-row').first().click()
  await expect(page.getByTestId('message')).toHaveCount(1)
  const conversationUrl = page.url()

  await ctx.setOffline(true)
  // Launched from the home screen: a new window at the manifest's start_url.
  const launched = await ctx.newPage()
  await launched.goto(`${parley.url}/`)
  await expect(launched).toHaveURL(conversationUrl)
  await expect(launched.getByTestId('message').first()).toContainText('Where did I leave off?')
  await expect(launched.getByTestId('connection')).toHaveText('Offline')

  // Back to the inbox by hand: it stays there (no second restore), and the next launch opens it.
  await launched.getByTestId('back').click()
  await expect(launched.getByTestId('conversation-row')).toHaveCount(1)
  await expect(launched).toHaveURL(`${parley.url}/`)
  await launched.close()

  const again = await ctx.newPage()
  await again.goto(`${parley.url}/`)
  await expect(again.getByTestId('conversation-row')).toHaveCount(1)
  expect(await again.evaluate((key) => localStorage.getItem(key!), await lastViewKey(again))).toBe('/')
  await expect(again).toHaveURL(`${parley.url}/`)
  await expect(again.getByTestId('message')).toHaveCount(0)
  await again.close()

  // A conversation this device no longer lists for the agent is not reopened: the inbox instead.
  await page.evaluate((key) => localStorage.setItem(key!, '/c/no-such-conversation'), await lastViewKey(page))
  const stale = await ctx.newPage()
  await stale.goto(`${parley.url}/`)
  await expect(stale.getByTestId('conversation-row')).toHaveCount(1)
  await expect(stale.getByTestId('inbox')).toBeVisible()
  await expect(stale).toHaveURL(`${parley.url}/`)

  await visitorCtx.close()
  await ctx.close()
})
