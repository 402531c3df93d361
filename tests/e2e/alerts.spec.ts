import { Visitor } from '../support/clients.ts'
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

/**
 * Records what the app asks of the browser: the app-icon badge, system notifications (the real
 * constructor still runs), chimes (each one is a new AudioContext), and lets the test put the page
 * in the background the way a minimised window or a locked phone does.
 */
function recordAlerts() {
  const w = window as unknown as Record<string, unknown>
  const badge: (number | 'clear')[] = []
  const shown: { title: string; body: string }[] = []
  let chimes = 0
  w.__alerts = () => ({ badge: [...badge], shown: [...shown], chimes })
  const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> }
  nav.setAppBadge = (n?: number) => (badge.push(n ?? 0), Promise.resolve())
  nav.clearAppBadge = () => (badge.push('clear'), Promise.resolve())
  const RealNotification = window.Notification
  window.Notification = class extends RealNotification {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options)
      shown.push({ title, body: options?.body ?? '' })
    }
  } as typeof Notification
  const RealAudio = window.AudioContext
  window.AudioContext = class extends RealAudio {
    constructor(options?: AudioContextOptions) {
      super(options)
      chimes++
    }
  } as typeof AudioContext
  let hidden = false
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') })
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden })
  w.__setHidden = (h: boolean) => {
    hidden = h
    document.dispatchEvent(new Event('visibilitychange'))
  }
}

type Recorded = { badge: (number | 'clear')[]; shown: { title: string; body: string }[]; chimes: number }

test('alerts: the app badge counts the chats waiting for me, a system notification in the background, a chime unless muted', async ({ browser, parley }) => {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 740 } })
  await ctx.grantPermissions(['notifications'], { origin: parley.url })
  await ctx.addInitScript(recordAlerts)
  const page = await ctx.newPage()
  const recorded = () => page.evaluate(() => (window as unknown as { __alerts: () => Recorded }).__alerts())
  const lastBadge = async () => (await recorded()).badge.at(-1)
  const setHidden = (hidden: boolean) => page.evaluate((h) => (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(h), hidden)

  await signIn(page, parley.url)
  await expect(page.getByTestId('enable-notifications')).toHaveCount(0)
  // Nothing waits: the badge is cleared.
  await expect.poll(lastBadge).toBe('clear')

  // In the background, a new chat is a system notification, a chime and a badge of 1.
  await setHidden(true)
  const ann = new Visitor(parley.wsUrl, { name: 'Ann Lee' })
  await ann.connect()
  await ann.say('Where is my parcel?')
  await expect(page.getByTestId('toast').filter({ hasText: 'New chat from Ann Lee' })).toHaveCount(1)
  await expect.poll(async () => (await recorded()).shown).toEqual([{ title: 'New chat from Ann Lee', body: '' }])
  await expect.poll(async () => (await recorded()).chimes).toBe(1)
  await expect.poll(lastBadge).toBe(1)

  // In front, a second chat: a toast and a chime, no system notification; the badge says 2.
  await setHidden(false)
  const bo = new Visitor(parley.wsUrl, { name: 'Bo Park' })
  await bo.connect()
  await bo.say('Do you ship abroad?')
  await expect(page.getByTestId('toast').filter({ hasText: 'New chat from Bo Park' })).toHaveCount(1)
  await expect.poll(async () => (await recorded()).chimes).toBe(2)
  await expect.poll(lastBadge).toBe(2)
  expect((await recorded()).shown).toHaveLength(1)

  // Reading Ann's chat (and taking it) leaves Bo's waiting: 1.
  const rowOf = (name: string) => page.getByTestId('conversation-row').filter({ hasText: name })
  await rowOf('Ann Lee').click()
  await page.getByTestId('action-take').click()
  await expect(page.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await page.getByTestId('back').click()
  await expect.poll(lastBadge).toBe(1)

  // Ann writes again while the app is in the background: her words in a system notification.
  await setHidden(true)
  await ann.say('Any news?')
  await expect.poll(async () => (await recorded()).shown.at(-1)).toEqual({ title: 'Ann Lee wrote', body: 'Any news?' })
  await expect.poll(async () => (await recorded()).chimes).toBe(3)
  await expect.poll(lastBadge).toBe(2)
  await setHidden(false)

  // Muted: the toast still comes, the chime does not.
  await page.getByTestId('sound-toggle').click()
  await expect(page.getByTestId('sound-toggle')).toHaveAttribute('aria-pressed', 'false')
  await ann.say('Hello?')
  await expect(page.getByTestId('toast').filter({ hasText: 'Hello?' })).toHaveCount(1)
  expect((await recorded()).chimes).toBe(3)

  // Once both are read, nothing waits and the badge is cleared.
  await rowOf('Ann Lee').click()
  await expect(page.getByTestId('message').filter({ hasText: 'Hello?' })).toHaveCount(1)
  await page.getByTestId('back').click()
  await expect.poll(lastBadge).toBe(1)
  await rowOf('Bo Park').click()
  await expect(page.getByTestId('message').filter({ hasText: 'Do you ship abroad?' })).toHaveCount(1)
  await expect.poll(lastBadge).toBe('clear')
  await expect(page).toHaveTitle('Parley')

  await ann.close()
  await bo.close()
  await ctx.close()
})
