import { command, createAgent, login, Visitor } from '../support/clients.ts'
import { ADMIN } from '../support/server.ts'
import { api } from '../support/widget.ts'
import { expect, signIn, test } from './fixtures.ts'

test('the client card shows who the visitor is, where they came from, and their earlier requests, offline too', async ({ browser, parley }) => {
  // A returning visitor: one request Ben answered and closed, then a new one from the checkout page.
  const admin = await login(parley.url, ADMIN)
  const benCreds = { email: 'ben@example.com', password: 'ben password 1234' }
  expect((await createAgent(parley.url, admin.token, { ...benCreds, name: 'Ben Ortiz' })).body.id).toBeTruthy()
  const ben = await login(parley.url, benCreds)
  const visitor = new Visitor(parley.wsUrl, { name: 'Vera Lind', email: 'vera@shop.test' })
  await visitor.connect()
  const first = await visitor.say('Where is my order?')
  expect((await command(parley.url, ben.token, first.conversationId, 'take')).status).toBe(200)
  expect((await command(parley.url, ben.token, first.conversationId, 'close')).status).toBe(200)
  visitor.ws.send(JSON.stringify({ type: 'page', url: 'http://shop.test/checkout', title: 'Checkout' }))
  const second = await visitor.say('Can I pay by invoice?')

  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  await page.goto(`${parley.url}/c/${second.conversationId}`)
  await page.getByTestId('client-toggle').click()
  const card = page.getByTestId('client-card')
  await expect(card.getByTestId('client-name')).toHaveText('Vera Lind')
  await expect(card.getByTestId('client-email')).toHaveText('vera@shop.test')
  await expect(card.getByTestId('client-page')).toHaveText('Checkout')
  await expect(card.getByTestId('client-total')).toHaveText('2')
  await expect(card.getByTestId('client-number')).toHaveText(/^#\d+$/)
  // The earlier request: its number, the day it began (as this browser writes dates), its state and who had it.
  const earlier = ((await api(parley.url, admin.token, `/api/conversations/${second.conversationId}/contact`)).body.requests as { id: string; number: number; createdAt: number }[]).find(
    (r) => r.id === first.conversationId,
  )!
  const began = await page.evaluate((ms) => new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }), earlier.createdAt)
  const previous = card.getByTestId('previous-request')
  await expect(previous).toHaveCount(1)
  await expect(previous).toHaveAttribute('data-id', first.conversationId)
  await expect(previous).toHaveText(`#${earlier.number} · ${began} · Closed · Ben Ortiz`)

  // Offline, the card still shows what this device saw last.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await ctx.setOffline(true)
  await page.reload()
  await page.getByTestId('client-toggle').click()
  await expect(page.getByTestId('client-name')).toHaveText('Vera Lind')
  await expect(page.getByTestId('previous-request')).toHaveText(`#${earlier.number} · ${began} · Closed · Ben Ortiz`)
  await ctx.setOffline(false)

  // An earlier request opens from the card.
  await page.getByTestId('previous-request').getByRole('link').click()
  await expect(page).toHaveURL(new RegExp(`/c/${first.conversationId}$`))
  await expect(page.getByTestId('message').filter({ hasText: 'Where is my order?' })).toHaveCount(1)

  await visitor.close()
  await ctx.close()
})
