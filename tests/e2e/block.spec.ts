import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

test('an agent blocks a visitor; the widget refuses their next message politely; unblocking restores it', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const agentCtx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const visitor = await visitorCtx.newPage()
  const agent = await agentCtx.newPage()

  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'buy cheap watches here!!!')
  await signIn(agent, parley.url)
  await agent.getByTestId('conversation-row').first().click()

  agent.once('dialog', (d) => void d.accept())
  await agent.getByTestId('action-block').click()
  await expect(agent.getByTestId('visitor-blocked')).toBeVisible()
  await expect(agent.getByTestId('message').filter({ hasText: 'Admin blocked the visitor' })).toHaveAttribute('data-kind', 'system')

  await visitor.getByTestId('parley-input').fill('hello??')
  await visitor.getByTestId('parley-send').click()
  await expect(visitor.getByTestId('parley-error')).toHaveText('Sorry, you can no longer send messages in this chat.')
  await expect(visitor.getByTestId('parley-message').filter({ hasText: 'hello??' })).toHaveAttribute('data-state', 'failed')
  // The internal line never reaches the visitor.
  await expect(visitor.getByTestId('parley-message').filter({ hasText: 'blocked' })).toHaveCount(0)
  await expect(agent.getByTestId('message').filter({ hasText: 'hello??' })).toHaveCount(0)

  // Offline, the unblock waits in the outbox and goes out when the network returns.
  await agentCtx.setOffline(true)
  await agent.getByTestId('action-unblock').click()
  await expect(agent.getByTestId('command-pending')).toContainText('Unblock')
  await agentCtx.setOffline(false)
  await expect(agent.getByTestId('action-block')).toBeVisible()
  await visitorSays(visitor, 'sorry, a real question now')
  await expect(agent.getByTestId('message').filter({ hasText: 'sorry, a real question now' })).toHaveCount(1)

  await visitorCtx.close()
  await agentCtx.close()
})
