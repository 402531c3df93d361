import type { FromWidget, ToWidget, WidgetAck, WidgetError, WidgetIncoming, WidgetSurvey, WidgetWelcome } from '../../shared/protocol.ts'
import { Limits, WidgetErrorCode } from '../../shared/protocol.ts'
import { newId } from '../../shared/id.ts'
import type { PublicWidgetConfig } from '../../shared/widgetConfig.ts'
import { parseWidgetConfig } from '../../shared/widgetConfig.ts'
import type { ChatContext, ChatHandle, VisitorIdentity } from './api.ts'
import type { ConnectionStatus } from './connection.ts'
import { Connection } from './connection.ts'
import type { EmbedConfig } from './config.ts'
import { friendlyError, tooLongText } from './errorText.ts'
import { createFileSender, type FileSender } from './fileSender.ts'
import { chooseGate, gateNotice, gateSlot, type Gate } from './gate.ts'
import { createInvitation, type Invitation } from './invitation.ts'
import { fromOutbox, fromServer, toPublic } from './shownMessages.ts'
import type { OutboxItem } from './storage.ts'
import { WidgetStorage } from './storage.ts'
import { surveyBlock, thankForSurvey } from './survey.ts'
import type { ShownMessage } from './view.ts'
import { WidgetView } from './view.ts'
import { attributesFrame, currentPage, helloFrame, messageFrame, trackFrame } from './visitorFrames.ts'

/**
 * Visitors type in bursts; telling the agent "typing…" more often than this only costs frames
 * against the server's rate limit.
 */
const TYPING_THROTTLE_MS = 3_000
/** After a `too_many` or `internal` error, wait this long before offering the outbox to the server again. */
const RATE_LIMITED_RETRY_MS = 5_000
/** Frames other than messages (forms, ratings, attributes…) kept while offline; a few are plenty. */
const CONTROL_QUEUE_MAX = 50

const encoder = new TextEncoder()

/**
 * The visitor's side of the conversation: owns the shown messages, the outbox, the unread
 * count and the open state, and keeps the view, the connection and localStorage in step.
 */
export class ChatSession implements ChatHandle {
  private readonly config: EmbedConfig
  private readonly storage: WidgetStorage
  private readonly view: WidgetView
  private readonly connection: Connection
  private readonly invitation: Invitation
  private readonly files: FileSender
  private shown: ShownMessage[] = []
  private readonly byId = new Map<string, ShownMessage>()
  private readonly byClientId = new Map<string, ShownMessage>()
  /** Forms, ratings, attributes and tracks waiting for the socket, in order. */
  private control: FromWidget[] = []
  private look: PublicWidgetConfig
  private availability: { online: boolean; requestForm: boolean } = { online: true, requestForm: false }
  /** Whether the server says this visitor answered the pre-chat form (older servers: unknown, so not asked twice). */
  private formDone = false
  private requestSent = false
  /** The conversation the open survey is about. */
  private surveyFor = ''
  /** What stands in place of the composer now (kept while it stays the same, so typed answers survive a reconnect). */
  private gate: Gate | null = null
  private isOpen = false
  private unread = 0
  /** False until we know what the visitor has already seen, so a first load's history is not "new". */
  private hasBaseline = false
  private lastReadSent = ''
  private lastTypingAt = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly ctx: ChatContext) {
    const config = (this.config = ctx.embed)
    this.storage = new WidgetStorage(config.workspace)
    this.look = parseWidgetConfig(ctx.config)
    this.view = new WidgetView(
      {
        onSend: (text) => this.send(text),
        onChoice: (label, value) => this.send(label, value),
        onFiles: (files) => void this.files.send(files),
        onRetry: (m) => void this.files.retry(m),
        onInput: (text) => this.handleInput(text),
        onClose: () => this.setOpen(false, true),
      },
      config.serverUrl,
      { frame: ctx.frame, launcher: ctx.launcher, pageMode: config.pageMode },
    )
    this.connection = new Connection({
      url: config.socketUrl,
      hello: () => helloFrame(this.config, this.storage.loadToken()),
      onFrame: (frame) => this.handleFrame(frame),
      onStatus: (status) => this.handleStatus(status),
    })
    this.files = createFileSender(config.serverUrl, this.storage, this.connection, this.view, (m) => this.remember(m))
    this.invitation = createInvitation(ctx, this.storage, (frame) => this.sendControl(frame), () => this.setOpen(true, true))
  }

  start(): void {
    // Paint what we know before the network answers: the cached history, then unsent messages.
    const cached = this.storage.loadHistory()
    this.hasBaseline = cached !== null
    for (const m of cached ?? []) this.remember(fromServer(m))
    for (const item of this.storage.loadOutbox()) {
      if (!this.byClientId.has(item.clientId)) this.remember(fromOutbox(item))
    }
    this.view.applyConfig(this.look)
    this.view.renderMessages(this.shown)
    this.unread = this.storage.loadUnread()
    this.ctx.setUnread(this.unread)
    window.addEventListener('popstate', this.handleNavigation)
    window.addEventListener('hashchange', this.handleNavigation)
    document.addEventListener('visibilitychange', this.handleVisibility)
    this.connection.start()
  }

  setOpen(open: boolean, focus: boolean): void {
    if (open === this.isOpen) return
    this.isOpen = open
    if (open) {
      this.invitation.hide()
      this.showGate(false)
    }
    this.view.setOpen(open, focus)
    this.ctx.setOpen(open)
    if (open) {
      this.setUnread(0)
      this.sendRead()
    }
    this.ctx.emit(open ? 'open' : 'close', undefined)
  }

  get open(): boolean {
    return this.isOpen
  }

  setUser(user: VisitorIdentity): void {
    this.config.userName = typeof user.name === 'string' ? user.name : undefined
    this.config.userEmail = typeof user.email === 'string' ? user.email : undefined
    this.config.userHash = typeof user.hash === 'string' ? user.hash : undefined
    // The server reads who the visitor is from hello: say hello again with the new identity.
    if (this.connection.isReady) this.connection.restart()
  }

  setAttributes(values: Record<string, string>): void {
    if (typeof values !== 'object' || !values) return
    this.sendControl(attributesFrame(values))
  }

  track(name: string, payload?: Record<string, string | number | boolean>): void {
    if (typeof name !== 'string' || !name) return
    this.sendControl(trackFrame(name, payload))
  }

  applyConfig(raw: unknown): void {
    const config = (this.look = parseWidgetConfig(raw))
    this.view.applyConfig(config)
    this.gate = null // the forms' fields may have changed: build them again
    this.showGate(false)
  }

  /** The launch criterion was met with invitations on: show it (the box if not minimised). */
  invite(): void {
    if (this.isOpen) return
    this.invitation.show(this.look.activation.inviteText, this.look.activation.inviteMinimised)
  }

  /** Proactive without invitation: agents are alerted; their message then comes in like any other. */
  engage(): void {
    this.sendControl({ type: 'engage' })
  }

  /** Queues a message in the outbox (so a reload or a dead socket cannot lose it), then tries to send it. */
  send(raw: string, choice?: string): void {
    const text = raw.trim()
    if (!text) return
    // A new conversation after a closed one: the survey of the old one goes.
    this.surveyFor = ''
    if (text.length > Limits.messageText) {
      this.view.setError(tooLongText(text.length))
      return
    }
    const item: OutboxItem = { clientId: newId(), text, at: Date.now(), ...(choice !== undefined ? { choice } : {}) }
    // The server counts bytes, and JSON escaping can make a frame much larger than its text.
    if (encoder.encode(JSON.stringify(messageFrame(item))).length > Limits.widgetFrame) {
      this.view.setError('This message is too large to send. Please shorten it.')
      return
    }
    this.storage.appendOutbox(item)
    const shown = fromOutbox(item)
    this.remember(shown)
    this.view.appendMessage(shown)
    // A button's answer leaves what the visitor was typing alone.
    if (choice === undefined) this.view.clearInput()
    this.view.setError(null)
    this.lastTypingAt = 0
    this.connection.send(messageFrame(item))
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
      case 'typing':
        return this.view.setTyping(frame.typing ? frame.name : null)
      case 'read':
        return this.markRead(frame.upTo)
      case 'survey':
        return this.showSurvey(frame)
      case 'saved':
        if (frame.what === 'rating') thankForSurvey(this.ctx.frame, 'Thank you for your feedback!')
        return
    }
  }

  private handleWelcome(w: WidgetWelcome): void {
    this.storage.saveToken(w.visitorToken)
    // Older servers send neither configuration nor availability: the defaults (or the loader's) stand.
    if (w.config && !this.config.preview) this.applyConfig(w.config)
    if (w.availability) this.availability = w.availability
    // Without the server's word, a visitor with history is not asked the form again.
    this.formDone = w.formDone ?? w.history.length > 0
    if (w.current !== undefined) this.ctx.setActive(!!w.current && w.current.status !== 'closed')
    else this.ctx.setActive(w.history.length > 0)
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
    this.flushControl()
    this.sendRead()
    this.showGate(true)
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
    if (incoming.kind === 'agent') {
      this.view.setQueue(null) // someone picked the conversation up
      this.view.setTyping(null)
      this.ctx.setActive(true)
    }
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
      if (!this.connection.send(messageFrame(item))) return
    }
  }

  /** Sends a non-message frame now, or keeps it (in memory, in order) for the next welcome. */
  private sendControl(frame: FromWidget): void {
    if (this.control.length === 0 && this.connection.send(frame)) return
    this.control.push(frame)
    if (this.control.length > CONTROL_QUEUE_MAX) this.control.shift()
    if (!this.connection.isReady) return
    this.flushControl()
  }

  private flushControl(): void {
    while (this.control.length && this.connection.send(this.control[0]!)) this.control.shift()
  }

  /** Puts the gate the visitor should see now in place of the composer (gate.ts says which). */
  private showGate(focus: boolean): void {
    const { online, requestForm } = this.availability
    this.view.setNotice(gateNotice(online, requestForm))
    const want = chooseGate(this.look, { online, requestForm, requestSent: this.requestSent, formDone: this.formDone, chatting: this.shown.length > 0 })
    if (want === this.gate) return
    this.gate = want
    const slot = gateSlot(want, this.look, (kind, fields) => {
      this.sendControl({ type: 'form', kind, fields })
      if (kind === 'request') this.requestSent = true
      else this.formDone = true
      this.showGate(false)
      if (kind === 'prechat') this.view.focusFirst()
    })
    this.view.showSlot(slot, focus && this.isOpen && want !== 'thanks')
  }

  /** The agents read up to `upTo`: that message and the visitor's before it show as read. */
  private markRead(upTo: string): void {
    const at = this.shown.findIndex((m) => m.id === upTo)
    if (at < 0) return
    for (let i = 0; i <= at; i++) {
      const m = this.shown[i]!
      if (m.kind !== 'visitor' || m.read || m.pending) continue
      m.read = true
      this.view.updateMessage(m)
    }
  }

  /** The conversation closed: ask for a rating as configured (once per conversation). */
  private showSurvey(f: WidgetSurvey): void {
    this.ctx.setActive(false)
    this.view.setTyping(null)
    if ((!f.csat && !f.nps) || this.surveyFor === f.conversationId) return
    this.surveyFor = f.conversationId
    this.view.appendBlock(surveyBlock(f, (frame) => this.sendControl(frame)))
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
    this.ctx.emit('message', toPublic(m))
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
    this.ctx.setUnread(count)
    this.ctx.emit('unread', count)
  }

  private remember(m: ShownMessage): void {
    this.shown.push(m)
    if (m.id) this.byId.set(m.id, m)
    if (m.clientId) this.byClientId.set(m.clientId, m)
  }

  private saveHistory(): void {
    this.storage.saveHistory(this.shown.filter((m) => !m.pending).map(toPublic))
  }

  private readonly handleNavigation = (): void => {
    this.connection.send({ type: 'page', ...currentPage() })
  }

  private readonly handleVisibility = (): void => {
    this.sendRead()
  }
}
