import { test as base, expect, type Page } from '@playwright/test'
import { ADMIN, startServer, type TestServer } from '../support/server.ts'

/**
 * One real server per test, on an ephemeral port, with a fresh data folder. Browser contexts a
 * test opens itself (a visitor, a second agent, a phone) are closed when it ends: left open, their
 * pages would go on redialling a stopped server for the rest of the worker's run.
 */
export const test = base.extend<{ parley: TestServer; ownContexts: void }>({
  parley: async ({}, use) => {
    const server = await startServer()
    await use(server)
    await server.destroy()
  },
  ownContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts())
      await use()
      for (const ctx of browser.contexts()) if (!before.has(ctx)) await ctx.close().catch(() => {})
    },
    { auto: true },
  ],
})
export { expect }

/** Signs the agent in through the login form. */
export async function signIn(page: Page, url: string, creds = ADMIN): Promise<void> {
  await page.goto(url)
  await page.getByTestId('login-email').fill(creds.email)
  await page.getByTestId('login-password').fill(creds.password)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('inbox')).toBeVisible()
  await expect(page.getByTestId('connection')).toHaveText('Online')
}

/** Opens the demo shop page and the chat box. */
export async function openWidget(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/demo`)
  await page.getByTestId('parley-launcher').click()
  await expect(page.getByTestId('parley-panel')).toBeVisible()
  await expect(page.getByTestId('parley-status')).toHaveText('Online')
}

/** Sends a visitor message from the widget and waits until the server acknowledged it. */
export async function visitorSays(page: Page, text: string): Promise<void> {
  await page.getByTestId('parley-input').fill(text)
  await page.getByTestId('parley-send').click()
  const sent = page.getByTestId('parley-message').filter({ hasText: text })
  await expect(sent).toHaveAttribute('data-state', 'sent')
}
