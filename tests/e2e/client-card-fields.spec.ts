import { DEFAULT_WIDGET_CONFIG, writeWidgetConfig } from '../../shared/widgetConfig.ts'
import { login, openDoc, Visitor } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

test('the client card shows the phone and the custom fields a visitor gave, named as the form asks, offline too', async ({ browser, parley }) => {
  const admin = await login(parley.url)
  const settings = await openDoc(parley.wsUrl, 'settings', admin.token)
  writeWidgetConfig(settings.doc, {
    ...DEFAULT_WIDGET_CONFIG,
    form: { enabled: true, fields: [...DEFAULT_WIDGET_CONFIG.form.fields, { id: 'plan', label: 'Your plan', type: 'select', required: false, options: ['Free', 'Pro'] }] },
  })

  const vera = new Visitor(parley.wsUrl, { name: 'Vera Lind' })
  await vera.connect()
  const saved = vera.next((f) => f.type === 'saved')
  vera.ws.send(JSON.stringify({ type: 'form', kind: 'prechat', fields: { name: 'Vera Lind', email: 'vera@shop.test', phone: '+44 20 7946 0000', plan: 'Pro' } }))
  await saved
  const attributesSaved = vera.next((f) => f.type === 'saved')
  vera.ws.send(JSON.stringify({ type: 'attributes', values: { customer_id: 'C-42' } }))
  await attributesSaved
  const { conversationId } = await vera.say('Can I upgrade mid-month?')

  const context = await browser.newContext()
  const page = await context.newPage()
  await signIn(page, parley.url)
  await page.goto(`${parley.url}/c/${conversationId}`)
  const card = page.getByTestId('client-card')
  if (!(await card.isVisible())) await page.getByTestId('client-toggle').click()
  await expect(card.getByTestId('client-phone')).toHaveText('+44 20 7946 0000')
  await expect(card.getByTestId('client-phone').getByRole('link')).toHaveAttribute('href', 'tel:+442079460000')
  await expect(card.locator('[data-testid="client-field"][data-key="plan"]')).toHaveText('Pro')
  await expect(card.locator('[data-testid="client-field"][data-key="customer_id"]')).toHaveText('C-42')
  await expect(card.getByText('Your plan')).toBeVisible()
  await expect(card.getByText('Customer id')).toBeVisible()

  // Offline, the card shows what this device saw last.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await context.setOffline(true)
  await page.reload()
  if (!(await page.getByTestId('client-card').isVisible())) await page.getByTestId('client-toggle').click()
  await expect(page.getByTestId('client-phone')).toHaveText('+44 20 7946 0000')
  await expect(page.locator('[data-testid="client-field"][data-key="plan"]')).toHaveText('Pro')
  await context.setOffline(false)
  settings.close()
  await vera.close()
  await context.close()
})
