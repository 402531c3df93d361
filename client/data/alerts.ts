/** Which events the agent is told about while the app is open (pure; the Alerts view shows them). */
import { EventType, type LogEvent } from '../../shared/protocol.ts'

export type AlertKind = 'new-chat' | 'message' | 'mention' | 'transfer' | 'engaged'
export interface Alert {
  seq: number
  kind: AlertKind
  title: string
  body: string
  conversationId?: string
  /** An engaged visitor an agent may start a chat with (proactive without invitation). */
  visitor?: EngagedVisitor
}

export interface EngagedVisitor {
  id: string
  name: string
  pageUrl: string | null
}

/** Where a visitor is, said short: the page's path (`/pricing`), else its title, else "your site". */
export function placeOf(pageUrl: unknown, pageTitle: unknown): string {
  if (typeof pageUrl === 'string' && pageUrl) {
    try {
      const u = new URL(pageUrl)
      return decodeURI(u.pathname) + u.search
    } catch {
      /* not an address: the title or the default says it */
    }
  }
  return typeof pageTitle === 'string' && pageTitle.trim() ? pageTitle.trim() : 'your site'
}

/** A visitor met the launch criterion in proactive-without-invitation mode: an agent may start the chat. */
function engagedAlert(e: LogEvent): Alert | null {
  const d = e.data
  if (typeof d.visitorId !== 'string' || !d.visitorId) return null
  const name = typeof d.visitorName === 'string' && d.visitorName.trim() ? d.visitorName.trim() : 'A visitor'
  const pageUrl = typeof d.pageUrl === 'string' ? d.pageUrl : null
  return {
    seq: e.seq,
    kind: 'engaged',
    title: `${name} is on ${placeOf(pageUrl, d.pageTitle)} — start a chat`,
    body: typeof d.pageTitle === 'string' ? d.pageTitle : '',
    visitor: { id: d.visitorId, name, pageUrl },
  }
}

/** What an event means for this agent, if anything. `mine` tells whether a conversation is assigned to them. */
export function alertFor(e: LogEvent, me: string, mine: (conversationId: string) => boolean): Alert | null {
  const d = e.data
  switch (e.type) {
    case EventType.conversationCreated:
      return { seq: e.seq, kind: 'new-chat', title: `New chat from ${String(d.visitorName || 'a visitor')}`, body: '', conversationId: e.conversationId }
    case EventType.message:
      if (d.kind !== 'visitor' || !e.conversationId || !mine(e.conversationId)) return null
      return { seq: e.seq, kind: 'message', title: `${String(d.authorName || 'The visitor')} wrote`, body: String(d.text ?? ''), conversationId: e.conversationId }
    case EventType.note:
      if (!Array.isArray(d.mentions) || !d.mentions.includes(me) || d.authorId === me) return null
      return { seq: e.seq, kind: 'mention', title: `${String(d.authorName)} mentioned you`, body: String(d.text ?? ''), conversationId: e.conversationId }
    case EventType.transferred: {
      // A colleague gave this agent a chat: they hear of it with the note left for them.
      if (d.toAgentId !== me || d.by === me) return null
      const note = typeof d.note === 'string' ? d.note.trim() : ''
      const who = typeof d.visitorName === 'string' && d.visitorName.trim() ? `The chat with ${d.visitorName.trim()}` : 'A chat'
      return { seq: e.seq, kind: 'transfer', title: `${who} was transferred to you`, body: note ? `Note: ${note}` : '', conversationId: e.conversationId }
    }
    case EventType.visitorEngaged:
      return engagedAlert(e)
    default:
      return null
  }
}
