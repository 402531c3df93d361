import type { Page } from '@playwright/test'
import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

/** Nothing wider than the window: the page never scrolls sideways. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), { message: 'the page scrolls sideways' })
    .toBeLessThanOrEqual(0)
}

/** The element lies wholly inside the window. */
async function expectOnScreen(page: Page, testId: string): Promise<void> {
  const box = await page.getByTestId(testId).boundingBox()
  const width = page.viewportSize()!.width
  expect(box, `${testId} has a box`).not.toBeNull()
  expect(box!.x, `${testId} starts on screen`).toBeGreaterThanOrEqual(0)
  expect(box!.x + box!.width, `${testId} ends on screen`).toBeLessThanOrEqual(width)
}

test('on a 375px phone the inbox, a conversation and Settings fit; the menu reaches Settings and Sign out', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const visitor = await visitorCtx.newPage()
  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Hello from a phone-sized test')

  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  // The normal state on a phone: the agent has not decided about notifications yet.
  expect(await page.evaluate(() => Notification.permission)).toBe('default')

  await expect(page.getByTestId('conversation-row')).toHaveCount(1)
  await expectNoSidewaysScroll(page)
  for (const id of ['nav-inbox', 'connection', 'status-select', 'sound-toggle', 'header-menu']) await expectOnScreen(page, id)

  // The secondary controls wait behind the menu button, which says whether it is open.
  const menu = page.getByTestId('header-menu')
  await expect(menu).toHaveAttribute('aria-expanded', 'false')
  await expect(page.getByTestId('nav-settings')).toBeHidden()
  await menu.click()
  await expect(menu).toHaveAttribute('aria-expanded', 'true')
  for (const id of ['enable-notifications', 'nav-settings', 'sign-out']) {
    await expect(page.getByTestId(id)).toBeVisible()
    await expectOnScreen(page, id)
  }
  await expectNoSidewaysScroll(page)
  // Escape folds it away again.
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('nav-settings')).toBeHidden()
  await expect(menu).toBeFocused()

  await page.getByTestId('conversation-row').first().click()
  await expect(page.getByTestId('message').first()).toContainText('Hello from a phone-sized test')
  await expectNoSidewaysScroll(page)

  await menu.click()
  await page.getByTestId('nav-settings').click()
  await expect(page).toHaveURL(/\/settings/)
  await expect(page.getByTestId('nav-settings')).toBeHidden()
  await expectNoSidewaysScroll(page)

  await menu.click()
  await page.getByTestId('sign-out').click()
  await expect(page.getByTestId('login-email')).toBeVisible()
  await expectNoSidewaysScroll(page)

  await visitorCtx.close()
  await ctx.close()
})

test('on a desktop the header shows its controls in the bar and nothing overflows', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const visitor = await visitorCtx.newPage()
  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Hello from a desktop-sized test')

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  await expectNoSidewaysScroll(page)
  // No menu to open: the controls are in the bar.
  await expect(page.getByTestId('header-menu')).toBeHidden()
  for (const id of ['enable-notifications', 'nav-settings', 'sign-out']) {
    await expect(page.getByTestId(id)).toBeVisible()
    await expectOnScreen(page, id)
  }

  await page.getByTestId('conversation-row').first().click()
  await expect(page.getByTestId('message').first()).toContainText('Hello from a desktop-sized test')
  await expectNoSidewaysScroll(page)

  await page.getByTestId('nav-settings').click()
  await expect(page).toHaveURL(/\/settings/)
  await expectNoSidewaysScroll(page)

  await page.getByTestId('sign-out').click()
  await expect(page.getByTestId('login-email')).toBeVisible()

  await visitorCtx.close()
  await ctx.close()
})
