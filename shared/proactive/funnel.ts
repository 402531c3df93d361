/**
 * The daily funnel of proactive messages, folded on the device from the event log as the reports
 * are: per message and day (in the workspace's timezone), the distinct visitors who matched, were
 * sent it, opened it and replied, and why the others were not sent it. Rates are shares of Matched.
 */
import { EventType, type LogEvent } from '../protocol.ts'
import { dayKey, type Day } from '../reports/period.ts'
import { SUPPRESSION_REASONS, type SuppressionReason } from './model.ts'

export interface FunnelDay {
  messageId: string
  day: Day
  matched: number
  sent: number
  opened: number
  replied: number
  /** Distinct visitors not sent it, by reason. */
  suppressed: Record<SuppressionReason, number>
}

export interface FunnelRates {
  /** 0–1; null when nobody matched. */
  sentRate: number | null
  openedRate: number | null
  repliedRate: number | null
}

const STEP: Partial<Record<string, 'matched' | 'sent' | 'opened' | 'replied'>> = {
  [EventType.proactiveMatched]: 'matched',
  [EventType.proactiveSent]: 'sent',
  [EventType.proactiveOpened]: 'opened',
  [EventType.proactiveReplied]: 'replied',
}

interface Tally {
  matched: Set<string>
  sent: Set<string>
  opened: Set<string>
  replied: Set<string>
  suppressed: Map<SuppressionReason, Set<string>>
}

const REASONS = new Set<string>(SUPPRESSION_REASONS)

/** Folds events (any order, any types) into funnel days, keyed `<messageId>\0<day>`; days outside `range` are left out. */
export function proactiveFunnel(events: readonly LogEvent[], tz: string, range?: { from: Day; to: Day }): Map<string, FunnelDay> {
  const tallies = new Map<string, { messageId: string; day: Day; t: Tally }>()
  for (const e of events) {
    const step = STEP[e.type]
    const suppressed = e.type === EventType.proactiveSuppressed
    if (!step && !suppressed) continue
    const messageId = e.data.messageId
    const visitorId = e.data.visitorId
    if (typeof messageId !== 'string' || typeof visitorId !== 'string') continue
    const day = dayKey(e.at, tz)
    if (range && (day < range.from || day > range.to)) continue
    const key = `${messageId}\0${day}`
    let entry = tallies.get(key)
    if (!entry) tallies.set(key, (entry = { messageId, day, t: { matched: new Set(), sent: new Set(), opened: new Set(), replied: new Set(), suppressed: new Map() } }))
    if (step) entry.t[step].add(visitorId)
    else if (typeof e.data.reason === 'string' && REASONS.has(e.data.reason)) {
      const reason = e.data.reason as SuppressionReason
      let set = entry.t.suppressed.get(reason)
      if (!set) entry.t.suppressed.set(reason, (set = new Set()))
      set.add(visitorId)
    }
  }
  const out = new Map<string, FunnelDay>()
  for (const [key, { messageId, day, t }] of tallies) {
    const suppressed = Object.fromEntries(SUPPRESSION_REASONS.map((r) => [r, t.suppressed.get(r)?.size ?? 0])) as Record<SuppressionReason, number>
    out.set(key, { messageId, day, matched: t.matched.size, sent: t.sent.size, opened: t.opened.size, replied: t.replied.size, suppressed })
  }
  return out
}

/** Sent, opened and replied as shares of Matched (a visitor counted in a later step without a match in that day still counts: the share may pass 1 only then). */
export function funnelRates(d: Pick<FunnelDay, 'matched' | 'sent' | 'opened' | 'replied'>): FunnelRates {
  if (d.matched === 0) return { sentRate: null, openedRate: null, repliedRate: null }
  return { sentRate: d.sent / d.matched, openedRate: d.opened / d.matched, repliedRate: d.replied / d.matched }
}
