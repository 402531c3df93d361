import { WHATSAPP, WhatsAppStandIn } from '../support/channelStandIns.ts'
import { login } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { eventsOf } from '../support/widget.ts'
import { expect, signIn, test } from './fixtures.ts'

const CARLOS = { waId: '15551234567', name: 'Carlos Ruiz' }

let wa: WhatsAppStandIn
let server: TestServer
test.beforeEach(async () => {
  // The WhatsApp Cloud API's stand-in on loopback; the server's WHATSAPP_API_URL points at it.
  wa = await new WhatsAppStandIn().start()
  server = await startServer({ channels: { publicUrl: 'https://parley.example.com', whatsappApiUrl: wa.url, retryBaseMs: 200 } })
})
test.afterEach(async () => {
  await server.destroy()
  await wa.stop()
})

test('an admin connects WhatsApp; a signed message brings a live WhatsApp tab, the card links wa.me, and an offline reply is sent when back', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await ctx.newPage()
  await signIn(page, server.url)
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))

  // Settings › Channels: a token Meta refuses says so; the right settings connect the number.
  await page.goto(`${server.url}/settings/channels`)
  await expect(page.getByTestId('channel-list')).toContainText('No messenger is connected yet.')
  await page.getByTestId('whatsapp-phoneNumberId').fill(WHATSAPP.phoneNumberId)
  await page.getByTestId('whatsapp-accessToken').fill('EAAG-revoked-token')
  await page.getByTestId('whatsapp-appSecret').fill(WHATSAPP.appSecret)
  await page.getByTestId('whatsapp-verifyToken').fill(WHATSAPP.verifyToken)
  await page.getByTestId('whatsapp-connect').click()
  await expect(page.getByTestId('channel-whatsapp-error')).toBeVisible()
  await expect(page.getByTestId('channel-row')).toHaveCount(0)
  await page.getByTestId('whatsapp-accessToken').fill(WHATSAPP.accessToken)
  await page.getByTestId('whatsapp-connect').click()
  const row = page.getByTestId('channel-row')
  await expect(row).toHaveAttribute('data-kind', 'whatsapp')
  await expect(row.getByTestId('channel-row-name')).toHaveText('+1 555-010-0199')
  await expect(page.getByTestId('channel-whatsapp-error')).toHaveCount(0)

  // To the inbox within the app; this page is never reloaded from here on.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true))
  await page.getByTestId('nav-inbox').click()
  await expect(page.getByTestId('inbox')).toBeVisible()
  const tab = page.locator('[data-testid="tab"][data-tab="channel:whatsapp"]')
  await expect(tab).toHaveCount(0)

  // Meta delivers a signed message from Carlos: the WhatsApp tab appears, live.
  expect((await WhatsAppStandIn.deliver(server.url, WhatsAppStandIn.textNotification(CARLOS.waId, CARLOS.name, 'Hola, ¿enviáis a Madrid?'))).status).toBe(200)
  await expect(tab).toContainText('WhatsApp')
  await expect(tab.getByTestId('tab-count')).toHaveText('1')
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
  const admin = await login(server.url)
  const id = (await eventsOf(server.url, admin.token)).find((e) => e.type === 'conversation.created')!.conversationId!

  await tab.click()
  await page.locator(`[data-testid="conversation-row"][data-id="${id}"]`).click()
  await expect(page).toHaveURL(new RegExp(`/c/${id}$`))
  await expect(page.getByTestId('message').filter({ hasText: 'Hola, ¿enviáis a Madrid?' })).toHaveCount(1)

  // The client card: the channel and a wa.me link to the number.
  await page.getByTestId('client-toggle').click()
  const card = page.getByTestId('client-card')
  await expect(card.getByTestId('client-name')).toHaveText(CARLOS.name)
  await expect(card.getByTestId('client-channel')).toContainText('WhatsApp')
  const profile = card.getByTestId('client-profile')
  await expect(profile).toHaveText(`+${CARLOS.waId}`)
  await expect(profile).toHaveAttribute('href', `https://wa.me/${CARLOS.waId}`)
  await expect(profile).toHaveAttribute('rel', 'noopener noreferrer nofollow')

  // Offline, the reply waits on the device; back online it reaches WhatsApp once, and shows delivered.
  await ctx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await page.getByTestId('composer').fill('¡Hola Carlos! Sí, en 48 horas.')
  await page.getByTestId('send').click()
  const reply = page.getByTestId('message').filter({ hasText: '¡Hola Carlos! Sí, en 48 horas.' })
  await expect(reply).toHaveAttribute('data-state', 'pending')
  expect(wa.sent).toEqual([])
  await ctx.setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
  await wa.until(() => wa.sent.length > 0)
  expect(wa.sent).toEqual([{ messaging_product: 'whatsapp', recipient_type: 'individual', to: CARLOS.waId, type: 'text', text: { body: '¡Hola Carlos! Sí, en 48 horas.', preview_url: false } }])
  await expect(reply.getByTestId('delivery-state')).toHaveAttribute('data-state', 'delivered')
  expect(wa.sent).toHaveLength(1)

  await ctx.close()
})
