import { expect, openWidget, test, visitorSays } from './fixtures.ts'
import { hostPage, sentFrames } from './widgetSupport.ts'

test('the launcher alone loads before the visitor opens the chat; opening loads the chat', async ({ page, parley }) => {
  const loaded: string[] = []
  page.on('request', (r) => loaded.push(new URL(r.url()).pathname))
  await page.goto(`${parley.url}/demo`)
  await expect(page.getByTestId('parley-launcher')).toBeVisible()
  await expect(page.getByTestId('parley-launcher')).toContainText('Chat with us')
  expect(loaded).toContain('/widget.js')
  expect(loaded).not.toContain('/widget/chat.js')
  await page.getByTestId('parley-launcher').click()
  await expect(page.getByTestId('parley-panel')).toBeVisible()
  expect(loaded).toContain('/widget/chat.js')
  await expect(page.getByTestId('parley-status')).toHaveText('Online')
})

test("the host page's CSS cannot break the widget, and the widget leaves the page alone", async ({ page, parley }) => {
  const hostile = `<style>
    * { font-family: "Comic Sans MS", fantasy !important; box-sizing: content-box !important; line-height: 3 !important; }
    button, div, section, p, textarea, form, header, h2, span { all: unset; display: none !important; color: red !important; }
    button { width: 3px !important; height: 3px !important; }
    main { display: block !important; }
  </style>`
  await hostPage(page, parley.url, { head: hostile })
  const launcher = page.getByTestId('parley-launcher')
  await expect(launcher).toBeVisible()
  const globalsBefore = await page.evaluate(() => Object.keys(window).filter((k) => /parley/i.test(k)))
  const box = await launcher.boundingBox()
  expect(box!.height).toBe(56)
  await launcher.click()
  await expect(page.getByTestId('parley-panel')).toBeVisible()
  await expect(page.getByTestId('parley-status')).toHaveText('Online')
  await visitorSays(page, 'Does this still work?')
  // One global, no styles or elements in the page's own document besides the host element.
  expect(globalsBefore).toEqual(['Parley'])
  expect(await page.evaluate(() => Object.keys(window).filter((k) => /parley/i.test(k)))).toEqual(['Parley'])
  expect(await page.evaluate(() => document.querySelectorAll('style').length)).toBe(1)
  expect(await page.evaluate(() => document.body.children.length)).toBe(3) // main, script, parley-widget
})

test('the page drives the widget through window.Parley, even before the chat has loaded', async ({ page, parley }) => {
  const frames = sentFrames(page)
  await hostPage(page, parley.url, { attrs: 'data-user-name="Ana Lima" data-user-email="ana@example.com" data-user-hash="abc123"' })
  await expect(page.getByTestId('parley-launcher')).toBeVisible()
  await page.evaluate(() => {
    const w = window as any
    w.events = []
    w.offOpen = w.Parley.on('open', () => w.events.push('open'))
    w.Parley.on('close', () => w.events.push('close'))
    w.Parley.on('message', (m: any) => w.events.push(`message:${m.text}`))
    // Queued: the chat is not loaded yet.
    w.Parley.setAttributes({ plan: 'pro', seats: 12 })
    w.Parley.track('added_to_cart', { sku: 'JKT-1', price: 189 })
    w.Parley.open()
  })
  await expect(page.getByTestId('parley-panel')).toBeVisible()
  await expect(page.getByTestId('parley-input')).toBeFocused()
  await expect(page.getByTestId('parley-status')).toHaveText('Online')
  await expect.poll(() => frames.map((f) => f.type)).toEqual(expect.arrayContaining(['hello', 'attributes', 'track']))
  const hello = frames.find((f) => f.type === 'hello')!
  expect(hello.user).toEqual({ name: 'Ana Lima', email: 'ana@example.com', hash: 'abc123' })
  expect(frames.find((f) => f.type === 'attributes')!.values).toEqual({ plan: 'pro', seats: '12' })
  expect(frames.find((f) => f.type === 'track')).toMatchObject({ name: 'added_to_cart', payload: { sku: 'JKT-1', price: 189 } })

  await page.evaluate(() => (window as any).Parley.close())
  await expect(page.getByTestId('parley-panel')).toBeHidden()
  await page.evaluate(() => (window as any).Parley.toggle())
  await expect(page.getByTestId('parley-panel')).toBeVisible()
  await page.evaluate(() => (window as any).offOpen())
  await page.evaluate(() => (window as any).Parley.toggle())
  await page.evaluate(() => (window as any).Parley.toggle())
  expect(await page.evaluate(() => (window as any).events)).toEqual(['open', 'close', 'open', 'close'])

  // setUser says hello again with the new identity.
  await page.evaluate(() => (window as any).Parley.setUser({ name: 'Ana L.', email: 'ana@example.com', hash: 'def456' }))
  await expect.poll(() => frames.filter((f) => f.type === 'hello').length).toBe(2)
  expect(frames.filter((f) => f.type === 'hello')[1]!.user).toEqual({ name: 'Ana L.', email: 'ana@example.com', hash: 'def456' })
})

test('keyboard: the launcher opens the box with focus inside, Escape closes it and focus returns', async ({ page, parley }) => {
  await page.goto(`${parley.url}/demo`)
  const launcher = page.getByTestId('parley-launcher')
  await expect(launcher).toBeVisible()
  await launcher.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('parley-panel')).toBeVisible()
  await expect(page.getByTestId('parley-input')).toBeFocused()
  await expect(launcher).toHaveAttribute('aria-expanded', 'true')
  await page.keyboard.type('Typed with the keyboard')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('parley-message').filter({ hasText: 'Typed with the keyboard' })).toHaveAttribute('data-state', 'sent')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('parley-panel')).toBeHidden()
  await expect(launcher).toBeFocused()
  await expect(launcher).toHaveAttribute('aria-expanded', 'false')
})

test('the full-page chat fills the window, without a launcher', async ({ page, parley }) => {
  await page.setViewportSize({ width: 900, height: 700 })
  await page.goto(`${parley.url}/chat/default`)
  const panel = page.getByTestId('parley-panel')
  await expect(panel).toBeVisible()
  await expect(page.getByTestId('parley-launcher')).toHaveCount(0)
  await expect(page.getByTestId('parley-close')).toBeHidden()
  // Read once the panel's opening transition has settled.
  await expect.poll(() => panel.boundingBox()).toEqual({ x: 0, y: 0, width: 900, height: 700 })
  await expect(page.getByTestId('parley-status')).toHaveText('Online')
  await visitorSays(page, 'Hello from the full page')
  await page.keyboard.press('Escape')
  await expect(panel).toBeVisible()
})

test('a returning visitor sees the conversation again after a reload', async ({ page, parley }) => {
  await openWidget(page, parley.url)
  await visitorSays(page, 'Remember me')
  await page.reload()
  // The chat loads on its own (the visitor has a conversation going), without opening the box.
  await page.getByTestId('parley-launcher').click()
  await expect(page.getByTestId('parley-message').filter({ hasText: 'Remember me' })).toHaveAttribute('data-state', 'sent')
})

test('opened while offline, the chat loads on the next try once the network is back', async ({ page, context, parley }) => {
  await page.goto(`${parley.url}/demo`)
  await expect(page.getByTestId('parley-launcher')).toBeVisible()
  await context.setOffline(true)
  await page.getByTestId('parley-launcher').click()
  await page.waitForTimeout(500)
  await expect(page.getByTestId('parley-panel')).toHaveCount(0)
  await context.setOffline(false)
  await page.getByTestId('parley-launcher').click()
  await expect(page.getByTestId('parley-panel')).toBeVisible()
  await expect(page.getByTestId('parley-status')).toHaveText('Online')
})
