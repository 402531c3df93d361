import type { Locator, Page } from '@playwright/test'
import { messagesOf } from '../../shared/documents.ts'
import type { ChatMessage } from '../../shared/protocol.ts'
import { login, openDoc, Visitor } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

/** A scripted visitor who has written `text`; resolves with them and the conversation id. */
async function visitorWrites(wsUrl: string, name: string, text: string): Promise<{ visitor: Visitor; conversationId: string }> {
  const visitor = new Visitor(wsUrl, { name })
  await visitor.connect()
  const ack = await visitor.say(text)
  return { visitor, conversationId: ack.conversationId }
}

/** Opens the conversation whose row shows `text`. */
async function openConversation(page: Page, text: string) {
  await page.getByTestId('conversation-row').filter({ hasText: text }).click()
  await expect(page.getByTestId('thread')).toContainText(text)
}

const message = (page: Page, id: string) => page.locator(`[data-testid="message"][data-id="${id}"]`)
const top = async (l: Locator) => (await l.boundingBox())!.y

const LONG = 600

/**
 * A conversation with a visitor's first message and LONG more pushed straight into its document
 * (as another agent's device would), so a test has a long thread without 600 round trips.
 */
async function longThread(url: string, wsUrl: string) {
  const { visitor, conversationId } = await visitorWrites(wsUrl, 'Lena Long', 'The very first message')
  const admin = await login(url)
  const seeder = await openDoc(wsUrl, `conv/${conversationId}`, admin.token)
  const first = messagesOf(seeder.doc).get(0)!
  const start = Date.now()
  const seeded: ChatMessage[] = Array.from({ length: LONG }, (_, i) => ({
    id: `seed-${i}`,
    clientId: `seed-${i}`,
    kind: i % 3 === 0 ? 'agent' : 'visitor',
    authorId: i % 3 === 0 ? admin.agent.id : visitor.visitorId!,
    authorName: i % 3 === 0 ? 'Admin' : 'Lena Long',
    // Some long ones, so rows have different heights.
    text: i % 7 === 0 ? `Message ${i}: ${'a fairly long sentence that wraps over several lines '.repeat(4)}` : `Message ${i}`,
    at: start + i,
  }))
  seeder.doc.transact(() => messagesOf(seeder.doc).push(seeded))
  return { visitor, conversationId, firstId: first.id, lastId: `seed-${LONG - 1}`, seeder }
}

test('links in messages are anchors that open in a new tab, never HTML', async ({ browser, parley }) => {
  const { visitor } = await visitorWrites(parley.wsUrl, 'Lia', 'Track it at https://shop.example.com/track?id=42, or www.example.org.')
  await visitor.say('<a href="javascript:window.pwned=1">x</a> https://shop.example.com/"><img src=x onerror="window.pwned=1">')
  const context = await browser.newContext()
  const page = await context.newPage()
  await signIn(page, parley.url)
  await openConversation(page, 'Lia')

  const first = page.getByTestId('message').filter({ hasText: 'Track it at' })
  const link = first.getByRole('link', { name: 'https://shop.example.com/track?id=42' })
  await expect(link).toHaveAttribute('href', 'https://shop.example.com/track?id=42')
  await expect(link).toHaveAttribute('target', '_blank')
  await expect(link).toHaveAttribute('rel', /\bnoopener\b/)
  await expect(link).toHaveAttribute('rel', /\bnoreferrer\b/)
  // The comma stays text; a bare www. address gets https.
  await expect(first.getByRole('link')).toHaveCount(2)
  await expect(first.getByRole('link', { name: 'www.example.org' })).toHaveAttribute('href', 'https://www.example.org')
  await expect(first).toContainText('Track it at https://shop.example.com/track?id=42, or www.example.org.')

  // Clicking opens the address in a new page that cannot reach back into the app.
  await context.route('https://shop.example.com/**', (route) => route.fulfill({ contentType: 'text/html', body: '<p>Parcel on its way</p>' }))
  const [popup] = await Promise.all([context.waitForEvent('page'), link.click()])
  await popup.waitForLoadState()
  expect(popup.url()).toBe('https://shop.example.com/track?id=42')
  expect(await popup.evaluate(() => window.opener)).toBeNull()
  await popup.close()

  // Markup in a message stays text; only the web address in it becomes a link.
  const hostile = page.getByTestId('message').filter({ hasText: 'javascript:window.pwned=1' })
  await expect(hostile).toContainText('<a href="javascript:window.pwned=1">x</a>')
  await expect(hostile.locator('img')).toHaveCount(0)
  await expect(hostile.getByRole('link')).toHaveCount(1)
  await expect(hostile.getByRole('link')).toHaveAttribute('href', 'https://shop.example.com/')
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()
  await visitor.close()
  await context.close()
})

test('a day separator says Today; the emoji picker opens on :smi and the reply goes out with the emoji', async ({ browser, parley }) => {
  const { visitor } = await visitorWrites(parley.wsUrl, 'Emil', 'Is the red one back in stock?')
  const page = await (await browser.newContext()).newPage()
  await signIn(page, parley.url)
  await openConversation(page, 'Is the red one back in stock?')

  await expect(page.getByTestId('day-separator')).toHaveText(['Today'])
  // Separators are not messages: short threads still count their messages exactly.
  await expect(page.getByTestId('thread').getByTestId('message')).toHaveCount(1)

  const composer = page.getByTestId('composer')
  const picker = page.getByTestId('emoji-picker')
  await composer.pressSequentially('Yes :smi')
  await expect(picker).toBeVisible()
  await expect(picker.getByTestId('emoji-option').first()).toHaveAttribute('aria-selected', 'true')
  await expect(picker.getByTestId('emoji-option').first()).toHaveAttribute('data-emoji', '😄')
  // Arrows move through the matches and back.
  await composer.press('ArrowDown')
  await expect(picker.getByTestId('emoji-option').nth(1)).toHaveAttribute('aria-selected', 'true')
  await composer.press('ArrowUp')
  await composer.press('Enter')
  await expect(picker).toHaveCount(0)
  await expect(composer).toHaveValue('Yes 😄')

  // Escape closes it, and it stays closed for that word; Enter then sends as usual.
  await composer.pressSequentially(' :tad')
  await expect(picker).toBeVisible()
  await composer.press('Escape')
  await expect(picker).toHaveCount(0)
  await composer.pressSequentially('a')
  await expect(picker).toHaveCount(0)
  await composer.fill('Yes 😄 it is')
  await composer.press('Enter')
  const reply = page.getByTestId('message').filter({ hasText: 'Yes 😄 it is' })
  await expect(reply).toHaveAttribute('data-state', 'sent')
  // The visitor's widget is open: the reply is delivered (not read: the visitor sent no receipt).
  await expect(reply.getByTestId('delivery-state')).toHaveAttribute('data-state', 'delivered')
  await expect(composer).toHaveValue('')
  await expect.poll(() => visitor.frames.some((f) => f.type === 'message' && f.message.text === 'Yes 😄 it is')).toBe(true)

  // The button opens the whole list with a search box; Tab inserts too.
  await page.getByTestId('emoji-button').click()
  await expect(picker).toHaveAttribute('data-mode', 'browse')
  await page.getByTestId('emoji-search').fill('party')
  await page.getByTestId('emoji-search').press('Tab')
  await expect(picker).toHaveCount(0)
  await expect(composer).toHaveValue('🥳')
  await expect(composer).toBeFocused()
  // And a click picks one.
  await page.getByTestId('emoji-button').click()
  await picker.locator('[data-emoji="👍"]').click()
  await expect(composer).toHaveValue('🥳👍')
  await visitor.close()
})

test('the header shows the visitor online and typing, from the conversation’s awareness', async ({ browser, parley }) => {
  const { visitor } = await visitorWrites(parley.wsUrl, 'Tess', 'Are you there?')
  const page = await (await browser.newContext()).newPage()
  await signIn(page, parley.url)
  await openConversation(page, 'Are you there?')

  // The server publishes `{ visitor: { online, typing } }` in the document's awareness for the visitor.
  await expect(page.getByTestId('visitor-online')).toBeVisible()
  await expect(page.getByTestId('visitor-typing')).toHaveCount(0)
  visitor.ws.send(JSON.stringify({ type: 'typing' }))
  await expect(page.getByTestId('visitor-typing')).toHaveText('typing…')
  // Sending ends the typing.
  await visitor.say('Hello?')
  await expect(page.getByTestId('visitor-typing')).toHaveCount(0)
  await expect(page.getByTestId('visitor-online')).toBeVisible()
  // Leaving ends the presence: the header says Offline.
  await visitor.close()
  await expect(page.getByTestId('visitor-online')).toHaveCount(0)
  await expect(page.getByTestId('visitor-offline')).toHaveText('Offline')
})

test('a long thread renders a window of it, scrolls to the first message and sticks to the newest', async ({ browser, parley }) => {
  const long = await longThread(parley.url, parley.wsUrl)
  const context = await browser.newContext({ viewport: { width: 1000, height: 720 } })
  const page = await context.newPage()
  await signIn(page, parley.url)
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await openConversation(page, 'Lena Long')
  const thread = page.getByTestId('thread')
  await expect(thread).toHaveAttribute('data-count', String(LONG + 1))
  long.seeder.close()

  // It opens on the newest, with only a window of the messages in the DOM.
  await expect(message(page, long.lastId)).toBeInViewport()
  const rendered = await page.getByTestId('message').count()
  expect(rendered).toBeGreaterThan(5)
  expect(rendered).toBeLessThan(LONG / 4)

  // Back to the very first message.
  await expect(async () => {
    await thread.evaluate((el) => el.scrollTo({ top: 0 }))
    await expect(message(page, long.firstId)).toBeInViewport({ timeout: 1_000 })
  }).toPass()
  await expect(page.getByTestId('day-separator').first()).toHaveText('Today')
  expect(await page.getByTestId('message').count()).toBeLessThan(LONG / 4)
  await expect(message(page, long.lastId)).toHaveCount(0)

  // Scrolled up, a new message leaves what the agent reads where it is.
  await thread.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }))
  // The message at the middle of the viewport.
  const readingId = await thread.evaluate((el) => {
    const box = el.getBoundingClientRect()
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
    return hit?.closest('.thread-row')?.querySelector('[data-testid="message"]')?.getAttribute('data-id') ?? ''
  })
  expect(readingId).toMatch(/^seed-/)
  const reading = message(page, readingId)
  await expect(reading).toBeInViewport()
  const before = await top(reading)
  await expect(page.getByTestId('jump-to-latest')).toBeVisible()
  await long.visitor.say('A message while you scroll')
  await expect(thread).toHaveAttribute('data-count', String(LONG + 2))
  expect(Math.abs((await top(reading)) - before)).toBeLessThan(2)

  // At the bottom, new messages keep it there.
  await page.getByTestId('jump-to-latest').click()
  await expect(page.getByTestId('message').filter({ hasText: 'A message while you scroll' })).toBeInViewport()
  await expect(page.getByTestId('jump-to-latest')).toHaveCount(0)
  for (const text of ['Still there?', 'Hello again']) {
    await long.visitor.say(text)
    await expect(page.getByTestId('message').filter({ hasText: text })).toBeInViewport()
  }
  // And so does the agent's own reply.
  await page.getByTestId('composer').fill('Right here')
  await page.getByTestId('composer').press('Enter')
  await expect(page.getByTestId('message').filter({ hasText: 'Right here' })).toBeInViewport()
  await expect(page.getByTestId('message').last()).toHaveAttribute('data-state', 'sent')

  // Offline, from the local copy: the long thread opens again, and the emoji picker works.
  await context.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await page.reload()
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await expect(thread).toHaveAttribute('data-count', String(LONG + 5))
  await expect(page.getByTestId('message').filter({ hasText: 'Right here' })).toBeInViewport()
  expect(await page.getByTestId('message').count()).toBeLessThan(LONG / 4)
  const composer = page.getByTestId('composer')
  await composer.pressSequentially('See you :smi')
  await expect(page.getByTestId('emoji-picker')).toBeVisible()
  await composer.press('Enter')
  await expect(composer).toHaveValue('See you 😄')
  await composer.press('Enter')
  const pending = page.getByTestId('message').filter({ hasText: 'See you 😄' })
  await expect(pending).toHaveAttribute('data-state', 'pending')
  await expect(pending.getByTestId('delivery-state')).toHaveAttribute('data-state', 'pending')
  await expect(pending).toBeInViewport()

  await context.setOffline(false)
  await expect(pending).toHaveAttribute('data-state', 'sent')
  await long.visitor.close()
  await context.close()
})
