import { ADMIN } from '../support/server.ts'
import { login, openDoc, command, Visitor } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

test('an agent sets their status; offline it waits; going offline with open chats is refused when the workspace forbids it', async ({ browser, parley }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  const select = page.getByTestId('status-select')
  await expect(select).toHaveValue('offline')

  await select.selectOption('online')
  await expect(select).toHaveAttribute('data-status', 'online')

  // Offline, the change waits in the outbox, visibly, and goes out when the network is back.
  await ctx.setOffline(true)
  await select.selectOption('away')
  await expect(page.getByTestId('status-pending')).toBeVisible()
  await ctx.setOffline(false)
  await expect(select).toHaveAttribute('data-status', 'away')
  await expect(page.getByTestId('status-pending')).toHaveCount(0)

  // The admin turns on "no going offline while holding chats", and the agent holds one.
  const admin = await login(parley.url, ADMIN)
  const settings = await openDoc(parley.wsUrl, 'settings', admin.token)
  settings.doc.getMap('workspace').set('restrictOffline', true)
  const visitor = new Visitor(parley.wsUrl, { name: 'Mara Quinn' })
  await visitor.connect()
  const ack = await visitor.say('still there?')
  expect((await command(parley.url, admin.token, ack.conversationId, 'take')).status).toBe(200)

  await select.selectOption('offline')
  await expect(page.getByTestId('status-error')).toContainText('You still hold 1 open chat')
  await expect(select).toHaveAttribute('data-status', 'away')
  // The notice names the chats (by visitor, from this device's inbox), each a link to its conversation.
  const row = page.getByTestId('conversation-row').and(page.locator(`[data-id="${ack.conversationId}"]`))
  await expect(row).toContainText('Mara Quinn')
  const held = page.getByTestId('status-error').getByTestId('held-chat')
  await expect(held).toHaveCount(1)
  await expect(held).toHaveText('Mara Quinn')
  await expect(held).toHaveAttribute('href', `/c/${ack.conversationId}`)
  await held.click()
  await expect(page).toHaveURL(`${parley.url}/c/${ack.conversationId}`)
  await expect(page.getByTestId('visitor-name')).toHaveText('Mara Quinn')
  await expect(page.getByTestId('status-error')).toHaveCount(0)
  settings.close()
  await visitor.close()
  await ctx.close()
})
