import { command, login } from '../support/clients.ts'
import { expect, openWidget, test, visitorSays } from './fixtures.ts'
import { receivedFrames, requestFormWhenNobody, sentFrames, setWidgetConfig } from './widgetSupport.ts'

test('the workspace look: colours, side, launcher words, department name and welcome line', async ({ page, parley }) => {
  await setWidgetConfig(parley, {
    colors: { accent: '#2b8a3e', visitorBubble: '#2b8a3e' } as never,
    position: 'left',
    launcherText: 'Ask us anything',
    department: { enabled: true, name: 'Northwind Support', avatarUrl: '/icons/icon-192.png' },
    welcomeMessage: 'Welcome to Northwind!',
  })
  await page.setViewportSize({ width: 1200, height: 800 })
  await page.goto(`${parley.url}/demo`)
  const launcher = page.getByTestId('parley-launcher')
  await expect(launcher).toContainText('Ask us anything')
  await expect(launcher).toHaveCSS('background-color', 'rgb(43, 138, 62)')
  expect((await launcher.boundingBox())!.x).toBeLessThan(100)
  await launcher.click()
  await expect(page.getByTestId('parley-title')).toHaveText('Northwind Support')
  await expect(page.locator('.header .avatar')).toHaveAttribute('src', `${parley.url}/icons/icon-192.png`)
  await expect(page.locator('.header .avatar')).toBeVisible()
  await expect(page.getByTestId('parley-welcome')).toHaveText('Welcome to Northwind!')
  expect((await page.getByTestId('parley-panel').boundingBox())!.x).toBeLessThan(100)
})

test('an invitation after the delay: refused, it is not shown again on later pages', async ({ page, parley }) => {
  await setWidgetConfig(parley, { activation: { mode: 'proactiveInvite', delaySeconds: 1, inviteMinimised: true, inviteText: 'Need a hand with sizes?' } })
  const frames = sentFrames(page)
  await page.goto(`${parley.url}/demo`)
  const invite = page.getByTestId('parley-invite')
  await expect(invite).toContainText('Need a hand with sizes?')
  await expect(page.getByTestId('parley-panel')).toBeHidden()
  await page.getByTestId('parley-invite-refuse').click()
  await expect(invite).toHaveCount(0)
  await expect.poll(() => frames.filter((f) => f.type === 'invite').map((f) => f.action)).toEqual(['shown', 'refused'])
  await page.reload()
  await expect(page.getByTestId('parley-launcher')).toBeVisible()
  await page.waitForTimeout(2000)
  await expect(invite).toHaveCount(0)
})

test('an invitation accepted opens the pre-chat form, then the chat', async ({ page, parley }) => {
  await setWidgetConfig(parley, {
    activation: { mode: 'proactiveInvite', delaySeconds: 1, inviteMinimised: false, inviteText: 'Can we help?' },
    form: { enabled: true, fields: [{ id: 'name', label: 'Name', type: 'text', required: true, options: [] }] },
  })
  const frames = sentFrames(page)
  await page.goto(`${parley.url}/demo`)
  await page.getByTestId('parley-invite-accept').click()
  await expect(page.getByTestId('parley-panel')).toBeVisible()
  await expect(page.getByTestId('parley-field-name')).toBeFocused()
  await page.getByTestId('parley-field-name').fill('Ana')
  await page.getByTestId('parley-form-submit').click()
  await expect(page.getByTestId('parley-input')).toBeVisible()
  await visitorSays(page, 'Which size for 1.80 m?')
  expect(frames.filter((f) => f.type === 'invite').map((f) => f.action)).toEqual(['shown', 'accepted'])
})

test('the pre-chat form marks required fields and checks them before sending', async ({ page, parley }) => {
  await setWidgetConfig(parley, {
    form: {
      enabled: true,
      fields: [
        { id: 'name', label: 'Name', type: 'text', required: true, options: [] },
        { id: 'email', label: 'Email', type: 'email', required: true, options: [] },
        { id: 'order', label: 'Order number', type: 'text', required: false, options: [] },
      ],
    },
  })
  const frames = sentFrames(page)
  await openWidget(page, parley.url)
  const form = page.getByTestId('parley-form-prechat')
  await expect(form).toBeVisible()
  await expect(page.getByTestId('parley-input')).toBeHidden()
  await expect(form.getByTestId('parley-required')).toHaveCount(2)
  await expect(page.getByTestId('parley-required').first()).toHaveCSS('color', 'rgb(201, 42, 42)')
  await page.getByTestId('parley-form-submit').click()
  await expect(form).toContainText('Name is required.')
  await expect(form).toContainText('Email is required.')
  await expect(page.getByTestId('parley-field-name')).toBeFocused()
  await expect(page.getByTestId('parley-field-name')).toHaveAttribute('aria-invalid', 'true')
  await page.getByTestId('parley-field-name').fill('Ana Lima')
  await page.getByTestId('parley-field-email').fill('ana@')
  await page.getByTestId('parley-form-submit').click()
  await expect(form).toContainText('Please enter a valid email address.')
  expect(frames.filter((f) => f.type === 'form')).toHaveLength(0)
  await page.getByTestId('parley-field-email').fill('ana@example.com')
  await page.getByTestId('parley-form-submit').click()
  await expect(form).toHaveCount(0)
  await expect(page.getByTestId('parley-input')).toBeFocused()
  expect(frames.filter((f) => f.type === 'form')).toEqual([{ type: 'form', kind: 'prechat', fields: { name: 'Ana Lima', email: 'ana@example.com' } }])
  await visitorSays(page, 'Hello after the form')
  // Answered once: not asked again after a reload.
  await page.reload()
  await page.getByTestId('parley-launcher').click()
  await expect(page.getByTestId('parley-input')).toBeVisible()
  await expect(page.getByTestId('parley-form-prechat')).toHaveCount(0)
})

test('after the agent closes the chat, the visitor rates it and is thanked', async ({ page, parley }) => {
  await setWidgetConfig(parley, { survey: { csat: true, nps: true, comment: true } })
  const sent = sentFrames(page)
  const received = receivedFrames(page)
  await openWidget(page, parley.url)
  await visitorSays(page, 'Thanks, that is all')
  const conversationId = received.find((f) => f.type === 'ack')!.conversationId as string
  const { token } = await login(parley.url)
  expect((await command(parley.url, token, conversationId, 'close')).status).toBeLessThan(300)
  const survey = page.getByTestId('parley-survey')
  await expect(survey).toBeVisible()
  await page.getByTestId('parley-survey-submit').click()
  await expect(survey).toContainText('Please choose a score first.')
  await page.getByTestId('parley-csat-5').click()
  await expect(page.getByTestId('parley-csat-5')).toHaveAttribute('aria-pressed', 'true')
  await page.getByTestId('parley-nps-9').click()
  await page.getByTestId('parley-survey-comment').fill('Quick and kind')
  await page.getByTestId('parley-survey-submit').click()
  await expect(page.getByTestId('parley-survey-thanks')).toHaveText('Thank you for your feedback!')
  expect(sent.filter((f) => f.type === 'rating')).toEqual([
    { type: 'rating', conversationId, kind: 'csat', score: 5, comment: 'Quick and kind' },
    { type: 'rating', conversationId, kind: 'nps', score: 9 },
  ])
})

test('the admin preview re-renders from postMessage without a server round trip', async ({ page, parley }) => {
  await page.goto(`${parley.url}/healthz`)
  await page.evaluate((src) => {
    document.body.innerHTML = `<iframe id="preview" src="${src}" style="width:800px;height:700px" title="Preview"></iframe>`
  }, `${parley.url}/demo?preview=1`)
  const frame = page.frameLocator('#preview')
  await expect(frame.getByTestId('parley-launcher')).toContainText('Chat with us')
  const post = (config: unknown, extra: Record<string, unknown> = {}) =>
    page.evaluate(
      ([c, e]) => (document.getElementById('preview') as HTMLIFrameElement).contentWindow!.postMessage({ type: 'parley:preview', config: c, ...e }, location.origin),
      [config, extra] as const,
    )
  await post({ launcherText: 'Talk to Northwind', colors: { accent: '#c2255c' } })
  await expect(frame.getByTestId('parley-launcher')).toContainText('Talk to Northwind')
  await expect(frame.getByTestId('parley-launcher')).toHaveCSS('background-color', 'rgb(194, 37, 92)')
  await post({ welcomeMessage: 'Previewing the welcome', department: { enabled: true, name: 'Help desk' } }, { open: true })
  await expect(frame.getByTestId('parley-panel')).toBeVisible()
  await expect(frame.getByTestId('parley-welcome')).toHaveText('Previewing the welcome')
  await expect(frame.getByTestId('parley-title')).toHaveText('Help desk')
  await post({ welcomeMessage: 'Changed at once' })
  await expect(frame.getByTestId('parley-welcome')).toHaveText('Changed at once')
})

test('proactive without invitation: after the delay agents are alerted once per visit, and there is no pre-chat form', async ({ page, parley }) => {
  await setWidgetConfig(parley, { activation: { mode: 'proactiveNoInvite', delaySeconds: 1 }, form: { enabled: true } })
  const frames = sentFrames(page)
  const received = receivedFrames(page)
  await page.goto(`${parley.url}/demo`)
  await expect.poll(() => frames.filter((f) => f.type === 'engage').length).toBe(1)
  await expect(page.getByTestId('parley-invite')).toHaveCount(0)
  await expect(page.getByTestId('parley-panel')).toBeHidden()
  // Another page of the same visit: not again.
  await page.goto(`${parley.url}/demo?page=2`)
  await expect(page.getByTestId('parley-launcher')).toBeVisible()
  await page.waitForTimeout(2000)
  expect(frames.filter((f) => f.type === 'engage')).toHaveLength(1)
  await expect(page.getByTestId('parley-panel')).toBeHidden()

  // An agent, alerted, starts the chat: the visitor sees an unread answer on the launcher.
  const visitorId = received.find((f) => f.type === 'welcome')!.visitorId as string
  const { token } = await login(parley.url)
  const res = await fetch(`${parley.url}/api/visitors/${visitorId}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ clientId: 'agent-starts-1', text: 'Hi! Looking for rain gear?' }),
  })
  expect(res.status).toBeLessThan(300)
  await expect(page.getByTestId('parley-unread')).toHaveText('1')
  await page.getByTestId('parley-launcher').click()
  await expect(page.getByTestId('parley-message').filter({ hasText: 'Looking for rain gear?' })).toHaveAttribute('data-kind', 'agent')
  await expect(page.getByTestId('parley-input')).toBeVisible()
  await expect(page.getByTestId('parley-form-prechat')).toHaveCount(0)
})

test('nobody online and the script asks for it: the request form, checked, then the thanks', async ({ page, parley }) => {
  await setWidgetConfig(parley, { requestForm: { thanks: 'Thanks! Expect an email within a day.' } as never })
  await requestFormWhenNobody(parley)
  const frames = sentFrames(page)
  await openWidget(page, parley.url)
  const form = page.getByTestId('parley-form-request')
  await expect(form).toBeVisible()
  await expect(page.getByTestId('parley-input')).toBeHidden()
  await expect(form.getByTestId('parley-required')).toHaveCount(3)
  await page.getByTestId('parley-field-name').fill('Ana')
  await page.getByTestId('parley-field-email').fill('not-an-email')
  await page.getByTestId('parley-form-submit').click()
  await expect(form).toContainText('Please enter a valid email address.')
  await expect(form).toContainText('How can we help? is required.')
  await page.getByTestId('parley-field-email').fill('ana@example.com')
  await page.getByTestId('parley-field-message').fill('My order #1234 never arrived.')
  await page.getByTestId('parley-form-submit').click()
  await expect(page.getByTestId('parley-thanks')).toHaveText('Thanks! Expect an email within a day.')
  expect(frames.filter((f) => f.type === 'form')).toEqual([
    { type: 'form', kind: 'request', fields: { name: 'Ana', email: 'ana@example.com', message: 'My order #1234 never arrived.' } },
  ])
})

test('nobody online without a request form: the visitor can still write, and is told so', async ({ page, parley }) => {
  await openWidget(page, parley.url)
  await expect(page.getByTestId('parley-notice')).toContainText('Nobody is available right now')
  await visitorSays(page, 'I will wait for an answer')
})
