import { createHash } from 'node:crypto'
import type { Logger } from 'pino'
import { conversationDocName, metaOf } from '../../shared/documents.ts'
import { EventType, WidgetErrorCode, type ToWidget } from '../../shared/protocol.ts'
import type { FormField, WidgetConfig } from '../../shared/widgetConfig.ts'
import type { Conversations } from '../Conversations.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { NewEvent, Store, VisitorRecord } from '../store/Store.ts'
import { TokenBucket } from './TokenBucket.ts'
import { visitorWrite } from '../store/records.ts'

/** Custom fields one visitor may hold on the client card, forms and attributes together. */
export const MAX_CUSTOM_FIELDS = 100
/** `Parley.track` events a visitor may log: a burst of 10, then one every 6 s (proactive rules need few). */
const TRACK_RATE = { burst: 10, perSecond: 1 / 6 }
/** One `visitor.engaged` alert per visitor per this long: a page that reloads must not ring every agent again. */
const ENGAGE_EVERY_MS = 60_000
/** Memory bound on the per-visitor limiters above: past this many visitors they start afresh. */
const MAX_TRACKED_VISITORS = 50_000

/** The form ids that fill the client card's own fields; every other answer is a custom field. */
const CARD_FIELDS = new Set(['name', 'email', 'phone'])

/** The socket a frame came from, as the actions see it. */
export interface VisitorContext {
  workspace: string
  visitorId: string
  reply(frame: ToWidget): void
  error(code: WidgetErrorCode, message: string): void
}

export interface VisitorActionsDeps {
  store: Store
  rooms: RoomManager
  conversations: Conversations
  log: Logger
  now: () => number
  widgetConfig: (workspace: string) => Promise<WidgetConfig>
  /**
   * Posts text as the visitor's message, as if typed in the widget (a request is a ticket):
   * routed, acknowledged, serialized with the visitor's other messages. Resolves with its conversation.
   */
  postAsVisitor: (ctx: VisitorContext, clientId: string, text: string, opts: { ticket: boolean }) => Promise<string | null>
  /** Runs a read-modify-write of the visitor's record in turn with their messages (which also write it). */
  exclusive: (ctx: VisitorContext, fn: () => Promise<void>) => Promise<void>
  /** The site's visitors list learns the name and email a form gave (before any chat, no event says so). */
  site?: { identified(workspace: string, visitorId: string, name: string, email: string): void }
}

/**
 * What a visitor's widget tells the server besides chat messages: forms and attributes for the
 * client card, ratings, and the proactive funnel (invitations, engagement, page events).
 */
export class VisitorActions {
  private trackBuckets = new Map<string, TokenBucket>()
  private engagedAt = new Map<string, number>()

  constructor(private deps: VisitorActionsDeps) {}

  /** The pre-chat form fills the client card; the request form also becomes a request agents find in their queue. */
  async form(ctx: VisitorContext, kind: 'prechat' | 'request', fields: Record<string, string>): Promise<void> {
    const answers = clean(fields)
    let stored = false
    await this.deps.exclusive(ctx, async () => {
      const visitor = await this.visitor(ctx)
      if (!visitor) return
      if (visitor.blocked) return ctx.error(WidgetErrorCode.blocked, 'Sorry, you can no longer send messages in this chat.')
      const email = answers.email?.toLowerCase()
      if (email !== undefined && email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email))
        return ctx.error(WidgetErrorCode.badRequest, 'fields.email: enter an email address like name@example.com')
      const next = withCard(visitor, answers)
      if (!next) return ctx.error(WidgetErrorCode.badRequest, `At most ${MAX_CUSTOM_FIELDS} custom fields a visitor.`)
      if (kind === 'prechat') next.formDone = true
      const changed = visitorUpdatedEvent(visitor, next, this.deps.now())
      await this.deps.store.commit({ workspace: ctx.workspace, ...visitorWrite(visitor, next), events: changed ? [changed] : [] })
      this.deps.site?.identified(ctx.workspace, visitor.id, next.name, next.email)
      stored = true
    })
    if (!stored) return
    if (kind === 'prechat') return ctx.reply({ type: 'saved', what: 'form' })

    const config = await this.deps.widgetConfig(ctx.workspace)
    const text = requestText(config.requestForm.fields, answers)
    if (!text) return ctx.error(WidgetErrorCode.badRequest, 'The request is empty.')
    // The same answers sent again (a resend after a reconnect) are the same message, acknowledged once.
    const clientId = `req-${createHash('sha256').update(JSON.stringify(answers)).digest('base64url').slice(0, 24)}`
    const conversationId = await this.deps.postAsVisitor(ctx, clientId, text, { ticket: true })
    if (conversationId) ctx.reply({ type: 'saved', what: 'form', conversationId })
  }

  /** `Parley.setAttributes`: custom fields on the client card, merged over what is there. */
  async attributes(ctx: VisitorContext, values: Record<string, string>): Promise<void> {
    await this.deps.exclusive(ctx, async () => {
      const visitor = await this.visitor(ctx)
      if (!visitor) return
      const fields = { ...(visitor.fields ?? {}), ...clean(values) }
      if (Object.keys(fields).length > MAX_CUSTOM_FIELDS) return ctx.error(WidgetErrorCode.badRequest, `At most ${MAX_CUSTOM_FIELDS} custom fields a visitor.`)
      await this.deps.store.commit({ workspace: ctx.workspace, ...visitorWrite(visitor, { ...visitor, fields }) })
      ctx.reply({ type: 'saved', what: 'attributes' })
    })
  }

  /** A CSAT or NPS score for the visitor's own conversation; a second rating of a kind replaces the first. */
  async rating(ctx: VisitorContext, conversationId: string, kind: 'csat' | 'nps', score: number, comment: string | undefined): Promise<void> {
    const record = await this.deps.conversations.get(ctx.workspace, conversationId)
    // Someone else's conversation and no conversation at all look the same from here.
    if (!record || record.visitorId !== ctx.visitorId) return ctx.error(WidgetErrorCode.badRequest, 'There is no such conversation to rate.')
    const now = this.deps.now()
    const room = await this.deps.rooms.hold(ctx.workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      await room.change(
        (doc) => {
          const meta = metaOf(doc)
          meta.set(kind, score)
          if (comment) meta.set('ratingComment', comment)
          meta.set('ratedAt', now)
        },
        { events: [{ type: EventType.rated, at: now, conversationId, data: { kind, score, comment: comment || null, visitorId: ctx.visitorId } }] },
      )
    } finally {
      this.deps.rooms.release(room)
    }
    ctx.reply({ type: 'saved', what: 'rating' })
  }

  /** What the visitor did with a proactive invitation: the funnel's shown → accepted / refused. */
  async invite(ctx: VisitorContext, action: 'shown' | 'accepted' | 'refused'): Promise<void> {
    const visitor = await this.visitor(ctx)
    if (!visitor) return
    const type = action === 'shown' ? EventType.proactiveShown : action === 'accepted' ? EventType.proactiveAccepted : EventType.proactiveRefused
    await this.log(ctx.workspace, [{ type, at: this.deps.now(), data: { visitorId: visitor.id, pageUrl: visitor.pageUrl ?? null } }])
  }

  /** The launch criterion met without an invitation: every agent who could take the chat is alerted (no conversation yet). */
  async engage(ctx: VisitorContext): Promise<void> {
    const key = `${ctx.workspace}/${ctx.visitorId}`
    const now = this.deps.now()
    const last = this.engagedAt.get(key)
    if (last !== undefined && now - last < ENGAGE_EVERY_MS) return
    const visitor = await this.visitor(ctx)
    if (!visitor) return
    bounded(this.engagedAt).set(key, now)
    await this.log(ctx.workspace, [
      {
        type: EventType.visitorEngaged,
        at: now,
        data: {
          visitorId: visitor.id,
          visitorName: visitor.name || 'Visitor',
          pageUrl: visitor.pageUrl ?? null,
          pageTitle: visitor.pageTitle ?? null,
          attributes: visitor.fields ?? {},
        },
      },
    ])
  }

  /** `Parley.track(name, payload)`: logged for proactive rules, at a bounded rate. */
  async track(ctx: VisitorContext, name: string, payload: Record<string, string | number | boolean> | undefined): Promise<void> {
    const key = `${ctx.workspace}/${ctx.visitorId}`
    let bucket = this.trackBuckets.get(key)
    if (!bucket) bounded(this.trackBuckets).set(key, (bucket = new TokenBucket(TRACK_RATE.burst, TRACK_RATE.perSecond, this.deps.now)))
    if (!bucket.take()) return ctx.error(WidgetErrorCode.tooMany, 'Too many page events; some were not recorded.')
    await this.log(ctx.workspace, [{ type: EventType.visitorTracked, at: this.deps.now(), data: { visitorId: ctx.visitorId, name, payload: payload ?? {} } }])
  }

  private async visitor(ctx: VisitorContext): Promise<VisitorRecord | null> {
    const v = await this.deps.store.getVisitor(ctx.workspace, ctx.visitorId)
    if (!v) this.deps.log.warn({ workspace: ctx.workspace, visitor: ctx.visitorId }, 'visitor vanished')
    return v
  }

  private async log(workspace: string, events: NewEvent[]): Promise<void> {
    await this.deps.store.commit({ workspace, events })
  }
}

/**
 * The event telling agents that a visitor's name or email changed while a conversation of theirs
 * is current (it is logged against it, so the inbox row and search learn them); null otherwise.
 */
export function visitorUpdatedEvent(before: VisitorRecord, after: VisitorRecord, at: number): NewEvent | null {
  const conversationId = after.currentConversationId
  if (!conversationId || (before.name === after.name && before.email === after.email)) return null
  return {
    type: EventType.visitorUpdated,
    at,
    conversationId,
    data: { visitorId: after.id, visitorName: after.name || null, visitorEmail: after.email || null },
  }
}

/** Trimmed answers; empty ones dropped (an optional field left blank). */
function clean(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(fields)) {
    const t = v.trim()
    if (t) out[k] = t
  }
  return out
}

/** The visitor with a form's or attributes' answers on their card; null past the custom fields' bound. */
function withCard(visitor: VisitorRecord, answers: Record<string, string>): VisitorRecord | null {
  const fields = { ...(visitor.fields ?? {}) }
  for (const [k, v] of Object.entries(answers)) if (!CARD_FIELDS.has(k)) fields[k] = v
  if (Object.keys(fields).length > MAX_CUSTOM_FIELDS) return null
  return {
    ...visitor,
    name: answers.name ?? visitor.name,
    // An email proven by the site's identity hash is not replaced by a typed one.
    email: visitor.verifiedEmail ? visitor.email : (answers.email?.toLowerCase() ?? visitor.email),
    phone: answers.phone ?? visitor.phone,
    fields,
  }
}

/** The request as the visitor's message: one line per answer, labelled as the form labels it. */
function requestText(form: FormField[], answers: Record<string, string>): string {
  const labels = new Map(form.map((f) => [f.id, f.label]))
  const order = [...form.map((f) => f.id).filter((id) => id in answers), ...Object.keys(answers).filter((id) => !labels.has(id))]
  return order.map((id) => `${labels.get(id) ?? id}: ${answers[id]}`).join('\n')
}

/** The map, emptied first when it grew past the bound (losing a rate limiter's memory is harmless). */
function bounded<K, V>(m: Map<K, V>): Map<K, V> {
  if (m.size >= MAX_TRACKED_VISITORS) m.clear()
  return m
}
