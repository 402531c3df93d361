import { readFile } from 'node:fs/promises'
import type { Locator } from '@playwright/test'
import { Limits } from '../../shared/protocol.ts'
import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

/** A real 2×2 PNG, so that thumbnails have something to draw. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
)
const PDF = Buffer.from('%PDF-1.4\n% Parley test invoice 1042\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')

/** Whether an <img> has loaded and decoded. */
const loaded = (img: Locator) => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)

test('a visitor sends a photo from the widget; the agent sees the thumbnail and opens it full size', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const agentCtx = await browser.newContext()
  const visitor = await visitorCtx.newPage()
  const agent = await agentCtx.newPage()

  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'My parcel arrived broken')
  await visitor.getByTestId('parley-attach').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: PNG })
  const sent = visitor.locator('[data-testid="parley-message"]').filter({ has: visitor.locator('[data-testid="parley-attachment"][data-name="parcel.png"]') })
  await expect(sent).toHaveAttribute('data-state', 'sent')
  await expect.poll(() => loaded(sent.getByRole('img', { name: 'parcel.png' }))).toBe(true)

  await signIn(agent, parley.url)
  const row = agent.getByTestId('conversation-row').first()
  // A message of files alone is previewed by its file.
  await expect(row).toContainText('parcel.png')
  await row.click()
  const photo = agent.locator('[data-testid="attachment"][data-name="parcel.png"]')
  await expect(photo).toBeVisible()
  await expect.poll(() => loaded(photo.locator('img'))).toBe(true)

  const [full] = await Promise.all([agent.waitForEvent('popup'), photo.click()])
  await full.waitForLoadState()
  expect(new URL(full.url()).pathname).toMatch(/^\/files\/[A-Za-z0-9_-]{22}\/parcel\.png$/)
  expect(await full.evaluate(() => document.contentType)).toBe('image/png')

  await visitorCtx.close()
  await agentCtx.close()
})

test('a widget upload that fails is offered again; only the file that did not arrive is sent again', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const agentCtx = await browser.newContext()
  const visitor = await visitorCtx.newPage()
  const agent = await agentCtx.newPage()

  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Photos of the damage')
  // The network drops the first try of one of the two files (a train entering a tunnel).
  const uploaded: string[] = []
  let dropped = false
  await visitor.route('**/widget/files', async (route) => {
    const name = decodeURIComponent(route.request().headers()['x-file-name'] ?? '')
    if (name === 'side.png' && !dropped) {
      dropped = true
      return route.abort('internetdisconnected')
    }
    uploaded.push(name)
    await route.continue()
  })
  await visitor.getByTestId('parley-attach').setInputFiles([
    { name: 'front.png', mimeType: 'image/png', buffer: PNG },
    { name: 'side.png', mimeType: 'image/png', buffer: PNG },
  ])
  const message = visitor.locator('[data-testid="parley-message"]').filter({ has: visitor.locator('[data-testid="parley-attachment"][data-name="side.png"]') })
  await expect(message).toHaveAttribute('data-state', 'failed')
  await expect(visitor.getByTestId('parley-error')).toBeVisible()
  expect(uploaded).toEqual(['front.png'])

  await message.getByTestId('parley-retry').click()
  await expect(message).toHaveAttribute('data-state', 'sent')
  await expect(message.getByTestId('parley-retry')).toHaveCount(0)
  expect(uploaded).toEqual(['front.png', 'side.png'])

  // The agent gets one message with both files.
  await signIn(agent, parley.url)
  await agent.getByTestId('conversation-row').first().click()
  const got = agent.getByTestId('message').filter({ has: agent.locator('[data-testid="attachment"][data-name="side.png"]') })
  await expect(got.locator('[data-testid="attachment"]')).toHaveCount(2)
  await expect(agent.locator('[data-testid="attachment"][data-name="front.png"]')).toHaveCount(1)

  await visitorCtx.close()
  await agentCtx.close()
})

test('an agent sends a PDF; the visitor sees the link and downloads the same bytes', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const agentCtx = await browser.newContext()
  const visitor = await visitorCtx.newPage()
  const agent = await agentCtx.newPage()

  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Could you send me the invoice?')
  await signIn(agent, parley.url)
  await agent.getByTestId('conversation-row').first().click()

  await agent.getByTestId('composer').fill('Here is your invoice')
  await agent.getByTestId('attach').setInputFiles({ name: 'invoice-1042.pdf', mimeType: 'application/pdf', buffer: PDF })
  await expect(agent.getByTestId('staged-file')).toHaveAttribute('data-name', 'invoice-1042.pdf')
  await agent.getByTestId('send').click()
  const reply = agent.getByTestId('message').filter({ hasText: 'Here is your invoice' })
  await expect(reply).toHaveAttribute('data-state', 'sent')
  await expect(reply.getByTestId('attachment')).toHaveAttribute('data-name', 'invoice-1042.pdf')
  await expect(agent.getByTestId('staged-file')).toHaveCount(0)

  const link = visitor.locator('[data-testid="parley-attachment"][data-name="invoice-1042.pdf"]')
  await expect(link).toBeVisible()
  await expect(link).toContainText('invoice-1042.pdf')
  const [download] = await Promise.all([visitor.waitForEvent('download'), link.click()])
  expect(download.suggestedFilename()).toBe('invoice-1042.pdf')
  expect(await readFile(await download.path())).toEqual(PDF)

  await visitorCtx.close()
  await agentCtx.close()
})

test('a file too large or of a refused type is stopped with a clear error in the app and in the widget', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const agentCtx = await browser.newContext()
  const visitor = await visitorCtx.newPage()
  const agent = await agentCtx.newPage()
  const big = { name: 'backup.zip', mimeType: 'application/zip', buffer: Buffer.alloc(Limits.fileBytes + 1, 7) }
  const exe = { name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') }

  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Can I send you my backup?')
  await visitor.getByTestId('parley-attach').setInputFiles(big)
  await expect(visitor.getByTestId('parley-error')).toHaveText('"backup.zip" is too large (10 MB). Files can be up to 10 MB.')
  await visitor.getByTestId('parley-attach').setInputFiles(exe)
  await expect(visitor.getByTestId('parley-error')).toContainText(`"setup.exe" can't be sent`)
  await expect(visitor.getByTestId('parley-message')).toHaveCount(1)

  await signIn(agent, parley.url)
  await agent.getByTestId('conversation-row').first().click()
  await agent.getByTestId('attach').setInputFiles(big)
  await expect(agent.getByTestId('attach-error')).toHaveText('"backup.zip" is too large (10 MB). Files can be up to 10 MB.')
  await agent.getByTestId('attach').setInputFiles(exe)
  await expect(agent.getByTestId('attach-error')).toContainText(`"setup.exe" can't be sent`)
  await expect(agent.getByTestId('staged-file')).toHaveCount(0)
  await expect(agent.getByTestId('send')).toBeDisabled()
  // A good file after a refused one is taken, and the error goes.
  await agent.getByTestId('attach').setInputFiles({ name: 'fine.png', mimeType: 'image/png', buffer: PNG })
  await expect(agent.getByTestId('staged-file')).toHaveCount(1)
  await expect(agent.getByTestId('attach-error')).toHaveCount(0)
  // An image pasted into the reply box is staged too.
  await agent.getByTestId('composer').evaluate((el, b64) => {
    const file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'pasted.png', { type: 'image/png' })
    const data = new DataTransfer()
    data.items.add(file)
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, PNG.toString('base64'))
  await expect(agent.getByTestId('staged-file')).toHaveCount(2)
  await expect(agent.getByTestId('staged-file').last()).toHaveAttribute('data-name', 'pasted.png')
  await agent.getByTestId('send').click()
  const both = agent.getByTestId('message').last()
  await expect(both).toHaveAttribute('data-state', 'sent')
  await expect(both.getByTestId('attachment')).toHaveCount(2)

  await visitorCtx.close()
  await agentCtx.close()
})

test('offline, an agent sends a photo: pending with its preview, still there after a reload, sent when back', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const agentCtx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const visitor = await visitorCtx.newPage()
  const agent = await agentCtx.newPage()

  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Is the blue jacket back in stock?')
  await signIn(agent, parley.url)
  // The app shell must be in the service worker's cache before the network goes.
  await agent.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await agent.getByTestId('conversation-row').first().click()
  await expect(agent.getByTestId('message')).toHaveCount(1)

  await agentCtx.setOffline(true)
  await expect(agent.getByTestId('connection')).toHaveText('Offline')
  await agent.getByTestId('composer').fill('Yes, here it is on the shelf')
  await agent.getByTestId('attach').setInputFiles({ name: 'shelf.png', mimeType: 'image/png', buffer: PNG })
  await agent.getByTestId('send').click()

  const reply = agent.getByTestId('message').filter({ hasText: 'Yes, here it is on the shelf' })
  const preview = reply.locator('[data-testid="attachment"][data-name="shelf.png"] img')
  await expect(reply).toHaveAttribute('data-state', 'pending')
  await expect(preview).toHaveAttribute('src', /^blob:/)
  await expect.poll(() => loaded(preview)).toBe(true)

  // Still held after a reload, offline: the reply and its file live in IndexedDB.
  await agent.reload()
  await expect(agent.getByTestId('connection')).toHaveText('Offline')
  await expect(reply).toHaveAttribute('data-state', 'pending')
  await expect(preview).toHaveAttribute('src', /^blob:/)
  await expect.poll(() => loaded(preview)).toBe(true)
  await expect(visitor.locator('[data-testid="parley-attachment"][data-name="shelf.png"]')).toHaveCount(0)

  await agentCtx.setOffline(false)
  await expect(agent.getByTestId('connection')).toHaveText('Online')
  await expect(reply).toHaveAttribute('data-state', 'sent')
  await expect(preview).toHaveAttribute('src', /^\/files\/[A-Za-z0-9_-]{22}\/shelf\.png$/)
  await expect.poll(() => loaded(preview)).toBe(true)

  const got = visitor.locator('[data-testid="parley-message"]').filter({ hasText: 'Yes, here it is on the shelf' })
  await expect(got).toHaveCount(1)
  await expect.poll(() => loaded(got.getByRole('img', { name: 'shelf.png' }))).toBe(true)
  // Exactly once, also in the history the server keeps.
  await visitor.reload()
  await visitor.getByTestId('parley-launcher').click()
  await expect(visitor.locator('[data-testid="parley-attachment"][data-name="shelf.png"]')).toHaveCount(1)

  await visitorCtx.close()
  await agentCtx.close()
})
