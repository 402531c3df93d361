/**
 * Whether a matched proactive message is sent to a visitor: the server decides (it knows agents,
 * hours and slots; the widget does not), from the message's frequency and qualifying triggers.
 */
import type { ProactiveMessage, SuppressionReason } from './model.ts'

/** This message and this visitor, so far (from the event log or the server's records). */
export interface DeliveryHistory {
  /** When it was last sent to them; null: never. */
  lastSentAt: number | null
  /** Sent during the visitor's current visit. */
  sentThisVisit: boolean
  /** They answered it, or closed it. */
  replied: boolean
  dismissed: boolean
}

/** The state of things when the message matched. */
export interface Circumstances {
  now: number
  /** The visitor has a conversation open (waiting, open or snoozed): never then. */
  conversationOpen: boolean
  /** Within the working hours of the message's team (true where none are set). */
  withinHours: boolean
  /** Agents online who could take the reply (the route's team, skill or agent). */
  agentsOnline: number
  /** Of those, free slots in all. */
  freeSlots: number
}

export type Decision = { send: true } | { send: false; reason: SuppressionReason }

const HOUR_MS = 3_600_000

/** Frequency first (it is about this visitor), then the triggers in the editor's order: hours, agents, slots. */
export function decideProactive(m: Pick<ProactiveMessage, 'frequency' | 'qualify'>, history: DeliveryHistory, now: Circumstances): Decision {
  if (tooSoon(m.frequency, history, now)) return { send: false, reason: 'frequency' }
  if (m.qualify.workingHours && !now.withinHours) return { send: false, reason: 'out_of_hours' }
  if (m.qualify.agentAvailability && now.agentsOnline < 1) return { send: false, reason: 'no_agents' }
  if (m.qualify.slotsLeft && now.freeSlots < 1) return { send: false, reason: 'no_slots' }
  return { send: true }
}

function tooSoon(f: ProactiveMessage['frequency'], h: DeliveryHistory, c: Circumstances): boolean {
  if (c.conversationOpen) return true
  if (f.stopAfterReply && (h.replied || h.dismissed)) return true
  switch (f.per) {
    case 'visitor':
      return h.lastSentAt !== null
    case 'visit':
      return h.sentThisVisit
    case 'hours':
      return h.lastSentAt !== null && c.now - h.lastSentAt < f.hours * HOUR_MS
  }
}
