import type { Browser, Page } from '@playwright/test'
import { readOptions } from '../../shared/settings.ts'
import { createAgent, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

const BEA = { email: 'bea@example.com', name: 'Bea', password: 'bea password 123' }

/** An agent signed in in a fresh context. */
async function agentPage(browser: Browser, url: string, creds?: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await signIn(page, url, creds)
  return page
}

/** Opens a settings section from the header link. */
async function openSettings(page: Page, section: string) {
  await page.getByTestId('nav-settings').click()
  await page.getByTestId(`settings-nav-${section}`).click()
  await expect(page.getByTestId(`settings-${section}`)).toBeVisible()
}

async function addTag(page: Page, name: string) {
  await page.getByTestId('tag-new-name').fill(name)
  await page.getByTestId('tag-add').click()
}

test('an admin adds an agent in Settings, who can then sign in; a taken email or a short password is refused', async ({ browser, parley }) => {
  const admin = await agentPage(browser, parley.url)
  await openSettings(admin, 'agents')
  await expect(admin.locator('[data-testid="agent-row"]').filter({ hasText: 'Admin' })).toHaveCount(1)

  const form = admin.getByTestId('agent-form')
  await form.getByTestId('agent-name').fill('Carl')
  await form.getByTestId('agent-email').fill('carl@example.com')
  await form.getByTestId('agent-password').fill('carl password 1')
  await form.getByTestId('agent-role').selectOption('supervisor')
  await form.getByTestId('agent-submit').click()
  await expect(form.getByTestId('agent-form-done')).toHaveText('Carl can now sign in.')
  const carl = admin.getByTestId('agent-row').filter({ hasText: 'Carl' })
  await expect(carl.getByTestId('agent-row-role')).toHaveText('Supervisor')
  // The form is empty again, ready for the next one.
  await expect(form.getByTestId('agent-name')).toHaveValue('')

  // Carl signs in with what the admin typed.
  const carlPage = await agentPage(browser, parley.url, { email: 'carl@example.com', password: 'carl password 1' })
  await expect(carlPage.locator('.agent-name')).toContainText('Carl')

  // The same email again: said beside the form, and the email field is marked.
  await form.getByTestId('agent-name').fill('Carl Again')
  await form.getByTestId('agent-email').fill('carl@example.com')
  await form.getByTestId('agent-password').fill('another password')
  await form.getByTestId('agent-submit').click()
  await expect(form.getByTestId('agent-form-error')).toHaveText('An agent with this email already exists.')
  await expect(form.getByTestId('agent-email')).toHaveAttribute('aria-invalid', 'true')
  await expect(form.getByTestId('agent-name')).toHaveValue('Carl Again')

  // The server's own explanation of a refused form (400) shows as it is.
  await form.getByTestId('agent-email').fill('dana@example.com')
  await form.getByTestId('agent-password').fill('short')
  await form.getByTestId('agent-submit').click()
  await expect(form.getByTestId('agent-form-error')).toContainText('at least 8 characters')
  await expect(admin.getByTestId('agent-row')).toHaveCount(2)
})

test('a tag added in Settings is offered when closing a chat; duplicates are refused', async ({ browser, parley }) => {
  const visitor = new Visitor(parley.wsUrl, { name: 'Tom' })
  await visitor.connect()
  await visitor.say('My invoice is wrong')

  const admin = await agentPage(browser, parley.url)
  await openSettings(admin, 'tags')
  await expect(admin.getByTestId('tag-row')).toHaveCount(0)
  await addTag(admin, 'VIP client')
  await expect(admin.getByTestId('tag-row')).toHaveText([/VIP client/])
  await addTag(admin, ' vip CLIENT ')
  await expect(admin.getByTestId('tag-error')).toHaveText('There is already a tag “vip CLIENT”.')
  await addTag(admin, '')
  await expect(admin.getByTestId('tag-error')).toHaveText('Give the tag a name.')
  await addTag(admin, 'Refund')
  await addTag(admin, 'Spam')
  await expect(admin.getByTestId('tag-row')).toHaveCount(3)

  // Rename one, delete another.
  const refund = admin.locator('[data-testid="tag-row"][data-tag="Refund"]')
  await refund.getByTestId('tag-rename').click()
  await refund.getByTestId('tag-rename-input').fill('Refunds')
  await refund.getByTestId('tag-rename-save').click()
  await expect(admin.locator('[data-testid="tag-row"][data-tag="Refunds"]')).toHaveCount(1)
  await admin.locator('[data-testid="tag-row"][data-tag="Spam"]').getByTestId('tag-delete').click()
  await expect(admin.getByTestId('tag-row')).toHaveCount(2)
  await expect(admin.getByTestId('sync-status')).toHaveText('Synced')

  // The close dialog offers the workspace's tags instead of the starter ones.
  await admin.getByTestId('nav-inbox').click()
  await admin.getByTestId('conversation-row').filter({ hasText: 'My invoice is wrong' }).click()
  await admin.getByTestId('action-take').click()
  await expect(admin.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await admin.getByTestId('action-close').click()
  const dialog = admin.getByTestId('close-dialog')
  await expect(dialog.getByTestId('close-tag')).toHaveText(['Refunds', 'VIP client'])
  await dialog.locator('[data-testid="close-tag"][data-tag="VIP client"]').click()
  await dialog.getByTestId('close-confirm').click()
  await expect(admin.getByTestId('conversation-status')).toHaveText('Closed')
  await visitor.close()
})

test('offline, an admin edits tags, templates and options on the device; adding an agent waits for a connection; a colleague gets the changes once back online', async ({
  browser,
  parley,
}) => {
  const token = (await login(parley.url)).token
  expect((await createAgent(parley.url, token, BEA)).status).toBe(201)
  const visitor = new Visitor(parley.wsUrl, { name: 'Tom' })
  await visitor.connect()
  await visitor.say('Hello, anyone?')

  const adminCtx = await browser.newContext()
  const admin = await adminCtx.newPage()
  await signIn(admin, parley.url)
  await openSettings(admin, 'tags')
  await expect(admin.getByTestId('sync-status')).toHaveText('Synced')

  await adminCtx.setOffline(true)
  await expect(admin.getByTestId('connection')).toHaveText('Offline')
  await addTag(admin, 'Offline tag')
  await expect(admin.locator('[data-testid="tag-row"][data-tag="Offline tag"]')).toHaveCount(1)
  await expect(admin.getByTestId('sync-status')).toHaveText('Saved on this device — will sync when online')
  await expect(admin.getByTestId('sync-status')).toHaveAttribute('data-state', 'pending')

  await admin.getByTestId('settings-nav-templates').click()
  await admin.getByTestId('template-new').click()
  await admin.getByTestId('template-tag').fill('train')
  await admin.getByTestId('template-title').fill('On the train')
  await admin.getByTestId('template-text').fill('Written offline for {visitor.name}.')
  await admin.getByTestId('template-save').click()
  await expect(admin.locator('[data-testid="template-row"][data-tag="train"]')).toHaveCount(1)
  await expect(admin.getByTestId('sync-status')).toHaveAttribute('data-state', 'pending')

  // Agents may now edit templates: an option of the settings document, edited offline too.
  await admin.getByTestId('settings-nav-workspace').click()
  await admin.getByTestId('option-agents-edit-templates').check()
  // The workspace's timezone, offline too: it waits on the device and merges when back.
  await admin.getByTestId('option-timezone').fill('Europe/Lisbon')
  await admin.getByTestId('option-timezone').press('Enter')
  await expect(admin.getByTestId('option-timezone-error')).toHaveCount(0)

  await admin.getByTestId('settings-nav-agents').click()
  await expect(admin.getByTestId('agent-form-offline')).toHaveText('Adding agents needs a connection.')
  await expect(admin.getByTestId('agent-submit')).toBeDisabled()
  await expect(admin.getByTestId('agent-name')).toBeDisabled()
  // The list still shows, from this device's cache.
  await expect(admin.getByTestId('agent-row').filter({ hasText: 'Bea' })).toHaveCount(1)

  await adminCtx.setOffline(false)
  await expect(admin.getByTestId('connection')).toHaveText('Online')
  await expect(admin.getByTestId('agent-form-offline')).toHaveCount(0)
  await expect(admin.getByTestId('agent-submit')).toBeEnabled()
  await admin.getByTestId('settings-nav-templates').click()
  await expect(admin.getByTestId('sync-status')).toHaveText('Synced')
  await admin.getByTestId('settings-nav-tags').click()
  await expect(admin.getByTestId('sync-status')).toHaveText('Synced')
  const server = await openDoc(parley.wsUrl, 'settings', token)
  await whenDoc(server.doc, () => readOptions(server.doc).timezone === 'Europe/Lisbon')
  server.close()

  // Bea, an agent, sees the template and the tag on her own device; and, allowed now, edits a template.
  const bea = await agentPage(browser, parley.url, BEA)
  await bea.getByTestId('nav-settings').click()
  await expect(bea.getByTestId('settings-nav-agents')).toHaveCount(0)
  await expect(bea.getByTestId('settings-templates')).toBeVisible()
  const train = bea.locator('[data-testid="template-row"][data-tag="train"]')
  await expect(train.getByTestId('template-row-text')).toHaveText('Written offline for {visitor.name}.')
  await train.getByTestId('template-edit').click()
  await bea.getByTestId('template-text').fill('Written offline, then edited by Bea.')
  await bea.getByTestId('template-save').click()
  await expect(bea.getByTestId('sync-status')).toHaveText('Synced')
  await admin.getByTestId('settings-nav-templates').click()
  await expect(admin.locator('[data-testid="template-row"][data-tag="train"]').getByTestId('template-row-text')).toHaveText(
    'Written offline, then edited by Bea.',
  )

  await bea.getByTestId('nav-inbox').click()
  await bea.getByTestId('conversation-row').filter({ hasText: 'Hello, anyone?' }).click()
  await bea.getByTestId('action-take').click()
  await expect(bea.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await bea.getByTestId('action-close').click()
  await expect(bea.locator('[data-testid="close-tag"][data-tag="Offline tag"]')).toBeVisible()
  await visitor.close()
})

test('workspace options are written to the settings the server reads', async ({ browser, parley }) => {
  const admin = await agentPage(browser, parley.url)
  await openSettings(admin, 'workspace')
  await admin.getByTestId('option-restrict-offline').check()
  await admin.getByTestId('option-default-assignment').selectOption('leastBusy')
  await admin.getByTestId('option-reassign').check()
  const seconds = admin.getByTestId('option-reassign-seconds')
  await expect(seconds).toHaveValue('300')
  await seconds.fill('-3')
  await seconds.press('Enter')
  await expect(admin.getByTestId('option-reassign-error')).toContainText('whole number of seconds')
  await seconds.fill('120')
  await seconds.press('Enter')
  await expect(admin.getByTestId('option-reassign-error')).toHaveCount(0)
  // The timezone: UTC until chosen; a name no browser knows is refused with the reason, a listed one taken.
  const zone = admin.getByTestId('option-timezone')
  await expect(zone).toHaveValue('UTC')
  await zone.fill('Europe/Pariss')
  await zone.press('Enter')
  await expect(admin.getByTestId('option-timezone-error')).toContainText('“Europe/Pariss” is not a timezone')
  await expect(zone).toHaveAttribute('aria-invalid', 'true')
  await zone.fill('america/new_york')
  await zone.press('Enter')
  await expect(admin.getByTestId('option-timezone-error')).toHaveCount(0)
  await expect(zone).toHaveValue('America/New_York')

  const token = (await login(parley.url)).token
  const settings = await openDoc(parley.wsUrl, 'settings', token)
  await whenDoc(settings.doc, () => readOptions(settings.doc).reassignAfterSeconds === 120 && readOptions(settings.doc).timezone === 'America/New_York')
  expect(readOptions(settings.doc)).toEqual({
    restrictOffline: true,
    reassignAfterSeconds: 120,
    agentsEditTemplates: false,
    defaultAssignment: 'leastBusy',
    timezone: 'America/New_York',
  })

  // Turned off: never.
  await admin.getByTestId('option-reassign').uncheck()
  await expect(seconds).toHaveCount(0)
  await whenDoc(settings.doc, () => readOptions(settings.doc).reassignAfterSeconds === null)
  settings.close()
})
