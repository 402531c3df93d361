/**
 * Agents' and the bot's messages to messenger visitors, in order, once each as far as the
 * platform lets us know. The conversation's `meta.visitorDeliveredUpTo` is both what the app shows
 * ("delivered") and where sending resumes: after a failure (retried with backoff) and after a
 * restart (every open channel conversation is looked at on start). A message the platform accepted
 * just before a crash, whose mark was not yet stored, is sent again after the restart.
 */
import type { Logger } from 'pino'
import { channelLabel, type ChannelKind } from '../../shared/channels.ts'
import { conversationDocName, isChatMessage, messagesOf, metaOf } from '../../shared/documents.ts'
import { EventType, type ChatMessage, type LogEvent } from '../../shared/protocol.ts'
import type { Conversations } from '../Conversations.ts'
import { appendSystemLine } from '../commands/patch.ts'
import type { FileService } from '../files/FileService.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { Fence, Store } from '../store/Store.ts'
import { ChannelError, type Channel, type ChannelContext, type ConnectionSecrets, type OutboundMessage } from './Channel.ts'

/** First wait after a failed send; doubled at each further failure. */
export const RETRY_BASE_MS = 2_000
/** Longest wait between two tries: a platform back from an outage gets the replies within minutes. */
const RETRY_MAX_MS = 5 * 60_000

export interface DeliveryLink {
  channel: Channel
  conn: ConnectionSecrets
  ctx: ChannelContext
}

export interface ChannelDeliveryDeps {
  store: Store
  rooms: RoomManager
  conversations: Conversations
  files: FileService
  log: Logger
  now: () => number
  /** The workspace's connection of that messenger; null when it is not connected. */
  link: (workspace: string, kind: ChannelKind) => Promise<DeliveryLink | null>
  /** The server's public address, for links to files; null when unset. */
  publicUrl: string | null
  retryBaseMs?: number
  /** The leader's epoch (replies leave from the leader): the delivery marks carry it. */
  fence?: Fence
}

interface Lane {
  running: boolean
  again: boolean
  timer: NodeJS.Timeout | null
  failures: number
}

/** Whether a message (or a `message` event's data) goes to the visitor: agents' replies (not internal notes) and the bot's words. */
const outgoing = (m: { kind?: unknown; internal?: unknown }) => (m.kind === 'agent' && !m.internal) || m.kind === 'bot'

export class ChannelDelivery {
  /** One lane per conversation: its messages leave one after another. */
  private lanes = new Map<string, Lane>()
  private closed = false

  constructor(private deps: ChannelDeliveryDeps) {}

  /**
   * Events committed (on this instance or, over the cluster bus, on another): a conversation with
   * a new message for its visitor is looked at, and its pending replies go if it is a messenger's.
   * Called where the workspace leads, so a reply leaves from one instance however many hold the
   * conversation's document.
   */
  committed(workspace: string, events: readonly LogEvent[]): void {
    const touched = new Set<string>()
    for (const e of events) if (e.type === EventType.message && e.conversationId && outgoing(e.data)) touched.add(e.conversationId)
    for (const id of touched) this.kick(workspace, id)
  }

  /** Resumes every open conversation of a workspace's messenger visitors (on start, and when a messenger connects). */
  async resume(workspace: string, kind?: ChannelKind): Promise<void> {
    for (const c of await this.deps.store.listActiveConversations(workspace)) {
      const visitor = await this.deps.store.getVisitor(workspace, c.visitorId)
      if (visitor?.channel && (!kind || visitor.channel.kind === kind)) this.kick(workspace, c.id)
    }
  }

  kick(workspace: string, conversationId: string): void {
    if (this.closed) return
    const key = `${workspace}/${conversationId}`
    let lane = this.lanes.get(key)
    if (!lane) this.lanes.set(key, (lane = { running: false, again: false, timer: null, failures: 0 }))
    // Waiting out a backoff: the new message goes with the next try, in order.
    if (lane.timer) return
    if (lane.running) {
      lane.again = true
      return
    }
    void this.run(workspace, conversationId, key, lane)
  }

  private async run(workspace: string, conversationId: string, key: string, lane: Lane): Promise<void> {
    lane.running = true
    try {
      do {
        lane.again = false
        let wait: number | null = null
        try {
          wait = await this.deliver(workspace, conversationId, lane)
        } catch (err) {
          // The store or the document failed, not the platform: try again like a failed send.
          if (this.closed) return
          this.deps.log.error({ err, workspace, conversationId }, 'channel delivery failed')
          wait = this.backoff(lane, 0)
        }
        if (wait !== null && !this.closed) {
          lane.timer = setTimeout(() => {
            lane.timer = null
            void this.run(workspace, conversationId, key, lane)
          }, wait)
          lane.timer.unref()
          return
        }
      } while (lane.again && !this.closed)
      lane.failures = 0
      this.lanes.delete(key)
    } finally {
      lane.running = false
    }
  }

  private backoff(lane: Lane, atLeast: number): number {
    const base = this.deps.retryBaseMs ?? RETRY_BASE_MS
    const step = Math.min(RETRY_MAX_MS, base * 2 ** Math.min(lane.failures++, 20))
    // Jitter: conversations that failed together do not all retry in the same instant.
    return Math.max(atLeast, step / 2 + Math.random() * (step / 2))
  }

  /** Sends what is pending, in order; resolves with a wait before the next try, or null when all is sent. */
  private async deliver(workspace: string, conversationId: string, lane: Lane): Promise<number | null> {
    const record = await this.deps.conversations.get(workspace, conversationId)
    if (!record) return null
    const visitor = await this.deps.store.getVisitor(workspace, record.visitorId)
    if (!visitor?.channel) return null
    const pending = await this.pending(workspace, conversationId)
    if (!pending.length) return null
    const link = await this.deps.link(workspace, visitor.channel.kind)
    if (!link) {
      // Waits for the messenger to be connected again, which resumes every conversation.
      this.deps.log.warn({ workspace, conversationId, kind: visitor.channel.kind }, 'replies wait: the messenger is not connected')
      return null
    }
    const files = pending.some((m) => m.attachments?.length) ? await this.deps.files.verified(workspace, pending) : () => undefined
    for (const m of pending) {
      if (this.closed) return null
      const out = this.outbound(m, files(m))
      if (out) {
        try {
          await link.channel.send(link.conn, visitor.channel.externalId, out, link.ctx)
        } catch (err) {
          if (this.closed) return null
          const refused = err instanceof ChannelError && !err.retryable
          this.deps.log.warn({ workspace, conversationId, kind: link.channel.kind, err: (err as Error).message }, refused ? 'the platform refused a reply' : 'sending a reply failed; will retry')
          if (!refused) return this.backoff(lane, err instanceof ChannelError ? err.retryAfterMs : 0)
          // It will not get better by retrying: agents read why, and the next replies still go.
          await this.mark(workspace, conversationId, m.id, `Not delivered to ${channelLabel(link.channel.kind)}: ${(err as Error).message}`)
          continue
        }
      }
      lane.failures = 0
      await this.mark(workspace, conversationId, m.id, null)
    }
    return null
  }

  /** The outgoing messages after `visitorDeliveredUpTo`, oldest first. */
  private async pending(workspace: string, conversationId: string): Promise<ChatMessage[]> {
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const all = messagesOf(room.doc).toArray()
      const upTo = metaOf(room.doc).get('visitorDeliveredUpTo')
      const from = typeof upTo === 'string' ? all.findLastIndex((m) => (m as { id?: unknown }).id === upTo) + 1 : 0
      return all.slice(from).filter((m): m is ChatMessage => isChatMessage(m) && outgoing(m))
    } finally {
      this.deps.rooms.release(room)
    }
  }

  /** What the platform receives: the text, a link per file (the link is the file's capability, as in the widget), the bot's buttons. */
  private outbound(m: ChatMessage, attachments: { name: string; url: string }[] | undefined): OutboundMessage | null {
    const links = (attachments ?? []).map((a) => (this.deps.publicUrl ? `${a.name}: ${this.deps.publicUrl}${a.url}` : `${a.name} (file not sent: the server has no PUBLIC_URL)`))
    const text = [m.text, ...links].filter((t) => t.trim()).join('\n')
    if (!text) return null
    const buttons = Array.isArray(m.buttons) ? m.buttons.map((b) => ({ label: String(b.label), value: String(b.value) })) : []
    return { text, ...(buttons.length ? { buttons } : {}) }
  }

  /** Moves `visitorDeliveredUpTo` to a message (never backwards); `failure` adds a line for agents saying why it did not go. */
  private async mark(workspace: string, conversationId: string, upTo: string, failure: string | null): Promise<void> {
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = metaOf(room.doc)
      const ids = messagesOf(room.doc).toArray().map((m) => (m as { id?: unknown }).id)
      const at = ids.lastIndexOf(upTo)
      const before = ids.lastIndexOf(meta.get('visitorDeliveredUpTo'))
      if (at < 0 || at <= before) return
      await room.change(
        (doc) => {
          if (failure) appendSystemLine(doc, failure, this.deps.now())
          metaOf(doc).set('visitorDeliveredUpTo', upTo)
        },
        { fence: this.deps.fence?.(workspace) },
      )
    } finally {
      this.deps.rooms.release(room)
    }
  }

  close(): void {
    this.closed = true
    for (const lane of this.lanes.values()) if (lane.timer) clearTimeout(lane.timer)
    this.lanes.clear()
  }
}
