/** Small display helpers. */
import { createSignal, onCleanup, type Accessor } from 'solid-js'
import type { ConversationStatus } from '../../../shared/protocol.ts'

/** How often relative times ("5m") are refreshed: finer than the coarsest unit shown. */
const CLOCK_TICK_MS = 30_000
/** How often a duration shown to the second ("4 min 12 s") is refreshed. */
export const SECOND_TICK_MS = 1000

/**
 * The current time as a signal ticking every `tickMs` (half a minute unless told), and only while
 * `running()` when given: frozen otherwise. Must run inside a reactive owner.
 */
export function createNow(tickMs = CLOCK_TICK_MS, running?: Accessor<boolean>): Accessor<number> {
  const [now, setNow] = createSignal(Date.now())
  const timer = setInterval(() => {
    if (!running || running()) setNow(Date.now())
  }, tickMs)
  onCleanup(() => clearInterval(timer))
  return now
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** A short relative time: "now", "5m", "3h", "2d", then a date. */
export function relativeTime(at: number, now: number): string {
  const d = Math.max(0, now - at)
  if (d < MINUTE) return 'now'
  if (d < HOUR) return `${Math.floor(d / MINUTE)}m`
  if (d < DAY) return `${Math.floor(d / HOUR)}h`
  if (d < 7 * DAY) return `${Math.floor(d / DAY)}d`
  return SHORT_DATE.format(at)
}

// One formatter each, made once: `toLocale…String` with options builds a new one per call,
// which costs about 0.1 ms — a second for an inbox of 10,000 rows (measured by `npm run bench`).
const SHORT_DATE = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/** A clock time for a message. */
export function clockTime(at: number): string {
  return CLOCK.format(at)
}

const STATUS_LABELS: Record<ConversationStatus, string> = {
  waiting: 'Waiting',
  open: 'Open',
  snoozed: 'Snoozed',
  closed: 'Closed',
}

export function statusLabel(status: string): string {
  return STATUS_LABELS[status as ConversationStatus] ?? status
}

/** When a snooze ends, as short as is clear: "15:30" today, "Tue 09:00" this week, a date after. */
export function snoozeEnd(until: number, now: number): string {
  const d = new Date(until)
  const time = clockTime(until)
  const sameDay = new Date(now).toDateString() === d.toDateString()
  if (sameDay) return time
  if (until - now < 6 * DAY) return `${d.toLocaleDateString(undefined, { weekday: 'short' })} ${time}`
  return `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })} ${time}`
}

/** The status badge of a conversation: "Waiting", "Open", "Snoozed until 15:30", "Closed". */
export function statusText(status: string, snoozedUntil: number | null | undefined, now: number): string {
  if (status === 'snoozed' && typeof snoozedUntil === 'number') return `Snoozed until ${snoozeEnd(snoozedUntil, now)}`
  return statusLabel(status)
}

/** The first letter in upper case (the server words reasons as sentence fragments). */
export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** How each unit of a duration is written: in full beside a figure, compact in a narrow column. */
const DURATION_UNITS = {
  long: { s: ' s', m: ' min', h: ' h', d: ' d' },
  compact: { s: 's', m: 'm', h: 'h', d: 'd' },
} as const
export type DurationStyle = keyof typeof DURATION_UNITS

/**
 * A duration as a person reads it, to the second while it is short: "42 s", "4 min 12 s",
 * "3 h 05 min", "2 d 4 h" (compact: "42s", "4m 12s", "3h 05m", "2d 4h"); "—" for none.
 */
export function formatDuration(ms: number | null | undefined, style: DurationStyle = 'long'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  const u = DURATION_UNITS[style]
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s}${u.s}`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}${u.m} ${String(s % 60).padStart(2, '0')}${u.s}`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}${u.h} ${String(m % 60).padStart(2, '0')}${u.m}`
  return `${Math.floor(h / 24)}${u.d} ${h % 24}${u.h}`
}
