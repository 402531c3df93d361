import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { messagesOf, metaOf } from '../../shared/documents.ts'
import { command, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { api, eventsOf, setWidgetConfig } from '../support/widget.ts'

let t: TestServer
beforeEach(async () => {
  t = await startServer()
})
afterEach(async () => {
  await t.destroy()
})

describe('forms and attributes on the client card', () => {
  it('stores the pre-chat form and attributes, shows them on the contact card, and remembers the form was answered', async () => {
    const admin = await login(t.url)
    const v = new Visitor(t.wsUrl)
    await v.connect()
    expect(
      await v.request({ type: 'form', kind: 'prechat', fields: { name: 'Vera', email: 'Vera@Shop.test', phone: '+47 555 0100', order: 'A-1001', blank: '  ' } }, 'saved', 'error'),
    ).toEqual({ type: 'saved', what: 'form' })
    expect(await v.request({ type: 'attributes', values: { plan: 'pro', order: 'A-1002' } }, 'saved', 'error')).toEqual({ type: 'saved', what: 'attributes' })
    const ack = await v.say('where is my order?')

    const card = await api(t.url, admin.token, `/api/conversations/${ack.conversationId}/contact`)
    expect(card.status).toBe(200)
    expect(card.body.visitor).toMatchObject({ name: 'Vera', email: 'vera@shop.test', phone: '+47 555 0100', fields: { order: 'A-1002', plan: 'pro' } })
    expect(card.body.visitor.fields).not.toHaveProperty('blank')
    expect(card.body.visitor.fields).not.toHaveProperty('name')

    await v.close()
    expect((await v.connect()).formDone).toBe(true)
    await v.close()
  })

  it('logs a name or email given after the chat began against the current conversation, once per change', async () => {
    const admin = await login(t.url)
    const v = new Visitor(t.wsUrl)
    await v.connect()
    const updates = async () => (await eventsOf(t.url, admin.token)).filter((e) => e.type === 'visitor.updated')
    // Before any conversation, the form's answers reach `conversation.created` itself.
    await v.request({ type: 'form', kind: 'prechat', fields: { phone: '+47 555 0100' } }, 'saved', 'error')
    const { conversationId } = await v.say('hello')
    expect(await updates()).toEqual([])

    await v.request({ type: 'form', kind: 'prechat', fields: { name: 'Vera', email: 'Vera@Shop.test' } }, 'saved', 'error')
    expect(await updates()).toMatchObject([{ conversationId, data: { visitorId: v.visitorId, visitorName: 'Vera', visitorEmail: 'vera@shop.test' } }])
    // The same answers again change nothing.
    await v.request({ type: 'form', kind: 'prechat', fields: { name: 'Vera', email: 'vera@shop.test' } }, 'saved', 'error')
    expect(await updates()).toHaveLength(1)
    await v.close()

    // The site names the visitor at hello (`Parley` user settings): logged too.
    const again = new Visitor(t.wsUrl, { name: 'Vera Lind', email: 'vera.lind@shop.test' })
    await again.connect(v.token)
    expect((await updates()).at(-1)).toMatchObject({ conversationId, data: { visitorName: 'Vera Lind', visitorEmail: 'vera.lind@shop.test' } })
    expect(await updates()).toHaveLength(2)
    await again.close()
  })

  it('keeps attributes sent just before a first message (both write the visitor’s record, in turn)', async () => {
    const admin = await login(t.url)
    const v = new Visitor(t.wsUrl)
    await v.connect()
    // No wait for `saved`: the message that opens the conversation must not overwrite the fields.
    v.ws.send(JSON.stringify({ type: 'attributes', values: { plan: 'pro' } }))
    const ack = await v.say('hello')
    const card = await api(t.url, admin.token, `/api/conversations/${ack.conversationId}/contact`)
    expect(card.body.visitor.fields).toEqual({ plan: 'pro' })
    await v.close()
  })

  it('turns the request form into a request agents find in their queue, answered once however often it is sent', async () => {
    const admin = await login(t.url)
    const v = new Visitor(t.wsUrl)
    await v.connect()
    const fields = { name: 'Omar', email: 'omar@shop.test', message: 'Please call me back about my invoice.' }
    const saved = await v.request({ type: 'form', kind: 'request', fields }, 'saved', 'error')
    expect(saved).toMatchObject({ type: 'saved', what: 'form', conversationId: expect.any(String) })
    const id = (saved as { conversationId: string }).conversationId
    // Sent again after a reconnect: the same request.
    expect(await v.request({ type: 'form', kind: 'request', fields }, 'saved', 'error')).toMatchObject({ conversationId: id })

    const events = await eventsOf(t.url, admin.token)
    const created = events.filter((e) => e.type === 'conversation.created' && e.conversationId === id)
    expect(created).toHaveLength(1)
    expect(created[0]!.data).toMatchObject({ status: 'waiting', ticket: true, visitorName: 'Omar', visitorEmail: 'omar@shop.test' })
    const { doc, close } = await openDoc(t.wsUrl, `conv/${id}`, admin.token)
    expect(metaOf(doc).toJSON()).toMatchObject({ status: 'waiting', ticket: true, assigneeId: null })
    expect(messagesOf(doc).toArray()).toMatchObject([
      { kind: 'visitor', text: 'Name: Omar\nEmail: omar@shop.test\nHow can we help?: Please call me back about my invoice.' },
    ])
    close()
    await v.close()
  })
})

/** A visitor writes and leaves; the admin closes the conversation while they are away. */
async function closedWhileAway() {
  const admin = await login(t.url)
  const v = new Visitor(t.wsUrl)
  await v.connect()
  const ack = await v.say('are you there?')
  await v.close()
  expect((await command(t.url, admin.token, ack.conversationId, 'close')).status).toBe(200)
  return { admin, v, ack }
}

/** The `survey.sent` events logged so far. */
async function surveysSent(token: string) {
  return (await eventsOf(t.url, token)).filter((e) => e.type === 'survey.sent')
}

describe('ratings and the survey', () => {
  it('asks for a rating when an agent closes the chat, stores it on the conversation, and logs it', async () => {
    const admin = await login(t.url)
    await setWidgetConfig(t.wsUrl, admin.token, { survey: { csat: true, nps: true, comment: true } })
    const v = new Visitor(t.wsUrl)
    await v.connect()
    const ack = await v.say('thanks for the help')
    const survey = v.next((f) => f.type === 'survey')
    expect((await command(t.url, admin.token, ack.conversationId, 'close')).status).toBe(200)
    expect(await survey).toEqual({ type: 'survey', conversationId: ack.conversationId, csat: true, nps: true, comment: true })
    // Logged as sent once it reached the widget: the reports' denominator of the response rate.
    await expect.poll(async () => (await surveysSent(admin.token)).map((e) => [e.conversationId, e.data.visitorId])).toEqual([[ack.conversationId, v.visitorId]])

    expect(await v.request({ type: 'rating', conversationId: ack.conversationId, kind: 'csat', score: 4 }, 'saved', 'error')).toEqual({ type: 'saved', what: 'rating' })
    // A second CSAT replaces the first; NPS is its own.
    await v.request({ type: 'rating', conversationId: ack.conversationId, kind: 'csat', score: 5, comment: 'Quick and kind' }, 'saved')
    await v.request({ type: 'rating', conversationId: ack.conversationId, kind: 'nps', score: 9 }, 'saved')

    const { doc, close } = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, admin.token)
    await whenDoc(doc, () => metaOf(doc).get('nps') === 9)
    expect(metaOf(doc).toJSON()).toMatchObject({ csat: 5, nps: 9, ratingComment: 'Quick and kind', status: 'closed' })
    close()
    const rated = (await eventsOf(t.url, admin.token)).filter((e) => e.type === 'conversation.rated')
    expect(rated.map((e) => [e.conversationId, e.data.kind, e.data.score, e.data.comment])).toEqual([
      [ack.conversationId, 'csat', 4, null],
      [ack.conversationId, 'csat', 5, 'Quick and kind'],
      [ack.conversationId, 'nps', 9, null],
    ])
    await v.close()
  })

  it('asks a visitor who was away when the chat closed once they are back, and not again after they rated', async () => {
    const { admin, v, ack } = await closedWhileAway()
    // Owed, not sent: nothing is logged while the visitor is away.
    expect(await surveysSent(admin.token)).toEqual([])
    const survey = v.next((f) => f.type === 'survey')
    await v.connect()
    expect(await survey).toMatchObject({ type: 'survey', conversationId: ack.conversationId, csat: true })
    await v.request({ type: 'rating', conversationId: ack.conversationId, score: 3 }, 'saved')
    await v.close()
    await v.connect()
    await v.say('one more question')
    expect(v.frames.filter((f) => f.type === 'survey')).toHaveLength(1)
    // Sent when they came back, and logged then, once (the rating's round trip follows the log's write).
    expect((await surveysSent(admin.token)).map((e) => e.conversationId)).toEqual([ack.conversationId])
    await v.close()
  })

  it('still asks a visitor who was away after the server restarted in between, and only once', async () => {
    const { admin, v, ack } = await closedWhileAway()
    // The conversation notes the survey it owes before the server goes.
    const conv = await openDoc(t.wsUrl, `conv/${ack.conversationId}`, admin.token)
    await whenDoc(conv.doc, () => metaOf(conv.doc).get('surveyOwed') === true)
    conv.close()
    await t.stop()
    t = await startServer({ dataDir: t.dataDir })

    const back = new Visitor(t.wsUrl)
    const survey = back.next((f) => f.type === 'survey')
    await back.connect(v.token)
    expect(await survey).toMatchObject({ type: 'survey', conversationId: ack.conversationId, csat: true })
    await back.close()
    // Asked once: not again on the next visit, even unrated.
    await back.connect()
    await back.say('hello again')
    expect(back.frames.filter((f) => f.type === 'survey')).toHaveLength(1)
    await back.close()
  })

  it('sends no survey when both scores are off, and refuses to rate someone else\'s conversation', async () => {
    const admin = await login(t.url)
    await setWidgetConfig(t.wsUrl, admin.token, { survey: { csat: false, nps: false, comment: true } })
    const a = new Visitor(t.wsUrl)
    const b = new Visitor(t.wsUrl)
    await a.connect()
    await b.connect()
    const ack = await a.say('mine')
    expect((await command(t.url, admin.token, ack.conversationId, 'close')).status).toBe(200)
    // A survey would be on its way by now: the close is committed, and b's round trip below follows it.
    expect(await b.request({ type: 'rating', conversationId: ack.conversationId, kind: 'csat', score: 1 }, 'saved', 'error')).toMatchObject({ type: 'error', code: 'bad_request' })
    expect(a.frames.some((f) => f.type === 'survey')).toBe(false)
    expect(await surveysSent(admin.token)).toEqual([])
    const rated = (await eventsOf(t.url, admin.token)).filter((e) => e.type === 'conversation.rated')
    expect(rated).toEqual([])
    await a.close()
    await b.close()
  })
})
