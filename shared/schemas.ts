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

/** Every frame a widget may send; anything else is answered with an error frame. */
export const fromWidgetSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    workspace: z.string().min(1).max(64),
    visitorToken: z.string().max(512).nullable(),
    page: page.optional(),
    user: z.object({ name: shortText(200).optional(), email: shortText(320).optional() }).optional(),
  }),
  z
    .object({
      type: z.literal('message'),
      clientId,
      text: z.string().trim().max(Limits.messageText, `message is longer than ${Limits.messageText} characters`),
      attachments: z.array(fileId).max(Limits.attachmentsPerMessage, `at most ${Limits.attachmentsPerMessage} files a message`).optional(),
    })
    // Text may be empty only when the message carries files.
    .refine((m) => m.text.length > 0 || (m.attachments?.length ?? 0) > 0, { message: 'message is empty', path: ['text'] }),
  z.object({ type: z.literal('page'), url: shortText(2048), title: shortText(512) }),
  z.object({ type: z.literal('typing') }),
  z.object({ type: z.literal('read'), upTo: z.string().max(64) }),
  z.object({ type: z.literal('form'), fields: z.record(z.string().max(64), shortText(2000)) }),
  z.object({
    type: z.literal('rating'),
    conversationId: z.string().max(64),
    score: z.number().int().min(0).max(10),
    comment: shortText(2000).optional(),
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
    to: z.union([z.object({ agentId: id }), z.object({ groupId: id })]),
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
