import type { Logger } from 'pino'
import { conversationDocName, isChatMessage, messagesOf, readMeta } from '../../shared/documents.ts'
import type { ChatMessage } from '../../shared/protocol.ts'
import type { WidgetConfig } from '../../shared/widgetConfig.ts'
import type { Conversations } from '../Conversations.ts'
import type { Mailer } from '../mail/Mailer.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { Fence, Store } from '../store/Store.ts'

/** Answers quoted in one email; the rest waits in the widget. */
const MAX_QUOTED = 20

export interface EmailNotifierDeps {
  store: Store
  rooms: RoomManager
  conversations: Conversations
  mailer: Mailer
  log: Logger
  now: () => number
  widgetConfig: (workspace: string) => Promise<WidgetConfig>
  /** When the visitor's last widget socket closed; null while one is open. Unknown (before a restart): from now. */
  awaySince: (workspace: string, visitorId: string) => number | null
  /** The leader's epoch (owed emails are the leader's): what it stores of them carries it. */
  fence?: Fence
}

/**
 * Emails a visitor the agents' answers they missed: when an agent answers and the visitor has had
 * no widget open for `emailNotify.afterMinutes`, gave an email, and has not read the answer. One
 * email per conversation per away period. An owed email is stored with its due time, so a restart
 * in between sends it all the same (`start`).
 */
export class EmailNotifier {
  private timers = new Map<string, NodeJS.Timeout>()
  /** Notices read back at start: their visitor's away time was lost with the restart, their due time was not. */
  private restored = new Set<string>()
  /** The away period (its start) each conversation was last emailed for. */
  private sentFor = new Map<string, number>()
  private closed = false

  constructor(private deps: EmailNotifierDeps) {}

  /** An agent answered in a conversation: email the visitor later if they are away by then. */
  async agentAnswered(workspace: string, conversationId: string): Promise<void> {
    if (this.closed || !this.deps.mailer.enabled) return
    const key = `${workspace}/${conversationId}`
    if (this.timers.has(key)) return
    const config = await this.deps.widgetConfig(workspace)
    if (!config.emailNotify.enabled) return
    const record = await this.deps.conversations.get(workspace, conversationId)
    if (!record) return
    const away = this.deps.awaySince(workspace, record.visitorId)
    // Online now: they read it live. If they leave without reading, the next answer schedules again.
    if (away === null) return
    if (this.sentFor.get(key) === away) return
    await this.schedule(workspace, conversationId, away + config.emailNotify.afterMinutes * 60_000)
  }

  /** Schedules a workspace's notices owed when the server (or the former leader) stopped. */
  async start(workspace: string): Promise<void> {
    if (!this.deps.mailer.enabled) return
    for (const n of await this.deps.store.listEmailNotices(workspace)) {
      if (this.closed) return
      this.restored.add(`${n.workspace}/${n.conversationId}`)
      this.arm(n.workspace, n.conversationId, n.dueAt)
    }
  }

  /** Sets the timer and stores the due time. */
  private async schedule(workspace: string, conversationId: string, due: number): Promise<void> {
    this.restored.delete(`${workspace}/${conversationId}`)
    this.arm(workspace, conversationId, due)
    await this.deps.store.commit({ workspace, emailNotices: [{ conversationId, dueAt: due }], fence: this.deps.fence?.(workspace) })
  }

  /** Nothing is owed any more (sent, read, or no longer wanted). */
  private async forget(workspace: string, conversationId: string): Promise<void> {
    this.restored.delete(`${workspace}/${conversationId}`)
    await this.deps.store.commit({ workspace, emailNotices: [{ conversationId, dueAt: null }], fence: this.deps.fence?.(workspace) })
  }

  private arm(workspace: string, conversationId: string, due: number): void {
    const key = `${workspace}/${conversationId}`
    clearTimeout(this.timers.get(key))
    const timer = setTimeout(() => {
      this.timers.delete(key)
      void this.fire(workspace, conversationId).catch((err) => this.deps.log.warn({ err, workspace, conversationId }, 'could not email the visitor'))
    }, Math.max(0, due - this.deps.now()))
    timer.unref()
    this.timers.set(key, timer)
  }

  close(): void {
    this.closed = true
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }

  private async fire(workspace: string, conversationId: string): Promise<void> {
    if (this.closed) return
    if (!(await this.owes(workspace, conversationId))) await this.forget(workspace, conversationId)
  }

  /** Sends the email if it is still owed now; false when nothing is owed any more (true: sent, or scheduled again). */
  private async owes(workspace: string, conversationId: string): Promise<boolean> {
    const key = `${workspace}/${conversationId}`
    const config = await this.deps.widgetConfig(workspace)
    const record = await this.deps.conversations.get(workspace, conversationId)
    if (!config.emailNotify.enabled || !record) return false
    const away = this.deps.awaySince(workspace, record.visitorId)
    if (away === null || this.sentFor.get(key) === away) return false
    // They came back and left again since this was scheduled: the away time counts from then.
    // (Not for a notice from before a restart: its due time is all that is known of their absence.)
    const due = away + config.emailNotify.afterMinutes * 60_000
    if (!this.restored.has(key) && due > this.deps.now()) {
      await this.schedule(workspace, conversationId, due)
      return true
    }
    const visitor = await this.deps.store.getVisitor(workspace, record.visitorId)
    // A messenger's visitor reads answers in the messenger (and has no email).
    if (!visitor?.email || visitor.channel) return false
    const unread = await this.unreadAnswers(workspace, conversationId)
    if (!unread.length) return false
    const from = config.department.enabled && config.department.name ? config.department.name : (unread[unread.length - 1]!.authorName || 'Support')
    const page = visitor.pageUrl && /^https?:\/\//i.test(visitor.pageUrl) ? visitor.pageUrl : null
    // Marked before sending: a slow SMTP server must not let a second timer send the same email.
    this.sentFor.set(key, away)
    if (this.sentFor.size > 50_000) this.sentFor.delete(this.sentFor.keys().next().value!)
    await this.deps.mailer.send({
      to: visitor.email,
      subject: `New reply from ${from}`,
      text: [
        `Hello${visitor.name ? ` ${visitor.name}` : ''},`,
        '',
        `You have ${unread.length === 1 ? 'a new reply' : `${unread.length} new replies`} in your chat:`,
        '',
        ...unread.map((m) => `${m.authorName}: ${m.text}`),
        '',
        page ? `Continue the conversation: ${page}` : 'Come back to the site to continue the conversation.',
      ].join('\n'),
      html: [
        `<p>Hello${visitor.name ? ` ${escapeHtml(visitor.name)}` : ''},</p>`,
        `<p>You have ${unread.length === 1 ? 'a new reply' : `${unread.length} new replies`} in your chat:</p>`,
        ...unread.map((m) => `<p><strong>${escapeHtml(m.authorName)}</strong>: ${escapeHtml(m.text).replace(/\n/g, '<br>')}</p>`),
        page ? `<p><a href="${escapeHtml(page)}">Continue the conversation</a></p>` : '<p>Come back to the site to continue the conversation.</p>',
      ].join('\n'),
    })
    this.deps.log.info({ workspace, conversationId, answers: unread.length }, 'emailed the visitor the answers they missed')
    await this.forget(workspace, conversationId)
    return true
  }

  /** The agents' answers after the last message the visitor read. */
  private async unreadAnswers(workspace: string, conversationId: string): Promise<ChatMessage[]> {
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const all = messagesOf(room.doc).toArray().filter(isChatMessage)
      const readUpTo = readMeta(room.doc)?.visitorReadUpTo ?? null
      const from = readUpTo ? all.findIndex((m) => m.id === readUpTo) + 1 : 0
      return all
        .slice(from)
        .filter((m) => m.kind === 'agent' && !m.internal)
        .slice(-MAX_QUOTED)
    } finally {
      this.deps.rooms.release(room)
    }
  }
}

/** Escapes text for HTML: what a visitor or agent typed is never markup in an email. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
