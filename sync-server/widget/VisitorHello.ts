import type { Logger } from 'pino'
import { conversationDocName, isChatMessage, messagesOf } from '../../shared/documents.ts'
import { newId } from '../../shared/id.ts'
import {
  CloseCode,
  EventType,
  PROTOCOL_VERSION,
  WidgetErrorCode,
  type ChatMessage,
  type ConversationStatus,
  type LogEvent,
  type WidgetHistoryMessage,
} from '../../shared/protocol.ts'
import { publicWidgetConfig, type WidgetConfig } from '../../shared/widgetConfig.ts'
import type { Accounts } from '../Accounts.ts'
import { signVisitorToken, verifyVisitorToken } from '../auth.ts'
import type { Conversations } from '../Conversations.ts'
import type { FileService } from '../files/FileService.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { Commit, Store, VisitorRecord } from '../store/Store.ts'
import type { SiteVisitors } from './SiteVisitors.ts'
import { visitorUpdatedEvent } from './VisitorActions.ts'
import { verifyIdentity } from './VisitorIdentity.ts'
import type { WidgetGatewayDeps } from './WidgetGateway.ts'
import { forVisitor, type WidgetReceipts } from './WidgetReceipts.ts'
import type { WidgetConn, WidgetSockets } from './WidgetSockets.ts'
import type { WidgetSurveys } from './WidgetSurveys.ts'
import { visitorWrite } from '../store/records.ts'

/** Conversations whose history a returning visitor receives. */
const HISTORY_CONVERSATIONS = 20

/** The hello frame, as validated. */
export interface HelloFrame {
  workspace: string
  visitorToken: string | null
  user?: { name?: string; email?: string; hash?: string }
  page?: { url: string; title: string; referrer?: string }
  presence?: boolean
}

export interface VisitorHelloDeps {
  store: Store
  rooms: RoomManager
  accounts: Accounts
  conversations: Conversations
  files: FileService
  log: Logger
  now: () => number
  site?: SiteVisitors
  routing: Pick<WidgetGatewayDeps['routing'], 'placeOf' | 'availability'>
  widgetConfig: (workspace: string) => Promise<WidgetConfig>
  sockets: WidgetSockets
  receipts: WidgetReceipts
  surveys: WidgetSurveys
  /** Answers the socket with an error frame (and counts the refusal). */
  error: (conn: WidgetConn, code: WidgetErrorCode, message: string) => void
}

/**
 * The first frame of a socket: which workspace, which visitor (the signed visitor token, or the
 * site's verified email, one visitor on every device), then the welcome with their history, the
 * widget's configuration and what they are owed (delivery of missed replies, a queue place, a survey).
 */
export class VisitorHello {
  constructor(private deps: VisitorHelloDeps) {}

  async hello(conn: WidgetConn, frame: HelloFrame, retried = false): Promise<void> {
    const { sockets } = this.deps
    const helloAt = this.deps.now()
    if (conn.visitorId) {
      this.deps.error(conn, WidgetErrorCode.badRequest, 'Already said hello.')
      return
    }
    const ws = await this.deps.accounts.workspace(frame.workspace)
    if (!ws) {
      this.deps.error(conn, WidgetErrorCode.unknownWorkspace, 'This chat is not set up.')
      conn.ws.close(CloseCode.badRequest, 'unknown workspace')
      return
    }
    let visitor: VisitorRecord | null = null
    if (frame.visitorToken !== null) {
      const id = verifyVisitorToken(ws.secret, ws.id, frame.visitorToken)
      if (!id) {
        this.deps.error(conn, WidgetErrorCode.badToken, 'Your session has expired; starting a new one.')
        conn.ws.close(CloseCode.unauthenticated, 'bad visitor token')
        return
      }
      visitor = (await this.deps.store.getVisitor(ws.id, id)) ?? {
        id,
        workspace: ws.id,
        name: '',
        email: '',
        createdAt: this.deps.now(),
        currentConversationId: null,
        blocked: false,
      }
    }
    // The site's backend vouched for the email (user.hash): that person is one visitor on every device.
    const claimed = frame.user?.email?.trim().toLowerCase()
    const verified = claimed && frame.user?.hash && verifyIdentity(ws.secret, claimed, frame.user.hash) ? claimed : null
    if (frame.user?.hash && !verified) this.deps.log.info({ workspace: ws.id }, 'identity hash did not verify; the email is kept unverified')
    if (verified && visitor?.verifiedEmail !== verified) {
      const owner = await this.deps.store.getVisitorByVerifiedEmail(ws.id, verified)
      if (owner) visitor = owner
      // Someone else signed in on this browser: they are not the previous person.
      else if (visitor?.verifiedEmail) visitor = null
    }
    const isNew = !visitor
    visitor ??= { id: newId(), workspace: ws.id, name: '', email: '', createdAt: this.deps.now(), currentConversationId: null, blocked: false }
    const name = frame.user?.name?.trim() || visitor.name
    // A verified email is not replaced by an unverified one.
    const email = verified ?? (visitor.verifiedEmail ? visitor.email : claimed || visitor.email)
    const verifiedEmail = verified ?? visitor.verifiedEmail
    const presenceOnly = frame.presence === true
    // The client card's page is the chat's: a presence hello on every page view writes nothing for it.
    const pageUrl = (!presenceOnly && frame.page?.url) || visitor.pageUrl
    const pageTitle = (!presenceOnly && frame.page?.title) || visitor.pageTitle
    const changed = isNew || name !== visitor.name || email !== visitor.email || pageUrl !== visitor.pageUrl || verifiedEmail !== visitor.verifiedEmail
    const before = visitor
    visitor = { ...visitor, name, email, pageUrl, pageTitle, ...(verifiedEmail ? { verifiedEmail } : {}) }

    // Online means a chat is open: the loader's presence socket logs nothing (it is on every page view).
    const firstSocket = !presenceOnly && !sockets.hasChat(ws.id, visitor.id)
    const commit: Commit = { workspace: ws.id, ...(changed ? visitorWrite(isNew ? null : before, visitor) : {}) }
    if (firstSocket) commit.events = [{ type: EventType.visitorOnline, at: this.deps.now(), data: { visitorId: visitor.id } }]
    // The site named the visitor (or gave their email) after their chat began.
    const updated = isNew ? null : visitorUpdatedEvent(before, visitor, this.deps.now())
    if (updated) commit.events = [...(commit.events ?? []), updated]
    if (changed || firstSocket) {
      try {
        await this.deps.store.commit(commit)
      } catch (err) {
        // Two devices of one verified person said hello at once and both claimed the email: the
        // store keeps one visitor per verified email, so the second looks again and finds the first.
        if (verified && !retried) return this.hello(conn, frame, true)
        throw err
      }
    }
    if (conn.ws.readyState !== conn.ws.OPEN) return

    conn.workspace = ws.id
    conn.visitorId = visitor.id
    const arrival = {
      visitorId: visitor.id,
      name: visitor.name,
      email: visitor.email,
      page: { url: frame.page?.url ?? visitor.pageUrl ?? '', title: frame.page?.title ?? visitor.pageTitle ?? '' },
      referrer: frame.page?.referrer ?? '',
      // A record made for this hello (a first visit, or a token whose record is gone) is a new visitor.
      createdNow: visitor.createdAt >= helloAt,
    }
    if (presenceOnly) {
      conn.presence = true
      sockets.addLoader(ws.id, visitor.id, conn.ws)
      this.deps.site?.arrived(ws.id, arrival, conn.ws)
      const current = visitor.currentConversationId ? await this.deps.conversations.get(ws.id, visitor.currentConversationId) : null
      this.deps.site?.chatIs(ws.id, visitor.id, current)
      sockets.send(conn.ws, { type: 'welcome', protocol: PROTOCOL_VERSION, visitorToken: signVisitorToken(ws.secret, ws.id, visitor.id), visitorId: visitor.id, history: [] })
      return
    }
    sockets.addChat(ws.id, visitor.id, conn.ws)
    this.deps.site?.arrived(ws.id, arrival, conn.ws)
    if (visitor.currentConversationId) sockets.chatOpen(ws.id, visitor.id, visitor.currentConversationId)

    const [history, config, availability, current] = await Promise.all([
      this.history(ws.id, visitor.id),
      this.deps.widgetConfig(ws.id),
      this.deps.routing.availability(ws.id, visitor.pageUrl ?? null),
      visitor.currentConversationId ? this.deps.conversations.get(ws.id, visitor.currentConversationId) : null,
    ])
    if (sockets.isChat(ws.id, visitor.id, conn.ws)) this.deps.site?.chatIs(ws.id, visitor.id, current)
    sockets.send(conn.ws, {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      visitorToken: signVisitorToken(ws.secret, ws.id, visitor.id),
      visitorId: visitor.id,
      history,
      config: publicWidgetConfig(config),
      availability,
      current: current && current.status !== 'closed' ? { conversationId: current.id, status: current.status as ConversationStatus } : null,
      formDone: visitor.formDone === true,
    })
    // Replies written while the visitor was away are delivered now.
    const lastReply = current ? history.filter((m) => m.conversationId === current.id && m.kind === 'agent').at(-1) : undefined
    if (current && lastReply) await this.deps.receipts.delivered(ws.id, current.id, lastReply.id)
    // A visitor back while still waiting learns their place at once.
    const place = visitor.currentConversationId ? await this.deps.routing.placeOf(ws.id, visitor.currentConversationId) : null
    if (place) sockets.send(conn.ws, { type: 'queue', position: place.position, waitSeconds: place.waitSeconds })
    const survey = await this.deps.surveys.owed(ws.id, visitor)
    if (survey && conn.ws.readyState === conn.ws.OPEN) {
      sockets.send(conn.ws, survey)
      await this.deps.surveys.sent(ws.id, survey.conversationId, visitor.id)
    }
  }

  /** Every message of the visitor's recent conversations, oldest first. Notes live elsewhere and never appear. */
  private async history(workspace: string, visitorId: string): Promise<WidgetHistoryMessage[]> {
    const convs = (await this.deps.store.listConversationsOfVisitor(workspace, visitorId)).slice(-HISTORY_CONVERSATIONS)
    const found: [string, ChatMessage][] = []
    for (const c of convs) {
      const name = conversationDocName(c.id)
      const room = await this.deps.rooms.hold(workspace, name, { kind: 'conversation', conversationId: c.id })
      try {
        for (const m of messagesOf(room.doc).toArray()) if (isChatMessage(m) && !m.internal) found.push([c.id, m])
      } finally {
        this.deps.rooms.release(room)
      }
    }
    const files = await this.deps.files.verified(workspace, found.map(([, m]) => m))
    return found.map(([id, m]) => forVisitor(id, m, files(m)))
  }

}
