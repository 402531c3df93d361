import { conversationDocName, isChatMessage, messagesOf, metaOf, parseDocName } from '../../shared/documents.ts'
import { EventType, type Attachment, type ChatMessage, type LogEvent, type ToWidget, type WidgetHistoryMessage } from '../../shared/protocol.ts'
import type { Conversations } from '../Conversations.ts'
import type { FileService } from '../files/FileService.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { AgentSignals } from './AgentSignals.ts'
import type { WidgetSockets } from './WidgetSockets.ts'

export interface WidgetReceiptsDeps {
  rooms: RoomManager
  conversations: Conversations
  files: FileService
  now: () => number
  sockets: WidgetSockets
  signals: AgentSignals
  /** Runs tasks of one key in order (the gateway's per-visitor queue). */
  serialize: (workspace: string, key: string, fn: () => Promise<void>) => Promise<void>
}

/**
 * What reaches the visitor and what they have read: agents' messages pushed to the visitor's
 * sockets, marked delivered once an open widget has them, and the visitor's read receipts.
 */
export class WidgetReceipts {
  constructor(private deps: WidgetReceiptsDeps) {}

  /** A read receipt: the visitor has seen their conversation up to a message, which agents then see as read. */
  async read(workspace: string, visitorId: string, upTo: string): Promise<void> {
    const conversationId = this.deps.sockets.currentOf(workspace, visitorId)
    if (!conversationId) return
    const record = await this.deps.conversations.get(workspace, conversationId)
    if (!record || record.visitorId !== visitorId) return
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = metaOf(room.doc)
      if (meta.get('visitorReadUpTo') === upTo) return
      // Only a message of this conversation, and never backwards: a stale tab must not undo a newer receipt.
      const ids = messagesOf(room.doc).toArray().map((m) => m.id)
      const at = ids.indexOf(upTo)
      const before = ids.indexOf(meta.get('visitorReadUpTo') as string)
      if (at < 0 || at <= before) return
      await room.change((doc) => {
        metaOf(doc).set('visitorReadUpTo', upTo)
        metaOf(doc).set('visitorReadAt', this.deps.now())
      })
    } finally {
      this.deps.rooms.release(room)
    }
  }

  /** Pushes messages newly committed to a conversation to every socket of its visitor. */
  conversationMessages(workspace: string, conversationId: string, messages: ChatMessage[]): Promise<void> {
    // In commit order, even when one batch waits for its files' records and the next does not.
    return this.deps.serialize(workspace, `push:${conversationId}`, () => this.push(workspace, conversationId, messages))
  }

  /**
   * Another instance's commit to a document not loaded here: when it added messages to a
   * conversation whose visitor is on this instance's sockets, the document is read and they are pushed.
   */
  remoteMessages(workspace: string, doc: string, events: readonly LogEvent[]): Promise<void> {
    const ref = parseDocName(doc)
    if (ref?.kind !== 'conversation') return Promise.resolve()
    const { conversationId } = ref
    const messageIds = events.filter((e) => e.type === EventType.message && e.conversationId === conversationId).map((e) => e.data.messageId)
    if (!messageIds.length) return Promise.resolve()
    return this.deps.serialize(workspace, `push:${conversationId}`, async () => {
      const record = await this.deps.conversations.get(workspace, conversationId)
      if (!record) return
      const { sockets } = this.deps
      if (!sockets.chatsOf(workspace, record.visitorId) && !sockets.loadersOf(workspace, record.visitorId)) return
      const wanted = new Set(messageIds)
      const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
      let messages: ChatMessage[]
      try {
        messages = messagesOf(room.doc)
          .toArray()
          .filter((m): m is ChatMessage => isChatMessage(m) && wanted.has(m.id))
      } finally {
        this.deps.rooms.release(room)
      }
      await this.push(workspace, conversationId, messages)
    })
  }

  private async push(workspace: string, conversationId: string, messages: ChatMessage[]): Promise<void> {
    const { sockets } = this.deps
    const record = await this.deps.conversations.get(workspace, conversationId)
    if (!record) return
    const shown = messages.filter((m) => !m.internal)
    if (!sockets.chatsOf(workspace, record.visitorId)) {
      // No chat open, only the loader on a page (an agent started the chat from the visitors list):
      // a nudge makes it load the chat, which then receives the message with its history.
      const reply = shown.find((m) => m.kind !== 'visitor')
      const loaders = sockets.loadersOf(workspace, record.visitorId)
      if (reply && loaders) for (const ws of loaders) sockets.send(ws, { type: 'message', conversationId, message: forVisitor(conversationId, reply, undefined) })
      return
    }
    const files = shown.some((m) => m.attachments?.length) ? await this.deps.files.verified(workspace, shown) : () => undefined
    // Looked up again: the visitor may have left while the files were read.
    const set = sockets.chatsOf(workspace, record.visitorId)
    if (!set) return
    for (const m of shown) {
      const frame: ToWidget = { type: 'message', conversationId, message: forVisitor(conversationId, m, files(m)) }
      for (const ws of set) sockets.send(ws, frame)
    }
    const lastReply = shown.filter((m) => m.kind === 'agent').at(-1)
    if (lastReply) {
      // Handed to an open widget: agents see their reply as delivered.
      await this.delivered(workspace, conversationId, lastReply.id)
      // An agent who answers has read what the visitor wrote before.
      await this.deps.signals.answered(workspace, conversationId)
    }
  }

  /**
   * Agents' replies are delivered once handed to an open widget of the visitor (live, or in the
   * history of a widget coming back): `meta.visitorDeliveredUpTo`, never moved backwards.
   */
  async delivered(workspace: string, conversationId: string, upTo: string): Promise<void> {
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = metaOf(room.doc)
      if (meta.get('visitorDeliveredUpTo') === upTo) return
      const ids = messagesOf(room.doc).toArray().map((m) => m.id)
      const at = ids.lastIndexOf(upTo)
      const before = ids.lastIndexOf(meta.get('visitorDeliveredUpTo') as string)
      if (at < 0 || at <= before) return
      await room.change((doc) => metaOf(doc).set('visitorDeliveredUpTo', upTo))
    } finally {
      this.deps.rooms.release(room)
    }
  }
}

/**
 * What the visitor sees of a message: the author's display name, not the agent's id; its files
 * as the server recorded them (`attachments`), never as the message claims.
 */
export function forVisitor(conversationId: string, m: ChatMessage, attachments: Attachment[] | undefined): WidgetHistoryMessage {
  return {
    id: m.id,
    clientId: m.clientId,
    kind: m.kind,
    authorName: m.authorName,
    text: m.text,
    at: m.at,
    conversationId,
    ...(attachments?.length ? { attachments } : {}),
    // A bot's question: its buttons, as plain label/value pairs.
    ...(Array.isArray(m.buttons) && m.buttons.length ? { buttons: m.buttons.map((b) => ({ label: String(b.label), value: String(b.value) })) } : {}),
  }
}
