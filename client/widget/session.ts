import type {
  Attachment,
  FromWidget,
  ToWidget,
  WidgetAck,
  WidgetError,
  WidgetHello,
  WidgetHistoryMessage,
  WidgetIncoming,
  WidgetSurvey,
  WidgetWelcome,
} from '../../shared/protocol.ts'
import { Limits, WidgetErrorCode } from '../../shared/protocol.ts'
import { newId } from '../../shared/id.ts'
import { fileProblem, normalizeFileType } from '../../shared/files.ts'
import type { PublicWidgetConfig } from '../../shared/widgetConfig.ts'
import { parseWidgetConfig } from '../../shared/widgetConfig.ts'
import type { ChatContext, ChatHandle, VisitorIdentity } from './api.ts'
import type { ConnectionStatus } from './connection.ts'
import { Connection } from './connection.ts'
import type { EmbedConfig } from './config.ts'
import { buildForm, buildInvite, buildSurvey } from './panels.ts'
import type { OutboxItem } from './storage.ts'
import { WidgetStorage } from './storage.ts'
import type { ShownMessage } from './view.ts'
import { WidgetView } from './view.ts'

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
const MAX_HASH = 128
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
  private shown: ShownMessage[] = []
  private readonly byId = new Map<string, ShownMessage>()
  private readonly byClientId = new Map<string, ShownMessage>()
  /** Files of messages not sent yet, by client id: those already stored are not uploaded again on "Try again". */
  private readonly uploads = new Map<string, { files: { blob: File; name: string; type: string }[]; done: Attachment[] }>()
  /** Forms, ratings, attributes and tracks waiting for the socket, in order. */
  private control: FromWidget[] = []
  private look: PublicWidgetConfig
  private availability: { online: boolean; requestForm: boolean } = { online: true, requestForm: false }
  /** Whether the server says this visitor answered the pre-chat form (older servers: unknown, so not asked twice). */
  private formDone = false
  private requestSent = false
  /** The conversation the open survey is about. */
  private surveyFor = ''
  private invitation: HTMLElement | null = null
  /** What stands in place of the composer now (kept while it stays the same, so typed answers survive a reconnect). */
  private gate: 'request' | 'prechat' | 'thanks' | 'none' | null = null
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
        onFiles: (files) => void this.sendFiles(files),
        onRetry: (m) => void this.retryFiles(m),
        onInput: (text) => this.handleInput(text),
        onClose: () => this.setOpen(false, true),
      },
      config.serverUrl,
      { frame: ctx.frame, launcher: ctx.launcher, pageMode: config.pageMode },
    )
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
      this.hideInvite()
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
    const clean: Record<string, string> = {}
    for (const [k, v] of Object.entries(values).slice(0, 50)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') clean[k.slice(0, 64)] = String(v).slice(0, 1000)
    }
    this.sendControl({ type: 'attributes', values: clean })
  }

  track(name: string, payload?: Record<string, string | number | boolean>): void {
    if (typeof name !== 'string' || !name) return
    const frame: FromWidget = { type: 'track', name: name.slice(0, 100) }
    if (payload && typeof payload === 'object') {
      const clean: Record<string, string | number | boolean> = {}
      for (const [k, v] of Object.entries(payload).slice(0, 50)) {
        if (typeof v === 'string') clean[k.slice(0, 64)] = v.slice(0, 1000)
        else if (typeof v === 'number' || typeof v === 'boolean') clean[k.slice(0, 64)] = v
      }
      frame.payload = clean
    }
    this.sendControl(frame)
  }

  applyConfig(raw: unknown): void {
    const config = (this.look = parseWidgetConfig(raw))
    this.view.applyConfig(config)
    this.gate = null // the forms' fields may have changed: build them again
    this.showGate(false)
  }

  /** The launch criterion was met with invitations on: show it (the box if not minimised). */
  invite(): void {
    if (this.isOpen || this.invitation) return
    const mini = this.look.activation.inviteMinimised
    this.invitation = buildInvite({
      text: this.look.activation.inviteText,
      mini,
      onAccept: () => {
        this.sendControl({ type: 'invite', action: 'accepted' })
        this.setOpen(true, true)
      },
      onRefuse: () => {
        this.sendControl({ type: 'invite', action: 'refused' })
        // Not shown again on later pages (the loader reads this).
        this.storage.setFlag('refused', true)
        this.hideInvite()
        this.ctx.launcher?.focus()
      },
    })
    this.ctx.frame.appendChild(this.invitation)
    this.sendControl({ type: 'invite', action: 'shown' })
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
    if (encoder.encode(JSON.stringify(sendFrame(item))).length > Limits.widgetFrame) {
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
    this.connection.send(sendFrame(item))
  }

  /**
   * Uploads files to `/widget/files`, then sends them as one message (which, like text, waits in
   * the outbox if the socket drops). Files need the network: offline, the visitor is told so, and
   * a message whose upload failed for a reason that may pass can be tried again.
   */
  private async sendFiles(files: File[]): Promise<void> {
    if (!files.length) return
    const problem = files.length > Limits.attachmentsPerMessage ? `Please send at most ${Limits.attachmentsPerMessage} files at once.` : files.map(fileProblem).find(Boolean)
    if (problem) return this.view.setError(problem)
    if (!this.canUpload()) return this.view.setError(OFFLINE_FILES)
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
    this.uploads.set(shown.clientId, { files: files_, done: [] })
    await this.uploadAndSend(shown)
  }

  /** "Try again" on a message whose upload failed: only the files not stored yet are sent again. */
  private async retryFiles(shown: ShownMessage): Promise<void> {
    if (!this.uploads.has(shown.clientId) || shown.pending) return
    if (!this.canUpload()) return this.view.setError(OFFLINE_FILES)
    this.view.setError(null)
    shown.failed = false
    shown.pending = true
    this.view.updateMessage(shown)
    await this.uploadAndSend(shown)
  }

  private canUpload(): boolean {
    return navigator.onLine && this.connection.isReady && !!this.storage.loadToken()
  }

  private async uploadAndSend(shown: ShownMessage): Promise<void> {
    const job = this.uploads.get(shown.clientId)!
    const token = this.storage.loadToken() ?? ''
    let err = null as UploadError | null
    await Promise.all(
      job.files.map(async (f, i) => {
        if (job.done[i]) return
        try {
          job.done[i] = await this.upload(token, f)
        } catch (e) {
          // The reason told is one that cannot pass, when there is one.
          if (!err || (e as UploadError).final) err = e as UploadError
        }
      }),
    )
    if (err) {
      shown.pending = false
      shown.failed = true
      // A file too large or of a refused type stays refused: trying again would not help.
      shown.retry = !err.final
      if (err.final) this.uploads.delete(shown.clientId)
      this.view.updateMessage(shown)
      return this.view.setError(err.message)
    }
    this.uploads.delete(shown.clientId)
    const attachments = job.done
    shown.retry = false
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
      throw new UploadError(OFFLINE_FILES, false)
    }
    if (res.ok) return (await res.json()) as Attachment
    // The server's limits may be stricter than this build's: say it in the same words as ours.
    if (res.status === 413) throw new UploadError(`"${f.name}" is too large to send.`, true)
    if (res.status === 415) throw new UploadError(fileProblem({ name: f.name, type: 'application/x-unknown', size: 1 })!, true)
    throw new UploadError(SEND_FAILED, false)
  }

  private hello(): WidgetHello {
    const hello: WidgetHello = {
      type: 'hello',
      workspace: this.config.workspace,
      visitorToken: this.storage.loadToken(),
      // Where the visitor came from: the supervisors' visitors list shows it.
      page: { ...currentPage(), ...(document.referrer ? { referrer: document.referrer.slice(0, MAX_URL) } : {}) },
    }
    const { userName, userEmail, userHash } = this.config
    if (userName || userEmail) {
      hello.user = {}
      if (userName) hello.user.name = userName.slice(0, MAX_NAME)
      if (userEmail) hello.user.email = userEmail.slice(0, MAX_EMAIL)
      if (userHash) hello.user.hash = userHash.slice(0, MAX_HASH)
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
      case 'typing':
        return this.view.setTyping(frame.typing ? frame.name : null)
      case 'read':
        return this.markRead(frame.upTo)
      case 'survey':
        return this.showSurvey(frame)
      case 'saved':
        if (frame.what === 'rating') this.thank('Thank you for your feedback!')
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
      if (!this.connection.send(sendFrame(item))) return
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

  /**
   * What stands between the visitor and the composer: the request form when nobody can answer
   * and the workspace wants requests, the pre-chat form before a first conversation, or nothing.
   */
  private showGate(focus: boolean): void {
    const look = this.look
    const { online, requestForm } = this.availability
    const chatting = this.shown.length > 0
    this.view.setNotice(
      !online && !requestForm
        ? "Nobody is available right now. Leave a message and we'll answer here as soon as we can."
        : null,
    )
    focus = focus && this.isOpen
    const want = this.requestSent
      ? 'thanks'
      : !online && requestForm && !chatting && look.requestForm.fields.length
        ? 'request'
        : look.form.enabled && look.form.fields.length && !this.formDone && !chatting && look.activation.mode !== 'proactiveNoInvite'
          ? 'prechat'
          : 'none'
    if (want === this.gate) return
    this.gate = want
    if (want === 'thanks') {
      const thanks = document.createElement('p')
      thanks.className = 'thanks'
      thanks.setAttribute('role', 'status')
      thanks.setAttribute('data-testid', 'parley-thanks')
      thanks.textContent = look.requestForm.thanks
      return this.view.showSlot(thanks)
    }
    if (want === 'request') {
      return this.view.showSlot(
        buildForm({
          kind: 'request',
          intro: "Nobody is available right now. Leave us your request and we'll get back to you.",
          fields: look.requestForm.fields,
          submit: 'Send request',
          onSubmit: (fields) => {
            this.sendControl({ type: 'form', kind: 'request', fields })
            this.requestSent = true
            this.showGate(false)
          },
        }),
        focus,
      )
    }
    if (want === 'prechat') {
      return this.view.showSlot(
        buildForm({
          kind: 'prechat',
          intro: 'Please tell us a little about yourself before we start.',
          fields: look.form.fields,
          submit: 'Start chat',
          onSubmit: (fields) => {
            this.sendControl({ type: 'form', kind: 'prechat', fields })
            this.formDone = true
            this.showGate(false)
            this.view.focusFirst()
          },
        }),
        focus,
      )
    }
    this.view.showSlot(null)
  }

  private hideInvite(): void {
    this.invitation?.remove()
    this.invitation = null
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
    const conversationId = f.conversationId
    this.view.appendBlock(
      buildSurvey({
        csat: f.csat,
        nps: f.nps,
        comment: f.comment,
        onSubmit: (r) => {
          const comment = r.comment ? { comment: r.comment } : {}
          if (r.csat !== null) this.sendControl({ type: 'rating', conversationId, kind: 'csat', score: r.csat, ...comment })
          if (r.nps !== null) this.sendControl({ type: 'rating', conversationId, kind: 'nps', score: r.nps, ...(r.csat === null ? comment : {}) })
        },
      }),
    )
  }

  private thank(text: string): void {
    const survey = this.ctx.frame.querySelector('[data-testid="parley-survey"]')
    if (!survey) return
    const p = document.createElement('p')
    p.className = 'thanks'
    p.setAttribute('role', 'status')
    p.setAttribute('data-testid', 'parley-survey-thanks')
    p.textContent = text
    survey.replaceWith(p)
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

function currentPage(): { url: string; title: string } {
  return { url: location.href.slice(0, MAX_URL), title: document.title.slice(0, MAX_TITLE) }
}

function sendFrame(item: OutboxItem): FromWidget {
  const frame: FromWidget = { type: 'message', clientId: item.clientId, text: item.text }
  if (item.attachments && item.attachments.length) frame.attachments = item.attachments.map((a) => a.id)
  if (typeof item.choice === 'string') frame.choice = item.choice
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

/** Why a file did not upload; `final` when sending it again cannot help (too large, refused type). */
class UploadError extends Error {
  constructor(
    message: string,
    readonly final: boolean,
  ) {
    super(message)
  }
}

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
      return "You're sending messages too quickly. We'll retry in a moment."
    case WidgetErrorCode.full:
      return e.message || 'All our agents are busy right now. Please try again in a little while.'
    case WidgetErrorCode.blocked:
      return e.message || "Sorry, you can no longer send messages in this chat."
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
