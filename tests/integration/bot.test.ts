import { afterEach, describe, expect, it } from 'vitest'
import { writeBotConfig, type BotConfig } from '../../shared/bot.ts'
import { readMeta } from '../../shared/documents.ts'
import type { ToWidget, WidgetHistoryMessage } from '../../shared/protocol.ts'
import { putEntry } from '../../shared/settings.ts'
import { command, createAgent, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { routingGroup, writeSettings } from '../support/settings.ts'
import { eventsOf, setStatus as setAgentStatus } from '../support/widget.ts'

let t: TestServer
const visitors: Visitor[] = []
afterEach(async () => {
  for (const v of visitors.splice(0)) await v.close()
  await t.destroy()
})


const BOT: BotConfig = {
  enabled: true,
  greeting: 'Hi! I am the shop’s assistant.',
  questions: [
    {
      id: 'topic',
      text: 'What is it about?',
      attribute: 'topic',
      options: [
        { label: 'Billing', value: 'billing' },
        { label: 'Tech support', value: 'tech' },
      ],
    },
    { id: 'plan', text: 'Which plan are you on?', attribute: 'plan', options: [{ label: 'Pro', value: 'pro' }, { label: 'Free', value: 'free' }] },
  ],
  routes: [
    { when: [{ attribute: 'topic', value: 'billing' }], groupId: 'billing' },
    { when: [{ attribute: 'topic', value: 'tech' }], groupId: 'tech' },
  ],
  fallbackGroupId: null,
  handoffText: 'Thanks! Passing you to the right team.',
}

const setStatus = (token: string, status: 'online' | 'away' | 'offline') => setAgentStatus(t.url, token, status)
const events = (token: string) => eventsOf(t.url, token)

/** Billing (Ana) and Tech (Bo) groups, both online, and the bot in front. */
async function setup(bot: BotConfig = BOT, opts: { fullGroup?: string } = {}) {
  t = await startServer()
  const admin = await login(t.url)
  const ana = await createAgent(t.url, admin.token, { email: 'ana@x.io', name: 'Ana', password: 'password-ana' })
  const bo = await createAgent(t.url, admin.token, { email: 'bo@x.io', name: 'Bo', password: 'password-bo' })
  await writeSettings(t.wsUrl, admin.token, (doc) => {
    for (const [id, name] of [['billing', 'Billing'], ['tech', 'Tech']])
      putEntry(doc, 'groups', routingGroup(id!, { name: name!, maxConversations: opts.fullGroup === id ? 0 : null }))
    putEntry(doc, 'members', { agentId: ana.body.id!, groups: ['billing'], skills: [], slots: 3 })
    putEntry(doc, 'members', { agentId: bo.body.id!, groups: ['tech'], skills: [], slots: 3 })
    writeBotConfig(doc, bot)
  })
  const anaS = await login(t.url, { email: 'ana@x.io', password: 'password-ana' })
  const boS = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
  await setStatus(anaS.token, 'online')
  await setStatus(boS.token, 'online')
  return { admin, ana: anaS, bo: boS }
}

async function visitor(name = 'Vera') {
  const v = new Visitor(t.wsUrl, { name })
  visitors.push(v)
  await v.connect()
  return v
}

/** The next bot message the visitor receives. */
const botSays = (v: Visitor, text?: string) =>
  v
    .next<Extract<ToWidget, { type: 'message' }>>((f) => f.type === 'message' && f.message.kind === 'bot' && (text === undefined || f.message.text === text))
    .then((f) => f.message)

async function click(v: Visitor, question: WidgetHistoryMessage, label: string) {
  const button = question.buttons!.find((b) => b.label === label)!
  const clientId = `c${Math.random().toString(36).slice(2, 14)}`
  const ack = v.next((f) => f.type === 'ack' && f.clientId === clientId)
  v.send({ type: 'message', clientId, text: button.label, choice: button.value })
  return ack
}

async function meta(token: string, id: string, until: (m: NonNullable<ReturnType<typeof readMeta>> & { bot?: unknown }) => boolean) {
  const doc = await openDoc(t.wsUrl, `conv/${id}`, token)
  const read = () => ({ ...readMeta(doc.doc)!, bot: doc.doc.getMap('meta').get('bot') })
  await whenDoc(doc.doc, () => readMeta(doc.doc) !== null && until(read()))
  const m = read()
  doc.close()
  return m
}

describe('the bot before routing', () => {
  it('greets, asks with buttons, takes a click and a typed answer, stores them on the card and hands over to the chosen group', async () => {
    const { admin, ana } = await setup()
    const v = await visitor()
    const greeting = botSays(v, BOT.greeting)
    const first = botSays(v, 'What is it about?')
    const { conversationId } = await v.say('Hello, I need help')
    expect((await greeting).buttons).toBeUndefined()
    const q1 = await first
    expect(q1.buttons).toEqual([
      { label: 'Billing', value: 'billing' },
      { label: 'Tech support', value: 'tech' },
    ])
    // Held back from the dispatcher while the bot talks: nobody is given it, though Ana is online.
    const held = await meta(admin.token, conversationId, () => true)
    expect(held).toMatchObject({ status: 'waiting', assigneeId: null, groupId: null, bot: true })

    const q2 = botSays(v, 'Which plan are you on?')
    await click(v, q1, 'Billing')
    expect((await q2).buttons?.map((b) => b.label)).toEqual(['Pro', 'Free'])

    const handoff = botSays(v, BOT.handoffText)
    await v.say('pro')
    await handoff

    const after = await meta(admin.token, conversationId, (m) => m.assigneeId !== null)
    expect(after).toMatchObject({ groupId: 'billing', assigneeId: ana.agent.id, status: 'open', bot: false })

    const card = await fetch(`${t.url}/api/conversations/${conversationId}/contact`, { headers: { authorization: `Bearer ${admin.token}` } })
    expect(((await card.json()) as { visitor: { fields: Record<string, string> } }).visitor.fields).toEqual({ topic: 'billing', plan: 'pro' })

    const log = (await events(admin.token)).filter((e) => e.conversationId === conversationId)
    expect(log.filter((e) => e.type === 'bot.answered').map((e) => [e.data.attribute, e.data.value])).toEqual([
      ['topic', 'billing'],
      ['plan', 'pro'],
    ])
    expect(log.find((e) => e.type === 'bot.escalated')?.data).toMatchObject({ groupId: 'billing' })
    expect(log.find((e) => e.type === 'conversation.assigned')?.data).toMatchObject({ assigneeId: ana.agent.id, by: 'dispatcher' })
    // The bot's questions are in the thread agents read, with their buttons.
    expect(log.filter((e) => e.type === 'message' && e.data.kind === 'bot').map((e) => e.data.text)).toEqual([
      BOT.greeting,
      'What is it about?',
      'Which plan are you on?',
      BOT.handoffText,
    ])
  })

  it('keeps the chat it talks in through a restart: nobody is given it meanwhile, and the visitor goes on with the bot', async () => {
    const { admin, ana } = await setup()
    const v = await visitor()
    const first = botSays(v, 'What is it about?')
    const { conversationId } = await v.say('Hello, I need help')
    const q1 = await first
    await v.close()
    visitors.splice(0)
    await t.stop()
    t = await startServer({ dataDir: t.dataDir })
    const admin2 = await login(t.url)
    // Ana is online and has room, yet the dispatcher leaves the chat to the bot.
    await new Promise((r) => setTimeout(r, 500))
    // Not in any queue either (the dispatcher's own count).
    const metrics = await (await fetch(`${t.url}/metrics`)).text()
    expect(metrics.split('\n').filter((l) => l.startsWith('parley_dispatcher_queue_waiting{') && !l.endsWith(' 0'))).toEqual([])
    expect(await meta(admin2.token, conversationId, () => true)).toMatchObject({ status: 'waiting', assigneeId: null, bot: true })
    expect((await events(admin2.token)).some((e) => e.type === 'conversation.assigned' && e.conversationId === conversationId)).toBe(false)

    const back = new Visitor(t.wsUrl, { name: 'Vera' })
    visitors.push(back)
    back.token = v.token
    await back.connect()
    const q2 = botSays(back, 'Which plan are you on?')
    await click(back, q1, 'Billing')
    await q2
    await back.say('pro')
    expect(await meta(admin.token, conversationId, (m) => m.assigneeId !== null)).toMatchObject({ groupId: 'billing', assigneeId: ana.agent.id, bot: false })
  })

  it('asks again when typed text matches no button, and routes by a typed label', async () => {
    const { admin, bo } = await setup()
    const v = await visitor()
    const first = botSays(v, 'What is it about?')
    const { conversationId } = await v.say('hi')
    await first
    const again = botSays(v, 'Please choose one of: Billing, Tech support.')
    await v.say('my printer is broken')
    expect((await again).buttons?.map((b) => b.value)).toEqual(['billing', 'tech'])
    const q2 = botSays(v, 'Which plan are you on?')
    await v.say('tech SUPPORT')
    await q2
    await v.say('Free')
    const after = await meta(admin.token, conversationId, (m) => m.assigneeId !== null)
    expect(after).toMatchObject({ groupId: 'tech', assigneeId: bo.agent.id })
  })

  it('stops when an agent takes the conversation while it is still talking', async () => {
    const { admin, bo } = await setup()
    const v = await visitor()
    const first = botSays(v, 'What is it about?')
    const { conversationId } = await v.say('hello')
    const q1 = await first
    const taken = await command(t.url, bo.token, conversationId, 'take')
    expect(taken.status).toBe(200)
    const stopped = await meta(admin.token, conversationId, (m) => m.assigneeId === bo.agent.id)
    expect(stopped.bot).toBe(false)

    await click(v, q1, 'Billing')
    // The bot says nothing more; the agent's reply is the next thing the visitor reads.
    const next = v.next<Extract<ToWidget, { type: 'message' }>>((f) => f.type === 'message' && f.message.kind !== 'system')
    const conv = await openDoc(t.wsUrl, `conv/${conversationId}`, bo.token)
    conv.doc.getArray('messages').push([{ id: 'm-bo-1', clientId: 'm-bo-1', kind: 'agent', authorId: bo.agent.id, authorName: 'Bo', text: 'I am here', at: Date.now() }])
    expect((await next).message).toMatchObject({ kind: 'agent', text: 'I am here' })
    conv.close()

    const log = (await events(admin.token)).filter((e) => e.conversationId === conversationId)
    expect(log.find((e) => e.type === 'bot.stopped')?.data).toMatchObject({ reason: 'take', by: bo.agent.id })
    expect(log.some((e) => e.type === 'bot.answered' || e.type === 'bot.escalated')).toBe(false)
    const end = await meta(admin.token, conversationId, () => true)
    expect(end).toMatchObject({ assigneeId: bo.agent.id, groupId: null })
  })

  it('hands over to the workspace-wide queue when the chosen group is full', async () => {
    const { admin } = await setup(BOT, { fullGroup: 'tech' })
    const v = await visitor()
    const first = botSays(v, 'What is it about?')
    const { conversationId } = await v.say('hello')
    await click(v, await first, 'Tech support')
    const handoff = botSays(v, BOT.handoffText)
    const queued = v.next<Extract<ToWidget, { type: 'queue' }>>((f) => f.type === 'queue')
    await v.say('free')
    await handoff
    expect((await queued).position).toBe(1)
    const after = await meta(admin.token, conversationId, (m) => m.bot === false)
    expect(after).toMatchObject({ groupId: null, status: 'waiting', assigneeId: null })
    const log = (await events(admin.token)).filter((e) => e.conversationId === conversationId)
    expect(log.find((e) => e.type === 'bot.escalated')?.data).toEqual({ groupId: null, chosen: 'tech' })
  })

  it('without the bot enabled a conversation is routed at once, and a bad choice is refused without harm', async () => {
    await setup({ ...BOT, enabled: false })
    const v = await visitor()
    const err = await v.request({ type: 'message', clientId: 'cbad-choice-1', text: 'hi', choice: 'x'.repeat(600) }, 'error')
    expect(err.message).toMatch(/choice/)
    const queued = v.next((f) => f.type === 'queue' || (f.type === 'message' && f.message.kind === 'bot'))
    await v.say('hello')
    expect((await queued).type).toBe('queue')
  })
})
