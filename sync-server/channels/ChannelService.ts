/**
 * Messenger connections of a workspace and their webhooks. Connections hold secrets, so they live
 * in the store (never in the `settings` document every agent reads); admins manage them at
 * `/api/channels` (the `settings` right). A webhook's messages take the widget's path
 * (WidgetGateway.channelMessage); replies leave through ChannelDelivery.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import { isChannelKind, type ChannelConnectionInfo, type ChannelKind } from '../../shared/channels.ts'
import { newId } from '../../shared/id.ts'
import { Limits } from '../../shared/protocol.ts'
import { describeIssues, telegramConnectSchema, whatsappConnectSchema } from '../../shared/schemas.ts'
import type { Accounts } from '../Accounts.ts'
import { HttpError, readJson, sendJson } from '../http/respond.ts'
import type { AgentRecord, ChannelConnectionRecord, Store, VisitorRecord } from '../store/Store.ts'
import type { ChannelMessageOutcome } from '../widget/WidgetGateway.ts'
import { ChannelError, type Channel, type ChannelContext, type InboundMessage, type WebhookRequest } from './Channel.ts'
import type { ChannelDelivery, DeliveryLink } from './ChannelDelivery.ts'
import { TelegramChannel } from './TelegramChannel.ts'
import { WhatsAppChannel } from './WhatsAppChannel.ts'
import { KeyedQueue } from '../util/KeyedQueue.ts'
import { visitorWrite } from '../store/records.ts'
import type { ChannelsAnswer } from '../../shared/api.ts'

/** Largest webhook body read: Telegram updates are a few KiB, WhatsApp batches somewhat more; anything past this is not theirs. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024

export interface ChannelsConfig {
  /** The server's public base URL, without a trailing slash; null when unset. */
  publicUrl: string | null
  telegramApiUrl: string
  whatsappApiUrl: string
}

export interface ChannelServiceDeps {
  store: Store
  accounts: Accounts
  log: Logger
  now: () => number
  config: ChannelsConfig
  /** The widget's path for a visitor's message. */
  post: (workspace: string, visitorId: string, clientId: string, text: string, opts: { choice?: string }) => Promise<ChannelMessageOutcome>
  delivery: () => ChannelDelivery
}

export class ChannelService {
  private adapters = new Map<ChannelKind, Channel>([
    ['telegram', new TelegramChannel()],
    ['whatsapp', new WhatsAppChannel()],
  ])
  /** Connections as stored, by `workspace/kind`: every webhook needs its secrets. */
  private cache = new Map<string, ChannelConnectionRecord | null>()
  /** One chain per messenger account, so one person's quick messages make one visitor and keep their order. */
  private queue = new KeyedQueue()
  private abort = new AbortController()

  constructor(private deps: ChannelServiceDeps) {}

  private ctx(kind: ChannelKind, workspace: string): ChannelContext {
    const { config } = this.deps
    return {
      apiUrl: kind === 'telegram' ? config.telegramApiUrl : config.whatsappApiUrl,
      webhookUrl: this.webhookUrl(kind, workspace),
      signal: this.abort.signal,
    }
  }

  private webhookUrl(kind: ChannelKind, workspace: string): string | null {
    return this.deps.config.publicUrl ? `${this.deps.config.publicUrl}/channels/${kind}/${workspace}` : null
  }

  private async connection(workspace: string, kind: ChannelKind): Promise<ChannelConnectionRecord | null> {
    const key = `${workspace}/${kind}`
    if (this.cache.has(key)) return this.cache.get(key)!
    const c = await this.deps.store.getChannelConnection(workspace, kind)
    this.cache.set(key, c)
    return c
  }

  /** For ChannelDelivery: the adapter and credentials that send a workspace's replies. */
  async link(workspace: string, kind: ChannelKind): Promise<DeliveryLink | null> {
    const conn = await this.connection(workspace, kind)
    return conn ? { channel: this.adapters.get(kind)!, conn, ctx: this.ctx(kind, workspace) } : null
  }

  // ---- admin -----------------------------------------------------------------------------

  private info(c: ChannelConnectionRecord): ChannelConnectionInfo {
    const name = c.kind === 'telegram' ? c.details.username || c.details.name || 'Telegram bot' : c.details.phoneNumber || c.details.phoneNumberId || 'WhatsApp number'
    return { kind: c.kind, connectedAt: c.connectedAt, name, details: { ...c.details }, webhookUrl: this.webhookUrl(c.kind, c.workspace) }
  }

  /** `/api/channels` (GET the list) and `/api/channels/<kind>` (PUT connects, DELETE disconnects), for an agent holding the `settings` right. */
  async admin(kind: string | undefined, agent: AgentRecord, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const workspace = agent.workspace
    if (kind === undefined) {
      if (method !== 'GET') throw new HttpError(405, 'GET the list; PUT or DELETE /api/channels/<telegram|whatsapp>')
      const list = await this.deps.store.listChannelConnections(workspace)
      return sendJson(res, 200, { channels: list.map((c) => this.info(c)), publicUrl: this.deps.config.publicUrl } satisfies ChannelsAnswer)
    }
    if (!isChannelKind(kind)) throw new HttpError(404, `no channel "${kind}" (telegram or whatsapp)`)
    if (method === 'DELETE') {
      const conn = await this.connection(workspace, kind)
      if (!conn) throw new HttpError(404, `${kind} is not connected`)
      // The platform may be unreachable: the connection goes anyway, and the webhook's secret with it.
      await this.adapters
        .get(kind)!
        .disconnect(conn, this.ctx(kind, workspace))
        .catch((err) => this.deps.log.warn({ workspace, kind, err: (err as Error).message }, 'could not unregister the webhook'))
      await this.deps.store.deleteChannelConnection(workspace, kind)
      this.cache.delete(`${workspace}/${kind}`)
      this.deps.log.info({ workspace, kind, by: agent.id }, 'channel disconnected')
      res.writeHead(204).end()
      return
    }
    if (method !== 'PUT') throw new HttpError(405, 'PUT to connect, DELETE to disconnect')
    const raw = await readJson(req)
    const parsed = kind === 'telegram' ? telegramConnectSchema.safeParse(raw) : whatsappConnectSchema.safeParse(raw)
    if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error))
    if (kind === 'telegram' && !this.deps.config.publicUrl)
      throw new HttpError(400, 'Telegram needs to reach this server: set PUBLIC_URL (e.g. https://chat.example.com) and restart, then connect again')
    let stored
    try {
      stored = await this.adapters.get(kind)!.connect(parsed.data as Record<string, string>, this.ctx(kind, workspace))
    } catch (err) {
      if (!(err instanceof ChannelError)) throw err
      // The platform refused the credentials (422), or could not be asked (502).
      throw new HttpError(err.retryable ? 502 : 422, err.message)
    }
    const record: ChannelConnectionRecord = { workspace, kind, secrets: stored.secrets, details: stored.details, connectedAt: this.deps.now() }
    await this.deps.store.putChannelConnection(record)
    this.cache.set(`${workspace}/${kind}`, record)
    this.deps.log.info({ workspace, kind, by: agent.id, ...stored.details }, 'channel connected')
    // Replies that waited for a connection go now.
    void this.deps
      .delivery()
      .resume(workspace, kind)
      .catch((err) => this.deps.log.error({ err }, 'could not resume replies'))
    return sendJson(res, 200, { channel: this.info(record) })
  }

  // ---- webhooks --------------------------------------------------------------------------

  /** `/channels/<kind>/<workspace>`: a messenger's updates, read by its adapter against the workspace's connection. */
  async webhook(kindRaw: string, workspace: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const log = this.deps.log.child({ workspace, kind: kindRaw })
    if (!isChannelKind(kindRaw)) throw new HttpError(404, 'no such channel')
    const kind = kindRaw
    const conn = (await this.deps.accounts.workspace(workspace)) ? await this.connection(workspace, kind) : null
    if (!conn) {
      log.info('webhook for a channel that is not connected')
      throw new HttpError(404, 'this channel is not connected')
    }
    let body: Buffer
    try {
      body = await readBody(req)
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'webhook refused')
      throw err
    }
    const request: WebhookRequest = { method: req.method ?? 'GET', headers: req.headers, query: url.searchParams, body }
    const adapter = this.adapters.get(kind)!
    let outcome
    try {
      outcome = adapter.inbound(conn, request)
    } catch (err) {
      // Adapters do not throw on input; should one, the request is refused rather than the server harmed.
      log.error({ err, bytes: body.length }, 'webhook could not be read')
      throw new HttpError(400, 'could not read this webhook')
    }
    if (outcome.refused) log.warn({ status: outcome.status, reason: outcome.refused, bytes: body.length }, 'webhook refused')
    // Stored before answering: a failure answers 500, and the platform sends the update again.
    for (const m of outcome.messages) await this.receive(workspace, adapter, conn, m)
    if (typeof outcome.body === 'string') {
      res.writeHead(outcome.status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(outcome.body)
      return
    }
    sendJson(res, outcome.status, outcome.body)
  }

  /** One visitor message: the visitor found (or made) from their messenger identity, then the widget's path. */
  private receive(workspace: string, adapter: Channel, conn: ChannelConnectionRecord, m: InboundMessage): Promise<void> {
    return this.queue.run(`${workspace}/${m.from.kind}/${m.from.externalId}`, async () => {
      const visitor = await this.visitorOf(workspace, m)
      // The platform's message id, hashed to the widget's clientId shape: its retries are one message.
      const clientId = `${m.from.kind.slice(0, 2)}-${createHash('sha256').update(`${m.from.kind}:${m.externalMessageId}`).digest('base64url').slice(0, 40)}`
      const outcome = await this.deps.post(workspace, visitor.id, clientId, m.text.slice(0, Limits.messageText), m.choice ? { choice: m.choice.slice(0, 500) } : {})
      if (m.callbackId && adapter.acknowledge)
        void adapter.acknowledge(conn, m.callbackId, this.ctx(adapter.kind, workspace)).catch((err) => this.deps.log.debug({ err: (err as Error).message }, 'answerCallbackQuery failed'))
      if (outcome.ok) return
      // Refused (blocked, the group full): answered in the messenger with the widget's words.
      this.deps.log.info({ workspace, kind: adapter.kind, visitorId: visitor.id, code: outcome.code }, 'channel message refused')
      await adapter
        .send(conn, m.from.externalId, { text: outcome.message }, this.ctx(adapter.kind, workspace))
        .catch((err) => this.deps.log.warn({ workspace, kind: adapter.kind, err: (err as Error).message }, 'could not tell the visitor their message was refused'))
    })
  }

  private async visitorOf(workspace: string, m: InboundMessage): Promise<VisitorRecord> {
    const { store } = this.deps
    const found = await store.getVisitorByChannel(workspace, m.from.kind, m.from.externalId)
    if (found && found.name === m.name && found.channel?.username === m.from.username && found.channel?.profileUrl === m.from.profileUrl) return found
    // New, or their profile changed (a new name or username): the card follows the platform.
    const visitor: VisitorRecord = found
      ? { ...found, name: m.name, channel: m.from }
      : { id: newId(), workspace, name: m.name, email: '', createdAt: this.deps.now(), currentConversationId: null, blocked: false, channel: m.from }
    await store.commit({ workspace, ...visitorWrite(found, visitor) })
    return visitor
  }



  close(): void {
    this.abort.abort()
  }
}

/** The raw body (signatures are over the exact bytes), at most MAX_WEBHOOK_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > MAX_WEBHOOK_BYTES) throw new HttpError(413, `body larger than ${MAX_WEBHOOK_BYTES} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_WEBHOOK_BYTES) throw new HttpError(413, `body larger than ${MAX_WEBHOOK_BYTES} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
