/**
 * One adapter per messenger, all behind this interface (DESIGN §4 "Channels"). An adapter only
 * speaks its platform's formats: it turns a webhook request into visitor messages and an agent's
 * message into the platform's send call. What happens to the messages (the same path as the
 * widget's) is ChannelService's business; the order and retries of sending are ChannelDelivery's.
 */
import type { ChannelIdentity, ChannelKind } from '../../shared/channels.ts'

/** A webhook request as received: the raw body, because signatures are computed over the exact bytes. */
export interface WebhookRequest {
  method: string
  headers: Record<string, string | string[] | undefined>
  query: URLSearchParams
  body: Buffer
}

/** A message a visitor wrote in the messenger. */
export interface InboundMessage {
  /** The platform's id of this message, stable across the platform's retries of the same webhook. */
  externalMessageId: string
  from: ChannelIdentity
  /** The visitor's name as the platform's profile gives it. */
  name: string
  text: string
  /** A pressed bot button's value (Telegram callback data, WhatsApp reply button id). */
  choice?: string
  /** The platform's time of the message (ms). */
  at: number
  /** A button press to acknowledge to the platform (Telegram's `answerCallbackQuery`). */
  callbackId?: string
}

/** What a webhook came to: the HTTP answer, and the messages it carried (none for pings and statuses). */
export interface WebhookOutcome {
  status: number
  /** A plain-text body (WhatsApp's verification echoes the challenge) or JSON. */
  body: string | Record<string, unknown>
  messages: InboundMessage[]
  /** Why a request was refused, for the log. */
  refused?: string
}

/** What goes out: the message's text (links to its files included) and a bot question's buttons. */
export interface OutboundMessage {
  text: string
  buttons?: { label: string; value: string }[]
}

/** The stored form of a connection, as the adapter needs it. */
export interface ConnectionSecrets {
  secrets: Record<string, string>
  details: Record<string, string>
}

/** The platform said no. `retryable`: worth trying again later (network, rate limit, the platform's outage, a revoked token). */
export class ChannelError extends Error {
  override name = 'ChannelError'
  constructor(
    message: string,
    readonly retryable: boolean,
    /** Wait at least this long before the next try (the platform's `retry_after`). */
    readonly retryAfterMs = 0,
  ) {
    super(message)
  }
}

export interface ChannelContext {
  /** The platform's API base (`https://api.telegram.org`, or a stand-in in tests). */
  apiUrl: string
  /** Where this connection's webhooks must go (`<PUBLIC_URL>/channels/<kind>/<workspace>`); null without `PUBLIC_URL`. */
  webhookUrl: string | null
  /** Cancels requests in flight when the server closes. */
  signal?: AbortSignal
}

export interface Channel {
  readonly kind: ChannelKind
  /**
   * Checks the credentials with the platform and registers the webhook. Throws ChannelError (the
   * platform's own description) when the platform refuses; resolves with what to store.
   */
  connect(input: Record<string, string>, ctx: ChannelContext): Promise<ConnectionSecrets>
  /** Unregisters the webhook where the platform allows it (best effort: the connection goes anyway). */
  disconnect(conn: ConnectionSecrets, ctx: ChannelContext): Promise<void>
  /** Verifies and parses a webhook request; never throws on any input. */
  inbound(conn: ConnectionSecrets, req: WebhookRequest): WebhookOutcome
  /** Sends one message to a chat; throws ChannelError. */
  send(conn: ConnectionSecrets, to: string, message: OutboundMessage, ctx: ChannelContext): Promise<void>
  /** Tells the platform a button press was handled (stops the spinner); best effort. */
  acknowledge?(conn: ConnectionSecrets, callbackId: string, ctx: ChannelContext): Promise<void>
}

/** How long one call to a platform may take before it counts as failed (and is retried). */
export const PLATFORM_TIMEOUT_MS = 15_000

/** A header's single value. */
export function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

/** Parses a JSON body; undefined when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A POST/GET of JSON to a platform, with a timeout and the server's shutdown signal. */
export async function callJson(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown },
  ctx: ChannelContext,
): Promise<{ status: number; json: unknown }> {
  const timeout = AbortSignal.timeout(PLATFORM_TIMEOUT_MS)
  let res: Response
  try {
    res = await fetch(url, {
      method: init.method ?? 'POST',
      headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: ctx.signal ? AbortSignal.any([timeout, ctx.signal]) : timeout,
    })
  } catch (err) {
    throw new ChannelError(`could not reach the platform (${(err as Error).message})`, true)
  }
  const text = await res.text().catch(() => '')
  let json: unknown = undefined
  try {
    json = JSON.parse(text)
  } catch {
    // Some gateways answer HTML on errors: the status still tells what happened.
  }
  return { status: res.status, json }
}
