import type { Page } from '@playwright/test'
import { readBotConfig } from '../../shared/bot.ts'
import { putEntry, type RoutingGroup } from '../../shared/settings.ts'
import { createAgent, login, openDoc, whenDoc } from '../support/clients.ts'
import { ADMIN } from '../support/server.ts'
import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

const group = (id: string, name: string): RoutingGroup => ({
  id,
  name,
  teamId: null,
  maxConversations: null,
  fullMessage: '',
  assignment: 'leastBusy',
  onlyWhenOnline: false,
  skills: [],
  access: { omnichannel: true, unassignedQueue: true, management: false, settings: false },
})

/** Billing (Ana) and Tech (Bo); the bot is configured in the browser. */
async function workspace(url: string, wsUrl: string) {
  const admin = await login(url, ADMIN)
  const ana = await createAgent(url, admin.token, { email: 'ana@x.io', name: 'Ana', password: 'password-ana' })
  const bo = await createAgent(url, admin.token, { email: 'bo@x.io', name: 'Bo', password: 'password-bo' })
  const settings = await openDoc(wsUrl, 'settings', admin.token)
  settings.doc.transact(() => {
    putEntry(settings.doc, 'groups', group('billing', 'Billing'))
    putEntry(settings.doc, 'groups', group('tech', 'Tech'))
    putEntry(settings.doc, 'members', { agentId: ana.body.id!, groups: ['billing'], skills: [], slots: 3 })
    putEntry(settings.doc, 'members', { agentId: bo.body.id!, groups: ['tech'], skills: [], slots: 3 })
  })
  const check = await openDoc(wsUrl, 'settings', admin.token)
  await whenDoc(check.doc, () => check.doc.getMap('members').size === 2)
  check.close()
  settings.close()
  return { admin, anaId: ana.body.id! }
}

async function openBotSettings(page: Page) {
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('settings-nav-bot').click()
  await expect(page.getByTestId('settings-bot')).toBeVisible()
  await expect(page.getByTestId('bot-greeting')).not.toHaveValue('')
}

test('the admin sets up the bot; a visitor clicks through its question; the chosen group’s agent gets the chat with the answer on the client card', async ({ browser, parley }) => {
  const { admin, anaId } = await workspace(parley.url, parley.wsUrl)

  const adminCtx = await browser.newContext()
  const adminPage = await adminCtx.newPage()
  await signIn(adminPage, parley.url)
  await openBotSettings(adminPage)
  await adminPage.getByTestId('bot-enabled').check()
  await adminPage.getByTestId('bot-greeting').fill('Hello from the shop bot!')
  await adminPage.getByTestId('bot-add-question').click()
  await adminPage.getByTestId('bot-question-0-text').fill('What is it about?')
  await adminPage.getByTestId('bot-question-0-attribute').fill('topic')
  await adminPage.getByTestId('bot-question-0-option-0-label').fill('Billing')
  await adminPage.getByTestId('bot-question-0-option-0-value').fill('billing')
  await adminPage.getByTestId('bot-question-0-add-option').click()
  await adminPage.getByTestId('bot-question-0-option-1-label').fill('Tech support')
  await adminPage.getByTestId('bot-question-0-option-1-value').fill('tech')
  await adminPage.getByTestId('bot-add-route').click()
  // Checked before writing: a route needs a group.
  await adminPage.getByTestId('bot-route-0-condition-0-attribute').selectOption('topic')
  await adminPage.getByTestId('bot-route-0-condition-0-value').selectOption('billing')
  await adminPage.getByTestId('bot-save').click()
  await expect(adminPage.getByTestId('bot-error')).toHaveText('Route 1: choose a group. Nothing was saved.')
  await adminPage.getByTestId('bot-route-0-group').selectOption('billing')
  await adminPage.getByTestId('bot-handoff').fill('Thanks! A billing specialist will join you.')
  await adminPage.getByTestId('bot-save').click()
  await expect(adminPage.getByTestId('bot-form-state')).toHaveText('Saved')
  await expect(adminPage.getByTestId('sync-status')).toHaveText('Synced')
  const server = await openDoc(parley.wsUrl, 'settings', admin.token)
  await whenDoc(server.doc, () => readBotConfig(server.doc).enabled)
  expect(readBotConfig(server.doc).routes).toEqual([{ when: [{ attribute: 'topic', value: 'billing' }], groupId: 'billing' }])
  server.close()

  const anaCtx = await browser.newContext()
  const ana = await anaCtx.newPage()
  await signIn(ana, parley.url, { email: 'ana@x.io', password: 'password-ana' })
  await ana.getByTestId('status-select').selectOption('online')
  await expect(ana.getByTestId('status-select')).toHaveAttribute('data-status', 'online')

  const vCtx = await browser.newContext()
  const v = await vCtx.newPage()
  await openWidget(v, parley.url)
  await visitorSays(v, 'Hi, a question about my invoice')
  const bot = v.locator('[data-testid="parley-message"][data-kind="bot"]')
  await expect(bot.filter({ hasText: 'Hello from the shop bot!' })).toBeVisible()
  const question = bot.filter({ hasText: 'What is it about?' })
  const choices = question.getByRole('group', { name: 'What is it about?' })
  await expect(choices.getByRole('button')).toHaveText(['Billing', 'Tech support'])
  await choices.getByRole('button', { name: 'Billing' }).focus()
  await v.keyboard.press('Enter')
  await expect(v.getByTestId('parley-message').filter({ hasText: /^Billing$/ })).toHaveAttribute('data-state', 'sent')
  await expect(bot.filter({ hasText: 'Thanks! A billing specialist will join you.' })).toBeVisible()
  // Answered: the question's buttons no longer send anything.
  await expect(choices.getByRole('button', { name: 'Tech support' })).toBeDisabled()

  // Ana (Billing) is given the chat by the dispatcher; she sees what the bot asked and the answer on the card.
  await ana.getByTestId('tab').and(ana.locator('[data-tab="mine"]')).click()
  const row = ana.getByTestId('conversation-row').filter({ hasText: /invoice|Billing|specialist/ }).first()
  await expect(row).toHaveAttribute('data-assignee', anaId)
  await row.click()
  const asked = ana.locator('[data-testid="message"][data-kind="bot"]').filter({ hasText: 'What is it about?' })
  await expect(asked.getByTestId('bot-options').getByRole('listitem')).toHaveText(['Billing', 'Tech support'])
  const card = ana.getByTestId('client-card')
  if (!(await card.isVisible())) await ana.getByTestId('client-toggle').click()
  await expect(card.locator('[data-testid="client-field"][data-key="topic"]')).toHaveText('billing')
  await expect(ana.getByTestId('message').filter({ hasText: 'Assigned to Ana' })).toBeVisible()

  for (const c of [adminCtx, anaCtx, vCtx]) await c.close()
})

test('offline, the bot’s settings are saved on the device and reach the server once back online', async ({ browser, parley }) => {
  const { admin } = await workspace(parley.url, parley.wsUrl)
  const context = await browser.newContext()
  const page = await context.newPage()
  await signIn(page, parley.url)
  await openBotSettings(page)
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')

  await context.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await page.getByTestId('bot-enabled').check()
  await page.getByTestId('bot-greeting').fill('Written on the train')
  await page.getByTestId('bot-fallback').selectOption('tech')
  // Two questions, the second moved first; a third added and removed again.
  for (const [i, text, field] of [[0, 'Your plan?', 'plan'], [1, 'Your country?', 'country'], [2, 'Scrapped', 'scrap']] as const) {
    await page.getByTestId('bot-add-question').click()
    await page.getByTestId(`bot-question-${i}-text`).fill(text)
    await page.getByTestId(`bot-question-${i}-attribute`).fill(field)
    await page.getByTestId(`bot-question-${i}-option-0-label`).fill(`${field} A`)
  }
  await page.getByTestId('bot-question-2-remove').click()
  await page.getByRole('button', { name: 'Move question 2 up' }).click()
  await expect(page.getByTestId('bot-question-0-text')).toHaveValue('Your country?')
  await page.getByTestId('bot-save').click()
  await expect(page.getByTestId('bot-form-state')).toHaveText('Saved')
  await expect(page.getByTestId('sync-status')).toHaveText('Saved on this device — will sync when online')

  await context.setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')
  const server = await openDoc(parley.wsUrl, 'settings', admin.token)
  await whenDoc(server.doc, () => readBotConfig(server.doc).greeting === 'Written on the train')
  expect(readBotConfig(server.doc)).toMatchObject({ enabled: true, fallbackGroupId: 'tech' })
  expect(readBotConfig(server.doc).questions.map((q) => [q.attribute, q.options])).toEqual([
    ['country', [{ label: 'country A', value: 'country A' }]],
    ['plan', [{ label: 'plan A', value: 'plan A' }]],
  ])
  server.close()
  await context.close()
})
