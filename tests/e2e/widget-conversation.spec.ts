import { conversationDocName } from '../../shared/documents.ts'
import { login, openDoc } from '../support/clients.ts'
import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'
import { receivedFrames } from './widgetSupport.ts'

test('the visitor sees the agent typing, their messages read, and an unread count while the box is minimised', async ({ browser, parley }) => {
  const visitorCtx = await browser.newContext()
  const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const visitor = await visitorCtx.newPage()
  const agent = await agentCtx.newPage()
  const received = receivedFrames(visitor)

  await openWidget(visitor, parley.url)
  await visitorSays(visitor, 'Is the merino base layer itchy?')
  const mine = visitor.getByTestId('parley-message').filter({ hasText: 'Is the merino base layer itchy?' })
  await expect(mine).not.toHaveAttribute('data-read', 'true')

  // An agent's client present in the conversation, typing (the awareness of the agents' sync protocol).
  const conversationId = received.find((f) => f.type === 'ack')!.conversationId as string
  const { token } = await login(parley.url)
  const conv = await openDoc(parley.wsUrl, conversationDocName(conversationId), token)
  try {
    conv.provider.awareness.setLocalStateField('typing', true)
    await expect(visitor.getByTestId('parley-typing')).toContainText('is typing')
    // Viewing the conversation reads it.
    await expect(mine).toHaveAttribute('data-read', 'true')
    conv.provider.awareness.setLocalStateField('typing', false)
    await expect(visitor.getByTestId('parley-typing')).toBeHidden()
  } finally {
    conv.close()
  }

  // Minimised, the answer counts as unread on the launcher and for the page.
  await visitor.evaluate(() => {
    const w = window as unknown as { unread: number[]; Parley: { on(e: string, f: (n: number) => void): void } }
    w.unread = []
    w.Parley.on('unread', (n) => w.unread.push(n))
  })
  await visitor.getByTestId('parley-close').click()
  await signIn(agent, parley.url)
  await agent.getByTestId('conversation-row').first().click()
  await agent.getByTestId('composer').fill('Not at all')
  await agent.getByTestId('send').click()
  await expect(visitor.getByTestId('parley-unread')).toHaveText('1')
  await visitor.getByTestId('parley-launcher').click()
  await expect(visitor.getByTestId('parley-unread')).toBeHidden()
  await expect(visitor.getByTestId('parley-message').filter({ hasText: 'Not at all' })).toHaveAttribute('data-kind', 'agent')
  expect(await visitor.evaluate(() => (window as unknown as { unread: number[] }).unread)).toEqual([1, 0])
})
