import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

test('a visitor on /demo and an agent in the app chat live', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const agentCtx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  const visitor = await visitorCtx.newPage()
  const agent = await agentCtx.newPage()

  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Do you have the storm shell in size M?')

  await signIn(agent, parley.url)
  const row = agent.getByTestId('conversation-row').first()
  await expect(row).toContainText('Do you have the storm shell in size M?')
  await row.click()
  await expect(agent.getByTestId('thread').getByTestId('message')).toHaveCount(1)
  await expect(agent.getByTestId('message').first()).toContainText('Do you have the storm shell in size M?')

  await agent.getByTestId('composer').fill('We do — two left in M.')
  await agent.getByTestId('send').click()
  await expect(agent.getByTestId('message').last()).toHaveAttribute('data-state', 'sent')

  const answer = visitor.getByTestId('parley-message').filter({ hasText: 'We do — two left in M.' })
  await expect(answer).toHaveCount(1)
  await expect(answer).toHaveAttribute('data-kind', 'agent')
  // The visitor has the chat open, so their widget sends a read receipt: the agent sees it as read.
  await expect(agent.getByTestId('message').filter({ hasText: 'We do — two left in M.' })).toHaveAttribute('data-read', 'true')

  // The visitor writes again while the agent watches: it appears without a reload.
  await visitorSays(visitor, 'Great, I will order now.')
  await expect(agent.getByTestId('message').filter({ hasText: 'Great, I will order now.' })).toHaveCount(1)

  // Text is rendered as text, never as HTML.
  await visitorSays(visitor, '<img src=x onerror="window.pwned=1">')
  await expect(agent.getByTestId('message').filter({ hasText: '<img src=x onerror="window.pwned=1">' })).toHaveCount(1)
  expect(await agent.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined()

  // The visitor leaves and comes back: the whole history is there.
  await visitor.reload()
  await visitor.getByTestId('parley-launcher').click()
  await expect(visitor.getByTestId('parley-message')).toHaveCount(4)

  await visitorCtx.close()
  await agentCtx.close()
})
