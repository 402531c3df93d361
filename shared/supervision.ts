/**
 * The supervisor's "visitors on the site now" socket (`/api/visitors/live?token=…`), server → app.
 * Plain types and guards only: the app and the server import this file.
 */
import type { ConversationStatus } from './protocol.ts'

/** One visitor with a widget open on the site now, as the server knows them from the widget sockets. */
export interface OnSiteVisitor {
  visitorId: string
  /** Empty when the visitor has not said (form, the site's identity, a chat). */
  name: string
  email: string
  /** The page they are on now (the latest hello or `page` frame of any of their tabs). */
  page: { url: string; title: string }
  /** When this visit started, server epoch ms (a visit survives gaps shorter than the server's visit gap). */
  visitStartedAt: number
  /** Distinct page changes this visit (each hello or `page` frame on another address). */
  pages: number
  /** The host page's `document.referrer` when the visit started; empty: typed in, a bookmark, or not told. */
  referrer: string
  /** The visitor was known before this visit (an earlier visit, or their record existed). */
  returning: boolean
  /** Their current conversation while it is waiting, open or snoozed; null when they are not chatting. */
  chat: { conversationId: string; status: Exclude<ConversationStatus, 'closed'> } | null
}

export interface VisitorsSnapshot {
  type: 'snapshot'
  visitors: OnSiteVisitor[]
}
/** A visitor arrived or changed (page, name, chat). */
export interface VisitorChanged {
  type: 'visitor'
  visitor: OnSiteVisitor
}
/** A visitor's last widget socket closed: they are not on the site now. */
export interface VisitorLeft {
  type: 'left'
  visitorId: string
}
export type ToVisitorsLive = VisitorsSnapshot | VisitorChanged | VisitorLeft

const CHAT_STATUSES: readonly string[] = ['waiting', 'open', 'snoozed']

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Whether `v` is a well-formed `OnSiteVisitor` (the app checks what the socket sends). */
export function isOnSiteVisitor(v: unknown): v is OnSiteVisitor {
  if (!isRecord(v)) return false
  const page = v.page
  const chat = v.chat
  return (
    typeof v.visitorId === 'string' &&
    v.visitorId.length > 0 &&
    typeof v.name === 'string' &&
    typeof v.email === 'string' &&
    isRecord(page) &&
    typeof page.url === 'string' &&
    typeof page.title === 'string' &&
    typeof v.visitStartedAt === 'number' &&
    Number.isFinite(v.visitStartedAt) &&
    typeof v.pages === 'number' &&
    Number.isInteger(v.pages) &&
    v.pages >= 0 &&
    typeof v.referrer === 'string' &&
    typeof v.returning === 'boolean' &&
    (chat === null || (isRecord(chat) && typeof chat.conversationId === 'string' && typeof chat.status === 'string' && CHAT_STATUSES.includes(chat.status)))
  )
}

/** Whether `v` is a frame of the visitors socket; a snapshot must hold only well-formed visitors. */
export function isVisitorsLiveFrame(v: unknown): v is ToVisitorsLive {
  if (!isRecord(v)) return false
  switch (v.type) {
    case 'snapshot':
      return Array.isArray(v.visitors) && v.visitors.every(isOnSiteVisitor)
    case 'visitor':
      return isOnSiteVisitor(v.visitor)
    case 'left':
      return typeof v.visitorId === 'string' && v.visitorId.length > 0
    default:
      return false
  }
}
