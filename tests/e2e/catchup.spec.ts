import type { Page } from '@playwright/test'
import { inTab, type TabId } from '../../client/data/lists.ts'
import type { ConversationRow } from '../../client/data/db.ts'
import { command, createAgent, login, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { api } from '../support/widget.ts'
import { expect, signIn, test } from './fixtures.ts'

/** Events per backlog frame of this test's server: the catch-up below spans many frames. */
const PAGE = 5

let server: TestServer
test.beforeEach(async () => {
  server = await startServer({ liveBacklogPage: PAGE })
})
test.afterEach(async () => {
  await server.destroy()
})

/** What the app stored in its IndexedDB: `lastSeq` and every event's sequence number. */
function stored(page: Page, dbName: string): Promise<{ lastSeq: number; seqs: number[] }> {
  return page.evaluate(
    (name) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(name)
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const db = open.result
          const tx = db.transaction(['kv', 'log'], 'readonly')
          const last = tx.objectStore('kv').get('lastSeq')
          // The log holds its events in chunks (client/data/eventLog.ts).
          const chunks = tx.objectStore('log').getAll()
          tx.oncomplete = () => {
            db.close()
            const seqs = (chunks.result as { events: { seq: number }[] }[]).flatMap((c) => c.events.map((e) => e.seq))
            resolve({ lastSeq: (last.result?.value as number) ?? 0, seqs })
          }
          tx.onerror = () => reject(tx.error)
        }
      }),
    dbName,
  )
}

const serverLog = async (token: string) => (await api(server.url, token, '/api/events?after=0')).body as { events: { seq: number; type: string; conversationId?: string; data: Record<string, any> }[]; last: number }

test('back online, the app catches up from its stored sequence number, over several frames, with no gap and no duplicate', async ({ browser }) => {
  const admin = await login(server.url)
  const benCreds = { email: 'ben@example.com', password: 'ben password 1234' }
  await createAgent(server.url, admin.token, { ...benCreds, name: 'Ben Ortiz' })
  const ben = await login(server.url, benCreds)

  // Before: two chats the app sees arrive.
  const olga = new Visitor(server.wsUrl, { name: 'Olga' })
  await olga.connect()
  const olgaChat = (await olga.say('My parcel is late')).conversationId
  const pim = new Visitor(server.wsUrl, { name: 'Pim' })
  await pim.connect()
  const pimChat = (await pim.say('Do you ship to Norway?')).conversationId

  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await signIn(page, server.url)
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  const dbName = `parley-default-${admin.agent.id}`
  // Settled: everything the server logged is stored.
  const before = await serverLog(admin.token)
  await expect.poll(async () => (await stored(page, dbName)).lastSeq).toBe(before.last)
  await expect(page.locator('[data-testid="tab"][data-tab="all"]').getByTestId('tab-count')).toHaveText('2')

  const sockets: string[] = []
  const requests: string[] = []
  /** Sizes of the `events` frames the app received on its live sockets from here on. */
  const frames: number[] = []
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/api/live')) return
    sockets.push(ws.url())
    ws.on('framereceived', (f) => {
      const frame = JSON.parse(String(f.payload)) as { type: string; events?: unknown[] }
      if (frame.type === 'events' && frame.events?.length) frames.push(frame.events.length)
    })
  })
  page.on('request', (r) => {
    if (/\/api\/(events|live)/.test(r.url())) requests.push(r.url())
  })

  await ctx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  const { lastSeq } = await stored(page, dbName)
  expect(lastSeq).toBe(before.last)

  // While the app is away: new chats, a take and a close by Ben, one taken by this agent, more messages.
  const newcomers: Visitor[] = []
  const newChats: string[] = []
  for (const name of ['Quinn', 'Rosa', 'Sami', 'Tove']) {
    const v = new Visitor(server.wsUrl, { name })
    await v.connect()
    newChats.push((await v.say(`Hello, ${name} here`)).conversationId)
    await v.say(`${name} again: about my order`)
    newcomers.push(v)
  }
  expect((await command(server.url, ben.token, olgaChat, 'take')).status).toBe(200)
  expect((await command(server.url, ben.token, olgaChat, 'close')).status).toBe(200)
  expect((await command(server.url, ben.token, newChats[0]!, 'take')).status).toBe(200)
  expect((await command(server.url, admin.token, newChats[1]!, 'take')).status).toBe(200)
  for (const text of ['Hello?', 'Is anyone there?', 'Norway, Tromsø', 'Thanks!']) await pim.say(text)

  const after = await serverLog(admin.token)
  // More than one frame's worth happened.
  expect(after.last - lastSeq).toBeGreaterThan(PAGE * 3)

  await ctx.setOffline(false)
  await expect(page.getByTestId('connection')).toHaveText('Online')
  // The app's own reconnection is news too (agent.connected, and the drop the server noticed): the
  // device must end where the server's log ends once it settles, whatever that adds.
  await expect.poll(async () => (await stored(page, dbName)).lastSeq).toBeGreaterThanOrEqual(after.last)
  let final = await serverLog(admin.token)
  await expect
    .poll(async () => {
      final = await serverLog(admin.token)
      return (await stored(page, dbName)).lastSeq === final.last
    })
    .toBe(true)

  // The reconnect asked for what came after the stored sequence number, and only that.
  expect(sockets.length).toBeGreaterThan(0)
  for (const url of [...sockets, ...requests.filter((u) => u.includes('/api/events'))]) expect(new URL(url).searchParams.get('after')).toBe(String(lastSeq))

  // The backlog came in pages of the server's size, and nothing twice.
  expect(frames.length).toBeGreaterThan(2)
  expect(Math.max(...frames)).toBeLessThanOrEqual(PAGE)
  expect(frames.reduce((a, b) => a + b, 0)).toBe(final.last - lastSeq)

  // Every event of the server's log is stored once: no gap, no duplicate.
  const { seqs } = await stored(page, dbName)
  expect([...seqs].sort((a, b) => a - b)).toEqual(final.events.map((e) => e.seq))

  // Every tab counts, and lists, what the server holds.
  const ids = [...new Set(after.events.filter((e) => e.type === 'conversation.created').map((e) => e.conversationId!))]
  expect(ids).toHaveLength(6)
  const channelOf = new Map(after.events.filter((e) => e.type === 'conversation.created').map((e) => [e.conversationId!, String(e.data.channel)]))
  const truth = await Promise.all(
    ids.map(async (id) => {
      const c = (await server.server.store.getConversation('default', id))!
      return { id, status: c.status, assigneeId: c.assigneeId, channel: channelOf.get(id)! } as Pick<ConversationRow, 'id' | 'status' | 'assigneeId' | 'channel'>
    }),
  )
  expect(truth.find((c) => c.id === olgaChat)).toMatchObject({ status: 'closed', assigneeId: ben.agent.id })
  expect(truth.find((c) => c.id === newChats[1])).toMatchObject({ status: 'open', assigneeId: admin.agent.id })
  const tabs: TabId[] = ['unassigned', 'mine', 'all', 'snoozed', 'closed', 'channel:widget']
  await expect(page.getByTestId('tab')).toHaveCount(tabs.length)
  for (const tab of tabs) {
    const expected = truth.filter((c) => inTab(c as ConversationRow, tab, admin.agent.id))
    const button = page.locator(`[data-testid="tab"][data-tab="${tab}"]`)
    await expect(button.getByTestId('tab-count'), tab).toHaveText(String(expected.length))
    await button.click()
    await expect(page.getByTestId('inbox')).toHaveAttribute('data-tab', tab)
    const rows = page.getByTestId('conversation-row')
    await expect(rows, tab).toHaveCount(expected.length)
    const shown = await rows.evaluateAll((els) => els.map((el) => ({ id: el.getAttribute('data-id'), status: el.getAttribute('data-status'), assigneeId: el.getAttribute('data-assignee') || null })))
    expect(shown.map((r) => r.id).sort(), tab).toEqual(expected.map((c) => c.id).sort())
    for (const r of shown) {
      const c = expected.find((e) => e.id === r.id)!
      expect(r, tab).toEqual({ id: c.id, status: c.status, assigneeId: c.assigneeId })
    }
  }
  // The chat that went on while the app was away previews its newest message.
  await page.locator('[data-testid="tab"][data-tab="all"]').click()
  await expect(page.locator(`[data-testid="conversation-row"][data-id="${pimChat}"]`)).toContainText('Thanks!')

  for (const v of [olga, pim, ...newcomers]) await v.close()
  await ctx.close()
})
