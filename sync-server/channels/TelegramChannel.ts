/**
 * Telegram Bot API (https://core.telegram.org/bots/api): updates arrive at our webhook with the
 * `X-Telegram-Bot-Api-Secret-Token` we chose at `setWebhook`; replies go out with `sendMessage`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { ChannelIdentity } from '../../shared/channels.ts'
import { callJson, ChannelError, header, isObject, parseJson, type Channel, type ChannelContext, type ConnectionSecrets, type InboundMessage, type WebhookOutcome, type WebhookRequest } from './Channel.ts'

/** Telegram's cap on one message's text; longer replies are split. */
const MAX_TEXT = 4096
/** Telegram's cap on a button's callback data, in bytes. */
const MAX_CALLBACK_DATA = 64
/** What we ask Telegram to send us: everything else (edits, channel posts, polls) would only be ignored. */
const ALLOWED_UPDATES = ['message', 'callback_query']
/** Message kinds without text that still tell the agent something arrived. */
const NON_TEXT_KINDS = ['photo', 'document', 'sticker', 'voice', 'video', 'video_note', 'audio', 'animation', 'location', 'contact', 'poll']

/** Equal strings, compared in constant time. */
export function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const id = (v: unknown): string | null => (typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) ? String(v) : null

/** The visitor behind a Telegram user in a private chat. */
function identityOf(user: Record<string, unknown>, chatId: string): { from: ChannelIdentity; name: string } {
  const username = str(user.username).replace(/[^A-Za-z0-9_]/g, '')
  const name = [str(user.first_name), str(user.last_name)].filter(Boolean).join(' ').trim() || (username ? `@${username}` : 'Telegram user')
  return {
    name: name.slice(0, 200),
    from: { kind: 'telegram', externalId: chatId, username: username ? `@${username}` : '', profileUrl: username ? `https://t.me/${username}` : '' },
  }
}

/** Parses one update; null for kinds we do not handle (answered 200 all the same, so Telegram does not retry them). */
export function parseTelegramUpdate(update: Record<string, unknown>): InboundMessage | null {
  const msg = update.message
  if (isObject(msg)) {
    const chat = msg.chat
    const from = msg.from
    if (!isObject(chat) || !isObject(from)) return null
    // Only private chats: in a group, a reply would go to everyone in it.
    if (chat.type !== undefined && chat.type !== 'private') return null
    const chatId = id(chat.id)
    const messageId = id(msg.message_id)
    if (!chatId || !messageId) return null
    let text = str(msg.text) || str(msg.caption)
    if (!text) {
      const kind = NON_TEXT_KINDS.find((k) => msg[k] !== undefined)
      if (!kind) return null
      text = `[${kind.replace('_', ' ')} — not shown here]`
    }
    const date = typeof msg.date === 'number' ? msg.date * 1000 : Date.now()
    return { externalMessageId: `${chatId}:${messageId}`, ...identityOf(from, chatId), text, at: date }
  }
  const cb = update.callback_query
  if (isObject(cb)) {
    const from = cb.from
    const data = str(cb.data)
    const cbId = str(cb.id)
    if (!isObject(from) || !data || !cbId) return null
    const message = isObject(cb.message) ? cb.message : null
    const chatId = id(isObject(message?.chat) ? message.chat.id : undefined) ?? id(from.id)
    if (!chatId) return null
    return { externalMessageId: `cb:${cbId}`, ...identityOf(from, chatId), text: data, choice: data, at: Date.now(), callbackId: cbId }
  }
  return null
}

/** Splits text at Telegram's limit, at a line break when there is one. */
function chunks(text: string): string[] {
  const out: string[] = []
  let rest = text
  while (rest.length > MAX_TEXT) {
    let cut = rest.lastIndexOf('\n', MAX_TEXT)
    if (cut < MAX_TEXT / 2) cut = MAX_TEXT
    out.push(rest.slice(0, cut))
    rest = rest.slice(cut).replace(/^\n/, '')
  }
  out.push(rest)
  return out
}

/** Telegram's answer: `{ok, result}` or `{ok: false, error_code, description, parameters: {retry_after}}`. */
function check(status: number, json: unknown, what: string): Record<string, unknown> {
  const body = isObject(json) ? json : {}
  if (status === 200 && body.ok === true) return body
  const description = str(body.description) || `HTTP ${status}`
  const params = isObject(body.parameters) ? body.parameters : {}
  const retryAfter = typeof params.retry_after === 'number' ? params.retry_after * 1000 : 0
  // 400 (chat not found, bad text) and 403 (the user blocked the bot) will not get better by retrying.
  const retryable = !(status === 400 || status === 403)
  throw new ChannelError(`Telegram ${what}: ${description}`, retryable, retryAfter)
}

export class TelegramChannel implements Channel {
  readonly kind = 'telegram' as const

  private api(ctx: ChannelContext, token: string, method: string): string {
    return `${ctx.apiUrl.replace(/\/+$/, '')}/bot${token}/${method}`
  }

  async connect(input: Record<string, string>, ctx: ChannelContext): Promise<ConnectionSecrets> {
    const token = input.token!
    if (!ctx.webhookUrl) throw new ChannelError('Set PUBLIC_URL (the address Telegram can reach this server at) before connecting Telegram', false)
    const me = await callJson(this.api(ctx, token, 'getMe'), { body: {} }, ctx)
    const bot = check(me.status === 401 || me.status === 404 ? 400 : me.status, me.json, 'refused the token').result
    const info = isObject(bot) ? bot : {}
    // Telegram accepts 1–256 characters of A-Z, a-z, 0-9, _ and - (setWebhook secret_token).
    const secret = randomBytes(32).toString('base64url')
    const hook = await callJson(this.api(ctx, token, 'setWebhook'), { body: { url: ctx.webhookUrl, secret_token: secret, allowed_updates: ALLOWED_UPDATES } }, ctx)
    check(hook.status === 200 ? 200 : 400, hook.json, 'refused the webhook')
    return {
      secrets: { token, webhookSecret: secret },
      details: { botId: String(info.id ?? ''), username: str(info.username) ? `@${str(info.username)}` : '', name: str(info.first_name) },
    }
  }

  async disconnect(conn: ConnectionSecrets, ctx: ChannelContext): Promise<void> {
    const res = await callJson(this.api(ctx, conn.secrets.token!, 'deleteWebhook'), { body: {} }, ctx)
    check(res.status, res.json, 'deleteWebhook')
  }

  inbound(conn: ConnectionSecrets, req: WebhookRequest): WebhookOutcome {
    if (req.method !== 'POST') return { status: 405, body: { error: 'POST updates here' }, messages: [], refused: 'method' }
    if (!sameSecret(header(req, 'x-telegram-bot-api-secret-token'), conn.secrets.webhookSecret ?? ''))
      return { status: 401, body: { error: 'wrong secret token' }, messages: [], refused: 'secret token' }
    const update = parseJson(req.body)
    if (!isObject(update) || typeof update.update_id !== 'number') return { status: 400, body: { error: 'not a Telegram update' }, messages: [], refused: 'shape' }
    const message = parseTelegramUpdate(update)
    return { status: 200, body: { ok: true }, messages: message ? [message] : [] }
  }

  async send(conn: ConnectionSecrets, to: string, message: { text: string; buttons?: { label: string; value: string }[] }, ctx: ChannelContext): Promise<void> {
    const parts = chunks(message.text)
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1
      const buttons = last ? (message.buttons ?? []) : []
      const keyboard = buttons.length
        ? {
            reply_markup: {
              inline_keyboard: buttons.map((b) => [
                { text: b.label.slice(0, 64), callback_data: Buffer.byteLength(b.value) <= MAX_CALLBACK_DATA ? b.value : b.label.slice(0, 32) },
              ]),
            },
          }
        : {}
      const res = await callJson(this.api(ctx, conn.secrets.token!, 'sendMessage'), { body: { chat_id: to, text: parts[i], ...keyboard } }, ctx)
      check(res.status, res.json, 'sendMessage')
    }
  }

  async acknowledge(conn: ConnectionSecrets, callbackId: string, ctx: ChannelContext): Promise<void> {
    const res = await callJson(this.api(ctx, conn.secrets.token!, 'answerCallbackQuery'), { body: { callback_query_id: callbackId } }, ctx)
    check(res.status, res.json, 'answerCallbackQuery')
  }
}
