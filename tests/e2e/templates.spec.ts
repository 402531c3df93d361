import type { Page } from '@playwright/test'
import { putTemplate } from '../../shared/settings.ts'
import { createAgent, login, openDoc, Visitor } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

const BEA = { email: 'bea@example.com', name: 'Bea', password: 'bea password 123' }

/** Opens the conversation whose row shows `text`. */
async function openConversation(page: Page, text: string) {
  await page.getByTestId('conversation-row').filter({ hasText: text }).click()
  await expect(page.getByTestId('thread')).toContainText(text)
}

async function newTemplate(page: Page, t: { tag: string; title: string; text: string }) {
  await page.getByTestId('template-new').click()
  await page.getByTestId('template-tag').fill(t.tag)
  await page.getByTestId('template-title').fill(t.title)
  await page.getByTestId('template-text').fill(t.text)
  await page.getByTestId('template-save').click()
  await expect(page.locator(`[data-testid="template-row"][data-tag="${t.tag}"]`)).toHaveCount(1)
}

test('a template made in Settings is inserted by typing /shortcut, with the visitor’s name filled, and sent', async ({ browser, parley }) => {
  const visitor = new Visitor(parley.wsUrl, { name: 'Vera Lind', email: 'vera@shop.test' })
  await visitor.connect()
  await visitor.say('Can I return the blue jacket?')

  const page = await (await browser.newContext()).newPage()
  await signIn(page, parley.url)
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('settings-nav-templates').click()
  await newTemplate(page, { tag: 'refund', title: 'Refund policy', text: 'Hi {visitor.name}, returns are free within 30 days.\nWe will write to {visitor.email}. — {agent.name}' })
  await newTemplate(page, { tag: 'hello', title: 'Greeting', text: 'Hello {visitor.name}!' })
  await newTemplate(page, { tag: 'refund-late', title: 'Late refund', text: 'Refunds take up to 5 days.' })

  // Shortcuts are unique and spelled simply.
  await page.getByTestId('template-new').click()
  await page.getByTestId('template-tag').fill('refund')
  await page.getByTestId('template-text').fill('Again')
  await page.getByTestId('template-save').click()
  await expect(page.getByTestId('template-error')).toHaveText('The shortcut /refund is taken.')
  await page.getByTestId('template-tag').fill('Re fund')
  await page.getByTestId('template-save').click()
  await expect(page.getByTestId('template-error')).toContainText('lower-case letters')
  await page.getByTestId('template-cancel').click()

  // The list's search: tag, title, text.
  await page.getByTestId('template-search').fill('greet')
  await expect(page.getByTestId('template-row')).toHaveCount(1)
  await expect(page.getByTestId('template-row')).toHaveAttribute('data-tag', 'hello')
  await page.getByTestId('template-search').fill('')
  await expect(page.getByTestId('template-row')).toHaveCount(3)

  await page.getByTestId('nav-inbox').click()
  await openConversation(page, 'Can I return the blue jacket?')
  const composer = page.getByTestId('composer')
  const popup = page.getByTestId('template-popup')
  const options = popup.getByTestId('template-option')

  // A bare slash lists them all; letters narrow it down, the tag itself first.
  await composer.pressSequentially('/')
  await expect(popup).toBeVisible()
  await expect(options).toHaveCount(3)
  await composer.pressSequentially('ref')
  await expect(options).toHaveCount(2)
  await expect(options.first()).toHaveAttribute('data-tag', 'refund')
  await expect(options.first()).toHaveAttribute('aria-selected', 'true')
  await expect(popup.getByRole('listbox')).toHaveCount(1)
  const firstId = await options.first().getAttribute('id')
  await expect(composer).toHaveAttribute('aria-activedescendant', firstId!)

  // Arrows move (and wrap); Escape closes it for this word.
  await composer.press('ArrowDown')
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true')
  await composer.press('ArrowDown')
  await expect(options.first()).toHaveAttribute('aria-selected', 'true')
  await composer.press('Escape')
  await expect(popup).toHaveCount(0)
  await composer.pressSequentially('u')
  await expect(popup).toHaveCount(0)

  // A new slash opens it again; Enter inserts the template, variables filled.
  await composer.fill('')
  await composer.pressSequentially('/refund')
  await expect(options.first()).toHaveAttribute('data-tag', 'refund')
  await composer.press('Enter')
  await expect(popup).toHaveCount(0)
  const filled = 'Hi Vera Lind, returns are free within 30 days.\nWe will write to vera@shop.test. — Admin'
  await expect(composer).toHaveValue(filled)

  // Enter now sends it, as any reply.
  await composer.press('Enter')
  await expect(composer).toHaveValue('')
  const reply = page.getByTestId('message').filter({ hasText: 'returns are free within 30 days.' })
  await expect(reply).toHaveAttribute('data-state', 'sent')
  await expect.poll(() => visitor.frames.some((f) => f.type === 'message' && f.message.text === filled)).toBe(true)

  // A click inserts too, in the middle of a sentence, and Tab works like Enter.
  await composer.pressSequentially('Thanks! /hel')
  await options.filter({ hasText: 'Greeting' }).click()
  await expect(composer).toHaveValue('Thanks! Hello Vera Lind!')
  await expect(composer).toBeFocused()
  await composer.pressSequentially(' /late')
  await expect(options).toHaveCount(1)
  await composer.press('Tab')
  await expect(composer).toHaveValue('Thanks! Hello Vera Lind! Refunds take up to 5 days.')

  // A slash inside a word or a link does not open it.
  await composer.fill('')
  await composer.pressSequentially('and/or https://shop.test/ref')
  await expect(popup).toHaveCount(0)
  await visitor.close()
})

test('offline, the / popup offers the templates stored on this device', async ({ browser, parley }) => {
  const admin = await login(parley.url)
  expect((await createAgent(parley.url, admin.token, BEA)).status).toBe(201)
  // Templates written by another device (an admin's) straight into the document.
  const templates = await openDoc(parley.wsUrl, 'templates', admin.token)
  putTemplate(templates.doc, { id: 't-ship', tag: 'shipping', title: 'Shipping times', text: 'Parcels leave within 2 days, {visitor.name}.', channels: [] })
  putTemplate(templates.doc, { id: 't-email', tag: 'email-only', title: 'By email', text: 'Only on email.', channels: ['email'] })
  const visitor = new Visitor(parley.wsUrl, { name: 'Omar' })
  await visitor.connect()
  await visitor.say('When does my parcel leave?')

  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await signIn(page, parley.url, BEA)
  await openConversation(page, 'When does my parcel leave?')
  const composer = page.getByTestId('composer')
  const options = page.getByTestId('template-option')
  // Online first: the templates reach this device (a template for email only is not offered in a chat).
  await composer.pressSequentially('/')
  await expect(options).toHaveCount(1)
  await expect(options).toHaveAttribute('data-tag', 'shipping')
  await composer.press('Escape')
  await composer.fill('')

  // Offline, after a reload: the app and the templates come from this device.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await ctx.setOffline(true)
  await page.reload()
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await expect(page.getByTestId('thread')).toContainText('When does my parcel leave?')
  await composer.pressSequentially('/ship')
  await expect(options).toHaveCount(1)
  await composer.press('Enter')
  await expect(composer).toHaveValue('Parcels leave within 2 days, Omar.')
  await composer.press('Enter')
  const reply = page.getByTestId('message').filter({ hasText: 'Parcels leave within 2 days, Omar.' })
  await expect(reply).toHaveAttribute('data-state', 'pending')

  await ctx.setOffline(false)
  await expect(reply).toHaveAttribute('data-state', 'sent')
  await expect.poll(() => visitor.frames.some((f) => f.type === 'message' && f.message.text === 'Parcels leave within 2 days, Omar.')).toBe(true)
  templates.close()
  await visitor.close()
})
