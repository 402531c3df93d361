import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

test('alerts: a new chat, a message in my chat (also after being offline), the title count, and muting', async ({ browser, parley }) => {
  const agentCtx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const agent = await agentCtx.newPage()
  await signIn(agent, parley.url)
  await expect(agent).toHaveTitle('Parley')

  const visitorCtx = await browser.newContext()
  const visitor = await visitorCtx.newPage()
  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Hi, anyone?')

  const newChat = agent.getByTestId('toast').filter({ hasText: 'New chat from' })
  await expect(newChat).toHaveAttribute('data-kind', 'new-chat')
  await expect(agent).toHaveTitle('(1) Parley')
  await newChat.getByText('New chat from').click()
  await agent.getByTestId('action-take').click()
  await expect(agent.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await agent.getByTestId('back').click()

  // Offline, nothing can arrive; back online, what the visitor wrote meanwhile is announced.
  await agentCtx.setOffline(true)
  await expect(agent.getByTestId('connection')).toHaveText('Offline')
  await visitorSays(visitor, 'Still there? My order is late.')
  await agentCtx.setOffline(false)
  const message = agent.getByTestId('toast').filter({ hasText: 'Still there? My order is late.' })
  await expect(message).toHaveAttribute('data-kind', 'message')
  await expect(agent).toHaveTitle('(1) Parley')

  // Sound can be muted, and stays muted after a reload.
  const sound = agent.getByTestId('sound-toggle')
  await expect(sound).toHaveAttribute('aria-pressed', 'true')
  await sound.click()
  await expect(sound).toHaveAttribute('aria-pressed', 'false')
  await agent.reload()
  await expect(agent.getByTestId('sound-toggle')).toHaveAttribute('aria-pressed', 'false')

  await visitorCtx.close()
  await agentCtx.close()
})
