import { arrive, depart, pageSeen, visitEnded, type Visit } from '../../shared/siteVisit.ts'
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import type { OnSiteVisitor, VisitorChanged, VisitorLeft } from '../../shared/supervision.ts'
import type { ConversationRecord } from '../store/Store.ts'
import { Topics } from '../util/Topics.ts'

/**
 * Memory bound on the visits of visitors who left and may come back within the visit gap: past
 * it the oldest are forgotten first (such a visitor then starts a new visit, as returning).
 */
export const MAX_REMEMBERED_VISITS = 100_000

export type SiteVisitorsListener = (frame: VisitorChanged | VisitorLeft) => void

interface Entry {
  visitor: OnSiteVisitor
  visit: Visit
  /** The visitor's open widget sockets (chats and loaders' presence sockets, any tab): listed while there is one. */
  sockets: Set<unknown>
}

export interface Arrival {
  visitorId: string
  name: string
  email: string
  page: { url: string; title: string }
  referrer: string
  /** The visitor record was created by this hello. */
  createdNow: boolean
}

/**
 * Who is on the site now, per workspace, from the widget sockets (the gateway tells it when a
 * visitor's first socket says hello, their pages, and when their last socket closes): kept in
 * memory only, streamed to supervisors (`/api/visitors/live`). A visitor without a socket is off
 * the list at once; their visit is remembered for the visit gap, so coming back continues it.
 */
export class SiteVisitors {
  private onSite = new Map<string, Map<string, Entry>>()
  /** Visits of visitors who left, by `workspace/visitorId`, oldest first. */
  private departed = new Map<string, Visit>()
  private changes = new Topics<VisitorChanged | VisitorLeft>()

  constructor(
    private now: () => number,
    private maxRemembered = MAX_REMEMBERED_VISITS,
  ) {}

  /** A widget socket of the visitor said hello (their first, or another tab, or a new page). */
  arrived(workspace: string, a: Arrival, socket: unknown): void {
    let visitors = this.onSite.get(workspace)
    if (!visitors) this.onSite.set(workspace, (visitors = new Map()))
    const known = visitors.get(a.visitorId)
    const key = `${workspace}/${a.visitorId}`
    const prev = known?.visit ?? this.departed.get(key) ?? null
    this.departed.delete(key)
    const visit = arrive(prev, { now: this.now(), url: a.page.url, referrer: a.referrer, createdNow: a.createdNow })
    const visitor: OnSiteVisitor = {
      visitorId: a.visitorId,
      name: a.name,
      email: a.email,
      page: { url: a.page.url, title: a.page.title },
      visitStartedAt: visit.startedAt,
      pages: visit.pages,
      referrer: visit.referrer,
      returning: visit.returning,
      chat: known?.visitor.chat ?? null,
    }
    visitors.set(a.visitorId, { visitor, visit, sockets: (known?.sockets ?? new Set()).add(socket) })
    this.emit(workspace, { type: 'visitor', visitor })
  }

  /** A `page` frame: the visitor moved to another page (a single-page site's navigation). */
  pageChanged(workspace: string, visitorId: string, url: string, title: string): void {
    const entry = this.onSite.get(workspace)?.get(visitorId)
    if (!entry) return
    if (entry.visitor.page.url === url && entry.visitor.page.title === title) return
    entry.visit = pageSeen(entry.visit, url)
    this.update(workspace, entry, { page: { url, title }, pages: entry.visit.pages })
  }

  /** A widget socket of the visitor closed; with their last one they are off the list, the visit remembered for the gap. */
  left(workspace: string, visitorId: string, socket: unknown): void {
    const visitors = this.onSite.get(workspace)
    const entry = visitors?.get(visitorId)
    if (!visitors || !entry || !entry.sockets.delete(socket) || entry.sockets.size) return
    visitors.delete(visitorId)
    if (!visitors.size) this.onSite.delete(workspace)
    this.remember(`${workspace}/${visitorId}`, depart(entry.visit, this.now()))
    this.emit(workspace, { type: 'left', visitorId })
  }

  /** A conversation's record changed: whether its visitor, if on the site, is chatting. */
  conversationChanged(record: ConversationRecord): void {
    const entry = this.onSite.get(record.workspace)?.get(record.visitorId)
    if (!entry) return
    const status = record.status
    if (status === 'waiting' || status === 'open' || status === 'snoozed') {
      const chat = entry.visitor.chat
      if (chat?.conversationId === record.id && chat.status === status) return
      this.update(record.workspace, entry, { chat: { conversationId: record.id, status } })
    } else if (entry.visitor.chat?.conversationId === record.id) {
      this.update(record.workspace, entry, { chat: null })
    }
  }

  /** The visitor's chat as the gateway read it at hello (before any change of it was observed here). */
  chatIs(workspace: string, visitorId: string, record: ConversationRecord | null): void {
    const entry = this.onSite.get(workspace)?.get(visitorId)
    if (!entry) return
    if (record) this.conversationChanged(record)
    else if (entry.visitor.chat) this.update(workspace, entry, { chat: null })
  }

  /** Events just committed: names and emails the visitor gave (a chat's start, a form, the site's identity). */
  committed(workspace: string, events: LogEvent[]): void {
    const visitors = this.onSite.get(workspace)
    if (!visitors) return
    for (const e of events) {
      if (e.type !== EventType.conversationCreated && e.type !== EventType.visitorUpdated) continue
      const entry = typeof e.data.visitorId === 'string' ? visitors.get(e.data.visitorId) : undefined
      if (!entry) continue
      const name = typeof e.data.visitorName === 'string' && e.data.visitorName !== 'Visitor' ? e.data.visitorName : entry.visitor.name
      const email = typeof e.data.visitorEmail === 'string' ? e.data.visitorEmail : entry.visitor.email
      if (name !== entry.visitor.name || email !== entry.visitor.email) this.update(workspace, entry, { name, email })
    }
  }

  /** The visitor said who they are (a form): their name and email on the list. */
  identified(workspace: string, visitorId: string, name: string, email: string): void {
    const entry = this.onSite.get(workspace)?.get(visitorId)
    if (entry && (entry.visitor.name !== name || entry.visitor.email !== email)) this.update(workspace, entry, { name, email })
  }

  /** Everyone on the site now, in no set order: the list orders what it shows itself (`compareOnSite`). */
  snapshot(workspace: string): OnSiteVisitor[] {
    return [...(this.onSite.get(workspace)?.values() ?? [])].map((e) => e.visitor)
  }

  /** Every change on the site after now; returns the unsubscribe. */
  subscribe(workspace: string, fn: SiteVisitorsListener): () => void {
    return this.changes.subscribe(workspace, fn)
  }

  private update(workspace: string, entry: Entry, patch: Partial<OnSiteVisitor>): void {
    entry.visitor = { ...entry.visitor, ...patch }
    this.emit(workspace, { type: 'visitor', visitor: entry.visitor })
  }

  private remember(key: string, visit: Visit): void {
    // Visits over by now are dropped from the front as we go: the map stays near the live ones.
    const now = this.now()
    for (const [k, v] of this.departed) {
      if (!visitEnded(v, now) && this.departed.size < this.maxRemembered) break
      this.departed.delete(k)
    }
    this.departed.set(key, visit)
  }

  private emit(workspace: string, frame: VisitorChanged | VisitorLeft): void {
    this.changes.publish(workspace, frame)
  }
}
