import type {
  Attachment,
  FromWidget,
  ToWidget,
  WidgetAck,
  WidgetError,
  WidgetHello,
  WidgetHistoryMessage,
  WidgetIncoming,
  WidgetWelcome,
} from '../../shared/protocol.ts'
import { Limits, WidgetErrorCode } from '../../shared/protocol.ts'
import { newId } from '../../shared/id.ts'
import { fileProblem, normalizeFileType } from '../../shared/files.ts'
import type { ConnectionStatus } from './connection.ts'
import { Connection } from './connection.ts'
import type { EmbedConfig } from './config.ts'
import type { OutboxItem } from './storage.ts'
import { WidgetStorage } from './storage.ts'
import type { ShownMessage } from './view.ts'
import { WidgetView } from './view.ts'

/** Events the host page can subscribe to through `window.Parley.on`. */
export interface ParleyEvents {
  message: WidgetHistoryMessage
  unread: number
  open: undefined
  close: undefined
}
export type ParleyEvent = keyof ParleyEvents

/**
 * Visitors type in bursts; telling the agent "typing…" more often than this only costs frames
 * against the server's rate limit.
 */
const TYPING_THROTTLE_MS = 3_000
/** After a `too_many` or `internal` error, wait this long before offering the outbox to the server again. */
const RATE_LIMITED_RETRY_MS = 5_000

/**
 * Field lengths the server's hello/page schema accepts (shared/schemas.ts, which the widget
 * cannot import without bundling zod). A long tracking URL must be clipped, not refuse the hello.
 */
const MAX_URL = 2048
const MAX_TITLE = 512
const MAX_NAME = 200
const MAX_EMAIL = 320

const encoder = new TextEncoder()

/**
 * The visitor's side of the conversation: owns the shown messages, the outbox, the unread
 * count and the open state, and keeps the view, the connection and localStorage in step.
 */
export class ChatSession {
  private readonly storage: WidgetStorage
  private readonly view: WidgetView
  private readonly connection: Connection
  private shown: ShownMessage[] = []
  private readonly byId = new Map<string, ShownMessage>()
  private readonly byClientId = new Map<string, ShownMessage>()
  private readonly listeners: { [E in ParleyEvent]: Set<(payload: ParleyEvents[E]) => void> } = {
    message: new Set(),
    unread: new Set(),
    open: new Set(),
    close: new Set(),
  }
  private isOpen = false
  private unread = 0
  /** False until we know what the visitor has already seen, so a first load's history is not "new". */
  private hasBaseline = false
  private lastReadSent = ''
  private lastTypingAt = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly config: EmbedConfig) {
    this.storage = new WidgetStorage(config.workspace)
    this.view = new WidgetView({
      onSend: (text) => this.send(text),
      onFiles: (files) => void this.sendFiles(files),
      onInput: (text) => this.handleInput(text),
      onLauncher: () => this.setOpen(!this.isOpen, true),
      onClose: () => this.setOpen(false, true),
    }, config.serverUrl)
    this.connection = new Connection({
      url: config.socketUrl,
      hello: () => this.hello(),
      onFrame: (frame) => this.handleFrame(frame),
      onStatus: (status) => this.handleStatus(status),
    })
  }

  start(): void {
    // Paint what we know before the network answers: the cached history, then unsent messages.
    const cached = this.storage.loadHistory()
    this.hasBaseline = cached !== null
    for (const m of cached ?? []) this.remember(fromServer(m))
    for (const item of this.storage.loadOutbox()) {
      if (!this.byClientId.has(item.clientId)) this.remember(fromOutbox(item))
    }
    this.view.renderMessages(this.shown)
    this.unread = this.storage.loadUnread()
    this.view.setUnread(this.unread)
    this.view.mount()
    if (this.config.openAtStart) this.setOpen(true, false)
    window.addEventListener('popstate', this.handleNavigation)
    window.addEventListener('hashchange', this.handleNavigation)
    document.addEventListener('visibilitychange', this.handleVisibility)
    this.connection.start()
  }

  setOpen(open: boolean, focus: boolean): void {
    if (open === this.isOpen) return
    this.isOpen = open
    this.view.setOpen(open, focus)
    if (open) {
      this.setUnread(0)
      this.sendRead()
    }
    this.emit(open ? 'open' : 'close', undefined)
  }

  get open(): boolean {
    return this.isOpen
  }

  on<E extends ParleyEvent>(event: E, fn: (payload: ParleyEvents[E]) => void): () => void {
    const set = this.listeners[event] as Set<(payload: ParleyEvents[E]) => void> | undefined
    if (!set || typeof fn !== 'function') {
      console.warn(`[parley] on(): unknown event "${String(event)}" or missing handler`)
      return () => {}
    }
    set.add(fn)
    return () => void set.delete(fn)
  }

  /** Queues a message in the outbox (so a reload or a dead socket cannot lose it), then tries to send it. */
  send(raw: string): void {
    const text = raw.trim()
    if (!text) return
    if (text.length > Limits.messageText) {
      this.view.setError(tooLongText(text.length))
      return
    }
    const item: OutboxItem = { clientId: newId(), text, at: Date.now() }
    // The server counts bytes, and JSON escaping can make a frame much larger than its text.
    if (encoder.encode(JSON.stringify(sendFrame(item))).length > Limits.widgetFrame) {
      this.view.setError('This message is too large to send. Please shorten it.')
      return
    }
    this.storage.appendOutbox(item)
    const shown = fromOutbox(item)
    this.remember(shown)
    this.view.appendMessage(shown)
    this.view.clearInput()
    this.view.setError(null)
    this.lastTypingAt = 0
    this.connection.send(sendFrame(item))
  }

  /**
   * Uploads files to `/widget/files`, then sends them as one message (which, like text, waits in
   * the outbox if the socket drops). Files need the network: offline, the visitor is told so.
   */
  private async sendFiles(files: File[]): Promise<void> {
    if (!files.length) return
    const problem = files.length > Limits.attachmentsPerMessage ? `Please send at most ${Limits.attachmentsPerMessage} files at once.` : files.map(fileProblem).find(Boolean)
    if (problem) return this.view.setError(problem)
    const token = this.storage.loadToken()
    if (!navigator.onLine || !this.connection.isReady || !token) return this.view.setError(OFFLINE_FILES)
    this.view.setError(null)
    // The server cleans the name (folders, control characters) and answers with what it kept.
    const files_ = files.map((f) => ({ blob: f, name: f.name || 'file', type: normalizeFileType(f.type, f.name) }))
    const shown: ShownMessage = {
      id: '',
      clientId: newId(),
      kind: 'visitor',
      authorName: '',
      text: '',
      at: Date.now(),
      conversationId: '',
      pending: true,
      attachments: files_.map((f) => ({ id: '', name: f.name, type: f.type, size: f.blob.size, url: '' })),
    }
    this.remember(shown)
    this.view.appendMessage(shown)
    let attachments: Attachment[]
    try {
      attachments = await Promise.all(files_.map((f) => this.upload(token, f)))
    } catch (err) {
      shown.pending = false
      shown.failed = true
      this.view.updateMessage(shown)
      return this.view.setError((err as Error).message)
    }
    shown.attachments = attachments
    this.view.updateMessage(shown)
    const item: OutboxItem = { clientId: shown.clientId, text: '', at: shown.at, attachments }
    this.storage.appendOutbox(item)
    this.connection.send(sendFrame(item))
  }

  private async upload(token: string, f: { blob: File; name: string; type: string }): Promise<Attachment> {
    let res: Response
    try {
      res = await fetch(`${this.config.serverUrl}/widget/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': f.type, 'x-file-name': encodeURIComponent(f.name) },
        body: f.blob,
      })
    } catch {
      throw new Error(OFFLINE_FILES)
    }
    if (res.ok) return (await res.json()) as Attachment
    // The server's limits may be stricter than this build's: say it in the same words as ours.
    throw new Error(
      res.status === 413
        ? `"${f.name}" is too large to send.`
        : res.status === 415
          ? fileProblem({ name: f.name, type: 'application/x-unknown', size: 1 })!
          : SEND_FAILED,
    )
  }

  private hello(): WidgetHello {
    const hello: WidgetHello = {
      type: 'hello',
      workspace: this.config.workspace,
      visitorToken: this.storage.loadToken(),
      page: currentPage(),
    }
    const { userName, userEmail } = this.config
    if (userName || userEmail) {
      hello.user = {}
      if (userName) hello.user.name = userName.slice(0, MAX_NAME)
      if (userEmail) hello.user.email = userEmail.slice(0, MAX_EMAIL)
    }
    return hello
  }

  private handleFrame(frame: ToWidget): void {
    switch (frame.type) {
      case 'welcome':
        return this.handleWelcome(frame)
      case 'ack':
        return this.handleAck(frame)
      case 'message':
        return this.handleIncoming(frame)
      case 'queue':
        return this.view.setQueue(frame.position, frame.waitSeconds ?? undefined)
      case 'error':
        return this.handleError(frame)
    }
  }

  private handleWelcome(w: WidgetWelcome): void {
    this.storage.saveToken(w.visitorToken)
    const seenIds = new Set(this.byId.keys())
    const pendingIds = new Set(this.shown.filter((m) => m.pending).map((m) => m.clientId))

    // The server's history is the truth; our cache may be stale or belong to a token it refused.
    const history = w.history.map(fromServer)
    const stored = new Set(history.map((m) => m.clientId))
    // An outbox item already in the history was stored but its ack was lost with the old socket.
    this.storage.removeFromOutbox(this.storage.loadOutbox().map((i) => i.clientId).filter((id) => stored.has(id)))
    const waiting = this.storage.loadOutbox().map(fromOutbox)

    this.shown = []
    this.byId.clear()
    this.byClientId.clear()
    for (const m of [...history, ...waiting]) this.remember(m)
    this.view.renderMessages(this.shown)
    this.saveHistory()

    if (this.hasBaseline) {
      for (const m of history) {
        if (!seenIds.has(m.id) && !pendingIds.has(m.clientId)) this.announce(m)
      }
    }
    this.hasBaseline = true
    this.flushOutbox()
    this.sendRead()
  }

  private handleAck(a: WidgetAck): void {
    this.storage.removeFromOutbox([a.clientId])
    const m = this.byClientId.get(a.clientId)
    if (!m || !m.pending) return
    this.confirm(m, a.id, a.conversationId)
  }

  private handleIncoming(f: WidgetIncoming): void {
    const incoming = fromServer(f.message)
    if (this.byId.has(incoming.id)) return
    const own = incoming.clientId ? this.byClientId.get(incoming.clientId) : undefined
    if (own) {
      // Our own message, stored before its ack reached us (or echoed to this tab by another).
      this.storage.removeFromOutbox([incoming.clientId])
      if (own.pending) this.confirm(own, incoming.id, incoming.conversationId)
      return
    }
    this.remember(incoming)
    this.view.appendMessage(incoming)
    this.saveHistory()
    this.announce(incoming)
    if (incoming.kind === 'agent') this.view.setQueue(null) // someone picked the conversation up
    this.sendRead()
  }

  private handleError(e: WidgetError): void {
    if (e.code === WidgetErrorCode.badToken) {
      // The token expired or belongs to a wiped workspace: become a new visitor. The outbox
      // stays, so whatever the visitor typed is sent in the new conversation.
      this.storage.clearToken()
      this.connection.restart()
      return
    }
    this.view.setError(friendlyError(e))
    if ((e.code === WidgetErrorCode.blocked || e.code === WidgetErrorCode.badFile) && e.clientId) {
      // Refused for good: keep it on screen, marked, but stop offering it to the server.
      this.storage.removeFromOutbox([e.clientId])
      const m = this.byClientId.get(e.clientId)
      if (m) {
        m.pending = false
        m.failed = true
        this.view.updateMessage(m)
      }
    }
    // Neither refusal is about the message itself, so the outbox gets another chance soon
    // rather than only at the next reconnect.
    if (e.code === WidgetErrorCode.tooMany || e.code === WidgetErrorCode.internal) {
      clearTimeout(this.retryTimer)
      this.retryTimer = setTimeout(() => this.flushOutbox(), RATE_LIMITED_RETRY_MS)
    }
  }

  private handleStatus(status: ConnectionStatus): void {
    this.view.setStatus(status)
  }

  private handleInput(text: string): void {
    if (text.trim().length > Limits.messageText) this.view.setError(tooLongText(text.trim().length))
    else this.view.setError(null)
    const now = Date.now()
    if (text.trim() && now - this.lastTypingAt > TYPING_THROTTLE_MS) {
      if (this.connection.send({ type: 'typing' })) this.lastTypingAt = now
    }
  }

  /** Resends every unacknowledged message with its original clientId; the server stores each once. */
  private flushOutbox(): void {
    for (const item of this.storage.loadOutbox()) {
      // Another tab may have queued it: show it here too, so its ack has something to confirm.
      if (!this.byClientId.has(item.clientId)) {
        const m = fromOutbox(item)
        this.remember(m)
        this.view.appendMessage(m)
      }
      if (!this.connection.send(sendFrame(item))) return
    }
  }

  private confirm(m: ShownMessage, id: string, conversationId: string): void {
    m.pending = false
    m.id = id
    if (conversationId) m.conversationId = conversationId
    this.byId.set(id, m)
    this.view.updateMessage(m)
    this.saveHistory()
  }

  /** Tells the host page about a message that is new to this visitor, and counts it if unseen. */
  private announce(m: ShownMessage): void {
    this.emit('message', toPublic(m))
    if ((m.kind === 'agent' || m.kind === 'bot') && !this.isOpen) this.setUnread(this.unread + 1)
  }

  private sendRead(): void {
    if (!this.isOpen || document.visibilityState !== 'visible') return
    let last: ShownMessage | undefined
    for (let i = this.shown.length - 1; i >= 0 && !last; i--) if (!this.shown[i]!.pending) last = this.shown[i]
    if (!last || last.id === this.lastReadSent) return
    if (this.connection.send({ type: 'read', upTo: last.id })) this.lastReadSent = last.id
  }

  private setUnread(count: number): void {
    if (count === this.unread) return
    this.unread = count
    this.storage.saveUnread(count)
    this.view.setUnread(count)
    this.emit('unread', count)
  }

  private remember(m: ShownMessage): void {
    this.shown.push(m)
    if (m.id) this.byId.set(m.id, m)
    if (m.clientId) this.byClientId.set(m.clientId, m)
  }

  private saveHistory(): void {
    this.storage.saveHistory(this.shown.filter((m) => !m.pending).map(toPublic))
  }

  private emit<E extends ParleyEvent>(event: E, payload: ParleyEvents[E]): void {
    for (const fn of Array.from(this.listeners[event])) {
      try {
        ;(fn as (p: ParleyEvents[E]) => void)(payload)
      } catch (err) {
        // A bug in the host page's listener must not break the chat.
        console.error('[parley] listener failed', err)
      }
    }
  }

  private readonly handleNavigation = (): void => {
    this.connection.send({ type: 'page', ...currentPage() })
  }

  private readonly handleVisibility = (): void => {
    this.sendRead()
  }
}

function currentPage(): { url: string; title: string } {
  return { url: location.href.slice(0, MAX_URL), title: document.title.slice(0, MAX_TITLE) }
}

function sendFrame(item: OutboxItem): FromWidget {
  const frame: FromWidget = { type: 'message', clientId: item.clientId, text: item.text }
  if (item.attachments && item.attachments.length) frame.attachments = item.attachments.map((a) => a.id)
  return frame
}

function fromServer(m: WidgetHistoryMessage): ShownMessage {
  return { ...m, pending: false }
}

function fromOutbox(item: OutboxItem): ShownMessage {
  return {
    id: '',
    clientId: item.clientId,
    kind: 'visitor',
    authorName: '',
    text: item.text,
    at: item.at,
    conversationId: '',
    pending: true,
    ...(item.attachments ? { attachments: item.attachments } : {}),
  }
}

function toPublic(m: ShownMessage): WidgetHistoryMessage {
  const { pending: _pending, ...shown } = m
  return shown
}

const OFFLINE_FILES = "Files can't be sent while you are offline. Please try again when you are back online."
const SEND_FAILED = 'Sorry, that file could not be sent. Please try again.'

function tooLongText(length: number): string {
  return `Your message is too long (${groupDigits(length)} characters). Please keep it under ${groupDigits(Limits.messageText)}.`
}

function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** What the visitor reads for a server error: plain words, not the server's diagnostics. */
function friendlyError(e: WidgetError): string {
  switch (e.code) {
    case WidgetErrorCode.tooLarge:
      return 'That message is too large to send. Please shorten it.'
    case WidgetErrorCode.tooMany:
      return 'You are sending messages too quickly. We will retry in a moment.'
    case WidgetErrorCode.unknownWorkspace:
      return 'This chat is not available right now.'
    case WidgetErrorCode.internal:
      return 'Something went wrong on our side. We will retry in a moment.'
    case WidgetErrorCode.badRequest:
    case WidgetErrorCode.unknownType:
    case WidgetErrorCode.notHello:
      return 'Something went wrong. Please try again.'
    default:
      return e.message || 'Something went wrong. Please try again.'
  }
}
