/**
 * Local stand-ins of the Telegram Bot API and the WhatsApp Cloud API: real HTTP servers on
 * 127.0.0.1, port 0, speaking the platforms' request and answer formats, recording what they were
 * sent, and able to fail on demand. They also deliver webhooks to a Parley server as the platforms
 * do (Telegram with the secret token it was given at setWebhook, WhatsApp signed with the app secret).
 */
import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

abstract class StandIn {
  url = ''
  private server: Server | null = null
  /** Every call, in order: path and parsed JSON body. */
  calls: { path: string; body: any; headers: IncomingMessage['headers'] }[] = []
  private waiters: { pred: () => boolean; resolve: () => void }[] = []

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        let body: any = undefined
        try {
          body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined
        } catch {
          body = undefined
        }
        const url = new URL(req.url ?? '/', 'http://x')
        this.calls.push({ path: url.pathname + url.search, body, headers: req.headers })
        this.handle(req.method ?? 'GET', url, body, req, res)
        this.waiters = this.waiters.filter((w) => (w.pred() ? (w.resolve(), false) : true))
      })
    })
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()))
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`
    return this
  }

  protected abstract handle(method: string, url: URL, body: any, req: IncomingMessage, res: ServerResponse): void

  protected json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }

  /** Resolves once `pred` holds (checked after every call the stand-in receives). */
  until(pred: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (pred()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stand-in: timed out; calls: ${JSON.stringify(this.calls.map((c) => c.path))}`)), timeoutMs)
      this.waiters.push({
        pred,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
      })
    })
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }
}

export const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'

/** Telegram Bot API: `POST /bot<token>/<method>`, answers `{ok, result}` or `{ok: false, error_code, description}`. */
export class TelegramStandIn extends StandIn {
  tokens = new Set([BOT_TOKEN])
  webhook: { url: string; secret_token: string } | null = null
  /** Successful sendMessage calls. */
  sent: { chat_id: string | number; text: string; reply_markup?: any }[] = []
  /** sendMessage answers 502 while set (an outage); `failures` counts them. */
  down = false
  failures = 0
  private nextUpdate = 1000
  private nextMessage = 1

  protected handle(_method: string, url: URL, body: any, _req: IncomingMessage, res: ServerResponse): void {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname)
    if (!m || !this.tokens.has(m[1]!)) return this.json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' })
    switch (m[2]) {
      case 'getMe':
        return this.json(res, 200, { ok: true, result: { id: 123456789, is_bot: true, first_name: 'Acme Support', username: 'acme_support_bot' } })
      case 'setWebhook':
        if (typeof body?.url !== 'string' || !body.url.startsWith('https://'))
          return this.json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook' })
        this.webhook = { url: body.url, secret_token: body.secret_token }
        return this.json(res, 200, { ok: true, result: true, description: 'Webhook was set' })
      case 'deleteWebhook':
        this.webhook = null
        return this.json(res, 200, { ok: true, result: true, description: 'Webhook was deleted' })
      case 'sendMessage':
        if (this.down) {
          this.failures++
          return this.json(res, 502, { ok: false, error_code: 502, description: 'Bad Gateway' })
        }
        if (body?.chat_id === undefined || typeof body.text !== 'string' || !body.text)
          return this.json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' })
        if (String(body.chat_id) === '403') return this.json(res, 403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' })
        this.sent.push({ chat_id: body.chat_id, text: body.text, reply_markup: body.reply_markup })
        return this.json(res, 200, { ok: true, result: { message_id: this.nextMessage++, chat: { id: body.chat_id, type: 'private' }, date: 0, text: body.text } })
      case 'answerCallbackQuery':
        return this.json(res, 200, { ok: true, result: true })
      default:
        return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found' })
    }
  }

  /** An update as Telegram sends it: a private text message from a user. */
  textUpdate(from: { id: number; first_name: string; last_name?: string; username?: string }, text: string, messageId = this.nextMessage++) {
    return {
      update_id: this.nextUpdate++,
      message: { message_id: messageId, from: { ...from, is_bot: false, language_code: 'en' }, chat: { id: from.id, type: 'private', first_name: from.first_name }, date: Math.floor(Date.now() / 1000), text },
    }
  }

  /** POSTs an update to the webhook set with setWebhook, on the Parley server at `base` (the stand-ins' PUBLIC_URL is not reachable). */
  async deliver(base: string, update: unknown, secret = this.webhook?.secret_token): Promise<Response> {
    if (!this.webhook) throw new Error('no webhook set')
    const path = new URL(this.webhook.url).pathname
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: typeof update === 'string' ? update : JSON.stringify(update),
    })
  }
}

export const WHATSAPP = { phoneNumberId: '106540352242922', accessToken: 'EAAGm0PX4ZCpsBAtest-token', appSecret: 'app-secret-0123456789', verifyToken: 'verify-me-please' }

/** WhatsApp Cloud API (Graph API): `GET /<phone number id>`, `POST /<phone number id>/messages`, bearer token. */
export class WhatsAppStandIn extends StandIn {
  sent: any[] = []

  protected handle(method: string, url: URL, body: any, req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.authorization !== `Bearer ${WHATSAPP.accessToken}`)
      return this.json(res, 401, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'A1' } })
    if (method === 'GET' && url.pathname === `/${WHATSAPP.phoneNumberId}`)
      return this.json(res, 200, { display_phone_number: '+1 555-010-0199', verified_name: 'Acme', id: WHATSAPP.phoneNumberId })
    if (method === 'POST' && url.pathname === `/${WHATSAPP.phoneNumberId}/messages`) {
      if (body?.messaging_product !== 'whatsapp' || !body.to) return this.json(res, 400, { error: { message: '(#100) Invalid parameter', code: 100 } })
      this.sent.push(body)
      return this.json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.${this.sent.length}` }] })
    }
    return this.json(res, 400, { error: { message: `Unsupported ${method} request.`, code: 100 } })
  }

  /** A notification with one text message, as Meta sends it. */
  static textNotification(waId: string, name: string, text: string, id = `wamid.HBgL${Math.random().toString(36).slice(2)}`) {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550100199', phone_number_id: WHATSAPP.phoneNumberId },
                contacts: [{ profile: { name }, wa_id: waId }],
                messages: [{ from: waId, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
              },
            },
          ],
        },
      ],
    }
  }

  static sign(body: string, secret = WHATSAPP.appSecret): string {
    return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
  }

  /** POSTs a notification to `<base>/channels/whatsapp/<workspace>`, signed unless `signature` says otherwise. */
  static deliver(base: string, payload: unknown, signature?: string | null, workspace = 'default'): Promise<Response> {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload)
    const sig = signature === undefined ? WhatsAppStandIn.sign(body) : signature
    return fetch(`${base}/channels/whatsapp/${workspace}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sig !== null ? { 'x-hub-signature-256': sig } : {}) },
      body,
    })
  }
}
