/**
 * Runtime validation of everything that arrives from outside. The server uses these; the widget
 * does not import this file (it would pull the validator into the widget's bundle).
 */
import { z } from 'zod'
import { Limits, Role } from './protocol.ts'

const clientId = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/, 'clientId must be an id')
const shortText = (max: number) => z.string().max(max)
/** A stored file's id: 128 random bits, base64url (see sync-server/files). */
export const fileId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a file id')

/** Any `local@domain`: intranet hosts such as `admin@localhost` are real addresses too. */
const email = z.string().trim().toLowerCase().max(320).regex(/^[^\s@]+@[^\s@]+$/, 'enter an email address like name@example.com')

const page = z.object({ url: shortText(2048), title: shortText(512) })

/** Bounds of what a widget may store on the visitor's client card. */
export const WidgetDataLimits = {
  /** Fields per form or attributes frame. */
  keys: 50,
  /** Characters of an attribute value. */
  attributeValue: 500,
  /** Characters of a form answer (a request form's message is longer than an attribute). */
  formValue: 2000,
  /** Characters of a rating comment. */
  comment: 2000,
  trackName: 64,
  trackPayloadKeys: 20,
  trackValue: 500,
} as const

const FIELD_KEY = /^[A-Za-z0-9_-]{1,64}$/
/** Keys checked here rather than by the record's key schema, whose error names no rule. */
const namedKeys = (max: number, what: string) => (o: Record<string, unknown>, ctx: z.RefinementCtx) => {
  const keys = Object.keys(o)
  if (keys.length > max) ctx.addIssue({ code: 'custom', message: `at most ${max} ${what} fields` })
  const bad = keys.find((k) => !FIELD_KEY.test(k))
  if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `field names are 1–64 letters, digits, _ or - (not "${bad.slice(0, 64)}")` })
}
/** A record of named strings, at most `WidgetDataLimits.keys` of them. */
const fieldRecord = (what: string, maxValue: number) =>
  z.record(z.string(), z.string().max(maxValue, `${what} values are at most ${maxValue} characters`)).superRefine(namedKeys(WidgetDataLimits.keys, what))
const conversationRef = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'conversationId must be an id')
/** The score ranges of each rating: CSAT 1–5, NPS 0–10. */
export const RATING_RANGE = { csat: [1, 5], nps: [0, 10] } as const
const trackValue = z.union([
  z.string().max(WidgetDataLimits.trackValue, `track values are at most ${WidgetDataLimits.trackValue} characters`),
  z.number().finite(),
  z.boolean(),
])

/** Every frame a widget may send; anything else is answered with an error frame. */
export const fromWidgetSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    workspace: z.string().min(1).max(64),
    visitorToken: z.string().max(512).nullable(),
    page: page.extend({ referrer: shortText(2048).optional() }).optional(),
    user: z.object({ name: shortText(200).optional(), email: shortText(320).optional(), hash: shortText(128).optional() }).optional(),
    presence: z.boolean().optional(),
  }),
  z
    .object({
      type: z.literal('message'),
      clientId,
      text: z.string().trim().max(Limits.messageText, `message is longer than ${Limits.messageText} characters`),
      attachments: z.array(fileId).max(Limits.attachmentsPerMessage, `at most ${Limits.attachmentsPerMessage} files a message`).optional(),
      /** The value of the bot's button clicked (see shared/bot.ts). */
      choice: z.string().max(500, 'choice is at most 500 characters').optional(),
    })
    // Text may be empty only when the message carries files.
    .refine((m) => m.text.length > 0 || (m.attachments?.length ?? 0) > 0, { message: 'message is empty', path: ['text'] }),
  z.object({ type: z.literal('page'), url: shortText(2048), title: shortText(512) }),
  z.object({ type: z.literal('typing') }),
  z.object({ type: z.literal('read'), upTo: z.string().max(64) }),
  z.object({
    type: z.literal('form'),
    kind: z.enum(['prechat', 'request'], 'kind must be prechat or request').default('prechat'),
    fields: fieldRecord('form', WidgetDataLimits.formValue),
  }),
  z
    .object({
      type: z.literal('rating'),
      conversationId: conversationRef,
      kind: z.enum(['csat', 'nps'], 'kind must be csat or nps').default('csat'),
      score: z.number().int('score must be a whole number'),
      comment: z.string().trim().max(WidgetDataLimits.comment, `comment is at most ${WidgetDataLimits.comment} characters`).optional(),
    })
    .refine((r) => r.score >= RATING_RANGE[r.kind][0] && r.score <= RATING_RANGE[r.kind][1], {
      message: 'score out of range: CSAT is 1–5, NPS 0–10',
      path: ['score'],
    }),
  z.object({ type: z.literal('attributes'), values: fieldRecord('attribute', WidgetDataLimits.attributeValue) }),
  z.object({ type: z.literal('invite'), action: z.enum(['shown', 'accepted', 'refused'], 'action must be shown, accepted or refused') }),
  z.object({ type: z.literal('engage') }),
  z.object({
    type: z.literal('track'),
    name: z.string().trim().min(1, 'name is empty').max(WidgetDataLimits.trackName, `name is at most ${WidgetDataLimits.trackName} characters`),
    payload: z.record(z.string(), trackValue).superRefine(namedKeys(WidgetDataLimits.trackPayloadKeys, 'payload')).optional(),
  }),
])

export const loginSchema = z.object({
  email,
  password: z.string().min(1).max(512),
})

export const createAgentSchema = z.object({
  email,
  name: z.string().trim().min(1).max(200),
  password: z.string().min(8, 'password must have at least 8 characters').max(512),
  role: z.enum([Role.agent, Role.supervisor, Role.admin]).default(Role.agent),
  groups: z.array(z.string().min(1).max(64)).max(100).default([]),
})

/** A one-line, human-readable summary of a validation failure. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
}

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an id')

/** Bodies of `POST /api/conversations/<id>/<command>`, by command. */
export const commandBodySchemas = {
  take: z.object({}).passthrough(),
  transfer: z.object({
    to: z.union([z.object({ agentId: id }), z.object({ groupId: id }), z.object({ teamId: id }), z.object({ skillId: id })]),
    note: z.string().max(2000).optional(),
  }),
  snooze: z.object({ until: z.number().int().positive() }),
  close: z.object({ tags: z.array(z.string().trim().min(1).max(64)).max(20).optional(), asTicket: z.boolean().optional() }),
  reopen: z.object({}).passthrough(),
  block: z.object({}).passthrough(),
  unblock: z.object({}).passthrough(),
} as const

export const agentStatusSchema = z.object({ status: z.enum(['online', 'away', 'offline']) })

/** An idempotency key: what an outbox sends again with the same command. */
export const idempotencyKeySchema = z.string().min(8).max(128).regex(/^[A-Za-z0-9_-]+$/)

/** The body of `POST /api/visitors/<visitorId>/chat`: an agent starts a chat with an engaged visitor. */
export const startChatSchema = z.object({
  clientId,
  text: z.string().trim().min(1, 'message is empty').max(Limits.messageText, `message is longer than ${Limits.messageText} characters`),
})

/** `PUT /api/channels/telegram`: a bot token from @BotFather (`123456:ABC…`). */
export const telegramConnectSchema = z.object({
  token: z
    .string({ error: 'send the bot token' })
    .trim()
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'that is not a Telegram bot token (it looks like 123456789:AAE…, from @BotFather)'),
})

/** `PUT /api/channels/whatsapp`: the Cloud API phone number and the Meta app's credentials. */
export const whatsappConnectSchema = z.object({
  phoneNumberId: z.string({ error: 'send the phone number id' }).trim().regex(/^\d{1,30}$/, 'the phone number id is digits (WhatsApp › API setup)'),
  accessToken: z.string({ error: 'send the access token' }).trim().min(10, 'the access token is too short').max(1000).regex(/^\S+$/, 'the access token has no spaces'),
  appSecret: z.string({ error: 'send the app secret' }).trim().min(8, 'the app secret is too short').max(200).regex(/^\S+$/, 'the app secret has no spaces'),
  verifyToken: z.string({ error: 'send a verify token' }).trim().min(8, 'the verify token needs at least 8 characters').max(200).regex(/^\S+$/, 'the verify token has no spaces'),
})
