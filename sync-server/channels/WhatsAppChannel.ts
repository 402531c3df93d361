/**
 * WhatsApp Cloud API (https://developers.facebook.com/docs/whatsapp/cloud-api): Meta verifies the
 * webhook with a GET (`hub.challenge`), then POSTs notifications signed with the app secret
 * (`X-Hub-Signature-256`); replies go out with `POST /<phone number id>/messages`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { callJson, ChannelError, header, isObject, parseJson, type Channel, type ChannelContext, type ConnectionSecrets, type InboundMessage, type WebhookOutcome, type WebhookRequest } from './Channel.ts'
import { sameSecret } from './TelegramChannel.ts'

/** WhatsApp's cap on a text message's body. */
const MAX_TEXT = 4096
/** Reply buttons WhatsApp allows on one message, and their titles' length; more becomes a list in the text. */
const MAX_BUTTONS = 3
const MAX_BUTTON_TITLE = 20

const str = (v: unknown): string => (typeof v === 'string' ? v : '')

/** Whether `X-Hub-Signature-256` is the HMAC-SHA256 of the exact body with the app secret (compared in constant time). */
export function validSignature(body: Buffer, signature: string | undefined, appSecret: string): boolean {
  if (!signature?.startsWith('sha256=') || !appSecret) return false
  const given = Buffer.from(signature.slice('sha256='.length), 'hex')
  const expected = createHmac('sha256', appSecret).update(body).digest()
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** The visitor messages of one notification; statuses, other phone numbers and unknown shapes are skipped. */
export function parseWhatsAppNotification(payload: Record<string, unknown>, phoneNumberId: string): InboundMessage[] {
  const out: InboundMessage[] = []
  if (!Array.isArray(payload.entry)) return out
  for (const entry of payload.entry) {
    if (!isObject(entry) || !Array.isArray(entry.changes)) continue
    for (const change of entry.changes) {
      if (!isObject(change) || !isObject(change.value)) continue
      const value = change.value
      const meta = isObject(value.metadata) ? value.metadata : {}
      // A Meta app may serve several numbers: only this connection's.
      if (meta.phone_number_id !== undefined && str(meta.phone_number_id) !== phoneNumberId) continue
      const names = new Map<string, string>()
      for (const c of Array.isArray(value.contacts) ? value.contacts : [])
        if (isObject(c) && str(c.wa_id)) names.set(str(c.wa_id), isObject(c.profile) ? str(c.profile.name) : '')
      for (const m of Array.isArray(value.messages) ? value.messages : []) {
        if (!isObject(m)) continue
        const from = str(m.from).replace(/\D/g, '')
        const id = str(m.id)
        if (!from || !id || id.length > 200) continue
        let text = ''
        let choice: string | undefined
        if (m.type === 'text') text = isObject(m.text) ? str(m.text.body) : ''
        else if (m.type === 'interactive' && isObject(m.interactive)) {
          const reply = isObject(m.interactive.button_reply) ? m.interactive.button_reply : isObject(m.interactive.list_reply) ? m.interactive.list_reply : null
          if (reply) {
            text = str(reply.title) || str(reply.id)
            choice = str(reply.id) || undefined
          }
        } else if (m.type === 'button' && isObject(m.button)) text = str(m.button.text)
        else if (typeof m.type === 'string' && m.type !== 'unsupported') text = `[${m.type.slice(0, 20)} — not shown here]`
        if (!text) continue
        const seconds = Number(str(m.timestamp))
        out.push({
          externalMessageId: id,
          from: { kind: 'whatsapp', externalId: from, username: `+${from}`, profileUrl: `https://wa.me/${from}` },
          name: (names.get(from) || `+${from}`).slice(0, 200),
          text,
          ...(choice ? { choice } : {}),
          at: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now(),
        })
      }
    }
  }
  return out
}

/** The Graph API's error: `{error: {message, code, error_subcode}}`. */
function check(status: number, json: unknown, what: string): Record<string, unknown> {
  const body = isObject(json) ? json : {}
  if (status >= 200 && status < 300 && !body.error) return body
  const err = isObject(body.error) ? body.error : {}
  const description = str(err.message) || `HTTP ${status}`
  // A bad request (wrong number, 24-hour window closed) will not get better; a revoked token (401) may be replaced.
  const retryable = status === 401 || status === 429 || status >= 500
  throw new ChannelError(`WhatsApp ${what}: ${description}`, retryable)
}

export class WhatsAppChannel implements Channel {
  readonly kind = 'whatsapp' as const

  private api(ctx: ChannelContext, path: string): string {
    return `${ctx.apiUrl.replace(/\/+$/, '')}/${path}`
  }

  async connect(input: Record<string, string>, ctx: ChannelContext): Promise<ConnectionSecrets> {
    const { phoneNumberId, accessToken, appSecret, verifyToken } = input as Record<'phoneNumberId' | 'accessToken' | 'appSecret' | 'verifyToken', string>
    // Reading the number proves the token may use it.
    const res = await callJson(
      this.api(ctx, `${encodeURIComponent(phoneNumberId)}?fields=display_phone_number,verified_name`),
      { method: 'GET', headers: { authorization: `Bearer ${accessToken}` } },
      ctx,
    )
    const number = check(res.status === 401 ? 400 : res.status, res.json, 'refused')
    return {
      secrets: { accessToken, appSecret, verifyToken },
      details: { phoneNumberId, phoneNumber: str(number.display_phone_number), name: str(number.verified_name) },
    }
  }

  /** The webhook is set in the Meta app's dashboard, not through the API: nothing to undo here. */
  async disconnect(): Promise<void> {}

  inbound(conn: ConnectionSecrets, req: WebhookRequest): WebhookOutcome {
    if (req.method === 'GET') {
      const mode = req.query.get('hub.mode')
      const challenge = req.query.get('hub.challenge') ?? ''
      if (mode === 'subscribe' && sameSecret(req.query.get('hub.verify_token') ?? undefined, conn.secrets.verifyToken ?? '') && /^[\w.-]{1,200}$/.test(challenge))
        return { status: 200, body: challenge, messages: [] }
      return { status: 403, body: { error: 'verification failed' }, messages: [], refused: 'verify token' }
    }
    if (req.method !== 'POST') return { status: 405, body: { error: 'GET to verify, POST notifications' }, messages: [], refused: 'method' }
    if (!validSignature(req.body, header(req, 'x-hub-signature-256'), conn.secrets.appSecret ?? ''))
      return { status: 401, body: { error: 'bad signature' }, messages: [], refused: 'signature' }
    const payload = parseJson(req.body)
    if (!isObject(payload)) return { status: 400, body: { error: 'not a WhatsApp notification' }, messages: [], refused: 'shape' }
    return { status: 200, body: { ok: true }, messages: parseWhatsAppNotification(payload, conn.details.phoneNumberId ?? '') }
  }

  async send(conn: ConnectionSecrets, to: string, message: { text: string; buttons?: { label: string; value: string }[] }, ctx: ChannelContext): Promise<void> {
    const buttons = message.buttons ?? []
    const asButtons = buttons.length > 0 && buttons.length <= MAX_BUTTONS && buttons.every((b) => b.label.length <= MAX_BUTTON_TITLE && b.value.length <= 256)
    let text = message.text
    // Too many or too long for reply buttons: the options as lines; a typed label counts as the answer.
    if (buttons.length && !asButtons) text = `${text}\n\n${buttons.map((b) => `• ${b.label}`).join('\n')}`
    text = text.slice(0, MAX_TEXT)
    const body = asButtons
      ? {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to,
          type: 'interactive',
          interactive: { type: 'button', body: { text: text.slice(0, 1024) }, action: { buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.value, title: b.label } })) } },
        }
      : { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: text, preview_url: false } }
    const res = await callJson(this.api(ctx, `${encodeURIComponent(conn.details.phoneNumberId ?? '')}/messages`), { headers: { authorization: `Bearer ${conn.secrets.accessToken}` }, body }, ctx)
    check(res.status, res.json, 'send')
  }
}
