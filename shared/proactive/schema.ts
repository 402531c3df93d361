/**
 * Checking a proactive message as an admin's editor or an integration (REST) sends it: the shape
 * of the issue's example and more, missing optional parts taken from defaults, each refusal
 * naming its field so the editor shows it beside it. Server and app use it; the widget does not
 * (it would pull the validator into its bundle).
 */
import { z } from 'zod'
import { ATTRIBUTE_FIELDS, NUMBER_OPS, OPS, UTM_FIELDS, type ProactiveMessage } from './model.ts'
import { parseSelector } from './selectors.ts'

export const ProactiveLimits = {
  name: 120,
  text: 2000,
  fromName: 80,
  rules: 20,
  groups: 10,
  patterns: 20,
  pattern: 300,
  value: 500,
  /** At most this many messages in a workspace (the loader carries every live one). */
  messages: 50,
} as const

const attributeField = (f: string) =>
  (ATTRIBUTE_FIELDS as readonly string[]).includes(f) ||
  (f.startsWith('utm.') && (UTM_FIELDS as readonly string[]).includes(f.slice(4))) ||
  /^attr\.[A-Za-z0-9_.-]{1,64}$/.test(f)
const eventField = (f: string) => f === 'value' || /^(payload|element)\.[A-Za-z0-9_-]{1,64}$/.test(f)

const rule = (fieldOk: (f: string) => boolean, what: string) =>
  z
    .object({
      field: z.string().max(80).refine(fieldOk, `not a field ${what} can use`),
      op: z.enum(OPS),
      value: z.union([z.string().max(ProactiveLimits.value), z.number().finite()]).optional(),
    })
    .superRefine((r, ctx) => {
      if (r.op === 'isSet') return
      if (r.value === undefined || r.value === '') ctx.addIssue({ code: 'custom', path: ['value'], message: 'enter a value' })
      else if ((NUMBER_OPS as readonly string[]).includes(r.op) && !Number.isFinite(Number(r.value))) ctx.addIssue({ code: 'custom', path: ['value'], message: `"${r.op}" compares numbers` })
    })

const attributeRule = rule(attributeField, 'an attribute rule')
const match = z.enum(['all', 'any']).default('all')
const selector = z
  .string()
  .max(300)
  .superRefine((s, ctx) => {
    const parsed = parseSelector(s)
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error })
  })

const onset = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('attributes'),
    match,
    rules: z
      .array(z.union([z.object({ match, rules: z.array(attributeRule).min(1).max(ProactiveLimits.rules) }), attributeRule]))
      .min(1, 'add at least one rule')
      .max(ProactiveLimits.rules),
  }),
  z.object({
    kind: z.literal('event'),
    event: z.discriminatedUnion('on', [
      z.object({ on: z.literal('click'), selector }),
      z.object({ on: z.literal('change'), selector }),
      z.object({ on: z.literal('hover'), selector, ms: z.number().int().min(100).max(60_000).default(500) }),
      z.object({ on: z.literal('track'), name: z.string().min(1).max(64) }),
    ]),
    match,
    rules: z.array(rule(eventField, 'an event rule')).max(ProactiveLimits.rules).default([]),
  }),
])

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be an id')

export const proactiveBody = z.object({
  name: z.string().trim().min(1, 'give the message a name').max(ProactiveLimits.name),
  site: z
    .object({ all: z.boolean().default(true), patterns: z.array(z.string().trim().min(1).max(ProactiveLimits.pattern)).max(ProactiveLimits.patterns).default([]) })
    .refine((s) => s.all || s.patterns.length > 0, { message: 'name at least one page pattern, or run it on every page', path: ['patterns'] })
    .default({ all: true, patterns: [] }),
  onset,
  message: z.object({
    fromName: z.string().trim().max(ProactiveLimits.fromName).default(''),
    teamId: id.nullable().default(null),
    text: z.string().trim().min(1, 'write the message').max(ProactiveLimits.text),
    presentation: z.enum(['popup', 'badge', 'preview']).default('popup'),
  }),
  routeTo: z.union([z.object({ teamId: id }).strict(), z.object({ skillId: id }).strict(), z.object({ agentId: id }).strict(), z.null()]).default(null),
  qualify: z.object({ workingHours: z.boolean().default(false), agentAvailability: z.boolean().default(true), slotsLeft: z.boolean().default(false) }).default({
    workingHours: false,
    agentAvailability: true,
    slotsLeft: false,
  }),
  frequency: z
    .discriminatedUnion('per', [
      z.object({ per: z.literal('visitor'), stopAfterReply: z.boolean().default(true) }),
      z.object({ per: z.literal('visit'), stopAfterReply: z.boolean().default(true) }),
      z.object({ per: z.literal('hours'), hours: z.number().int().min(1).max(24 * 365), stopAfterReply: z.boolean().default(true) }),
    ])
    .default({ per: 'visitor', stopAfterReply: true }),
})

export type ProactiveBody = Omit<ProactiveMessage, 'id' | 'version' | 'status'>

/** Every problem of a message, by the field it is about (the path of its first issue there): what the editor shows beside each field. */
export function checkProactiveBody(input: unknown): { ok: true; value: ProactiveBody } | { ok: false; errors: Record<string, string> } {
  const r = proactiveBody.safeParse(input)
  if (r.success) return { ok: true, value: r.data as ProactiveBody }
  const errors: Record<string, string> = {}
  for (const issue of r.error.issues) {
    const field = issue.path.join('.')
    errors[field] ??= issue.message
  }
  return { ok: false, errors }
}

/** A message as sent, checked: the message with defaults filled in, or its first problem (`field: reason`) and that field (the REST answer). */
export function parseProactiveBody(input: unknown): { ok: true; value: ProactiveBody } | { ok: false; error: string; field: string } {
  const r = checkProactiveBody(input)
  if (r.ok) return r
  const [field, reason] = Object.entries(r.errors)[0]!
  return { ok: false, error: field ? `${field}: ${reason}` : reason, field }
}
