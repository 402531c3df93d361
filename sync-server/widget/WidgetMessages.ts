import type { Logger } from 'pino'
import { decideWake } from '../../shared/commands.ts'
import { appendMessageOnce, conversationDocName, metaOf, readMeta } from '../../shared/documents.ts'
import { newId } from '../../shared/id.ts'
import { EventType, WidgetErrorCode, type ChatMessage } from '../../shared/protocol.ts'
import type { Conversations } from '../Conversations.ts'
import { appendSystemLine, applyPatch } from '../commands/patch.ts'
import type { FileService } from '../files/FileService.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { Commit, Store } from '../store/Store.ts'
import type { WidgetGatewayDeps } from './WidgetGateway.ts'
import type { VisitorContext } from './VisitorActions.ts'
import type { WidgetSockets } from './WidgetSockets.ts'

/** What a messenger's message came to: acknowledged, or refused with the words the widget would show. */
export type ChannelMessageOutcome = { ok: true; messageId: string; conversationId: string } | { ok: false; code: WidgetErrorCode; message: string }

export interface WidgetMessagesDeps {
  store: Store
  rooms: RoomManager
  conversations: Conversations
  files: FileService
  log: Logger
  now: () => number
  routing: Pick<WidgetGatewayDeps['routing'], 'route' | 'placeOf'>
  bot?: WidgetGatewayDeps['bot']
  sockets: WidgetSockets
  /** Runs a visitor's task in turn with their other frames (the gateway's per-visitor queue). */
  serialize: (workspace: string, visitorId: string, fn: () => Promise<void>) => Promise<void>
}

/**
 * A visitor's messages, from the widget or a messenger, into their conversation. `post` runs on
 * the visitor's queue (its callers see to it), so two quick first messages cannot open two conversations.
 */
export class WidgetMessages {
  constructor(private deps: WidgetMessagesDeps) {}

  /**
   * A messenger visitor's message (sync-server/channels), through the same path as a widget's:
   * blocked visitors, routing, the bot, snooze wake-up, and the ack table keyed by `clientId` (derived
   * from the platform's message id, so a platform's retry is one message). Resolves with the ack, or
   * with the refusal the widget would show.
   */
  async channelMessage(workspace: string, visitorId: string, clientId: string, text: string, opts: { choice?: string } = {}): Promise<ChannelMessageOutcome> {
    let outcome: ChannelMessageOutcome | null = null
    const sink: VisitorContext = {
      workspace,
      visitorId,
      reply: (frame) => {
        if (frame.type === 'ack') outcome = { ok: true, messageId: frame.id, conversationId: frame.conversationId }
        else if (frame.type === 'error') outcome = { ok: false, code: frame.code, message: frame.message }
        // Queue places are the widget's; a messenger gets no such frame.
      },
      error: (code, message) => (outcome = { ok: false, code, message }),
    }
    await this.deps.serialize(workspace, visitorId, () => this.post(sink, clientId, text, [], opts))
    return outcome ?? { ok: false, code: WidgetErrorCode.internal, message: 'Something went wrong on our side; please try again.' }
  }

  /**
   * A visitor's message; `ticket`: the request form's answers, kept as a request even when the group
   * is full. `sink` receives the ack or the refusal: the widget's socket, or a messenger's webhook.
   */
  async post(sink: VisitorContext, clientId: string, text: string, fileIds: string[], opts: { ticket?: boolean; choice?: string } = {}): Promise<void> {
    const { workspace, visitorId } = sink
    const { store, rooms, conversations, now } = this.deps
    // Both reads at once: on PostgreSQL each is a round trip (the visitor's goes unused on a resend).
    const [done, visitor] = await Promise.all([store.getWidgetAck(workspace, visitorId, clientId), store.getVisitor(workspace, visitorId)])
    if (done) {
      sink.reply({ type: 'ack', clientId, id: done.messageId, conversationId: done.conversationId })
      return
    }
    if (!visitor) throw new Error(`visitor ${visitorId} vanished`)
    if (visitor.blocked) {
      sink.reply({ type: 'error', code: WidgetErrorCode.blocked, message: 'Sorry, you can no longer send messages in this chat.', clientId })
      return
    }
    // A messenger's visitor: their conversations are of that channel, and they have no widget open.
    const channel = visitor.channel?.kind ?? 'widget'
    // Only files this visitor uploaded, described as the server recorded them.
    const attachments = fileIds.length ? await this.deps.files.visitorAttachments(workspace, visitorId, fileIds) : []
    if (!attachments) {
      sink.reply({ type: 'error', code: WidgetErrorCode.badFile, message: 'That file could not be attached; please send it again.', clientId })
      return
    }
    const current = visitor.currentConversationId ? await conversations.get(workspace, visitor.currentConversationId) : null
    const creating = !current || current.status === 'closed'
    const conversationId = creating ? newId() : current.id
    // With the bot on, a new conversation is not queued yet: the bot routes it once it has its answers.
    const botFirst = creating && !opts.ticket && (await this.deps.bot?.active(workspace)) === true
    // A new conversation is routed first: a group at its maximum refuses it, with the group's words.
    const route = creating && !botFirst ? await this.deps.routing.route(workspace, conversationId, { pageUrl: visitor.pageUrl ?? null, channel }) : null
    if (route?.outcome === 'full' && !opts.ticket) {
      sink.reply({ type: 'error', code: WidgetErrorCode.full, message: route.message || 'All our agents are busy; please try again later.', clientId })
      return
    }
    const at = now()
    const message: ChatMessage = {
      id: newId(),
      clientId,
      kind: 'visitor',
      authorId: visitorId,
      authorName: visitor.name || 'Visitor',
      text,
      at,
      ...(attachments.length ? { attachments } : {}),
    }
    const extra: Omit<Commit, 'workspace'> = {
      widgetAcks: [{ visitorId, clientId, messageId: message.id, conversationId }],
    }
    if (creating) {
      extra.visitorPatches = [{ id: visitorId, currentConversationId: conversationId }]
      extra.events = [
        {
          type: EventType.conversationCreated,
          at,
          conversationId,
          data: {
            visitorId,
            visitorName: message.authorName,
            visitorEmail: visitor.email || undefined,
            channel,
            status: 'waiting',
            groupId: route?.groupId ?? null,
            ...(opts.ticket ? { ticket: true } : {}),
            ...(botFirst ? { bot: true } : {}),
          },
        },
      ]
      if (!botFirst)
        extra.events.push(
          {
            type: EventType.routed,
            at,
            conversationId,
            data: { groupId: route?.groupId ?? null, teamId: route?.teamId ?? null, scriptId: route?.scriptId ?? null, outcome: route?.outcome ?? 'queued', requestForm: route?.requestForm ?? false },
          },
          { type: EventType.queueJoined, at, conversationId, data: { groupId: route?.groupId ?? null, reason: 'new' } },
        )
    }
    const room = await rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    let botHolds = false
    try {
      botHolds = !creating && metaOf(room.doc).get('bot') === true
      // A snoozed conversation wakes up when the visitor writes.
      const wake = !creating ? decideWake(readMeta(room.doc) ?? { status: 'open', assigneeId: null, groupId: null, snoozedUntil: null }, 'visitor') : null
      if (wake) (extra.events ??= []).push({ type: EventType.woke, at, conversationId, data: { reason: 'visitor' } })
      await room.change((doc) => {
        if (wake) {
          applyPatch(doc, wake.patch)
          appendSystemLine(doc, wake.line, at)
        }
        if (creating) {
          const meta = metaOf(doc)
          meta.set('id', conversationId)
          meta.set('status', 'waiting')
          meta.set('channel', channel)
          meta.set('visitorId', visitorId)
          meta.set('visitorName', message.authorName)
          meta.set('groupId', route?.groupId ?? null)
          meta.set('assigneeId', null)
          meta.set('createdAt', at)
          // A request from the request form: agents see it marked as one in the queue.
          if (opts.ticket) meta.set('ticket', true)
          if (botFirst) meta.set('bot', true)
        }
        appendMessageOnce(doc, message)
      }, extra)
    } finally {
      rooms.release(room)
    }
    sink.reply({ type: 'ack', clientId, id: message.id, conversationId })
    // The bot answers in turn with the visitor's writes (its answers go on their card); its failure is not the message's.
    if (botFirst || botHolds) {
      const bot = this.deps.bot!
      await (botFirst ? bot.start(workspace, conversationId) : bot.reply(workspace, conversationId, visitorId, text, opts.choice)).catch((err) =>
        this.deps.log.error({ err, workspace, conversationId }, 'the bot failed'),
      )
    }
    // The dispatcher may have placed it before the conversation existed to address: say it now.
    const place = route ? await this.deps.routing.placeOf(workspace, conversationId) : null
    if (place) sink.reply({ type: 'queue', position: place.position, waitSeconds: place.waitSeconds })
    // Presence and typing are the widget's: a messenger's visitor is never shown online.
    if (visitor.channel) return
    this.deps.sockets.wrote(workspace, visitorId, conversationId)
  }
}
