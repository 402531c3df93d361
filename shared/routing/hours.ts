/**
 * Working hours: whether a team's schedule is open at an instant, and when it next opens.
 * Weekday, minute of the day and date (for holidays) are read in the schedule's own timezone
 * through `Intl.DateTimeFormat`, so daylight-saving changes need no table of our own.
 */
import { WEEKDAYS, type WorkingHours, type Weekday } from '../settings.ts'
import { canonicalTimezone, offsetAt, wallClock } from '../timezone.ts'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
/** How far `nextOpening` looks ahead: two weeks covers a long holiday closure plus a weekend. */
export const LOOKAHEAD_DAYS = 14

/** A wall-clock reading in a timezone. */
export interface LocalTime {
  /** `YYYY-MM-DD`, as holidays are written. */
  date: string
  weekday: Weekday
  /** Minutes from local midnight, 0..1439. */
  minute: number
  year: number
  month: number
  day: number
}

// The dispatcher asks the same zone about the same minute many times in a burst.
const lastReading = new Map<string, { minuteKey: number; time: LocalTime }>()

const WEEKDAY_OF: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' }
const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** The wall-clock date, weekday and minute of the day at `at` (epoch ms) in `timeZone`. */
export function localTime(timeZone: string, at: number): LocalTime {
  // Every zone in use today is offset from UTC by whole minutes, so one UTC minute is one local minute.
  const minuteKey = Math.floor(at / MINUTE)
  const memo = lastReading.get(timeZone)
  if (memo && memo.minuteKey === minuteKey) return memo.time
  // A misspelt zone in the settings must not stop routing: read it as UTC (the reader's default).
  const { year, month, day, hour, minute, weekday } = wallClock(minuteKey * MINUTE, canonicalTimezone(timeZone) ?? 'UTC')
  const time: LocalTime = { date: `${pad(year, 4)}-${pad(month)}-${pad(day)}`, weekday: WEEKDAY_OF[weekday] ?? 'mon', minute: hour * 60 + minute, year, month, day }
  lastReading.set(timeZone, { minuteKey, time })
  return time
}

/** Local wall clock minus UTC at `at`, in ms (e.g. +3,600,000 for Paris in winter), read as `localTime` reads the zone. */
const offsetOf = (timeZone: string, at: number): number => offsetAt(at, canonicalTimezone(timeZone) ?? 'UTC')

/** Whether the schedule is open at `at` (epoch ms): not a holiday, and inside one of the day's intervals. */
export function isOpen(hours: WorkingHours, at: number): boolean {
  const t = localTime(hours.timezone, at)
  if (hours.holidays.includes(t.date)) return false
  for (const [start, end] of hours.week[t.weekday] ?? []) if (t.minute >= start && t.minute < end) return true
  return false
}

/**
 * The earliest instant (epoch ms) within the wall clock `minute` of a local date, or null when
 * the clocks skip that minute (spring forward). When it happens twice (fall back), the first.
 */
function instantOf(timeZone: string, year: number, month: number, day: number, minute: number): number | null {
  const wall = Date.UTC(year, month - 1, day, 0, minute)
  // The offsets a day either side: at most one change of offset lies in between.
  const guesses = [wall - offsetOf(timeZone, wall + DAY), wall - offsetOf(timeZone, wall - DAY)].sort((a, b) => a - b)
  for (const t of guesses) if (t + offsetOf(timeZone, t) === wall) return t
  return null
}

/** The instants in (from, to] at which the zone's offset changes, to the minute. */
function offsetChanges(timeZone: string, from: number, to: number): number[] {
  const out: number[] = []
  for (let a = from; a < to; a += DAY) {
    const b = Math.min(a + DAY, to)
    let lo = a, hi = b
    const before = offsetOf(timeZone, lo)
    if (offsetOf(timeZone, hi) === before) continue
    while (hi - lo > MINUTE) {
      const mid = Math.floor((lo + hi) / 2 / MINUTE) * MINUTE
      if (mid <= lo) break
      if (offsetOf(timeZone, mid) === before) lo = mid
      else hi = mid
    }
    out.push(Math.floor(hi / MINUTE) * MINUTE)
  }
  return out
}

/**
 * When the schedule next opens: `at` itself when it is open now, else the first instant within
 * `LOOKAHEAD_DAYS` when it is, or null (closed for two weeks, or a schedule with no hours).
 */
export function nextOpening(hours: WorkingHours, at: number): number | null {
  if (isOpen(hours, at)) return at
  const limit = at + LOOKAHEAD_DAYS * DAY
  const tz = hours.timezone
  const today = localTime(tz, at)
  // Openings are interval starts on non-holiday days, plus the moments the clocks change: an
  // interval that starts inside a skipped hour opens when the clocks jump into it, and one that
  // ended inside a repeated hour opens again when the clocks go back.
  const candidates: number[] = offsetChanges(tz, at, limit)
  for (let k = 0; k <= LOOKAHEAD_DAYS; k++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + k))
    const date = d.toISOString().slice(0, 10)
    if (hours.holidays.includes(date)) continue
    const weekday = WEEKDAYS[(d.getUTCDay() + 6) % 7]!
    for (const [start] of hours.week[weekday] ?? []) {
      const t = instantOf(tz, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), start)
      if (t !== null) candidates.push(t)
    }
  }
  candidates.sort((a, b) => a - b)
  for (const t of candidates) if (t > at && t <= limit && isOpen(hours, t)) return t
  return null
}
