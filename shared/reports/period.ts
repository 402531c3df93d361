/**
 * Days and periods in the workspace's IANA timezone (issue 10 §1.5), with `Intl.DateTimeFormat`
 * only: a day is `YYYY-MM-DD` local to the timezone, and its start is found from the zone's
 * offset at that moment, so a day is 23 or 25 hours long across a DST change.
 */
import { isIsoDate, offsetAt, wallClock } from '../timezone.ts'

/** A calendar day, `YYYY-MM-DD`. */
export type Day = string

/** A period of whole days, `to` inclusive. */
export interface DayRange {
  from: Day
  to: Day
}

const DAY_MS = 86_400_000
/** A day starts within this much of its UTC midnight in every zone (offsets span −12 h…+14 h). */
const MAX_OFFSET_MS = 15 * 3_600_000

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0')
const dayOf = (y: number, mo: number, d: number): Day => `${y < 0 ? '-' : ''}${pad(y, 4)}-${pad(mo)}-${pad(d)}`

/** The local day of `at` in `tz`, `YYYY-MM-DD`. */
export function dayKey(at: number, tz: string): Day {
  const w = wallClock(at, tz)
  return dayOf(w.year, w.month, w.day)
}

function utcMidnight(day: Day): number {
  if (!isIsoDate(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`)
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)))
}

/** The day `n` days after `day` (before it when `n` is negative). */
export function addDays(day: Day, n: number): Day {
  const t = new Date(utcMidnight(day) + n * DAY_MS)
  return dayOf(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())
}

/** How many days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS)
}

/**
 * The first instant of `day` in `tz`, epoch ms. Usually local midnight; where midnight is skipped
 * by a DST change, the moment the day begins.
 */
export function startOfDay(day: Day, tz: string): number {
  const local = utcMidnight(day)
  // Two passes: the offset at the guess, then at the corrected instant (they differ near a change).
  let t = local - offsetAt(local, tz)
  t = local - offsetAt(t, tz)
  if (dayKey(t, tz) === day && dayKey(t - 1000, tz) < day) return t
  // Midnight falls in a gap or a fold: the first second whose local day is `day`, by bisection.
  let lo = local - MAX_OFFSET_MS // before the day everywhere
  let hi = local + MAX_OFFSET_MS // inside or after it
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000
    if (dayKey(mid, tz) < day) lo = mid
    else hi = mid
  }
  return hi
}

/** A period of days as epoch ms `[start, end)`: from the start of `from` to the start of the day after `to`. */
export function periodBounds(range: DayRange, tz: string): { start: number; end: number } {
  return { start: startOfDay(range.from, tz), end: startOfDay(addDays(range.to, 1), tz) }
}

/** The starts of every day of the period and of the day after it (so `days.length + 1` bounds). */
export function dayStarts(range: DayRange, tz: string): { days: Day[]; bounds: number[] } {
  const days: Day[] = []
  const bounds: number[] = []
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
    days.push(d)
    bounds.push(startOfDay(d, tz))
  }
  bounds.push(startOfDay(addDays(range.to, 1), tz))
  return { days, bounds }
}

/** The index of the day `at` falls in, given `dayStarts` bounds; -1 outside the period. */
export function dayIndex(bounds: readonly number[], at: number): number {
  const last = bounds.length - 1
  if (!(at >= bounds[0]! && at < bounds[last]!)) return -1
  // Days are 24 hours but for a DST change or two: guess by division, then step to the right day.
  let i = Math.min(last - 1, Math.floor((at - bounds[0]!) / DAY_MS))
  while (bounds[i]! > at) i--
  while (bounds[i + 1]! <= at) i++
  return i
}

/** The named periods, relative to today in the timezone. */
export const PERIOD_PRESETS = ['today', 'yesterday', 'last7', 'last30', 'thisMonth'] as const
export type PeriodPreset = (typeof PERIOD_PRESETS)[number]

/** The days of a named period at `now` in `tz` (last 7 days: today and the six before it). */
export function presetRange(preset: PeriodPreset, now: number, tz: string): DayRange {
  const today = dayKey(now, tz)
  switch (preset) {
    case 'today':
      return { from: today, to: today }
    case 'yesterday': {
      const y = addDays(today, -1)
      return { from: y, to: y }
    }
    case 'last7':
      return { from: addDays(today, -6), to: today }
    case 'last30':
      return { from: addDays(today, -29), to: today }
    case 'thisMonth':
      return { from: `${today.slice(0, 8)}01`, to: today }
  }
}

/** The preset whose days at `now` are exactly `range`, or null (a custom period). */
export function presetOf(range: DayRange, now: number, tz: string): PeriodPreset | null {
  for (const p of PERIOD_PRESETS) {
    const r = presetRange(p, now, tz)
    if (r.from === range.from && r.to === range.to) return p
  }
  return null
}

/** `at` as ISO 8601 with the zone's offset at that moment, to the second: `2026-03-29T14:05:00+02:00`. */
export function isoInZone(at: number, tz: string): string {
  const w = wallClock(at, tz)
  const off = Math.round(offsetAt(at, tz) / 60_000)
  const sign = off < 0 ? '-' : '+'
  return `${dayOf(w.year, w.month, w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`
}
