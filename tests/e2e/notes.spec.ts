import { createAgent, login } from '../support/clients.ts'
import { ADMIN } from '../support/server.ts'
import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

const BEA = { email: 'bea@example.com', password: 'password-bea' }

test('an agent writes an internal note mentioning a colleague, offline too; the colleague is told; the visitor never sees it', async ({ browser, parley }) => {
  const admin = await login(parley.url, ADMIN)
  await createAgent(parley.url, admin.token, { ...BEA, name: 'Bea' })
  const visitorCtx = await browser.newContext()
  const visitor = await visitorCtx.newPage()
  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'I want a refund for order 7')

  const anaCtx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const ana = await anaCtx.newPage()
  await signIn(ana, parley.url)
  const beaCtx = await browser.newContext()
  const bea = await beaCtx.newPage()
  await signIn(bea, parley.url, BEA)

  await ana.getByTestId('conversation-row').first().click()
  await ana.getByTestId('notes-toggle').click()
  await expect(ana.getByTestId('notes-panel')).toBeVisible()

  // Offline: the note is kept locally, pending, and goes out when the network returns.
  await anaCtx.setOffline(true)
  const input = ana.getByTestId('note-input')
  await input.fill('Checked the order, ')
  await input.pressSequentially('@Be')
  await expect(ana.getByTestId('mention-picker')).toBeVisible()
  await input.press('Enter')
  await expect(input).toHaveValue('Checked the order, @Bea ')
  await input.pressSequentially('can you approve the refund?')
  await input.press('Enter')
  const note = ana.getByTestId('note').filter({ hasText: 'can you approve the refund?' })
  await expect(note).toHaveAttribute('data-state', 'pending')
  await anaCtx.setOffline(false)
  await expect(note).toHaveAttribute('data-state', 'sent')

  // Bea is told, and the toast opens the conversation.
  const toast = bea.getByTestId('toast')
  await expect(toast).toContainText('Admin mentioned you')
  await expect(toast).toContainText('can you approve the refund?')
  await toast.getByText('Admin mentioned you').click()
  await expect(bea.getByTestId('visitor-name')).toBeVisible()
  await bea.getByTestId('notes-toggle').click()
  await expect(bea.getByTestId('note').filter({ hasText: 'can you approve the refund?' })).toHaveCount(1)

  // Never in the visitor's chat, not even after a reload.
  await visitor.reload()
  await visitor.getByTestId('parley-launcher').click()
  await expect(visitor.getByTestId('parley-message')).toHaveCount(1)
  await expect(visitor.getByText('approve the refund')).toHaveCount(0)

  await visitorCtx.close()
  await anaCtx.close()
  await beaCtx.close()
})
