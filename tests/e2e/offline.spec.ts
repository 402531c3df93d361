import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

test('an agent goes offline, reloads, reads, replies, comes back; the visitor gets it once', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const agentCtx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const visitor = await visitorCtx.newPage()
  const agent = await agentCtx.newPage()

  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Is my order 1042 on its way?')

  await signIn(agent, parley.url)
  // The app shell must be in the service worker's cache before the network goes.
  await agent.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await agent.getByTestId('conversation-row').first().click()
  await expect(agent.getByTestId('message')).toHaveCount(1)
  const conversationUrl = agent.url()

  await agentCtx.setOffline(true)
  await expect(agent.getByTestId('connection')).toHaveText('Offline')

  // The app opens from its own cache, straight into the conversation, with the thread held locally.
  await agent.reload()
  expect(agent.url()).toBe(conversationUrl)
  await expect(agent.getByTestId('connection')).toHaveText('Offline')
  await expect(agent.getByTestId('message').first()).toContainText('Is my order 1042 on its way?')

  await agent.getByTestId('composer').fill('It left the warehouse this morning.')
  await agent.getByTestId('send').click()
  const reply = agent.getByTestId('message').filter({ hasText: 'It left the warehouse this morning.' })
  await expect(reply).toHaveAttribute('data-state', 'pending')
  // Kept on the device: a reload offline still shows it, still pending.
  await agent.reload()
  await expect(reply).toHaveAttribute('data-state', 'pending')

  // While the agent is offline, the visitor keeps writing and sees nothing of the pending reply.
  await visitorSays(visitor, 'Hello? Anyone there?')
  await expect(visitor.getByTestId('parley-message').filter({ hasText: 'It left the warehouse' })).toHaveCount(0)

  // The inbox still opens offline.
  await agent.getByTestId('back').click()
  await expect(agent.getByTestId('conversation-row')).toHaveCount(1)
  await agent.getByTestId('conversation-row').first().click()

  await agentCtx.setOffline(false)
  await expect(agent.getByTestId('connection')).toHaveText('Online')
  await expect(reply).toHaveAttribute('data-state', 'sent')
  await expect(agent.getByTestId('message').filter({ hasText: 'Hello? Anyone there?' })).toHaveCount(1)

  const got = visitor.getByTestId('parley-message').filter({ hasText: 'It left the warehouse this morning.' })
  await expect(got).toHaveCount(1)
  // Exactly once, also in the history the server keeps.
  await visitor.reload()
  await visitor.getByTestId('parley-launcher').click()
  await expect(visitor.getByTestId('parley-message')).toHaveCount(3)
  await expect(got).toHaveCount(1)

  await visitorCtx.close()
  await agentCtx.close()
})

test('the widget keeps a message typed offline and sends it once when back', async ({ browser, parley }) => {
  const ctx = await browser.newContext()
  const visitor = await ctx.newPage()
  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'First question')

  await ctx.setOffline(true)
  await expect(visitor.getByTestId('parley-status')).toContainText('Offline')
  await visitor.getByTestId('parley-input').fill('Typed on the train')
  await visitor.getByTestId('parley-send').click()
  const pending = visitor.getByTestId('parley-message').filter({ hasText: 'Typed on the train' })
  await expect(pending).toHaveAttribute('data-state', 'pending')

  await ctx.setOffline(false)
  await expect(pending).toHaveAttribute('data-state', 'sent')
  await visitor.reload()
  await visitor.getByTestId('parley-launcher').click()
  await expect(visitor.getByTestId('parley-message').filter({ hasText: 'Typed on the train' })).toHaveCount(1)
  await expect(visitor.getByTestId('parley-message')).toHaveCount(2)
  await ctx.close()
})
