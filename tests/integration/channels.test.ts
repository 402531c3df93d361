import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { writeBotConfig } from '../../shared/bot.ts'
import { conversationDocName, messagesOf, metaOf } from '../../shared/documents.ts'
import { setOption } from '../../shared/settings.ts'
import { MAX_WEBHOOK_BYTES } from '../../sync-server/channels/ChannelService.ts'
import { BOT_TOKEN, TelegramStandIn, WHATSAPP, WhatsAppStandIn } from '../support/channelStandIns.ts'
import { command, createAgent, login, openDoc, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { writeSettings } from '../support/settings.ts'
import { eventsOf, setStatus } from '../support/widget.ts'

const PUBLIC_URL = 'https://parley.example.com'
let t: TestServer
let tg: TelegramStandIn | undefined
let wa: WhatsAppStandIn | undefined
const cleanups: (() => unknown)[] = []

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
  await t?.destroy()
  await tg?.stop()
  await wa?.stop()
  tg = wa = undefined
})

async function setup(opts: { publicUrl?: string | null; dataDir?: string; retryBaseMs?: number } = {}) {
  tg ??= await new TelegramStandIn().start()
  wa ??= await new WhatsAppStandIn().start()
  t = await startServer({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    channels: {
      publicUrl: opts.publicUrl === null ? undefined : (opts.publicUrl ?? PUBLIC_URL),
      telegramApiUrl: tg!.url,
      whatsappApiUrl: wa!.url,
      retryBaseMs: opts.retryBaseMs ?? 50,
    },
  })
  const admin = await login(t.url)
  return admin
}

async function rest(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} }
}

const connectTelegram = (token: string) => rest('PUT', '/api/channels/telegram', token, { token: BOT_TOKEN })
const connectWhatsApp = (token: string) => rest('PUT', '/api/channels/whatsapp', token, WHATSAPP)
const ANN = { id: 5550001, first_name: 'Ann', last_name: 'Lee', username: 'ann_lee' }

/** Opens a conversation's document as an agent; closed after the test. */
async function conv(token: string, id: string) {
  const d = await openDoc(t.wsUrl, conversationDocName(id), token)
  cleanups.push(d.close)
  return d.doc
}

/** An agent's reply, as the app writes it into the document. */
function reply(doc: Y.Doc, text: string, agentId: string, extra: Record<string, unknown> = {}) {
  const id = `m-${Math.random().toString(36).slice(2, 12)}`
  messagesOf(doc).push([{ id, clientId: id, kind: 'agent', authorId: agentId, authorName: 'Admin', text, at: Date.now(), ...extra }])
  return id
}

describe('Telegram', () => {
  it('connects with getMe and setWebhook, lists the bot without its token, and disconnects with deleteWebhook', async () => {
    const admin = await setup()
    const res = await connectTelegram(admin.token)
    expect(res.status).toBe(200)
    expect(res.body.channel).toMatchObject({ kind: 'telegram', name: '@acme_support_bot', webhookUrl: `${PUBLIC_URL}/channels/telegram/default` })
    expect(tg!.webhook?.url).toBe(`${PUBLIC_URL}/channels/telegram/default`)
    expect(tg!.webhook?.secret_token).toMatch(/^[A-Za-z0-9_-]{20,256}$/)
    const list = await rest('GET', '/api/channels', admin.token)
    expect(list.body.channels).toHaveLength(1)
    expect(JSON.stringify(list.body)).not.toContain(BOT_TOKEN)
    expect(JSON.stringify(list.body)).not.toContain(tg!.webhook!.secret_token)
    // The settings document, which every agent reads, holds no secret either.
    const settings = await openDoc(t.wsUrl, 'settings', admin.token)
    cleanups.push(settings.close)
    expect(JSON.stringify(settings.doc.toJSON())).not.toContain(BOT_TOKEN)

    expect((await rest('DELETE', '/api/channels/telegram', admin.token)).status).toBe(204)
    expect(tg!.webhook).toBeNull()
    expect((await rest('GET', '/api/channels', admin.token)).body.channels).toEqual([])
    expect((await rest('DELETE', '/api/channels/telegram', admin.token)).status).toBe(404)
  })

  it('a Telegram user writes: one visitor, a telegram conversation in the log, routed like a widget chat; a retried update is one message', async () => {
    const admin = await setup()
    await writeSettings(t.wsUrl, admin.token, (doc) => setOption(doc, 'defaultAssignment', 'roundRobin'))
    await setStatus(t.url, admin.token, 'online')
    await connectTelegram(admin.token)

    const update = tg!.textUpdate(ANN, 'Hello from Telegram')
    expect((await tg!.deliver(t.url, update)).status).toBe(200)
    // Telegram retries an update it got no answer for: the same message_id is the same message.
    expect((await tg!.deliver(t.url, update)).status).toBe(200)
    expect((await tg!.deliver(t.url, tg!.textUpdate(ANN, 'Are you there?'))).status).toBe(200)

    const log = await eventsOf(t.url, admin.token)
    const created = log.filter((e) => e.type === 'conversation.created')
    expect(created).toHaveLength(1)
    expect(created[0]!.data).toMatchObject({ channel: 'telegram', visitorName: 'Ann Lee', status: 'waiting' })
    const id = created[0]!.conversationId!
    expect(log.filter((e) => e.type === 'message' && e.conversationId === id && e.data.kind === 'visitor').map((e) => e.data.text)).toEqual(['Hello from Telegram', 'Are you there?'])
    expect(log.find((e) => e.type === 'conversation.routed' && e.conversationId === id)).toBeTruthy()
    expect(log.find((e) => e.type === 'conversation.assigned' && e.conversationId === id)?.data).toMatchObject({ assigneeId: admin.agent.id, by: 'dispatcher' })

    const doc = await conv(admin.token, id)
    expect(metaOf(doc).get('channel')).toBe('telegram')
    expect(messagesOf(doc).toArray().filter((m) => m.kind === 'visitor')).toHaveLength(2)

    const card = await rest('GET', `/api/conversations/${id}/contact`, admin.token)
    expect(card.body).toMatchObject({ channel: 'telegram', profile: { url: 'https://t.me/ann_lee', label: '@ann_lee' }, visitor: { name: 'Ann Lee', email: '' } })
  })

  it('an agent’s reply goes out with sendMessage to the chat, in order, and is marked delivered; an internal line is not sent', async () => {
    const admin = await setup()
    await connectTelegram(admin.token)
    await tg!.deliver(t.url, tg!.textUpdate(ANN, 'Where is my order?'))
    const id = (await eventsOf(t.url, admin.token)).find((e) => e.type === 'conversation.created')!.conversationId!
    const doc = await conv(admin.token, id)
    const first = reply(doc, 'Let me check.', admin.agent.id)
    reply(doc, 'Note to self', admin.agent.id, { internal: true })
    const second = reply(doc, 'It ships today.', admin.agent.id)
    await tg!.until(() => tg!.sent.length >= 2)
    expect(tg!.sent.map((s) => [String(s.chat_id), s.text])).toEqual([
      [String(ANN.id), 'Let me check.'],
      [String(ANN.id), 'It ships today.'],
    ])
    await whenDoc(doc, () => metaOf(doc).get('visitorDeliveredUpTo') === second)
    expect(first).not.toBe(second)
  })

  it('keeps a reply while Telegram fails and sends it once when it recovers', async () => {
    const admin = await setup({ retryBaseMs: 30 })
    await connectTelegram(admin.token)
    await tg!.deliver(t.url, tg!.textUpdate(ANN, 'Hi'))
    const id = (await eventsOf(t.url, admin.token)).find((e) => e.type === 'conversation.created')!.conversationId!
    const doc = await conv(admin.token, id)
    tg!.down = true
    const sent = reply(doc, 'Sorry for the wait', admin.agent.id)
    await tg!.until(() => tg!.failures >= 3)
    expect(metaOf(doc).get('visitorDeliveredUpTo')).toBeUndefined()
    tg!.down = false
    await whenDoc(doc, () => metaOf(doc).get('visitorDeliveredUpTo') === sent)
    expect(tg!.sent.filter((s) => s.text === 'Sorry for the wait')).toHaveLength(1)
  })

  it('sends after a restart a reply that could not be sent before it', async () => {
    const admin = await setup({ retryBaseMs: 60_000 })
    await connectTelegram(admin.token)
    await tg!.deliver(t.url, tg!.textUpdate(ANN, 'Hi'))
    const id = (await eventsOf(t.url, admin.token)).find((e) => e.type === 'conversation.created')!.conversationId!
    const doc = await conv(admin.token, id)
    tg!.down = true
    const sent = reply(doc, 'Sent after the restart', admin.agent.id)
    await tg!.until(() => tg!.failures >= 1)
    cleanups.splice(0).forEach((c) => c())
    await t.stop()
    tg!.down = false

    const dataDir = t.dataDir
    const again = await setup({ dataDir })
    await tg!.until(() => tg!.sent.some((s) => s.text === 'Sent after the restart'))
    const reopened = await conv(again.token, id)
    await whenDoc(reopened, () => metaOf(reopened).get('visitorDeliveredUpTo') === sent)
    expect(tg!.sent.filter((s) => s.text === 'Sent after the restart')).toHaveLength(1)
  })

  it('a refusal the platform will not change its mind on is noted for agents, and the next reply still goes', async () => {
    const admin = await setup()
    await connectTelegram(admin.token)
    await tg!.deliver(t.url, tg!.textUpdate({ id: 403, first_name: 'Gone' }, 'bye'))
    const id = (await eventsOf(t.url, admin.token)).find((e) => e.type === 'conversation.created')!.conversationId!
    const doc = await conv(admin.token, id)
    const last = reply(doc, 'Still there?', admin.agent.id)
    await whenDoc(doc, () => metaOf(doc).get('visitorDeliveredUpTo') === last)
    expect(messagesOf(doc).toArray().find((m) => m.kind === 'system')?.text).toBe('Not delivered to Telegram: Telegram sendMessage: Forbidden: bot was blocked by the user')
  })

  it('a blocked visitor is told in Telegram, with the widget’s words, and nothing is stored', async () => {
    const admin = await setup()
    await connectTelegram(admin.token)
    await tg!.deliver(t.url, tg!.textUpdate(ANN, 'first'))
    const id = (await eventsOf(t.url, admin.token)).find((e) => e.type === 'conversation.created')!.conversationId!
    expect((await command(t.url, admin.token, id, 'block')).status).toBe(200)
    const before = (await eventsOf(t.url, admin.token)).filter((e) => e.type === 'message').length
    expect((await tg!.deliver(t.url, tg!.textUpdate(ANN, 'let me in'))).status).toBe(200)
    await tg!.until(() => tg!.sent.length > 0)
    expect(tg!.sent[0]).toMatchObject({ chat_id: String(ANN.id), text: 'Sorry, you can no longer send messages in this chat.' })
    const after = (await eventsOf(t.url, admin.token)).filter((e) => e.type === 'message')
    expect(after).toHaveLength(before)
    expect(after.some((e) => e.data.text === 'let me in')).toBe(false)
  })

  it('the bot greets in Telegram with buttons, and a pressed button answers it', async () => {
    const admin = await setup()
    await writeSettings(t.wsUrl, admin.token, (doc) =>
      writeBotConfig(doc, {
        enabled: true,
        greeting: 'Hi! I am the assistant.',
        questions: [{ id: 'topic', text: 'What is it about?', attribute: 'topic', options: [{ label: 'Billing', value: 'billing' }, { label: 'Tech', value: 'tech' }] }],
        routes: [],
        fallbackGroupId: null,
        handoffText: 'Passing you on.',
      }),
    )
    await connectTelegram(admin.token)
    await tg!.deliver(t.url, tg!.textUpdate(ANN, 'hello'))
    await tg!.until(() => tg!.sent.length >= 2)
    expect(tg!.sent[0]!.text).toBe('Hi! I am the assistant.')
    expect(tg!.sent[1]).toMatchObject({ text: 'What is it about?', reply_markup: { inline_keyboard: [[{ text: 'Billing', callback_data: 'billing' }], [{ text: 'Tech', callback_data: 'tech' }]] } })
    const press = { update_id: 9001, callback_query: { id: 'cbq-1', from: { ...ANN, is_bot: false }, message: { message_id: 2, chat: { id: ANN.id, type: 'private' } }, data: 'billing' } }
    expect((await tg!.deliver(t.url, press)).status).toBe(200)
    await tg!.until(() => tg!.sent.some((s) => s.text === 'Passing you on.'))
    const log = await eventsOf(t.url, admin.token)
    expect(log.find((e) => e.type === 'bot.answered')?.data).toMatchObject({ attribute: 'topic', value: 'billing' })
    expect(tg!.calls.some((c) => c.path.endsWith('/answerCallbackQuery') && c.body.callback_query_id === 'cbq-1')).toBe(true)
  })

  it('refuses what is not a Telegram update from Telegram, and never falls over', async () => {
    const admin = await setup()
    await connectTelegram(admin.token)
    const hook = `${t.url}/channels/telegram/default`
    const post = (body: string, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': tg!.webhook!.secret_token }) =>
      fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    expect((await tg!.deliver(t.url, tg!.textUpdate(ANN, 'x'), 'wrong-secret')).status).toBe(401)
    expect((await post(JSON.stringify(tg!.textUpdate(ANN, 'y')), {})).status).toBe(401)
    expect((await post('{not json')).status).toBe(400)
    expect((await post('[1,2,3]')).status).toBe(400)
    expect((await post(JSON.stringify({ update_id: 'x' }))).status).toBe(400)
    expect((await post(' '.repeat(MAX_WEBHOOK_BYTES + 10))).status).toBe(413)
    // Kinds we do not handle are answered 200, so Telegram does not send them again.
    expect((await post(JSON.stringify({ update_id: 5, edited_message: { message_id: 1, chat: { id: 1 }, text: 'e' } }))).status).toBe(200)
    expect((await post(JSON.stringify({ update_id: 6, message: { message_id: 1, chat: { id: 1, type: 'group' }, from: { id: 2 }, text: 'g' } }))).status).toBe(200)
    expect((await post(JSON.stringify({ update_id: 7, message: { message_id: 'nope', from: 5, chat: null } }))).status).toBe(200)
    expect((await fetch(`${t.url}/channels/telegram/nowhere`, { method: 'POST', body: '{}' })).status).toBe(404)
    expect((await fetch(`${t.url}/channels/viber/default`, { method: 'POST', body: '{}' })).status).toBe(404)
    const log = await eventsOf(t.url, admin.token)
    expect(log.filter((e) => e.type === 'message')).toEqual([])
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200)
  })
})

describe('WhatsApp', () => {
  it('verifies the webhook with the verify token and echoes the challenge', async () => {
    const admin = await setup()
    expect((await connectWhatsApp(admin.token)).body.channel).toMatchObject({ kind: 'whatsapp', name: '+1 555-010-0199', details: { phoneNumberId: WHATSAPP.phoneNumberId } })
    const ok = await fetch(`${t.url}/channels/whatsapp/default?hub.mode=subscribe&hub.verify_token=${WHATSAPP.verifyToken}&hub.challenge=1158201444`)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('1158201444')
    expect((await fetch(`${t.url}/channels/whatsapp/default?hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=1`)).status).toBe(403)
    expect((await fetch(`${t.url}/channels/whatsapp/default?hub.mode=unsubscribe&hub.verify_token=${WHATSAPP.verifyToken}&hub.challenge=1`)).status).toBe(403)
  })

  it('takes a signed message, refuses a bad signature with 401 storing nothing, ignores statuses, and replies through the Cloud API', async () => {
    const admin = await setup()
    await connectWhatsApp(admin.token)
    const payload = WhatsAppStandIn.textNotification('15551234567', 'Carlos', 'Hola')
    expect((await WhatsAppStandIn.deliver(t.url, payload, 'sha256=' + '0'.repeat(64))).status).toBe(401)
    expect((await WhatsAppStandIn.deliver(t.url, payload, null)).status).toBe(401)
    expect((await WhatsAppStandIn.deliver(t.url, payload, WhatsAppStandIn.sign(JSON.stringify(payload), 'another-secret'))).status).toBe(401)
    expect((await eventsOf(t.url, admin.token)).filter((e) => e.type === 'conversation.created' || e.type === 'message')).toEqual([])

    expect((await WhatsAppStandIn.deliver(t.url, payload)).status).toBe(200)
    expect((await WhatsAppStandIn.deliver(t.url, payload)).status).toBe(200)
    const statuses = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: WHATSAPP.phoneNumberId }, statuses: [{ id: 'wamid.1', status: 'delivered', timestamp: '1', recipient_id: '15551234567' }] } }] }] }
    expect((await WhatsAppStandIn.deliver(t.url, statuses)).status).toBe(200)
    expect((await WhatsAppStandIn.deliver(t.url, '{garbage')).status).toBe(400)

    const log = await eventsOf(t.url, admin.token)
    const created = log.filter((e) => e.type === 'conversation.created')
    expect(created.map((e) => e.data.channel)).toEqual(['whatsapp'])
    expect(log.filter((e) => e.type === 'message').map((e) => e.data.text)).toEqual(['Hola'])
    const id = created[0]!.conversationId!
    const card = await rest('GET', `/api/conversations/${id}/contact`, admin.token)
    expect(card.body).toMatchObject({ channel: 'whatsapp', profile: { url: 'https://wa.me/15551234567', label: '+15551234567' }, visitor: { name: 'Carlos' } })

    const doc = await conv(admin.token, id)
    const sent = reply(doc, '¡Hola Carlos!', admin.agent.id)
    await wa!.until(() => wa!.sent.length >= 1)
    expect(wa!.sent[0]).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '15551234567', type: 'text', text: { body: '¡Hola Carlos!', preview_url: false } })
    expect(wa!.calls.at(-1)!.headers.authorization).toBe(`Bearer ${WHATSAPP.accessToken}`)
    await whenDoc(doc, () => metaOf(doc).get('visitorDeliveredUpTo') === sent)
  })
})

describe('channel administration', () => {
  it('validates what is sent, says what the platform refused, and needs the settings right', async () => {
    const admin = await setup()
    expect((await rest('GET', '/api/channels', null)).status).toBe(401)
    const bad = await rest('PUT', '/api/channels/telegram', admin.token, { token: 'not a token' })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/not a Telegram bot token/)
    expect((await rest('PUT', '/api/channels/telegram', admin.token, {})).status).toBe(400)
    expect((await rest('PUT', '/api/channels/telegram', admin.token, '{oops')).status).toBe(400)
    const refused = await rest('PUT', '/api/channels/telegram', admin.token, { token: '987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsXX' })
    expect(refused).toEqual({ status: 422, body: { error: 'Telegram refused the token: Unauthorized' } })
    const waBad = await rest('PUT', '/api/channels/whatsapp', admin.token, { ...WHATSAPP, verifyToken: 'short' })
    expect(waBad.status).toBe(400)
    expect(waBad.body.error).toMatch(/verify token/)
    const waRefused = await rest('PUT', '/api/channels/whatsapp', admin.token, { ...WHATSAPP, accessToken: 'EAAG-revoked-token' })
    expect(waRefused.status).toBe(422)
    expect(waRefused.body.error).toMatch(/Invalid OAuth access token/)
    expect((await rest('PUT', '/api/channels/viber', admin.token, {})).status).toBe(404)
    expect((await rest('GET', '/api/channels', admin.token)).body.channels).toEqual([])

    await createAgent(t.url, admin.token, { email: 'ana@example.com', name: 'Ana', password: 'password-ana', role: 'agent' })
    const ana = await login(t.url, { email: 'ana@example.com', password: 'password-ana' })
    expect((await rest('GET', '/api/channels', ana.token)).status).toBe(403)
    expect((await rest('PUT', '/api/channels/telegram', ana.token, { token: BOT_TOKEN })).status).toBe(403)
    expect((await rest('DELETE', '/api/channels/telegram', ana.token)).status).toBe(403)
    expect(tg!.webhook).toBeNull()
  })

  it('refuses to connect Telegram without PUBLIC_URL, saying so', async () => {
    const admin = await setup({ publicUrl: null })
    const res = await connectTelegram(admin.token)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatch(/PUBLIC_URL/)
    expect(tg!.calls).toEqual([])
  })
})
