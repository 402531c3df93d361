import { addBea, agentPage, BEA, openFirst, showTab, tabCount, visitorWho } from './actionsSupport.ts'
import { expect, test, visitorSays } from './fixtures.ts'

test('an agent takes a chat; a colleague watching it sees who did, live', async ({ browser, parley }) => {
  await addBea(parley.url)
  await visitorWho(browser, parley.url, 'Where is my parcel?')
  const ana = await agentPage(browser, parley.url)
  const bea = await agentPage(browser, parley.url, BEA, true)

  await openFirst(ana, 'Where is my parcel?')
  await openFirst(bea, 'Where is my parcel?')
  await expect(ana.getByTestId('conversation-status')).toHaveText('Waiting')
  await expect(ana.getByTestId('conversation-assignee')).toHaveText('Unassigned')
  await expect(bea.getByTestId('action-take')).toBeVisible()

  await ana.getByTestId('action-take').click()
  await expect(ana.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await expect(ana.getByTestId('conversation-status')).toHaveText('Open')
  await expect(ana.getByTestId('action-take')).toHaveCount(0)
  // The command's line in the thread: centred, never a bubble.
  const line = ana.getByTestId('message').filter({ hasText: 'Admin took the chat' })
  await expect(line).toHaveAttribute('data-kind', 'system')
  await expect(line).toHaveClass(/system-line/)
  await expect(ana.getByTestId('command-pending')).toHaveCount(0)

  // Bea, watching the same chat, sees at once who took it, and can no longer take it.
  await expect(bea.getByTestId('conversation-assignee')).toHaveText('Assigned to Admin')
  await expect(bea.getByTestId('action-take')).toHaveCount(0)
  // And it leaves her Unassigned queue without a reload.
  await bea.getByTestId('back').click()
  await expect(tabCount(bea, 'unassigned')).toHaveText('0')
})

test('snooze, wake on a visitor message, close with a tag, reopen', async ({ browser, parley }) => {
  const visitor = await visitorWho(browser, parley.url, 'Can I change my plan?')
  const ana = await agentPage(browser, parley.url)
  await openFirst(ana, 'Can I change my plan?')
  await ana.getByTestId('action-take').click()
  await expect(ana.getByTestId('conversation-assignee')).toHaveText('Assigned to you')

  // Snooze for an hour: the badge says until when, and the chat moves to Snoozed.
  await ana.getByTestId('action-snooze').click()
  await expect(ana.getByTestId('snooze-menu')).toBeVisible()
  await ana.getByTestId('snooze-1h').click()
  await expect(ana.getByTestId('snooze-menu')).toHaveCount(0)
  await expect(ana.getByTestId('conversation-status')).toHaveText(/^Snoozed until /)
  await showTab(ana, 'snoozed')
  await expect(ana.getByTestId('conversation-row')).toHaveCount(1)
  await expect(tabCount(ana, 'snoozed')).toHaveText('1')
  // A snoozed chat leaves Mine until it wakes.
  await expect(tabCount(ana, 'mine')).toHaveText('0')

  // The visitor writes: it wakes up, back in Mine, with a line saying why.
  await visitorSays(visitor, 'Hello again?')
  await expect(ana.getByTestId('conversation-status')).toHaveText('Open')
  await expect(tabCount(ana, 'snoozed')).toHaveText('0')
  await showTab(ana, 'mine')
  await expect(ana.getByTestId('conversation-row')).toHaveCount(1)
  await expect(ana.getByTestId('message').filter({ hasText: 'woke up' })).toHaveAttribute('data-kind', 'system')

  // Close with a tag, as a request.
  await ana.getByTestId('action-close').click()
  const dialog = ana.getByTestId('close-dialog')
  await expect(dialog).toBeVisible()
  await dialog.locator('[data-testid="close-tag"][data-tag="billing"]').click()
  await expect(dialog.locator('[data-testid="close-tag"][data-tag="billing"]')).toHaveAttribute('aria-pressed', 'true')
  await dialog.getByTestId('close-as-ticket').check()
  await dialog.getByTestId('close-confirm').click()
  await expect(dialog).toHaveCount(0)
  await expect(ana.getByTestId('conversation-status')).toHaveText('Closed')
  await expect(ana.getByTestId('conversation-row')).toHaveCount(0)
  await showTab(ana, 'closed')
  const closedRow = ana.getByTestId('conversation-row')
  await expect(closedRow).toHaveCount(1)
  await expect(closedRow.getByTestId('ticket-chip')).toHaveText('Request')
  await expect(tabCount(ana, 'all')).toHaveText('0')

  // Reopen.
  await ana.getByTestId('action-reopen').click()
  await expect(ana.getByTestId('conversation-status')).toHaveText('Open')
  await expect(ana.getByTestId('action-reopen')).toHaveCount(0)
  await expect(tabCount(ana, 'closed')).toHaveText('0')
  await expect(tabCount(ana, 'mine')).toHaveText('1')
})

test('a chat snoozed until a chosen time comes back to Mine when the time is up, with a line saying so', async ({ browser, parley }) => {
  await visitorWho(browser, parley.url, 'Remind me in a moment')
  // The agent's clock is UTC here, so the chosen local time is the server's time too.
  const ana = await agentPage(browser, parley.url, undefined, false, { timezoneId: 'UTC' })
  await openFirst(ana, 'Remind me in a moment')
  await ana.getByTestId('action-take').click()
  await expect(ana.getByTestId('conversation-assignee')).toHaveText('Assigned to you')

  // A few seconds ahead (the field takes seconds when typed), so the wake is seen, not waited for.
  const until = new Date(Math.ceil((Date.now() + 6000) / 1000) * 1000)
  await ana.getByTestId('action-snooze').click()
  await ana.getByTestId('snooze-custom-input').fill(until.toISOString().slice(0, 19))
  await ana.getByTestId('snooze-custom-confirm').click()
  await expect(ana.getByTestId('snooze-menu')).toHaveCount(0)
  await expect(ana.getByTestId('conversation-status')).toHaveText(/^Snoozed until /)
  await showTab(ana, 'snoozed')
  await expect(tabCount(ana, 'snoozed')).toHaveText('1')
  await expect(tabCount(ana, 'mine')).toHaveText('0')

  // Nobody writes: the time alone wakes it.
  await expect(ana.getByTestId('conversation-status')).toHaveText('Open', { timeout: 20_000 })
  const woke = ana.getByTestId('message').filter({ hasText: 'The snooze ended; the chat is back' })
  await expect(woke).toHaveAttribute('data-kind', 'system')
  expect(Date.now()).toBeGreaterThanOrEqual(until.getTime())
  await expect(tabCount(ana, 'snoozed')).toHaveText('0')
  await expect(tabCount(ana, 'mine')).toHaveText('1')
  await showTab(ana, 'mine')
  await expect(ana.getByTestId('conversation-row').filter({ hasText: 'Remind me in a moment' })).toHaveCount(1)
})

test('a transfer puts the chat in the other agent’s Mine', async ({ browser, parley }) => {
  const beaId = await addBea(parley.url)
  await visitorWho(browser, parley.url, 'I need an invoice copy')
  const ana = await agentPage(browser, parley.url)
  const bea = await agentPage(browser, parley.url, BEA, true)
  await expect(tabCount(bea, 'mine')).toHaveText('0')

  await openFirst(ana, 'I need an invoice copy')
  await ana.getByTestId('action-take').click()
  await expect(ana.getByTestId('conversation-assignee')).toHaveText('Assigned to you')

  await ana.getByTestId('action-transfer').click()
  const dialog = ana.getByTestId('transfer-dialog')
  await expect(dialog).toBeVisible()
  const option = dialog.locator(`[data-testid="transfer-agent"][data-id="${beaId}"]`)
  await expect(option).toHaveText(/Bea/)
  await option.click()
  await dialog.getByTestId('transfer-note').fill('Invoice 2231, see the order page')
  await dialog.getByTestId('transfer-confirm').click()
  await expect(dialog).toHaveCount(0)
  await expect(ana.getByTestId('conversation-assignee')).toHaveText('Assigned to Bea')
  await expect(ana.getByTestId('message').filter({ hasText: 'transferred the chat to Bea' })).toHaveCount(1)

  // Bea is told at once, with the note left for her.
  const toast = bea.locator('[data-testid="toast"][data-kind="transfer"]')
  await expect(toast).toContainText('The chat with')
  await expect(toast).toContainText('was transferred to you')
  await expect(toast).toContainText('Note: Invoice 2231, see the order page')

  await showTab(bea, 'mine')
  await expect(tabCount(bea, 'mine')).toHaveText('1')
  await bea.getByTestId('conversation-row').filter({ hasText: 'I need an invoice copy' }).click()
  await expect(bea.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await expect(bea.getByTestId('conversation-status')).toHaveText('Open')
  // The note stays in the thread, in the transfer's line, for whoever reads the chat later.
  const transferLine = bea.getByTestId('message').filter({ hasText: 'Admin transferred the chat to Bea. Note: Invoice 2231, see the order page' })
  await expect(transferLine).toHaveAttribute('data-kind', 'system')
})

test('a take given offline waits for the network, then shows that someone else was faster', async ({ browser, parley }) => {
  await addBea(parley.url)
  await visitorWho(browser, parley.url, 'Is the shop open on Sunday?')
  const ana = await agentPage(browser, parley.url, undefined, true)
  const bea = await agentPage(browser, parley.url, BEA)
  // The app shell must be in the service worker's cache before the network goes.
  await ana.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await openFirst(ana, 'Is the shop open on Sunday?')
  await openFirst(bea, 'Is the shop open on Sunday?')

  await ana.context().setOffline(true)
  await expect(ana.getByTestId('connection')).toHaveText('Offline')
  await ana.getByTestId('action-take').click()
  const pending = ana.getByTestId('command-pending')
  await expect(pending).toHaveText('Take — waiting for the network')
  await expect(ana.getByTestId('action-take')).toBeDisabled()

  // Meanwhile Bea, online, takes it.
  await bea.getByTestId('action-take').click()
  await expect(bea.getByTestId('conversation-assignee')).toHaveText('Assigned to you')

  // The pending take survives a reload while offline.
  await ana.reload()
  await expect(ana.getByTestId('connection')).toHaveText('Offline')
  await expect(pending).toHaveText('Take — waiting for the network')

  await ana.context().setOffline(false)
  await expect(ana.getByTestId('connection')).toHaveText('Online')
  await expect(ana.getByTestId('command-rejected')).toContainText(/already taken by Bea/i)
  await expect(pending).toHaveCount(0)
})

test('commands given offline wait in order and all go out when the network is back', async ({ browser, parley }) => {
  await visitorWho(browser, parley.url, 'Please cancel my subscription')
  const ana = await agentPage(browser, parley.url, undefined, true)
  await openFirst(ana, 'Please cancel my subscription')
  await ana.context().setOffline(true)
  await expect(ana.getByTestId('connection')).toHaveText('Offline')

  await ana.getByTestId('action-take').click()
  await ana.getByTestId('action-close').click()
  await ana.getByTestId('close-dialog').locator('[data-testid="close-tag"][data-tag="support"]').click()
  await ana.getByTestId('close-confirm').click()
  await expect(ana.getByTestId('command-pending')).toHaveText(['Take — waiting for the network', 'Close — waiting for the network'])
  // Nothing has changed yet as far as the server's log says.
  await expect(ana.getByTestId('conversation-status')).toHaveText('Waiting')

  await ana.context().setOffline(false)
  await expect(ana.getByTestId('command-pending')).toHaveCount(0)
  await expect(ana.getByTestId('conversation-status')).toHaveText('Closed')
  await expect(ana.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await expect(ana.getByTestId('command-rejected')).toHaveCount(0)
  await expect(ana.getByTestId('message').filter({ hasText: 'Admin took the chat' })).toHaveCount(1)
  await expect(ana.getByTestId('message').filter({ hasText: 'Admin closed the chat' })).toHaveCount(1)
})

test('a snooze in the past is refused at once, offline too', async ({ browser, parley }) => {
  await visitorWho(browser, parley.url, 'Call me back next week')
  const ana = await agentPage(browser, parley.url)
  await openFirst(ana, 'Call me back next week')
  await ana.context().setOffline(true)
  await ana.getByTestId('action-snooze').click()
  await ana.getByTestId('snooze-custom-input').fill('2020-01-01T09:00')
  await ana.getByTestId('snooze-custom-confirm').click()
  await expect(ana.getByTestId('snooze-error')).toHaveText('Snooze until a time in the future')
  await expect(ana.getByTestId('command-pending')).toHaveCount(0)
})

test('a draft survives a reload offline and follows the agent to another device', async ({ browser, parley }) => {
  await visitorWho(browser, parley.url, 'Do you deliver on Saturdays?')
  const laptop = await agentPage(browser, parley.url)
  const phone = await agentPage(browser, parley.url, undefined, true)
  await phone.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))

  await openFirst(laptop, 'Do you deliver on Saturdays?')
  await laptop.getByTestId('composer').fill('Yes, between 9 and')

  // The other device gets it through the agent's own document.
  await openFirst(phone, 'Do you deliver on Saturdays?')
  await expect(phone.getByTestId('composer')).toHaveValue('Yes, between 9 and')

  // Kept on the device: a reload offline still has it.
  await phone.context().setOffline(true)
  await expect(phone.getByTestId('connection')).toHaveText('Offline')
  await phone.reload()
  await expect(phone.getByTestId('composer')).toHaveValue('Yes, between 9 and')
  await phone.getByTestId('composer').fill('Yes, between 9 and 13.')
  await phone.context().setOffline(false)
  await expect(laptop.getByTestId('composer')).toHaveValue('Yes, between 9 and 13.')

  // Sent: the draft is gone everywhere.
  await laptop.getByTestId('send').click()
  await expect(laptop.getByTestId('message').last()).toHaveAttribute('data-state', 'sent')
  await expect(laptop.getByTestId('composer')).toHaveValue('')
  await expect(phone.getByTestId('composer')).toHaveValue('')
  await laptop.reload()
  await expect(laptop.getByTestId('message').last()).toContainText('Yes, between 9 and 13.')
  await expect(laptop.getByTestId('composer')).toHaveValue('')
})
