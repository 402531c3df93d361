import { BOT_TOKEN, TelegramStandIn } from '../support/channelStandIns.ts'
import { login } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { eventsOf } from '../support/widget.ts'
import { expect, signIn, test } from './fixtures.ts'

const ANN = { id: 7770001, first_name: 'Ann', last_name: 'Lee', username: 'ann_lee' }

let tg: TelegramStandIn
let server: TestServer
test.beforeEach(async () => {
  // Telegram's stand-in on loopback; the server's PUBLIC_URL and TELEGRAM_API_URL point at it.
  tg = await new TelegramStandIn().start()
  server = await startServer({ channels: { publicUrl: 'https://parley.example.com', telegramApiUrl: tg.url, retryBaseMs: 200 } })
})
test.afterEach(async () => {
  await server.destroy()
  await tg.stop()
})

test('an admin connects Telegram; a Telegram user’s chat reaches the inbox, the card links their profile, and an offline reply is sent when back', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await ctx.newPage()
  await signIn(page, server.url)
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))

  // Settings › Channels: a refused token says why, a good one connects and is listed.
  await page.goto(`${server.url}/settings/channels`)
  await expect(page.getByTestId('settings-nav-channels')).toHaveAttribute('aria-current', 'page')
  await expect(page.getByTestId('channel-list')).toContainText('No messenger is connected yet.')
  await page.getByTestId('telegram-token').fill('987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsXX')
  await page.getByTestId('telegram-connect').click()
  await expect(page.getByTestId('channel-telegram-error')).toHaveText('Telegram refused the token: Unauthorized')
  await page.getByTestId('telegram-token').fill('not a token')
  await page.getByTestId('telegram-connect').click()
  await expect(page.getByTestId('channel-telegram-error')).toContainText('not a Telegram bot token')
  await page.getByTestId('telegram-token').fill(BOT_TOKEN)
  await page.getByTestId('telegram-connect').click()
  const row = page.getByTestId('channel-row')
  await expect(row).toHaveAttribute('data-kind', 'telegram')
  await expect(row.getByTestId('channel-row-name')).toHaveText('@acme_support_bot')
  await expect(page.getByTestId('channel-telegram-error')).toHaveCount(0)
  expect(tg.webhook?.url).toBe('https://parley.example.com/channels/telegram/default')

  // Offline, connecting cannot be done: the forms say so and come back with the network.
  await ctx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await expect(page.getByTestId('channel-offline').first()).toHaveText('Connecting a channel needs the network.')
  await expect(page.getByTestId('telegram-token')).toBeDisabled()
  await expect(page.getByTestId('whatsapp-accessToken')).toBeDisabled()
  await expect(page.getByTestId('channel-disconnect')).toBeDisabled()
  await ctx.setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
  await expect(page.getByTestId('channel-offline')).toHaveCount(0)
  await expect(page.getByTestId('telegram-token')).toBeEnabled()

  // To the inbox within the app; this page is never reloaded until the tab is there.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true))
  await page.getByTestId('nav-inbox').click()
  await expect(page.getByTestId('inbox')).toBeVisible()
  const tab = page.locator('[data-testid="tab"][data-tab="channel:telegram"]')
  await expect(tab).toHaveCount(0)

  // A Telegram user writes: the inbox grows a Telegram tab holding the chat, live.
  expect((await tg.deliver(server.url, tg.textUpdate(ANN, 'Hello from Telegram'))).status).toBe(200)
  await expect(tab).toContainText('Telegram')
  await expect(tab.getByTestId('tab-count')).toHaveText('1')
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true)
  const admin = await login(server.url)
  const id = (await eventsOf(server.url, admin.token)).find((e) => e.type === 'conversation.created')!.conversationId!
  await tab.click()
  await page.getByTestId('conversation-row').first().click()
  await expect(page).toHaveURL(new RegExp(`/c/${id}$`))
  await expect(page.getByTestId('message').filter({ hasText: 'Hello from Telegram' })).toHaveCount(1)

  // The client card: the channel and the visitor's Telegram profile.
  await page.getByTestId('client-toggle').click()
  const card = page.getByTestId('client-card')
  await expect(card.getByTestId('client-name')).toHaveText('Ann Lee')
  await expect(card.getByTestId('client-channel')).toContainText('Telegram')
  const profile = card.getByTestId('client-profile')
  await expect(profile).toHaveText('@ann_lee')
  await expect(profile).toHaveAttribute('href', 'https://t.me/ann_lee')
  await expect(profile).toHaveAttribute('target', '_blank')
  await expect(profile).toHaveAttribute('rel', 'noopener noreferrer nofollow')

  // Offline, the reply waits on the device; back online it reaches Telegram once, and shows delivered.
  await ctx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await page.getByTestId('composer').fill('Hi Ann, how can I help?')
  await page.getByTestId('send').click()
  const reply = page.getByTestId('message').filter({ hasText: 'Hi Ann, how can I help?' })
  await expect(reply).toHaveAttribute('data-state', 'pending')
  expect(tg.sent).toEqual([])
  await ctx.setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
  await tg.until(() => tg.sent.length > 0)
  expect(tg.sent).toEqual([{ chat_id: String(ANN.id), text: 'Hi Ann, how can I help?', reply_markup: undefined }])
  await expect(reply.getByTestId('delivery-state')).toHaveAttribute('data-state', 'delivered')

  // Disconnecting asks first, then unregisters the webhook.
  await page.goto(`${server.url}/settings/channels`)
  await page.getByTestId('channel-disconnect').click()
  await expect(page.getByTestId('confirm-dialog')).toContainText('@acme_support_bot')
  await page.getByTestId('confirm-dialog-ok').click()
  await expect(page.getByTestId('channel-row')).toHaveCount(0)
  await expect(page.getByTestId('channel-done')).toHaveText('Telegram is disconnected.')
  expect(tg.webhook).toBeNull()

  await ctx.close()
})
