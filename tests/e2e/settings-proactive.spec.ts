import type { Page } from '@playwright/test'
import { login } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

type Listed = { id: string; name: string; status: string; version: number; onset: { kind: string; match: string; rules: { field: string; op: string; value?: unknown }[] }; message: { text: string; presentation: string }; qualify: Record<string, boolean>; frequency: Record<string, unknown> }

/** What the server holds, read over REST as an integration would. */
async function serverHas(url: string, token: string): Promise<Listed[]> {
  const res = await fetch(`${url}/api/proactive`, { headers: { authorization: `Bearer ${token}` } })
  return ((await res.json()) as { messages: Listed[] }).messages
}

async function openProactive(page: Page, url: string) {
  await signIn(page, url)
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('settings-nav-proactive').click()
  await expect(page.getByTestId('settings-proactive')).toBeVisible()
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')
}

const row = (page: Page, name: string) => page.getByTestId('proactive-row').filter({ has: page.getByTestId('proactive-row-name').getByText(name, { exact: true }) })

test('an admin writes a proactive message, is told beside the condition what is wrong, publishes it, finds, orders, un-publishes and deletes messages', async ({ page, parley }) => {
  const { token } = await login(parley.url)
  await openProactive(page, parley.url)
  await expect(page.getByTestId('proactive-list')).toContainText('No proactive messages yet.')

  await page.getByTestId('proactive-add').click()
  const editor = page.getByTestId('proactive-editor')
  await editor.getByTestId('proactive-name').fill('Demo invitation')
  const rules = editor.getByTestId('proactive-rule')
  await rules.nth(0).getByTestId('proactive-rule-field').fill('url')
  await rules.nth(0).getByTestId('proactive-rule-op').selectOption('contains')
  await rules.nth(0).getByTestId('proactive-rule-value').fill('/demo')
  await editor.getByTestId('proactive-rule-add').click()
  await rules.nth(1).getByTestId('proactive-rule-field').fill('timeOnPage')
  await rules.nth(1).getByTestId('proactive-rule-op').selectOption('>=')
  await rules.nth(1).getByTestId('proactive-rule-value').fill('soon')
  await editor.getByTestId('proactive-text').fill('Hello {name}, can we help?')
  await editor.getByTestId('proactive-presentation').selectOption('popup')
  await editor.getByTestId('proactive-save-publish').click()
  // Refused, said beside the condition that is wrong; nothing written.
  const error = rules.nth(1).getByTestId('proactive-error')
  await expect(error).toHaveText(/compares numbers/)
  await expect(error).toHaveAttribute('data-field', 'onset.rules.1.value')
  expect(await serverHas(parley.url, token)).toEqual([])
  await rules.nth(1).getByTestId('proactive-rule-value').fill('3')
  await expect(error).toHaveCount(0)
  await editor.getByTestId('proactive-save-publish').click()
  await expect(editor).toHaveCount(0)
  await expect(row(page, 'Demo invitation')).toHaveAttribute('data-status', 'live')
  await expect(row(page, 'Demo invitation').getByTestId('proactive-row-status')).toHaveText('Live')
  await expect
    .poll(async () => (await serverHas(parley.url, token))[0])
    .toMatchObject({
      name: 'Demo invitation',
      status: 'live',
      version: 1,
      onset: { kind: 'attributes', match: 'all', rules: [{ field: 'url', op: 'contains', value: '/demo' }, { field: 'timeOnPage', op: '>=', value: 3 }] },
      message: { text: 'Hello {name}, can we help?', presentation: 'popup' },
      qualify: { agentAvailability: true, workingHours: false, slotsLeft: false },
      frequency: { per: 'visitor', stopAfterReply: true },
    })

  // A click rule, kept as a draft.
  await page.getByTestId('proactive-add').click()
  await editor.getByTestId('proactive-name').fill('Buy button help')
  await editor.getByTestId('proactive-onset-kind').selectOption('event')
  await editor.getByTestId('proactive-event-on').selectOption('click')
  await editor.getByTestId('proactive-selector').fill('#buy:hover')
  await editor.getByTestId('proactive-text').fill('Questions before you buy?')
  await editor.getByTestId('proactive-save-draft').click()
  await expect(editor.getByTestId('proactive-error').filter({ hasText: 'pseudo-classes' })).toHaveAttribute('data-field', 'onset.event.selector')
  await editor.getByTestId('proactive-selector').fill('#buy')
  await editor.getByTestId('proactive-save-draft').click()
  await expect(row(page, 'Buy button help')).toHaveAttribute('data-status', 'draft')
  await expect(page.getByTestId('proactive-row-name')).toHaveText(['Demo invitation', 'Buy button help'])

  // Order matters (the first live match wins): moved up.
  await row(page, 'Buy button help').getByTestId('proactive-up').click()
  await expect(page.getByTestId('proactive-row-name')).toHaveText(['Buy button help', 'Demo invitation'])
  await expect.poll(async () => (await serverHas(parley.url, token)).map((m) => m.name)).toEqual(['Buy button help', 'Demo invitation'])

  // Search by name.
  await page.getByTestId('proactive-search').fill('demo')
  await expect(page.getByTestId('proactive-row-name')).toHaveText(['Demo invitation'])
  await page.getByTestId('proactive-search').fill('')

  // Un-publish: Live → Draft, its edits kept.
  await row(page, 'Demo invitation').getByTestId('proactive-edit').click()
  await expect(editor.getByTestId('proactive-save-publish')).toHaveText('Save and publish changes')
  await editor.getByTestId('proactive-unpublish').click()
  await expect(row(page, 'Demo invitation')).toHaveAttribute('data-status', 'draft')
  await expect.poll(async () => (await serverHas(parley.url, token)).find((m) => m.name === 'Demo invitation')?.status).toBe('draft')

  // Delete asks first.
  await row(page, 'Buy button help').getByTestId('proactive-delete').click()
  await page.getByTestId('confirm-dialog-ok').click()
  await expect(page.getByTestId('proactive-row-name')).toHaveText(['Demo invitation'])
  await expect.poll(async () => (await serverHas(parley.url, token)).map((m) => m.name)).toEqual(['Demo invitation'])
})

test('a proactive message edited and published offline reaches the server once back, and one written over REST shows in the list', async ({ browser, parley }) => {
  const { token } = await login(parley.url)
  const created = await fetch(`${parley.url}/api/proactive`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Cart offer', onset: { kind: 'event', event: { on: 'track', name: 'added_to_cart' }, rules: [{ field: 'payload.value', op: '>', value: 100 }] }, message: { text: 'Free shipping today' } }),
  })
  expect(created.status).toBe(201)
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await openProactive(page, parley.url)
  await expect(row(page, 'Cart offer')).toHaveAttribute('data-status', 'draft')

  await ctx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await row(page, 'Cart offer').getByTestId('proactive-edit').click()
  const editor = page.getByTestId('proactive-editor')
  await expect(editor.getByTestId('proactive-track-name')).toHaveValue('added_to_cart')
  await expect(editor.getByTestId('proactive-rule-value')).toHaveValue('100')
  await editor.getByTestId('proactive-text').fill('Free shipping on this order')
  await editor.getByTestId('proactive-save-publish').click()
  await expect(row(page, 'Cart offer')).toHaveAttribute('data-status', 'live')
  await expect(row(page, 'Cart offer').getByTestId('proactive-row-text')).toHaveText('Free shipping on this order')
  await expect(page.getByTestId('sync-status')).toHaveText('Saved on this device — will sync when online')
  expect((await serverHas(parley.url, token))[0]).toMatchObject({ status: 'draft', message: { text: 'Free shipping today' } })

  await ctx.setOffline(false)
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')
  await expect.poll(async () => (await serverHas(parley.url, token))[0]).toMatchObject({ status: 'live', version: 2, message: { text: 'Free shipping on this order' }, onset: { kind: 'event', rules: [{ field: 'payload.value', op: '>', value: 100 }] } })
  await ctx.close()
})
