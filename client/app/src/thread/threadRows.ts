/**
 * The rows of a thread: each message, with a day separator ("Today", "Yesterday", a date) before
 * the first message of each local day. Pure: the clock and the locale are parameters.
 */
import type { ChatMessage } from '../../../../shared/protocol.ts'

/** A local calendar day as a sortable number, e.g. 20240305 for 5 March 2024. */
export function dayKey(at: number): number {
  const d = new Date(at)
  return d.getFullYear() * 10_000 + (d.getMonth() + 1) * 100 + d.getDate()
}

/** The label of a day separator: "Today", "Yesterday", a weekday and date, with the year when it is not this year. */
export function dayLabel(at: number, now: number, locale?: string): string {
  const day = dayKey(at)
  const today = new Date(now)
  if (day === dayKey(now)) return 'Today'
  // Built from the calendar, not `now - 24h`, so that a 23- or 25-hour day (DST) is still one day.
  if (day === dayKey(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1).getTime())) return 'Yesterday'
  const sameYear = new Date(at).getFullYear() === today.getFullYear()
  return new Date(at).toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }) })
}

export interface DayRow {
  kind: 'day'
  /** Unique in the thread: named after the message it comes before. */
  key: string
  day: number
  at: number
}

export interface MessageRow {
  kind: 'message'
  key: string
  message: ChatMessage
  day: number
}

export type ThreadRow = DayRow | MessageRow

/**
 * The rows for `messages` in thread order. Rows of `previous` are reused when nothing changed
 * (same message object, same day), so a keyed list re-renders only what is new.
 *
 * Messages carry their author's clock, and an offline reply can be older than what came before it
 * in the thread: a separator is drawn wherever the day changes, so days may repeat but every
 * message sits under the day it was written.
 */
export function buildRows(messages: readonly ChatMessage[], previous?: ReadonlyMap<string, ThreadRow>): { rows: ThreadRow[]; byKey: Map<string, ThreadRow> } {
  const rows: ThreadRow[] = []
  const byKey = new Map<string, ThreadRow>()
  let lastDay = -1
  for (const message of messages) {
    const key = message.id
    // Keys must be unique for a keyed list; a thread holds each message once anyway.
    if (byKey.has(key)) continue
    const old = previous?.get(key)
    const day = old?.kind === 'message' && old.message === message ? old.day : dayKey(message.at)
    if (day !== lastDay) {
      const sepKey = `day:${key}`
      const oldSep = previous?.get(sepKey)
      const sep: DayRow = oldSep?.kind === 'day' && oldSep.day === day ? oldSep : { kind: 'day', key: sepKey, day, at: message.at }
      rows.push(sep)
      byKey.set(sepKey, sep)
      lastDay = day
    }
    const row: MessageRow = old?.kind === 'message' && old.message === message ? old : { kind: 'message', key, message, day }
    rows.push(row)
    byKey.set(key, row)
  }
  return { rows, byKey }
}

/**
 * A first guess at a row's height in pixels, used until the row has been on screen and measured:
 * close guesses keep the scrollbar steady while the agent scrolls back through a long thread.
 */
export function estimateRowHeight(row: ThreadRow, charsPerLine: number): number {
  if (row.kind === 'day') return ROW_ESTIMATE.day
  const m = row.message
  if (m.kind === 'system') return ROW_ESTIMATE.system
  let lines = 0
  for (const para of m.text.split('\n')) lines += Math.max(1, Math.ceil(para.length / Math.max(10, charsPerLine)))
  return ROW_ESTIMATE.bubble + ROW_ESTIMATE.line * lines + (m.attachments?.length ?? 0) * ROW_ESTIMATE.attachment
}

/** Heights (px) of the parts of a row, matching styles.css at the default font size. */
export const ROW_ESTIMATE = {
  day: 40,
  system: 30,
  /** A bubble's padding, author line, time line and the gap to the next row. */
  bubble: 50,
  line: 22,
  attachment: 28,
} as const
