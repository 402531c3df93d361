/** Which events the agent is told about while the app is open (pure; the Alerts view shows them). */
import { EventType, type LogEvent } from '../../shared/protocol.ts'

export type AlertKind = 'new-chat' | 'message' | 'mention'
export interface Alert {
  seq: number
  kind: AlertKind
  title: string
  body: string
  conversationId?: string
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
    default:
      return null
  }
}
