/** Each conversation action given while the browser is offline: it waits, visibly, and goes out on reconnect. */
import type { Page } from '@playwright/test'
import { addBea, agentPage, BEA, goOffline, goOnline, line, openFirst, visitorWho } from './actionsSupport.ts'
import { expect, test } from './fixtures.ts'

const HOUR = 3600_000
const DAY = 24 * HOUR
/** A zone far from UTC without daylight saving, so "local" and the server's UTC line differ by a known 9 hours. */
const TOKYO = { timezoneId: 'Asia/Tokyo', locale: 'en-GB' }
const TOKYO_OFFSET = 9 * HOUR

/** The server's words for a time: "2026-11-21 16:30 UTC". */
const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'
/** Tokyo's calendar date `days` from today, as YYYY-MM-DD. */
const tokyoDate = (days: number) => new Date(Date.now() + TOKYO_OFFSET + days * DAY).toISOString().slice(0, 10)
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Gives a snooze offline through `pick`, checks it waits, reconnects, and resolves with when it was given. */
async function snoozeOffline(ana: Page, pick: () => Promise<void>): Promise<{ from: number; to: number }> {
  await goOffline(ana)
  await ana.getByTestId('action-snooze').click()
  const from = Date.now()
  await pick()
  const to = Date.now()
  await expect(ana.getByTestId('snooze-menu')).toHaveCount(0)
  await expect(ana.getByTestId('command-pending')).toHaveText('Snooze — waiting for the network')
  await expect(ana.getByTestId('action-snooze')).toBeDisabled()
  await goOnline(ana)
  await expect(ana.getByTestId('command-pending')).toHaveCount(0)
  await expect(ana.getByTestId('command-rejected')).toHaveCount(0)
  return { from, to }
}

/** The line of a snooze until `at` (either of two instants, when the click straddled a minute). */
const snoozedLine = (from: number, to: number) => new RegExp(`Admin snoozed the chat until (${escape(utc(from))}|${escape(utc(to))})`)

test('snoozes given offline — 1 hour, 5 hours, tomorrow, a chosen time — wait, then go out on reconnect', async ({ browser, parley }) => {
  await visitorWho(browser, parley.url, 'Can you call me later?')
  const ana = await agentPage(browser, parley.url, undefined, false, TOKYO)
  await ana.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await openFirst(ana, 'Can you call me later?')
  await ana.getByTestId('action-take').click()
  await expect(ana.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  const status = ana.getByTestId('conversation-status')
  const lineText = (re: RegExp) => ana.getByTestId('message').filter({ hasText: re })

  const hour = await snoozeOffline(ana, () => ana.getByTestId('snooze-1h').click())
  await expect(status).toHaveText(/^Snoozed until \d\d:\d\d$/)
  await expect(lineText(snoozedLine(hour.from + HOUR, hour.to + HOUR))).toHaveAttribute('data-kind', 'system')

  const five = await snoozeOffline(ana, () => ana.getByTestId('snooze-5h').click())
  await expect(status).toHaveText(/^Snoozed until (\w{3} )?\d\d:\d\d$/)
  await expect(lineText(snoozedLine(five.from + 5 * HOUR, five.to + 5 * HOUR))).toHaveCount(1)

  // Tomorrow is 9:00 on the agent's clock: midnight UTC in Tokyo.
  await snoozeOffline(ana, () => ana.getByTestId('snooze-tomorrow').click())
  await expect(status).toHaveText(/^Snoozed until \w{3} 09:00$/)
  await expect(line(ana, `Admin snoozed the chat until ${tokyoDate(1)} 00:00 UTC`)).toHaveCount(1)

  // A time of the agent's choosing, in three days.
  await snoozeOffline(ana, async () => {
    await ana.getByTestId('snooze-custom-input').fill(`${tokyoDate(3)}T14:30`)
    await ana.getByTestId('snooze-custom-confirm').click()
  })
  await expect(status).toHaveText(/^Snoozed until \w{3} 14:30$/)
  await expect(line(ana, `Admin snoozed the chat until ${tokyoDate(3)} 05:30 UTC`)).toHaveCount(1)
})

test('a reopen given offline waits, then reopens the chat on reconnect', async ({ browser, parley }) => {
  await visitorWho(browser, parley.url, 'Thanks, all good')
  const ana = await agentPage(browser, parley.url, undefined, true)
  await ana.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await openFirst(ana, 'Thanks, all good')
  await ana.getByTestId('action-take').click()
  await ana.getByTestId('action-close').click()
  await ana.getByTestId('close-confirm').click()
  await expect(ana.getByTestId('conversation-status')).toHaveText('Closed')

  await goOffline(ana)
  await ana.getByTestId('action-reopen').click()
  await expect(ana.getByTestId('command-pending')).toHaveText('Reopen — waiting for the network')
  await expect(ana.getByTestId('action-reopen')).toBeDisabled()
  await expect(ana.getByTestId('conversation-status')).toHaveText('Closed')

  await goOnline(ana)
  await expect(ana.getByTestId('command-pending')).toHaveCount(0)
  await expect(ana.getByTestId('conversation-status')).toHaveText('Open')
  await expect(ana.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await expect(line(ana, 'Admin reopened the chat')).toHaveAttribute('data-kind', 'system')
  await expect(ana.getByTestId('action-reopen')).toHaveCount(0)
})

test('a block given offline waits, then the widget refuses the visitor’s next message politely', async ({ browser, parley }) => {
  const visitor = await visitorWho(browser, parley.url, 'spam spam spam')
  const ana = await agentPage(browser, parley.url, undefined, true)
  await ana.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await openFirst(ana, 'spam spam spam')

  await goOffline(ana)
  ana.once('dialog', (d) => void d.accept())
  await ana.getByTestId('action-block').click()
  await expect(ana.getByTestId('command-pending')).toHaveText('Block — waiting for the network')
  await expect(ana.getByTestId('action-block')).toBeDisabled()
  await expect(ana.getByTestId('visitor-blocked')).toHaveCount(0)

  await goOnline(ana)
  await expect(ana.getByTestId('command-pending')).toHaveCount(0)
  await expect(ana.getByTestId('visitor-blocked')).toHaveText('Blocked')
  await expect(line(ana, 'Admin blocked the visitor')).toHaveAttribute('data-kind', 'system')

  await visitor.getByTestId('parley-input').fill('more spam')
  await visitor.getByTestId('parley-send').click()
  await expect(visitor.getByTestId('parley-error')).toHaveText('Sorry, you can no longer send messages in this chat.')
  await expect(visitor.getByTestId('parley-message').filter({ hasText: 'more spam' })).toHaveAttribute('data-state', 'failed')
  await expect(ana.getByTestId('message').filter({ hasText: 'more spam' })).toHaveCount(0)
})

test('a close given offline for a chat a colleague closed meanwhile is refused on reconnect, with the reason', async ({ browser, parley }) => {
  await addBea(parley.url)
  await visitorWho(browser, parley.url, 'Where do I send the return?')
  const bea = await agentPage(browser, parley.url, BEA, true)
  const admin = await agentPage(browser, parley.url)
  await bea.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await openFirst(bea, 'Where do I send the return?')
  await bea.getByTestId('action-take').click()
  await expect(bea.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await openFirst(admin, 'Where do I send the return?')
  await expect(admin.getByTestId('conversation-assignee')).toHaveText('Assigned to Bea')

  await goOffline(bea)
  await bea.getByTestId('action-close').click()
  await bea.getByTestId('close-dialog').locator('[data-testid="close-tag"][data-tag="support"]').click()
  await bea.getByTestId('close-confirm').click()
  await expect(bea.getByTestId('command-pending')).toHaveText('Close — waiting for the network')
  await expect(bea.getByTestId('conversation-status')).toHaveText('Open')

  // Meanwhile the admin closes it.
  await admin.getByTestId('action-close').click()
  await admin.getByTestId('close-confirm').click()
  await expect(admin.getByTestId('conversation-status')).toHaveText('Closed')

  await goOnline(bea)
  await expect(bea.getByTestId('command-pending')).toHaveCount(0)
  await expect(bea.getByTestId('command-rejected')).toHaveText(/^Close did not go through\. The conversation is already closed/)
  await expect(bea.getByTestId('conversation-status')).toHaveText('Closed')
  await expect(line(bea, 'Admin closed the chat')).toHaveCount(1)
  await expect(line(bea, 'Bea closed the chat')).toHaveCount(0)
  // Read and put away.
  await bea.getByTestId('command-rejected-dismiss').click()
  await expect(bea.getByTestId('command-rejected')).toHaveCount(0)
})
