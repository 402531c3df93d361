import type { Page } from '@playwright/test'
import { prng } from '../support/random.ts'
import { seedHistory } from '../bench/appSeed.ts'
import { command, login, Visitor } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

const tab = (page: Page, id: string) => page.locator(`[data-testid="tab"][data-tab="${id}"]`)
const tabCount = (page: Page, id: string) => tab(page, id).getByTestId('tab-count')
const rowNames = (page: Page) => page.getByTestId('conversation-row').locator('.row-name')

/** A scripted visitor who has written `text`; resolves with the conversation id. */
async function visitorWrites(wsUrl: string, name: string, text: string): Promise<{ visitor: Visitor; conversationId: string }> {
  const visitor = new Visitor(wsUrl, { name })
  await visitor.connect()
  const ack = await visitor.say(text)
  return { visitor, conversationId: ack.conversationId }
}

test('tabs and their counts follow chats as they arrive, are taken and closed', async ({ browser, parley }) => {
  const page = await (await browser.newContext({ viewport: { width: 375, height: 740 } })).newPage()
  await signIn(page, parley.url)
  await expect(tabCount(page, 'unassigned')).toHaveText('0')
  await expect(page.getByTestId('tab')).toHaveCount(5)

  const admin = await login(parley.url)
  const a = await visitorWrites(parley.wsUrl, 'Olga', 'First chat')
  await expect(tabCount(page, 'unassigned')).toHaveText('1')
  await expect(tabCount(page, 'all')).toHaveText('1')
  // A tab per channel present in the index.
  await expect(tabCount(page, 'channel:widget')).toHaveText('1')

  const b = await visitorWrites(parley.wsUrl, 'Piet', 'Second chat')
  await expect(tabCount(page, 'unassigned')).toHaveText('2')
  await expect(tabCount(page, 'all')).toHaveText('2')
  await expect(tabCount(page, 'mine')).toHaveText('0')

  await tab(page, 'unassigned').click()
  await expect(page.getByTestId('conversation-row')).toHaveCount(2)

  // Taken elsewhere (another tab, the API): it leaves Unassigned for Mine, without a reload.
  expect((await command(parley.url, admin.token, a.conversationId, 'take')).status).toBe(200)
  await expect(tabCount(page, 'unassigned')).toHaveText('1')
  await expect(tabCount(page, 'mine')).toHaveText('1')
  await expect(page.getByTestId('conversation-row')).toHaveCount(1)
  await expect(rowNames(page)).toHaveText(['Piet'])

  expect((await command(parley.url, admin.token, b.conversationId, 'close', { tags: ['sales'] })).status).toBe(200)
  await expect(tabCount(page, 'unassigned')).toHaveText('0')
  await expect(tabCount(page, 'closed')).toHaveText('1')
  await expect(tabCount(page, 'all')).toHaveText('1')
  await expect(page.getByTestId('conversation-row')).toHaveCount(0)
  await tab(page, 'closed').click()
  await expect(rowNames(page)).toHaveText(['Piet'])

  // The chosen list is kept across a reload.
  await page.reload()
  await expect(tab(page, 'closed')).toHaveAttribute('aria-selected', 'true')
  await expect(rowNames(page)).toHaveText(['Piet'])

  await a.visitor.close()
  await b.visitor.close()
})

test('sorting: latest activity, longest waiting, newest', async ({ browser, parley }) => {
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  const first = await visitorWrites(parley.wsUrl, 'Ada', 'I wrote first')
  await expect(page.getByTestId('conversation-row')).toHaveCount(1)
  const second = await visitorWrites(parley.wsUrl, 'Ben', 'I wrote second')
  await expect(page.getByTestId('conversation-row')).toHaveCount(2)
  const third = await visitorWrites(parley.wsUrl, 'Cleo', 'I wrote third')
  await expect(page.getByTestId('conversation-row')).toHaveCount(3)

  // Ada gets an answer: she is no longer waiting, and hers is the latest activity.
  await page.getByTestId('conversation-row').filter({ hasText: 'Ada' }).click()
  await page.getByTestId('composer').fill('Hello Ada, looking into it')
  await page.getByTestId('send').click()
  await expect(page.getByTestId('message').last()).toHaveAttribute('data-state', 'sent')

  const sort = page.getByTestId('sort')
  await expect(sort).toHaveValue('activity')
  await expect(rowNames(page)).toHaveText(['Ada', 'Cleo', 'Ben'])

  await sort.selectOption('waiting')
  await expect(rowNames(page)).toHaveText(['Ben', 'Cleo', 'Ada'])

  // Ben is answered too: Cleo has now waited longest.
  await page.getByTestId('conversation-row').filter({ hasText: 'Ben' }).click()
  await page.getByTestId('composer').fill('Hi Ben')
  await page.getByTestId('send').click()
  await expect(rowNames(page)).toHaveText(['Cleo', 'Ben', 'Ada'])

  await sort.selectOption('created')
  await expect(rowNames(page)).toHaveText(['Cleo', 'Ben', 'Ada'])

  // Sorting is local: offline, every order still works on what the device holds.
  await page.context().setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await sort.selectOption('activity')
  await expect(rowNames(page)).toHaveText(['Ben', 'Ada', 'Cleo'])
  await sort.selectOption('waiting')
  await expect(rowNames(page)).toHaveText(['Cleo', 'Ben', 'Ada'])
  await page.context().setOffline(false)

  for (const v of [first, second, third]) await v.visitor.close()
  await ctx.close()
})

test('search finds messages and visitors offline, accent- and case-insensitive, and opens the chat', async ({ browser, parley }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  const zip = await visitorWrites(parley.wsUrl, 'Zoë Müller', 'The zipper on my Fjällräven backpack broke after a week')
  const other = await visitorWrites(parley.wsUrl, 'Tom', 'Do you ship to Norway?')
  await expect(page.getByTestId('conversation-row')).toHaveCount(2)

  await ctx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')

  const search = page.getByTestId('search')
  const results = page.getByTestId('search-result')
  // The last word is a prefix; accents and case do not matter.
  await search.fill('FJALLR')
  await expect(results).toHaveCount(1)
  await expect(results).toHaveAttribute('data-id', zip.conversationId)
  await expect(results).toContainText('Zoë Müller')
  await expect(results.locator('mark')).toHaveText('Fjällräven')

  // Every word must match.
  await search.fill('zipper norway')
  await expect(page.getByTestId('search-results')).toContainText('No messages or visitors match')
  await expect(results).toHaveCount(0)
  await search.fill('ship norw')
  await expect(results).toHaveAttribute('data-id', other.conversationId)

  // Visitors are found by name.
  await search.fill('muller')
  await expect(results).toHaveAttribute('data-id', zip.conversationId)

  await search.fill('backpack brok')
  await expect(results).toHaveCount(1)
  await results.click()
  await expect(page.getByTestId('thread')).toContainText('The zipper on my Fjällräven backpack broke')
  expect(page.url()).toContain(zip.conversationId)

  await zip.visitor.close()
  await other.visitor.close()
})

test('a long inbox shows only what is on screen, scrolls to its end, and shows the conversation opened by its address', async ({ browser, parley }) => {
  // 400 conversations, one every ten minutes: long-399 is the newest.
  const now = Date.now()
  await seedHistory(parley.server.store, { prefix: 'long', conversations: 400, messages: 400, fromAt: now - 400 * 600_000, toAt: now - 600_000, rand: prng(42) })
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage()
  await signIn(page, parley.url)
  await expect(tabCount(page, 'all')).toHaveText('400')
  const rows = page.getByTestId('conversation-row')
  const row = (id: string) => page.locator(`[data-testid="conversation-row"][data-id="${id}"]`)
  await expect(rows.first()).toHaveAttribute('data-id', 'long-399')
  expect(await rows.count()).toBeLessThan(100)
  // The rows not rendered still tell screen readers where a row stands in the list.
  await expect(page.getByRole('listitem').filter({ has: row('long-399') })).toHaveAttribute('aria-setsize', '400')

  await page.getByTestId('inbox').evaluate((el) => el.scrollTo(0, el.scrollHeight))
  await expect(row('long-0')).toBeInViewport()
  expect(await rows.count()).toBeLessThan(100)

  // Opened by its address (a link, a reload): its row, far down the list, is scrolled into view beside it.
  await page.goto(`${parley.url}/c/long-150`)
  await expect(row('long-150')).toBeInViewport()
  await expect(row('long-150')).toHaveAttribute('aria-current', 'page')
  // Picking another list starts at its top.
  await tab(page, 'unassigned').click()
  await expect(page.getByTestId('inbox')).toHaveJSProperty('scrollTop', 0)
})
