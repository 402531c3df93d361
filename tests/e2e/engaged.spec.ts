import { DEFAULT_WIDGET_CONFIG, writeWidgetConfig } from '../../shared/widgetConfig.ts'
import type { ToWidget } from '../../shared/protocol.ts'
import { login, openDoc, Visitor } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

/** The workspace starts chats proactively without an invitation: agents are alerted of engaged visitors. */
async function proactiveWithoutInvite(url: string, wsUrl: string) {
  const admin = await login(url)
  const settings = await openDoc(wsUrl, 'settings', admin.token)
  writeWidgetConfig(settings.doc, { ...DEFAULT_WIDGET_CONFIG, activation: { ...DEFAULT_WIDGET_CONFIG.activation, mode: 'proactiveNoInvite', delaySeconds: 5 } })
  // The server acknowledges the write by sending it back on a second connection's first sync.
  const check = await openDoc(wsUrl, 'settings', admin.token)
  await expect.poll(() => (check.doc.getMap('widget').get('config') as { activation?: { mode?: string } } | undefined)?.activation?.mode).toBe('proactiveNoInvite')
  check.close()
  settings.close()
}

test('an agent is alerted of a visitor who met the launch criterion and starts the chat with a first message; offline the button waits for a connection', async ({ browser, parley }) => {
  await proactiveWithoutInvite(parley.url, parley.wsUrl)
  const context = await browser.newContext()
  const page = await context.newPage()
  await signIn(page, parley.url)

  const ana = new Visitor(parley.wsUrl, { name: 'Ana' }, { url: 'https://shop.test/pricing', title: 'Pricing' })
  await ana.connect()
  ana.ws.send(JSON.stringify({ type: 'engage' }))
  const alert = page.getByTestId('engaged-alert')
  await expect(alert).toContainText('Ana is on /pricing — start a chat')
  await expect(alert).toHaveAttribute('data-visitor', ana.visitorId!)

  // Offline, starting a chat is not offered (nor queued: the visitor may be gone by then).
  await context.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await expect(alert.getByTestId('engaged-start')).toBeDisabled()
  await expect(alert).toContainText('needs a connection')
  await context.setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
  await expect(alert.getByTestId('engaged-start')).toBeEnabled()

  await alert.getByTestId('engaged-start').click()
  await expect(page.getByTestId('engaged-alert')).toHaveCount(0)
  await page.getByTestId('engaged-text').fill('Hi Ana! Comparing the plans? I can help.')
  const delivered = ana.next<Extract<ToWidget, { type: 'message' }>>((f) => f.type === 'message' && f.message.text === 'Hi Ana! Comparing the plans? I can help.')
  await page.getByTestId('engaged-send').click()
  await expect(page).toHaveURL(/\/c\/[^/]+$/)
  const conversationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!)
  await expect(page.getByTestId('message').filter({ hasText: 'Comparing the plans?' })).toHaveCount(1)
  expect((await delivered).conversationId).toBe(conversationId)
  await ana.close()
  await context.close()
})

test('starting a chat with a visitor who is chatting already opens their conversation', async ({ page, parley }) => {
  await proactiveWithoutInvite(parley.url, parley.wsUrl)
  await signIn(page, parley.url)
  const ben = new Visitor(parley.wsUrl, { name: 'Ben' }, { url: 'https://shop.test/checkout', title: 'Checkout' })
  await ben.connect()
  const { conversationId } = await ben.say('Is shipping free?')
  ben.ws.send(JSON.stringify({ type: 'engage' }))

  const alert = page.getByTestId('engaged-alert')
  await expect(alert).toContainText('Ben is on /checkout — start a chat')
  await alert.getByTestId('engaged-start').click()
  await page.getByTestId('engaged-text').fill('Hello Ben')
  await page.getByTestId('engaged-send').click()
  await expect(page).toHaveURL(new RegExp(`/c/${conversationId}$`))
  await expect(page.getByTestId('message').filter({ hasText: 'Is shipping free?' })).toHaveCount(1)
  await ben.close()
})
