import { Visitor } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

test('a chat is found offline by the email the visitor gave in the pre-chat form after the chat began', async ({ browser, parley }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const page = await ctx.newPage()
  await signIn(page, parley.url)

  // A visitor with no name writes first, then answers the pre-chat form.
  const visitor = new Visitor(parley.wsUrl)
  await visitor.connect()
  const { conversationId } = await visitor.say('I would like a refund, please')
  const row = page.locator(`[data-testid="conversation-row"][data-id="${conversationId}"]`)
  await expect(row).toContainText('I would like a refund')
  const saved = await visitor.request({ type: 'form', kind: 'prechat', fields: { name: 'Vera Lind', email: 'Vera.Lind@Shop.test' } }, 'saved', 'error')
  expect(saved).toEqual({ type: 'saved', what: 'form' })
  // The inbox learns the name.
  await expect(row).toContainText('Vera Lind')

  await ctx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  const search = page.getByTestId('search')
  const results = page.getByTestId('search-result')
  await search.fill('vera.lind@shop.test')
  await expect(results).toHaveCount(1)
  await expect(results).toHaveAttribute('data-id', conversationId)
  await expect(results).toContainText('Vera Lind')
  await expect(results.getByTestId('search-snippet')).toContainText('vera.lind@shop.test')
  // By the name too, and by the email's first part alone.
  await search.fill('lind')
  await expect(results).toHaveAttribute('data-id', conversationId)
  await search.fill('vera.lind')
  await expect(results).toHaveCount(1)
  await results.click()
  await expect(page.getByTestId('thread')).toContainText('I would like a refund, please')
  expect(page.url()).toContain(conversationId)

  await ctx.setOffline(false)
  await visitor.close()
  await ctx.close()
})
