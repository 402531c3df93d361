import type { Browser, Page } from '@playwright/test'
import { putEntry } from '../../shared/settings.ts'
import { BOT_TOKEN, TelegramStandIn } from '../support/channelStandIns.ts'
import { command, createAgent, login, metaWhen } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { routingGroup, writeSettings } from '../support/settings.ts'
import { eventsOf } from '../support/widget.ts'
import { agentPage, goOffline, goOnline, line, showTab } from './actionsSupport.ts'
import { expect, test, visitorSays } from './fixtures.ts'

const BEA = { email: 'bea@example.com', name: 'Bea', password: 'bea password 123' }
const CAL = { email: 'cal@example.com', name: 'Cal', password: 'cal password 123' }
const ANN = { id: 7770001, first_name: 'Ann', last_name: 'Lee', username: 'ann_lee' }

let tg: TelegramStandIn
let server: TestServer
test.beforeEach(async () => {
  tg = await new TelegramStandIn().start()
  server = await startServer({ channels: { publicUrl: 'https://parley.example.com', telegramApiUrl: tg.url, retryBaseMs: 200 } })
})
test.afterEach(async () => {
  await server.destroy()
  await tg.stop()
})

/** The id of the conversation created last. */
async function lastCreated(url: string, token: string): Promise<string> {
  const created = (await eventsOf(url, token)).filter((e) => e.type === 'conversation.created')
  return created.at(-1)!.conversationId!
}

/** A visitor writing from the demo shop at `path`, in a browser context of their own. */
async function visitorAt(browser: Browser, path: string, text: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto(`${server.url}${path}`)
  await page.getByTestId('parley-launcher').click()
  await expect(page.getByTestId('parley-status')).toHaveText('Online')
  await visitorSays(page, text)
  return page
}

async function openConversations(page: Page) {
  const entry = page.getByTestId('nav-supervision')
  if (!(await entry.isVisible())) await page.getByTestId('header-menu').click()
  await entry.click()
  await page.getByTestId('supervision-tab-conversations').click()
  await expect(page.getByTestId('supervision-conversations')).toBeVisible()
  await expect(page).toHaveURL(/\/supervision\/conversations$/)
}

const rows = (page: Page) => page.getByTestId('convs-row')
const rowOf = (page: Page, id: string) => page.locator(`[data-testid="convs-row"][data-conversation="${id}"]`)
const count = (page: Page) => page.locator('[data-metric="active_conversations"]')
/** The conversations of the list, top to bottom. */
const order = (page: Page) => rows(page).evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-conversation')))

test('a supervisor filters, sorts, opens, reassigns and notes the active conversations, offline too', async ({ browser }) => {
  test.setTimeout(150_000)
  const url = server.url
  const admin = await login(url)
  const bea = await createAgent(url, admin.token, { ...BEA, groups: ['sales'] })
  const cal = await createAgent(url, admin.token, { ...CAL, groups: ['billing'] })
  expect(bea.status).toBe(201)
  expect(cal.status).toBe(201)
  const beaId = bea.body.id!
  const calId = cal.body.id!
  // Two teams with a group each; the shop's billing page routes to Billing, the rest of it to Sales.
  await writeSettings(server.wsUrl, admin.token, (doc) => {
    putEntry(doc, 'teams', { id: 'shop', name: 'Shop' })
    putEntry(doc, 'teams', { id: 'back', name: 'Back office' })
    putEntry(doc, 'groups', routingGroup('sales', { name: 'Sales', teamId: 'shop', assignment: 'manual' }))
    putEntry(doc, 'groups', routingGroup('billing', { name: 'Billing', teamId: 'back', assignment: 'manual' }))
    putEntry(doc, 'scripts', { id: 'billing-page', name: 'Billing page', url: 'dept=billing', match: 'partial', teamId: null, groupId: 'billing', onlyWhenOnline: false, requestFormWhenNobody: false, active: true, order: 0 })
    putEntry(doc, 'scripts', { id: 'shop', name: 'Shop', url: '/demo', match: 'partial', teamId: null, groupId: 'sales', onlyWhenOnline: false, requestFormWhenNobody: false, active: true, order: 1 })
  })
  const connected = await fetch(`${url}/api/channels/telegram`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ token: BOT_TOKEN }),
  })
  expect(connected.status).toBe(200)

  // Four chats, created in this order: parcel (Sales), charge (Billing), gift (Sales), Telegram.
  await visitorAt(browser, '/demo', 'Where is my parcel?')
  const parcel = await lastCreated(url, admin.token)
  await visitorAt(browser, '/demo?dept=billing', 'I was charged twice')
  const charge = await lastCreated(url, admin.token)
  await visitorAt(browser, '/demo', 'Do you sell gift cards?')
  const gift = await lastCreated(url, admin.token)
  expect((await tg.deliver(url, tg.textUpdate(ANN, 'Hello from Telegram'))).status).toBe(200)
  await expect.poll(() => lastCreated(url, admin.token)).not.toBe(gift)
  const telegram = await lastCreated(url, admin.token)
  // Bea takes the gift card chat; the admin takes the parcel chat and snoozes it.
  const beaLogin = await login(url, BEA)
  expect((await command(url, beaLogin.token, gift, 'take')).status).toBe(200)
  expect((await command(url, admin.token, parcel, 'take')).status).toBe(200)
  expect((await command(url, admin.token, parcel, 'snooze', { until: Date.now() + 3 * 3600_000 })).status).toBe(200)
  await metaWhen(server.wsUrl, admin.token, parcel, (m) => m.status === 'snoozed')

  const page = await agentPage(browser, url, undefined, false, { viewport: { width: 1280, height: 860 } })
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await openConversations(page)
  await expect(count(page)).toHaveAttribute('data-value', '4')
  await expect(rowOf(page, gift).getByTestId('convs-assignee')).toHaveText('Bea')
  await expect(rowOf(page, gift).getByTestId('convs-status')).toHaveText('Open')
  await expect(rowOf(page, parcel).getByTestId('convs-status')).toContainText('Snoozed until')
  await expect(rowOf(page, parcel).getByTestId('convs-assignee')).toHaveText('Admin')
  await expect(rowOf(page, charge).getByTestId('convs-group')).toHaveText('Billing · Back office')
  await expect(rowOf(page, telegram)).toContainText('Ann Lee')
  await expect(rowOf(page, telegram)).toContainText('Telegram')
  await expect(rowOf(page, charge).getByTestId('convs-waiting')).not.toHaveText('—')

  // Sort: longest running first is the order of creation; newest first its reverse.
  await expect.poll(() => order(page)).toEqual([parcel, charge, gift, telegram])
  await page.getByTestId('convs-sort').selectOption('created')
  await expect.poll(() => order(page)).toEqual([telegram, gift, charge, parcel])
  await expect(page).toHaveURL(/\?sort=created$/)
  // Durations tick.
  const before = Number(await rowOf(page, parcel).getByTestId('convs-duration').getAttribute('data-value'))
  await expect.poll(async () => Number(await rowOf(page, parcel).getByTestId('convs-duration').getAttribute('data-value'))).toBeGreaterThan(before)

  // Filters: Sales, then only the waiting ones in it; they are in the address and survive a reload.
  await page.getByTestId('convs-filter-group').selectOption('sales')
  await expect(count(page)).toHaveAttribute('data-value', '2')
  await expect.poll(() => order(page)).toEqual([gift, parcel])
  await page.getByTestId('convs-filter-status').selectOption('snoozed')
  await expect(count(page)).toHaveAttribute('data-value', '1')
  await expect.poll(() => order(page)).toEqual([parcel])
  await page.getByTestId('convs-filter-status').selectOption('waiting')
  await expect(count(page)).toHaveAttribute('data-value', '0')
  await expect(page.getByTestId('convs-empty')).toHaveText(/No conversation matches these filters/)
  await page.getByTestId('convs-filter-group').selectOption('')
  await expect.poll(() => order(page)).toEqual([telegram, charge])
  await expect(page).toHaveURL(/\?status=waiting&sort=created$/)
  await page.reload()
  await expect.poll(() => order(page)).toEqual([telegram, charge])
  await expect(page.getByTestId('convs-filter-status')).toHaveValue('waiting')
  await expect(page.getByTestId('convs-sort')).toHaveValue('created')

  // A bad value in the address falls back to all and says so.
  await page.goto(`${url}/supervision/conversations?group=nowhere&sort=created`)
  await expect(page.getByTestId('convs-query-problem')).toHaveText('The address asks for group “nowhere”, which this device does not know: showing every group.')
  await expect(count(page)).toHaveAttribute('data-value', '4')
  await page.getByTestId('convs-filter-team').selectOption('back')
  await expect.poll(() => order(page)).toEqual([charge])
  await expect(page.getByTestId('convs-query-problem')).toHaveCount(0)
  // A filter whose options come from the settings shows as chosen after a reload.
  await page.reload()
  await expect(page.getByTestId('convs-filter-team')).toHaveValue('back')
  await expect.poll(() => order(page)).toEqual([charge])

  // Open the billing chat beside the list and read it.
  await rowOf(page, charge).getByTestId('convs-open').click()
  await expect(page).toHaveURL(new RegExp(`[?&]open=${charge}`))
  await expect(page.getByTestId('thread')).toContainText('I was charged twice')
  await expect(page.getByTestId('convs-list')).toBeVisible()
  await expect(rowOf(page, charge)).toHaveAttribute('aria-selected', 'true')

  // Reassign it to Bea, with a note for her.
  await page.getByTestId('action-transfer').click()
  const dialog = page.getByTestId('transfer-dialog')
  await dialog.locator(`[data-testid="transfer-agent"][data-id="${beaId}"]`).click()
  await dialog.getByTestId('transfer-confirm').click()
  await expect(dialog).toHaveCount(0)
  await expect(page.getByTestId('conversation-assignee')).toHaveText('Assigned to Bea')
  await expect(rowOf(page, charge).getByTestId('convs-assignee')).toHaveText('Bea')
  await expect(rowOf(page, charge).getByTestId('convs-status')).toHaveText('Open')
  await page.getByTestId('notes-toggle').click()
  await page.getByTestId('note-input').fill('Refund the second charge, please')
  await page.getByTestId('note-input').press('Enter')
  await expect(page.getByTestId('note').filter({ hasText: 'Refund the second charge' })).toHaveAttribute('data-state', 'sent')

  // Bea has it in her Mine, with the note.
  const beaPage = await agentPage(browser, url, BEA)
  await showTab(beaPage, 'mine')
  await beaPage.locator(`[data-testid="conversation-row"][data-id="${charge}"]`).click()
  await expect(beaPage.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await expect(line(beaPage, 'Admin transferred the chat to Bea')).toHaveCount(1)
  await beaPage.getByTestId('notes-toggle').click()
  await expect(beaPage.getByTestId('note').filter({ hasText: 'Refund the second charge, please' })).toHaveCount(1)

  // Offline: the list still filters and sorts from the device.
  await page.getByTestId('back').click()
  await expect(page).toHaveURL(/\/supervision\/conversations\?team=back&sort=created$/)
  await goOffline(page)
  await expect(page.getByTestId('convs-offline')).toContainText('as of')
  await page.getByTestId('convs-clear').click()
  await expect(count(page)).toHaveAttribute('data-value', '4')
  await page.getByTestId('convs-sort').selectOption('duration')
  await expect.poll(() => order(page)).toEqual([parcel, charge, gift, telegram])
  await page.getByTestId('convs-filter-channel').selectOption('telegram')
  await expect.poll(() => order(page)).toEqual([telegram])
  await page.getByTestId('convs-filter-channel').selectOption('')
  await page.getByTestId('convs-filter-agent').selectOption(beaId)
  await expect.poll(() => order(page)).toEqual([charge, gift])
  await page.getByTestId('convs-filter-agent').selectOption('none')
  await expect.poll(() => order(page)).toEqual([telegram])

  // A reassignment and a note made offline wait with their chips…
  await rowOf(page, telegram).click()
  await expect(page.getByTestId('thread')).toContainText('Hello from Telegram')
  await page.getByTestId('action-transfer').click()
  await dialog.locator(`[data-testid="transfer-agent"][data-id="${calId}"]`).click()
  await dialog.getByTestId('transfer-confirm').click()
  await expect(dialog).toHaveCount(0)
  await expect(page.getByTestId('command-pending')).toHaveText('Transfer — waiting for the network')
  await page.getByTestId('notes-toggle').click()
  // The notes of a conversation this device never opened load from IndexedDB first: Add note waits for them.
  await page.getByTestId('note-input').fill('Cal, this one asks about an invoice')
  await expect(page.getByTestId('note-send')).toBeEnabled()
  await page.getByTestId('note-input').press('Enter')
  const offlineNote = page.getByTestId('note').filter({ hasText: 'asks about an invoice' })
  await expect(offlineNote).toHaveAttribute('data-state', 'pending')
  await expect(offlineNote.getByTestId('note-pending')).toHaveText('waiting for the network')

  // …and both land once back online.
  await goOnline(page)
  await expect(page.getByTestId('command-pending')).toHaveCount(0)
  await expect(page.getByTestId('command-rejected')).toHaveCount(0)
  await expect(page.getByTestId('conversation-assignee')).toHaveText('Assigned to Cal')
  await expect(offlineNote).toHaveAttribute('data-state', 'sent')
  await expect(offlineNote.getByTestId('note-pending')).toHaveCount(0)
  await expect(page.getByTestId('convs-offline')).toHaveCount(0)
  // It left the unassigned filter; the server agrees.
  await expect(rowOf(page, telegram)).toHaveCount(0)
  expect((await metaWhen(server.wsUrl, admin.token, telegram, (m) => m.assigneeId === calId)).status).toBe('open')
  const calPage = await agentPage(browser, url, CAL)
  await showTab(calPage, 'mine')
  await calPage.locator(`[data-testid="conversation-row"][data-id="${telegram}"]`).click()
  await calPage.getByTestId('notes-toggle').click()
  await expect(calPage.getByTestId('note').filter({ hasText: 'Cal, this one asks about an invoice' })).toHaveCount(1)
})

test('on a phone the list follows new chats live, and a conversation opens over it with a way back', async ({ browser }) => {
  const url = server.url
  const admin = await login(url)
  await visitorAt(browser, '/demo', 'Is the shop open on Sunday?')
  const id = await lastCreated(url, admin.token)
  const page = await agentPage(browser, url, undefined, true)
  await openConversations(page)
  await expect(count(page)).toHaveAttribute('data-value', '1')
  // A new chat shows while the list is open.
  await visitorAt(browser, '/demo', 'Do you gift-wrap?')
  const second = await lastCreated(url, admin.token)
  await expect(count(page)).toHaveAttribute('data-value', '2')
  await expect.poll(() => order(page)).toEqual([id, second])
  await rowOf(page, id).click()
  await expect(page.getByTestId('thread')).toContainText('Is the shop open on Sunday?')
  await expect(page.getByTestId('convs-list')).toHaveCount(0)
  await expect(page.getByTestId('back')).toHaveText('‹ Conversations')
  await page.getByTestId('back').click()
  await expect(page).toHaveURL(/\/supervision\/conversations$/)
  await expect(rowOf(page, id)).toBeVisible()
  // Phone's Back from an open conversation returns to the list too.
  await rowOf(page, id).click()
  await expect(page.getByTestId('thread')).toBeVisible()
  await page.goBack()
  await expect(page.getByTestId('convs-list')).toBeVisible()
})
