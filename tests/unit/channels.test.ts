import { describe, expect, it } from 'vitest'
import { channelLabel } from '../../shared/channels.ts'
import { telegramConnectSchema, whatsappConnectSchema } from '../../shared/schemas.ts'
import { parseTelegramUpdate, TelegramChannel } from '../../sync-server/channels/TelegramChannel.ts'
import { parseWhatsAppNotification, validSignature, WhatsAppChannel } from '../../sync-server/channels/WhatsAppChannel.ts'
import { WhatsAppStandIn } from '../support/channelStandIns.ts'

const req = (body: string, headers: Record<string, string> = {}, method = 'POST', query = '') => ({
  method,
  headers,
  query: new URLSearchParams(query),
  body: Buffer.from(body),
})

describe('Telegram updates', () => {
  const tg = new TelegramChannel()
  const conn = { secrets: { token: '1:x', webhookSecret: 'the-secret' }, details: {} }
  const update = { update_id: 1, message: { message_id: 7, date: 1700000000, from: { id: 42, first_name: 'Ann', last_name: 'Lee', username: 'ann_lee' }, chat: { id: 42, type: 'private' }, text: 'hi' } }

  it('turns a private text message into a visitor message with a stable id and the profile link', () => {
    expect(parseTelegramUpdate(update)).toEqual({
      externalMessageId: '42:7',
      from: { kind: 'telegram', externalId: '42', username: '@ann_lee', profileUrl: 'https://t.me/ann_lee' },
      name: 'Ann Lee',
      text: 'hi',
      at: 1700000000_000,
    })
  })

  it('has no profile link without a username, and names a photo rather than dropping it', () => {
    const m = parseTelegramUpdate({ update_id: 2, message: { message_id: 8, from: { id: 9, first_name: 'Bo' }, chat: { id: 9, type: 'private' }, photo: [{}], date: 1 } })
    expect(m).toMatchObject({ name: 'Bo', text: '[photo — not shown here]', from: { username: '', profileUrl: '' } })
  })

  it('reads a button press (callback_query) as the choice', () => {
    const m = parseTelegramUpdate({ update_id: 3, callback_query: { id: 'cb1', from: { id: 42, first_name: 'Ann' }, message: { message_id: 1, chat: { id: 42 } }, data: 'billing' } })
    expect(m).toMatchObject({ externalMessageId: 'cb:cb1', choice: 'billing', text: 'billing', callbackId: 'cb1', from: { externalId: '42' } })
  })

  it('ignores other update kinds, groups and wrong shapes', () => {
    expect(parseTelegramUpdate({ update_id: 4, edited_message: update.message })).toBeNull()
    expect(parseTelegramUpdate({ update_id: 5, message: { ...update.message, chat: { id: -100, type: 'group' } } })).toBeNull()
    expect(parseTelegramUpdate({ update_id: 6, message: { message_id: 'x', from: 1, chat: 'no' } })).toBeNull()
    expect(parseTelegramUpdate({ update_id: 7, message: { message_id: 1, from: { id: 1 }, chat: { id: 1, type: 'private' } } })).toBeNull()
  })

  it('checks the secret token and refuses garbage without throwing', () => {
    const body = JSON.stringify(update)
    expect(tg.inbound(conn, req(body, { 'x-telegram-bot-api-secret-token': 'the-secret' }))).toMatchObject({ status: 200, messages: [{ text: 'hi' }] })
    expect(tg.inbound(conn, req(body, { 'x-telegram-bot-api-secret-token': 'the-secreT' }))).toMatchObject({ status: 401, messages: [] })
    expect(tg.inbound(conn, req(body))).toMatchObject({ status: 401 })
    for (const garbage of ['', '{', 'null', '"x"', '[]', '{"update_id":"1"}', '\u0000\u0001'])
      expect(tg.inbound(conn, req(garbage, { 'x-telegram-bot-api-secret-token': 'the-secret' })).status).toBe(400)
    expect(tg.inbound(conn, req(body, { 'x-telegram-bot-api-secret-token': 'the-secret' }, 'GET')).status).toBe(405)
  })
})

describe('WhatsApp notifications', () => {
  const wa = new WhatsAppChannel()
  const conn = { secrets: { accessToken: 'a', appSecret: 'app-secret-0123456789', verifyToken: 'verify-me-please' }, details: { phoneNumberId: '106540352242922' } }
  const payload = WhatsAppStandIn.textNotification('15551234567', 'Carlos', 'Hola', 'wamid.ABC')

  it('turns text messages into visitor messages named from the contact profile', () => {
    expect(parseWhatsAppNotification(payload, '106540352242922')).toMatchObject([
      { externalMessageId: 'wamid.ABC', name: 'Carlos', text: 'Hola', from: { kind: 'whatsapp', externalId: '15551234567', profileUrl: 'https://wa.me/15551234567' } },
    ])
    // Another number of the same Meta app is not this connection's.
    expect(parseWhatsAppNotification(payload, '999')).toEqual([])
  })

  it('reads a reply button as the choice, skips statuses and odd shapes', () => {
    const value = (v: unknown) => ({ entry: [{ changes: [{ value: v }] }] })
    expect(parseWhatsAppNotification(value({ messages: [{ from: '1', id: 'w1', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'tech', title: 'Tech' } } }] }), '1')).toMatchObject([{ text: 'Tech', choice: 'tech' }])
    expect(parseWhatsAppNotification(value({ statuses: [{ id: 'w', status: 'read' }] }), '1')).toEqual([])
    expect(parseWhatsAppNotification(value({ messages: [null, 1, { from: 5 }, { from: '1', id: 'w2', type: 'text' }] }), '1')).toEqual([])
    expect(parseWhatsAppNotification({ entry: 'x' }, '1')).toEqual([])
    expect(parseWhatsAppNotification(value({ messages: [{ from: '1', id: 'w3', type: 'image', image: {} }] }), '1')).toMatchObject([{ text: '[image — not shown here]' }])
  })

  it('verifies X-Hub-Signature-256 over the exact bytes', () => {
    const body = JSON.stringify(payload)
    const sig = WhatsAppStandIn.sign(body, conn.secrets.appSecret)
    expect(validSignature(Buffer.from(body), sig, conn.secrets.appSecret)).toBe(true)
    expect(validSignature(Buffer.from(body + ' '), sig, conn.secrets.appSecret)).toBe(false)
    expect(validSignature(Buffer.from(body), sig, 'other')).toBe(false)
    expect(validSignature(Buffer.from(body), sig.replace('sha256=', 'sha1='), conn.secrets.appSecret)).toBe(false)
    expect(validSignature(Buffer.from(body), 'sha256=zz', conn.secrets.appSecret)).toBe(false)
    expect(validSignature(Buffer.from(body), undefined, conn.secrets.appSecret)).toBe(false)
    expect(wa.inbound(conn, req(body, { 'x-hub-signature-256': sig }))).toMatchObject({ status: 200, messages: [{ text: 'Hola' }] })
    expect(wa.inbound(conn, req(body, { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) }))).toMatchObject({ status: 401, messages: [] })
    expect(wa.inbound(conn, req('{oops', { 'x-hub-signature-256': WhatsAppStandIn.sign('{oops', conn.secrets.appSecret) })).status).toBe(400)
  })

  it('answers the verification GET only with the right verify token', () => {
    expect(wa.inbound(conn, req('', {}, 'GET', 'hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=12345'))).toMatchObject({ status: 200, body: '12345' })
    expect(wa.inbound(conn, req('', {}, 'GET', 'hub.mode=subscribe&hub.verify_token=nope&hub.challenge=12345')).status).toBe(403)
    expect(wa.inbound(conn, req('', {}, 'GET', 'hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=<script>')).status).toBe(403)
  })
})

describe('channel input', () => {
  it('names channels for people', () => {
    expect([channelLabel('telegram'), channelLabel('whatsapp'), channelLabel('widget'), channelLabel('viber')]).toEqual(['Telegram', 'WhatsApp', 'Chat widget', 'Viber'])
  })

  it('validates connect bodies with clear messages', () => {
    expect(telegramConnectSchema.safeParse({ token: ' 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw ' }).success).toBe(true)
    expect(telegramConnectSchema.safeParse({ token: 'abc' }).error?.issues[0]?.message).toMatch(/not a Telegram bot token/)
    expect(whatsappConnectSchema.safeParse({ phoneNumberId: '12a', accessToken: 'x'.repeat(20), appSecret: 'y'.repeat(10), verifyToken: 'z'.repeat(10) }).error?.issues[0]?.message).toMatch(/digits/)
  })
})
