/** Helpers shared by the conversation-action specs. */
import type { Browser, BrowserContextOptions, Page } from '@playwright/test'
import { putEntry } from '../../shared/settings.ts'
import { createAgent, login } from '../support/clients.ts'
import { routingGroup, writeSettings } from '../support/settings.ts'
import { expect, openWidget, signIn, visitorSays } from './fixtures.ts'

export const BEA = { email: 'bea@example.com', name: 'Bea', password: 'bea password 123' }

/** Creates the second agent through the admin API; resolves with their id. */
export async function addBea(url: string): Promise<string> {
  const admin = await login(url)
  const created = await createAgent(url, admin.token, BEA)
  expect(created.status).toBe(201)
  return created.body.id!
}

/** A manual routing group (nobody is handed its chats: they wait to be taken). */
export async function addGroup(url: string, wsUrl: string, id: string, name: string): Promise<void> {
  const admin = await login(url)
  await writeSettings(wsUrl, admin.token, (doc) => putEntry(doc, 'groups', routingGroup(id, { name, assignment: 'manual', fullMessage: `${name} is full` })))
}

/** A visitor who has written once, in a context of their own. */
export async function visitorWho(browser: Browser, url: string, text: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await openWidget(page, url)
  await visitorSays(page, text)
  return page
}

/** An agent signed in in a fresh context; `narrow` is a phone's width. */
export async function agentPage(
  browser: Browser,
  url: string,
  creds?: { email: string; password: string },
  narrow = false,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const ctx = await browser.newContext({ ...(narrow ? { viewport: { width: 375, height: 740 } } : {}), ...options })
  const page = await ctx.newPage()
  await signIn(page, url, creds)
  return page
}

export async function openFirst(page: Page, text: string) {
  const row = page.getByTestId('conversation-row').filter({ hasText: text })
  await row.click()
  await expect(page.getByTestId('thread')).toContainText(text)
}

export async function showTab(page: Page, tab: string) {
  await page.locator(`[data-testid="tab"][data-tab="${tab}"]`).click()
  await expect(page.getByTestId('inbox')).toHaveAttribute('data-tab', tab)
}

export const tabCount = (page: Page, tab: string) => page.locator(`[data-testid="tab"][data-tab="${tab}"]`).getByTestId('tab-count')

/** Takes the network away and waits until the app says so. */
export async function goOffline(page: Page) {
  await page.context().setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
}

export async function goOnline(page: Page) {
  await page.context().setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
}

/** A system line of the thread. */
export const line = (page: Page, text: string | RegExp) => page.getByTestId('message').filter({ hasText: text })
