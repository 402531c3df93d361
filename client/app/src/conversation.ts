/**
 * One open conversation as Solid state: its Yjs document (reference-counted, released in
 * onCleanup) reaches the view as its meta (a store patched with `reconcile`) and its messages (a
 * plain list), plus which replies the server has committed and the inbox row for what the
 * document does not know yet.
 */
import { batch, createEffect, createMemo, createSignal, onCleanup, type Accessor } from 'solid-js'
import { liveQuery } from 'dexie'
import { createStore, reconcile } from 'solid-js/store'
import type { Awareness } from 'y-protocols/awareness'
import { conversationDocName, isChatMessage, messagesOf, metaOf, readMeta, type ConversationMeta } from '../../../shared/documents.ts'
import { sanitizeAttachments } from '../../../shared/files.ts'
import { MessageKind, type ChatMessage, type LogEvent } from '../../../shared/protocol.ts'
import { markRead, type ConversationRow, type HeldReply } from '../../data/db.ts'
import type { DocumentError, DocumentHandle } from '../../data/docs.ts'
import { conversationEvents } from '../../data/eventLog.ts'
import { sendReply } from '../../data/outbox.ts'
import { createLiveQuery } from './liveQuery.ts'
import { createHeldMessages, withHeld } from './thread/heldReplies.ts'
import { useWorkspace } from './workspace.tsx'

export type MessageState = 'pending' | 'sent'

export interface ConversationState {
  /** `loading` until the local copy is read (offline too), then `ready`; `failed` if it could not be. */
  status: 'loading' | 'ready' | 'failed'
  meta: ConversationMeta | null
}

export interface Conversation {
  id: string
  state: ConversationState
  /**
   * The thread to show: the document's messages; while this device holds fewer of them than the
   * event log does (a conversation never opened here, offline), the log's copies fill in.
   * Messages are immutable: an unchanged message is the same object from one list to the next.
   */
  messages: Accessor<ChatMessage[]>
  /** The inbox row of this conversation, when the event log has one. */
  row: Accessor<ConversationRow | undefined>
  synced: Accessor<boolean>
  error: Accessor<DocumentError | null>
  /** The document's awareness (presence), once the local copy is open. */
  awareness: Accessor<Awareness | null>
  /** The delivery state of a message: replies are pending until the server logged them. */
  messageState(message: ChatMessage): MessageState
  /** Whether the visitor has read up to (or past) this message, by their widget's read receipt. */
  isRead(message: ChatMessage): boolean
  /** Whether this reply reached an open widget of the visitor (up to or past it). */
  isDelivered(message: ChatMessage): boolean
  /** Appends a reply (works offline); false when nothing was sent. */
  send(text: string): Promise<boolean>
  /** The reply with files behind a message, while it is held on this device (uploading, or refused). */
  held(messageId: string): HeldReply | undefined
  /** Says (in the document's awareness) that this agent is typing a reply, or stopped; the visitor sees "typing…". */
  setTyping(typing: boolean): void
}

/**
 * Messages in array order, each once (two replicas could append the same id concurrently). They
 * are the objects Yjs holds, not copies: never changed, and the same object while unchanged, so a
 * long thread is neither copied nor wrapped in a store at every new message.
 */
function readMessages(values: unknown[]): ChatMessage[] {
  const seen = new Set<string>()
  const out: ChatMessage[] = []
  for (const v of values) {
    if (!isChatMessage(v) || seen.has(v.id)) continue
    seen.add(v.id)
    out.push(v)
  }
  return out
}

const KINDS = new Set<string>(Object.values(MessageKind))

/** A message as the event log recorded it (server time), for when the document is not here. */
export function messageFromEvent(e: LogEvent): ChatMessage | null {
  const d = e.data
  if (e.type !== 'message' || typeof d.messageId !== 'string' || typeof d.text !== 'string' || !KINDS.has(String(d.kind))) return null
  return {
    id: d.messageId,
    clientId: typeof d.clientId === 'string' ? d.clientId : d.messageId,
    kind: d.kind as MessageKind,
    authorId: typeof d.authorId === 'string' ? d.authorId : '',
    authorName: typeof d.authorName === 'string' ? d.authorName : '',
    text: d.text,
    at: e.at,
    ...(Array.isArray(d.attachments) ? { attachments: sanitizeAttachments(d.attachments) } : {}),
    ...(d.kind === MessageKind.system ? { internal: true } : {}),
  }
}

/** Opens a conversation for a view; must run inside a component. */
export function createConversation(id: string): Conversation {
  const ws = useWorkspace()
  const [state, setState] = createStore<ConversationState>({ status: 'loading', meta: null })
  const [docMessages, setDocMessages] = createSignal<ChatMessage[]>([])
  // Built only once a receipt exists: a long thread opened without one need not index its messages.
  const messageIndex = createMemo(() =>
    state.meta?.visitorReadUpTo || state.meta?.visitorDeliveredUpTo ? new Map(docMessages().map((m, i) => [m.id, i])) : null,
  )
  /** Where a receipt (read, delivered) points in the thread, when it points at a message this device has. */
  const receipt = (upTo: string | null | undefined) => {
    const index = messageIndex()
    if (!upTo || !index) return null
    const readIndex = index.get(upTo)
    return readIndex === undefined ? null : { index, readIndex }
  }
  const readPositions = createMemo(() => receipt(state.meta?.visitorReadUpTo))
  const deliveredPositions = createMemo(() => receipt(state.meta?.visitorDeliveredUpTo))
  const [handle, setHandle] = createSignal<DocumentHandle | null>(null)
  let disposed = false
  let stop = () => {}

  const opened: Promise<DocumentHandle | null> = ws.openDocument(conversationDocName(id)).then(
    (h) => {
      if (disposed) {
        h.release()
        return null
      }
      const messages = messagesOf(h.doc)
      const meta = metaOf(h.doc)
      const syncMessages = () => setDocMessages(readMessages(messages.toArray()))
      const syncMeta = () => setState('meta', reconcile(readMeta(h.doc)))
      messages.observeDeep(syncMessages)
      meta.observe(syncMeta)
      // Being on screen is a state in the awareness (the server tells the visitor their messages
      // were read); y-protocols ignores a client that never set a field, hence `viewing`.
      h.awareness.setLocalStateField('viewing', true)
      stop = () => {
        messages.unobserveDeep(syncMessages)
        meta.unobserve(syncMeta)
        // Another holder of the document may keep it open: leave, rather than wait for the unload.
        h.awareness.setLocalState(null)
        h.release()
      }
      batch(() => {
        syncMessages()
        syncMeta()
        setState('status', 'ready')
        setHandle(h)
      })
      return h
    },
    (err) => {
      console.error('[conversation] could not open', id, err)
      if (!disposed) setState('status', 'failed')
      return null
    },
  )
  onCleanup(() => {
    disposed = true
    stop()
  })

  const row = createLiveQuery(() => ws.db.conversations.get(id))
  const synced = createMemo(() => handle()?.synced() ?? false)
  const error = createMemo(() => handle()?.error() ?? null)

  // The log's copies are read only while they can add something: the local copy is open (reading
  // thousands of events while it loads would slow the opening down), the server's is not merged
  // yet (offline, or a conversation never opened here), and the log counts more messages. A synced
  // document is the whole thread; re-reading a long thread's events at every new message is not free.
  const logMayAdd = createMemo(() => state.status !== 'loading' && !synced() && (row()?.messageCount ?? 0) > docMessages().length)
  const [fromLog, setFromLog] = createSignal<ChatMessage[]>([])
  createEffect(() => {
    if (!logMayAdd()) return setFromLog([])
    const subscription = liveQuery(async () =>
      (await conversationEvents(ws.db, id, 'message'))
        .map(messageFromEvent)
        .filter((m): m is ChatMessage => m !== null),
    ).subscribe({
      // The same object for a message already read, as the document's messages are.
      next: (logged) =>
        setFromLog((before) => {
          const byId = new Map(before.map((m) => [m.id, m]))
          return logged.map((m) => byId.get(m.id) ?? m)
        }),
      error: (err) => console.error('[conversation] reading the log failed', err),
    })
    onCleanup(() => subscription.unsubscribe())
  })
  const known = createMemo(() => {
    const own = docMessages()
    const logged = fromLog()
    if (own.length >= logged.length) return own
    // The log's copies, then replies written here that the log does not have yet.
    const logIds = new Set(logged.map((m) => m.id))
    const byId = new Map(own.map((m) => [m.id, m]))
    return [...logged.map((m) => byId.get(m.id) ?? m), ...own.filter((m) => !logIds.has(m.id))]
  })
  const held = createHeldMessages(ws.db, id)
  // Replies with files still on this device come last, until the document has them.
  const messages = createMemo(() => withHeld(known(), held.messages()))
  // This device's replies the server has not logged yet: the few in `pending` (a reply logged in
  // a race with its own noting counts as sent). Asking which of thousands of replies were logged
  // would make the live query watch every one of their keys.
  const unsentIds = createLiveQuery(async () => {
    const ids = (await ws.db.pending.where('conversationId').equals(id).primaryKeys()).map(String)
    if (!ids.length) return new Set<string>()
    const logged = await ws.db.sentIds.bulkGet(ids)
    return new Set(ids.filter((_, i) => !logged[i]))
  })

  // Looking at a conversation reads it, including what arrives while it is open.
  createEffect(() => {
    if ((row()?.unread ?? 0) > 0) void markRead(ws.db, id)
  })

  return {
    id,
    state,
    messages,
    row,
    synced,
    error,
    awareness: () => handle()?.awareness ?? null,
    setTyping(typing) {
      const a = handle()?.awareness
      if (a && a.getLocalState()?.typing !== typing) a.setLocalStateField('typing', typing)
    },
    isDelivered(message) {
      const positions = deliveredPositions()
      if (!positions) return false
      const at = positions.index.get(message.id)
      return at !== undefined && at <= positions.readIndex
    },
    isRead(message) {
      const positions = readPositions()
      if (!positions) return false
      const at = positions.index.get(message.id)
      return at !== undefined && at <= positions.readIndex
    },
    messageState(message) {
      if (message.kind !== 'agent') return 'sent'
      // Held (its files uploading) or written here and not logged yet.
      return held.byMessageId().has(message.id) || unsentIds()?.has(message.id) ? 'pending' : 'sent'
    },
    async send(text) {
      // A reply typed while the local copy is still loading waits for it (a few milliseconds).
      const h = handle() ?? (await opened)
      if (!h || disposed) return false
      return (await sendReply(ws.db, ws.session, id, h.doc, text)) !== null
    },
    held: (messageId) => held.byMessageId().get(messageId),
  }
}
