import type { Frame, Page } from '@playwright/test'
import { DEFAULT_WIDGET_CONFIG, readWidgetConfig, type PublicWidgetConfig } from '../../shared/widgetConfig.ts'
import { login, openDoc, whenDoc } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

/** Opens Settings › Widget from the header. */
async function openWidgetSettings(page: Page) {
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('settings-nav-widget').click()
  await expect(page.getByTestId('settings-widget')).toBeVisible()
  await expect(page.getByTestId('widget-launcher-text')).toHaveValue(DEFAULT_WIDGET_CONFIG.launcherText)
}

/** The preview's frame, once loaded, recording every preview message its window receives. */
async function recordingPreview(page: Page): Promise<Frame> {
  const frame = await (await page.getByTestId('widget-preview').elementHandle())!.contentFrame()
  if (!frame) throw new Error('the preview has no frame')
  await frame.waitForLoadState('load')
  await frame.evaluate(() => {
    const w = window as unknown as { previews: unknown[] }
    w.previews = []
    window.addEventListener('message', (e) => {
      if (e.origin === location.origin && (e.data as { type?: string })?.type === 'parley:preview') w.previews.push((e.data as { config: unknown }).config)
    })
  })
  return frame
}
const lastPreview = (frame: Frame) => frame.evaluate(() => ((window as unknown as { previews: PublicWidgetConfig[] }).previews.at(-1) ?? null) as PublicWidgetConfig | null)

test('an admin restyles the widget and sets a pre-chat form: the preview follows as they type, the server holds it once saved', async ({ browser, parley }) => {
  const context = await browser.newContext()
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: parley.url })
  const page = await context.newPage()
  await signIn(page, parley.url)
  await openWidgetSettings(page)
  await expect(page.getByTestId('widget-preview')).toHaveAttribute('src', /\/demo\?preview=1/)
  const frame = await recordingPreview(page)

  await page.getByTestId('widget-color-accent-hex').fill('#d9480f')
  await page.getByTestId('widget-color-visitor-bubble-hex').fill('#0b7285')
  await page.getByTestId('widget-launcher-text').fill('Ask Northwind')
  // The unsaved form reaches the preview at once.
  await expect.poll(async () => (await lastPreview(frame))?.launcherText).toBe('Ask Northwind')
  expect((await lastPreview(frame))!.colors).toMatchObject({ accent: '#d9480f', visitorBubble: '#0b7285' })
  // The picker and the hex text are one value.
  await expect(page.getByTestId('widget-color-accent')).toHaveValue('#d9480f')
  await expect(page.getByTestId('widget-form-state')).toHaveText('Unsaved changes')

  await page.getByTestId('widget-welcome-message').fill('Hello from Northwind! Ask us anything about your order.')
  await page.getByTestId('widget-form-enabled').check()
  const prechat = page.getByTestId('widget-form-fields')
  await expect(prechat.getByTestId('widget-field')).toHaveCount(2)
  await page.getByTestId('widget-form-add').click()
  const added = prechat.getByTestId('widget-field').nth(2)
  await added.getByTestId('field-id-kind').selectOption('phone')
  await expect(added.getByTestId('field-label')).toHaveValue('Phone')
  await page.getByTestId('widget-form-add').click()
  const plan = prechat.getByTestId('widget-field').nth(3)
  await plan.getByTestId('field-id').fill('plan')
  await plan.getByTestId('field-label').fill('Your plan')
  await plan.getByTestId('field-type').selectOption('select')
  await plan.getByTestId('field-options').fill('Free\nPro\nBusiness')
  await plan.getByTestId('field-required').check()
  // The plan question goes first.
  for (let i = 0; i < 3; i++) await prechat.getByTestId('widget-field').nth(3 - i).getByTestId('field-up').click()
  await expect.poll(async () => (await lastPreview(frame))?.form.fields.map((f) => f.id)).toEqual(['plan', 'name', 'email', 'phone'])

  await page.getByTestId('widget-save').click()
  await expect(page.getByTestId('widget-form-state')).toHaveText('Saved')
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')

  const admin = await login(parley.url)
  const server = await openDoc(parley.wsUrl, 'settings', admin.token)
  await whenDoc(server.doc, () => readWidgetConfig(server.doc).launcherText === 'Ask Northwind')
  const config = readWidgetConfig(server.doc)
  expect(config.colors).toEqual({ ...DEFAULT_WIDGET_CONFIG.colors, accent: '#d9480f', visitorBubble: '#0b7285' })
  expect(config.welcomeMessage).toBe('Hello from Northwind! Ask us anything about your order.')
  expect(config.form).toEqual({
    enabled: true,
    fields: [
      { id: 'plan', label: 'Your plan', type: 'select', required: true, options: ['Free', 'Pro', 'Business'] },
      { id: 'name', label: 'Name', type: 'text', required: true, options: [] },
      { id: 'email', label: 'Email', type: 'email', required: true, options: [] },
      { id: 'phone', label: 'Phone', type: 'tel', required: false, options: [] },
    ],
  })
  server.close()

  // The embed code names this server and workspace, and copies.
  await expect(page.getByTestId('embed-code')).toHaveValue(`<script src="${parley.url}/widget.js" data-workspace="default" async></script>`)
  await page.getByTestId('embed-copy').click()
  await expect(page.getByTestId('embed-copy-state')).toHaveText('Copied')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('data-workspace="default"')
  await page.getByTestId('embed-identity').check()
  await expect(page.getByTestId('embed-code')).toHaveValue(/data-user-email="[^"]*"[\s\S]*data-user-hash=/)
  await expect(page.getByTestId('chat-url')).toHaveValue(`${parley.url}/chat/default`)
  // Reloaded, the preview is the real widget with these settings: the launcher in its shadow root says so.
  await page.getByTestId('widget-preview-reload').click()
  const launcher = page.frameLocator('[data-testid="widget-preview"]').getByTestId('parley-launcher')
  await expect(launcher).toContainText('Ask Northwind')
  // And the widget takes an unsaved change at once, without a reload.
  await page.getByTestId('widget-launcher-text').fill('Ask Northwind today')
  await expect(launcher).toContainText('Ask Northwind today')
  // Opened from the page, the preview's chat box greets with the welcome message.
  await page.getByTestId('widget-preview-open').click()
  await expect(page.frameLocator('[data-testid="widget-preview"]').getByTestId('parley-welcome')).toContainText('Hello from Northwind!')
  await context.close()
})

test('an empty field id, a list without choices or a bad colour are shown beside their fields, and nothing is written', async ({ page, parley }) => {
  await signIn(page, parley.url)
  await openWidgetSettings(page)
  await page.getByTestId('widget-color-agent-text-hex').fill('dark blue')
  await page.getByTestId('widget-form-enabled').check()
  await page.getByTestId('widget-form-add').click()
  const row = page.getByTestId('widget-form-fields').getByTestId('widget-field').nth(2)
  await row.getByTestId('field-id-kind').selectOption({ label: 'Custom field…' })
  await row.getByTestId('field-label').fill('Your plan')
  await row.getByTestId('field-type').selectOption('select')
  await page.getByTestId('widget-save').click()

  await expect(page.getByTestId('widget-error-summary')).toHaveText('Fix the marked fields; nothing was saved.')
  await expect(page.locator('[data-testid="widget-error"][data-field="colors.agentText"]')).toContainText('#rrggbb')
  await expect(page.locator('[data-testid="widget-error"][data-field="form.2.id"]')).toContainText('Give the field an id')
  await expect(page.locator('[data-testid="widget-error"][data-field="form.2.options"]')).toContainText('at least one choice')
  await expect(row.getByTestId('field-id')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByTestId('widget-color-agent-text-hex')).toBeFocused()
  await expect(page.getByTestId('widget-form-state')).toHaveText('Unsaved changes')

  // Errors clear as they are fixed; the fixed form is what the server gets, never the invalid one.
  await page.getByTestId('widget-color-agent-text-hex').fill('#102a43')
  await expect(page.locator('[data-testid="widget-error"][data-field="colors.agentText"]')).toHaveCount(0)
  await row.getByTestId('field-id').fill('plan')
  await row.getByTestId('field-options').fill('Free\nPro')
  await expect(page.getByTestId('widget-error')).toHaveCount(0)
  const admin = await login(parley.url)
  const server = await openDoc(parley.wsUrl, 'settings', admin.token)
  expect(server.doc.getMap('widget').has('config')).toBe(false)
  await page.getByTestId('widget-save').click()
  await whenDoc(server.doc, () => server.doc.getMap('widget').has('config'))
  expect(readWidgetConfig(server.doc).colors.agentText).toBe('#102a43')
  expect(readWidgetConfig(server.doc).form.fields.at(-1)).toEqual({ id: 'plan', label: 'Your plan', type: 'select', required: false, options: ['Free', 'Pro'] })
  server.close()
})

test('offline, a widget setting is saved on the device and reaches the server once back online; the identity secret needs a connection', async ({ browser, parley }) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await signIn(page, parley.url)
  await openWidgetSettings(page)
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')
  const frame = await recordingPreview(page)

  await context.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await page.getByTestId('widget-launcher-text').fill('Written on the train')
  await page.getByTestId('widget-position').selectOption('left')
  // The preview already loaded keeps following the form offline.
  await expect.poll(async () => (await lastPreview(frame))?.position).toBe('left')
  await page.getByTestId('widget-save').click()
  await expect(page.getByTestId('widget-form-state')).toHaveText('Saved')
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'pending')
  await expect(page.getByTestId('sync-status')).toHaveText('Saved on this device — will sync when online')

  await page.getByTestId('embed-identity').check()
  await expect(page.getByTestId('identity-show')).toBeDisabled()
  await expect(page.getByTestId('identity-offline')).toHaveText('Showing the secret needs a connection.')

  await context.setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')
  await expect(page.getByTestId('identity-show')).toBeEnabled()
  const admin = await login(parley.url)
  const server = await openDoc(parley.wsUrl, 'settings', admin.token)
  await whenDoc(server.doc, () => readWidgetConfig(server.doc).launcherText === 'Written on the train')
  expect(readWidgetConfig(server.doc).position).toBe('left')
  server.close()
  await context.close()
})

test('the identity secret for the embed code’s hash is shown on demand', async ({ page, parley }) => {
  await signIn(page, parley.url)
  await openWidgetSettings(page)
  await page.getByTestId('embed-identity').check()
  await expect(page.getByTestId('identity-help')).toContainText('HMAC-SHA256')
  await page.getByTestId('identity-show').click()
  await expect(page.getByTestId('identity-secret')).toHaveText(/^\S{16,}$/)
  await page.getByTestId('identity-hide').click()
  await expect(page.getByTestId('identity-secret')).toHaveCount(0)
})
