import { FILE_ACCEPT, fileUrl, formatBytes, isImageType } from '../../shared/files.ts'
import type { Attachment, MessageKind } from '../../shared/protocol.ts'
import type { PublicWidgetConfig } from '../../shared/widgetConfig.ts'
import type { ConnectionStatus } from './connection.ts'
import { WIDGET_CSS } from './styles.ts'

/** One line of the conversation as the panel shows it. */
export interface ShownMessage {
  /** The server's id; empty while the message waits in the outbox. */
  id: string
  clientId: string
  kind: MessageKind
  authorName: string
  text: string
  at: number
  conversationId: string
  pending: boolean
  /** Not sent (the visitor is blocked, an upload failed): shown, marked. */
  failed?: boolean
  /** A failed message the visitor may send again (its upload failed for a reason that may pass). */
  retry?: boolean
  /** Files; an empty `id` means still uploading. */
  attachments?: Attachment[]
  /** A visitor's message the agents have read. */
  read?: boolean
  /** A bot's question: its answers, shown as buttons until the visitor has answered. */
  buttons?: { label: string; value: string }[]
}

export interface ViewHandlers {
  onSend(text: string): void
  /** A bot's button was clicked: sent as its label, with its value. */
  onChoice?(label: string, value: string): void
  onFiles(files: File[]): void
  /** "Try again" on a failed message. */
  onRetry?(m: ShownMessage): void
  onInput(text: string): void
  onClose(): void
}

/** Where the box goes: the loader's frame in the shadow root, its launcher (none in full-page mode). */
export interface ViewPlace {
  frame: HTMLElement
  launcher: HTMLButtonElement | null
  pageMode: boolean
}

// Non-ASCII characters are decoded at run time: unless the server sends a charset, the host
// page decides how this script is decoded, and a page without `<meta charset="utf-8">` would
// show a literal "…" as "â€¦". The minifier folds "\u2026" escapes and
// String.fromCharCode back into literal characters, but not JSON.parse.
const ELLIPSIS: string = JSON.parse('"\\u2026"')
const EN_DASH: string = JSON.parse('"\\u2013"')

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: `Connecting${ELLIPSIS}`,
  online: 'Online',
  offline: `Offline ${EN_DASH} messages will be sent when you are back`,
}

/** Within this many pixels of the bottom, a new message scrolls the list; further up, the visitor is reading back. */
const STICK_TO_BOTTOM_PX = 48
/** An agent's "typing…" goes away after this long without news (their app re-sends while they type). */
const TYPING_SHOWN_MS = 6_000
/** The composer grows with its text up to this height, then scrolls. */
const INPUT_MAX_HEIGHT_PX = 120

const ICON_CLOSE =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>'
const ICON_CLIP =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M20 11.5l-7.8 7.8a5 5 0 0 1-7.1-7.1l8.2-8.2a3.3 3.3 0 0 1 4.7 4.7l-8.2 8.2a1.7 1.7 0 0 1-2.4-2.4l7.5-7.5"/></svg>'
const ICON_SEND =
  '<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z"/></svg>'

/**
 * The chat box, inside the loader's shadow root. Only static markup (the skeleton and icons)
 * goes through innerHTML; every piece of text that came from a person or from the settings is
 * set with textContent.
 */
export class WidgetView {
  private readonly panel: HTMLElement
  private readonly title: HTMLElement
  private readonly avatar: HTMLImageElement
  private readonly status: HTMLElement
  private readonly list: HTMLElement
  private readonly welcome: HTMLElement
  private readonly notice: HTMLElement
  private readonly typing: HTMLElement
  private readonly queueLine: HTMLElement
  private readonly queueText: HTMLElement
  private readonly waitText: HTMLElement
  private readonly error: HTMLElement
  private readonly composer: HTMLFormElement
  private readonly slot: HTMLElement
  private readonly input: HTMLTextAreaElement
  private readonly elements = new WeakMap<ShownMessage, HTMLElement>()
  private readonly launcher: HTMLButtonElement | null
  private config: PublicWidgetConfig | null = null
  private typingTimer: ReturnType<typeof setTimeout> | undefined
  private count = 0

  /** `serverUrl`: where files are served (the server's address, with its path prefix). */
  constructor(
    private readonly handlers: ViewHandlers,
    private readonly serverUrl: string,
    place: ViewPlace,
  ) {
    this.launcher = place.launcher
    const style = document.createElement('style')
    style.textContent = WIDGET_CSS
    const shell = document.createElement('div')
    shell.innerHTML = `
<section class="panel${place.pageMode ? ' page' : ''}" id="panel" data-testid="parley-panel" role="${place.pageMode ? 'main' : 'dialog'}" aria-labelledby="parley-title" hidden>
  <header class="header">
    <img class="avatar" alt="" hidden>
    <h2 class="title" id="parley-title" data-testid="parley-title">Chat with us</h2>
    <button type="button" class="icon-button" data-testid="parley-close" aria-label="Minimise chat" title="Minimise"${place.pageMode ? ' hidden' : ''}>${ICON_CLOSE}</button>
  </header>
  <p class="status" data-testid="parley-status" data-status="connecting" role="status"></p>
  <div class="messages" data-testid="parley-messages" role="log" aria-label="Messages" tabindex="0">
    <p class="welcome" data-testid="parley-welcome"></p>
  </div>
  <p class="notice" data-testid="parley-notice" hidden></p>
  <p class="typing" data-testid="parley-typing" aria-live="polite" hidden></p>
  <p class="queue" hidden><span data-testid="parley-queue"></span> <span class="wait" data-testid="parley-wait"></span></p>
  <p class="error" data-testid="parley-error" role="alert" hidden></p>
  <div class="slot" hidden></div>
  <form class="composer">
    <label class="attach" data-testid="parley-attach" title="Send a file"><input type="file" class="file-input" multiple accept="${FILE_ACCEPT}" aria-label="Send a file">${ICON_CLIP}</label>
    <textarea class="input" data-testid="parley-input" rows="1" aria-label="Message" placeholder="Type your message${ELLIPSIS}"></textarea>
    <button type="submit" class="send" data-testid="parley-send" aria-label="Send">${ICON_SEND}</button>
  </form>
</section>`
    const panel = shell.firstElementChild as HTMLElement
    place.frame.prepend(style)
    place.frame.appendChild(panel)

    const q = <T extends Element>(sel: string): T => panel.querySelector(sel) as T
    this.panel = panel
    this.title = q('.title')
    this.avatar = q('.avatar')
    this.status = q('.status')
    this.list = q('.messages')
    this.welcome = q('.welcome')
    this.notice = q('.notice')
    this.typing = q('.typing')
    this.queueLine = q('.queue')
    this.queueText = q('[data-testid="parley-queue"]')
    this.waitText = q('.wait')
    this.error = q('.error')
    this.slot = q('.slot')
    this.composer = q('.composer')
    this.input = q('.input')
    this.setStatus('connecting')

    q<HTMLButtonElement>('[data-testid="parley-close"]').addEventListener('click', () => handlers.onClose())
    this.panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !place.pageMode) {
        e.stopPropagation()
        handlers.onClose()
      }
    })
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault()
      handlers.onSend(this.input.value)
    })
    this.input.addEventListener('keydown', (e) => {
      // isComposing: Enter also confirms an IME candidate (Chinese, Japanese…); that must not send.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault()
        handlers.onSend(this.input.value)
      }
    })
    const files = q<HTMLInputElement>('.file-input')
    files.addEventListener('change', () => {
      handlers.onFiles(Array.from(files.files || []))
      // Picking the same file again must fire another change.
      files.value = ''
    })
    this.input.addEventListener('input', () => {
      this.fitInput()
      handlers.onInput(this.input.value)
    })
  }

  setOpen(open: boolean, focus: boolean): void {
    const root = this.panel.getRootNode() as ShadowRoot
    const hadFocus = this.panel.contains(root.activeElement)
    this.panel.hidden = !open
    if (open) {
      this.scrollToBottom()
      this.fitInput()
      if (focus) this.focusFirst()
    } else if (hadFocus || focus) {
      // Focus must not be left on an element that just disappeared.
      this.launcher?.focus()
    }
  }

  /** Into the box: the first field of a form shown instead of the composer, else the composer. */
  focusFirst(): void {
    const field = this.slot.hidden ? null : this.slot.querySelector<HTMLElement>('input, textarea, select, button')
    ;(field ?? this.input).focus()
  }

  /** Applies the workspace's look and words (colours are the loader's CSS variables). */
  applyConfig(config: PublicWidgetConfig): void {
    this.config = config
    const dep = config.department.enabled && config.department.name ? config.department : null
    this.title.textContent = dep ? dep.name : config.launcherText || 'Chat with us'
    const avatar = this.avatarUrl()
    this.avatar.hidden = !avatar
    if (avatar) this.avatar.src = avatar
    this.welcome.textContent = config.welcomeMessage
    this.welcome.hidden = !config.welcomeMessage
    for (const el of Array.from(this.list.querySelectorAll<HTMLElement>('.msg[data-kind="agent"] .author'))) {
      if (dep) el.textContent = dep.name
    }
  }

  /** A line under the messages (e.g. nobody is online); null hides it. */
  setNotice(text: string | null): void {
    this.notice.textContent = text ?? ''
    this.notice.hidden = !text
  }

  /** "Ana is typing…" until `typing` is false or the agent goes quiet. */
  setTyping(name: string | null): void {
    clearTimeout(this.typingTimer)
    this.typing.textContent = name ? `${this.agentName(name)} is typing${ELLIPSIS}` : ''
    this.typing.hidden = !name
    // A lost "stopped typing" frame must not leave the line up for good.
    if (name) this.typingTimer = setTimeout(() => this.setTyping(null), TYPING_SHOWN_MS)
  }

  /**
   * Shows a form (pre-chat, request, survey…) in place of the composer, or puts the composer back
   * with null. `inline`: below the messages instead (the survey keeps the composer).
   */
  showSlot(el: HTMLElement | null, focus = false): void {
    this.slot.replaceChildren(...(el ? [el] : []))
    this.slot.hidden = !el
    this.composer.hidden = !!el
    if (el && focus) this.focusFirst()
  }

  /** Appends a block (a survey, a thank-you) to the end of the conversation. */
  appendBlock(el: HTMLElement): void {
    this.list.appendChild(el)
    this.scrollToBottom()
  }

  setStatus(status: ConnectionStatus): void {
    this.status.textContent = STATUS_TEXT[status]
    this.status.setAttribute('data-status', status)
  }

  setQueue(position: number | null, waitSeconds = 0): void {
    if (position === null || position <= 0) {
      this.queueLine.hidden = true
      return
    }
    this.queueText.textContent = `You are number ${position} in the queue`
    this.waitText.textContent = waitSeconds > 0 ? `(about ${formatWait(waitSeconds)})` : ''
    this.queueLine.hidden = false
  }

  setError(text: string | null): void {
    this.error.textContent = text ?? ''
    this.error.hidden = !text
  }

  clearInput(): void {
    this.input.value = ''
    this.fitInput()
  }

  /** Replaces the whole list (after a welcome, whose history is the server's truth). */
  renderMessages(messages: readonly ShownMessage[]): void {
    for (const el of Array.from(this.list.querySelectorAll('.msg'))) el.remove()
    this.count = 0
    for (const m of messages) this.list.appendChild(this.build(m))
    this.count = messages.length
    this.refreshChoices()
    this.scrollToBottom()
  }

  appendMessage(m: ShownMessage): void {
    const stick = m.kind === 'visitor' || this.nearBottom()
    this.list.appendChild(this.build(m))
    this.count++
    this.refreshChoices()
    if (stick) this.scrollToBottom()
  }

  /** A bot's buttons stay usable until the visitor writes after them (by a click or typing). */
  private refreshChoices(): void {
    let answered = false
    const messages = Array.from(this.list.querySelectorAll<HTMLElement>('.msg'))
    for (let i = messages.length - 1; i >= 0; i--) {
      const el = messages[i]!
      if (el.getAttribute('data-kind') === 'visitor') answered = true
      for (const b of Array.from(el.querySelectorAll<HTMLButtonElement>('.choice'))) b.disabled = answered
    }
  }

  /** Re-reads id, pending state and files of a message already shown (an ack arrived, an upload finished). */
  updateMessage(m: ShownMessage): void {
    const el = this.elements.get(m)
    if (!el) return
    el.setAttribute('data-id', m.id)
    el.setAttribute('data-state', stateOf(m))
    if (m.read) el.setAttribute('data-read', 'true')
    const files = el.querySelector('.files')
    if (files) files.replaceWith(this.buildFiles(m.attachments || []))
    this.syncRetry(el, m)
  }

  /** A "Try again" button under a failed message that may be sent again; none otherwise. */
  private syncRetry(el: HTMLElement, m: ShownMessage): void {
    const shown = el.querySelector('.retry')
    if (!(m.failed && m.retry)) return shown?.remove()
    if (shown) return
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'retry'
    button.setAttribute('data-testid', 'parley-retry')
    button.textContent = 'Not sent. Try again'
    button.addEventListener('click', () => this.handlers.onRetry?.(m))
    el.appendChild(button)
  }

  private build(m: ShownMessage): HTMLElement {
    const el = document.createElement('div')
    el.className = 'msg'
    el.setAttribute('data-testid', 'parley-message')
    el.setAttribute('data-kind', m.kind)
    el.setAttribute('data-id', m.id)
    el.setAttribute('data-state', stateOf(m))
    if (m.kind === 'agent' || m.kind === 'bot') {
      const author = document.createElement('span')
      author.className = 'author'
      author.setAttribute('data-testid', 'parley-message-author')
      author.textContent = m.kind === 'agent' ? this.agentName(m.authorName) : m.authorName || 'Bot'
      const avatar = m.kind === 'agent' ? this.avatarUrl() : ''
      if (avatar) {
        // Decorative: the name next to it says who wrote.
        const img = document.createElement('img')
        img.className = 'msg-avatar'
        img.alt = ''
        img.src = avatar
        author.prepend(img)
      }
      el.appendChild(author)
    }
    const files = Array.isArray(m.attachments) && m.attachments.length ? m.attachments : null
    if (m.text || !files) {
      const bubble = document.createElement('p')
      bubble.className = 'bubble'
      bubble.setAttribute('data-testid', 'parley-message-text')
      appendLinkified(bubble, m.text)
      if (Number.isFinite(m.at) && m.at > 0) bubble.title = new Date(m.at).toLocaleString()
      el.appendChild(bubble)
    }
    if (files) el.appendChild(this.buildFiles(files))
    if (m.kind === 'bot' && Array.isArray(m.buttons) && m.buttons.length) el.appendChild(this.buildChoices(m.text, m.buttons))
    if (m.read) el.setAttribute('data-read', 'true')
    this.syncRetry(el, m)
    this.elements.set(m, el)
    return el
  }

  /** A bot's answers as buttons, grouped and labelled by the question they answer. */
  private buildChoices(question: string, buttons: readonly { label: string; value: string }[]): HTMLElement {
    const box = document.createElement('div')
    box.className = 'choices'
    box.setAttribute('role', 'group')
    box.setAttribute('aria-label', question || 'Answers')
    box.setAttribute('data-testid', 'parley-choices')
    for (const b of buttons) {
      // The cached history lives in the host page's localStorage: check what is read back.
      if (!b || typeof b.label !== 'string' || typeof b.value !== 'string') continue
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'choice'
      button.setAttribute('data-testid', 'parley-choice')
      button.textContent = b.label
      button.addEventListener('click', () => {
        if (button.disabled) return
        this.handlers.onChoice?.(b.label, b.value)
      })
      box.appendChild(button)
    }
    return box
  }

  /** Images as thumbnails that open full size; other files as download links with their size. */
  private buildFiles(files: readonly Attachment[]): HTMLElement {
    const box = document.createElement('div')
    box.className = 'files'
    for (const a of files) {
      // The cached history lives in the host page's localStorage: check what is read back.
      if (!a || typeof a.id !== 'string' || typeof a.name !== 'string') continue
      const el = document.createElement(a.id ? 'a' : 'span')
      el.className = 'file'
      el.setAttribute('data-testid', 'parley-attachment')
      el.setAttribute('data-name', a.name)
      const href = a.id ? this.serverUrl + fileUrl(a.id, a.name) : ''
      if (el instanceof HTMLAnchorElement) {
        el.href = href
        if (isImageType(a.type)) {
          el.target = '_blank'
          el.rel = 'noopener noreferrer'
        } else el.download = a.name
      }
      if (href && isImageType(a.type)) {
        const img = document.createElement('img')
        img.src = href
        img.alt = a.name
        el.appendChild(img)
      } else el.textContent = `${a.name} (${a.id ? formatBytes(a.size) : `sending${ELLIPSIS}`})`
      box.appendChild(el)
    }
    return box
  }

  /** The department's avatar when the workspace shows one for all agents; '' otherwise. */
  private avatarUrl(): string {
    const dep = this.config?.department
    if (!dep || !dep.enabled || !dep.name || !dep.avatarUrl) return ''
    return dep.avatarUrl.startsWith('/') ? this.serverUrl + dep.avatarUrl : dep.avatarUrl
  }

  /** The department's name instead of the agent's when the workspace says so. */
  private agentName(name: string): string {
    const dep = this.config?.department
    return dep && dep.enabled && dep.name ? dep.name : name || 'Agent'
  }

  private nearBottom(): boolean {
    const l = this.list
    return l.scrollHeight - l.scrollTop - l.clientHeight < STICK_TO_BOTTOM_PX
  }

  private scrollToBottom(): void {
    this.list.scrollTop = this.list.scrollHeight
  }

  private fitInput(): void {
    const i = this.input
    i.style.height = 'auto'
    if (i.scrollHeight > 0) i.style.height = `${Math.min(i.scrollHeight + 2, INPUT_MAX_HEIGHT_PX)}px`
  }
}

// Trailing punctuation is more often the end of the sentence than part of the URL.
const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi

/** Adds `text` to `parent` with web addresses as links; every piece is a text node, never parsed HTML. */
function appendLinkified(parent: HTMLElement, text: string): void {
  let last = 0
  URL_RE.lastIndex = 0
  // An exec loop rather than matchAll: the bundle targets ES2019.
  for (let match = URL_RE.exec(text); match; match = URL_RE.exec(text)) {
    const start = match.index
    if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)))
    const a = document.createElement('a')
    a.href = match[0]
    a.target = '_blank'
    // noopener: the linked page must not get a handle on the host page (window.opener).
    a.rel = 'noopener noreferrer nofollow'
    a.textContent = match[0]
    parent.appendChild(a)
    last = start + match[0].length
  }
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)))
}

function formatWait(seconds: number): string {
  if (seconds < 60) return 'less than a minute'
  const minutes = Math.round(seconds / 60)
  return minutes === 1 ? '1 minute' : `${minutes} minutes`
}

function stateOf(m: ShownMessage): 'pending' | 'sent' | 'failed' {
  return m.failed ? 'failed' : m.pending ? 'pending' : 'sent'
}
