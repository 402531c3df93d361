/**
 * Working hours as people type them: clock times (`09:00`), intervals (`09:00–18:00`), IANA
 * timezones and holiday dates, checked and turned into the `hours` entries of the settings
 * document (shared/settings.ts). Pure: no document, no clock.
 */
import { WEEKDAYS, type Interval, type OutOfHoursMode, type Weekday, type WorkingHours } from './settings.ts'
import { canonicalTimezone, isIsoDate } from './timezone.ts'

const MINUTES_PER_DAY = 24 * 60

/** Separators accepted between the two ends of an interval: hyphen, en and em dashes, "to". */
const INTERVAL_SEPARATOR = /\s*(?:–|—|-|\bto\b)\s*/i

/** Minutes since midnight of `H`, `HH`, `H:MM` or `HH:MM` (24-hour clock, `24:00` allowed); null if it is not a time. */
export function parseClock(text: string): number | null {
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(text.trim())
  if (!m) return null
  const h = Number(m[1])
  const min = m[2] === undefined ? 0 : Number(m[2])
  if (min > 59) return null
  const total = h * 60 + min
  return total <= MINUTES_PER_DAY ? total : null
}

/** `HH:MM` of minutes since midnight. */
export function formatClock(minutes: number): string {
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
}

/** `09:00–18:00`: the way an interval is shown and edited. */
export function formatInterval([start, end]: Interval): string {
  return `${formatClock(start)}–${formatClock(end)}`
}

export type IntervalResult = { ok: true; value: Interval } | { ok: false; error: string }

/** Reads `09:00–18:00` (or `9-18`, `9:00 to 18:00`), explaining what is wrong when it cannot. */
export function parseInterval(text: string): IntervalResult {
  const trimmed = text.trim()
  if (!trimmed) return { ok: false, error: 'Enter the hours, e.g. 09:00–18:00' }
  const parts = trimmed.split(INTERVAL_SEPARATOR)
  if (parts.length !== 2) return { ok: false, error: 'Write it as start–end, e.g. 09:00–18:00' }
  const [a, b] = parts as [string, string]
  const start = parseClock(a)
  if (start === null) return { ok: false, error: `“${a}” is not a time (HH:MM, 00:00 to 24:00)` }
  const end = parseClock(b)
  if (end === null) return { ok: false, error: `“${b}” is not a time (HH:MM, 00:00 to 24:00)` }
  if (start === end) return { ok: false, error: 'The start and the end are the same time' }
  if (end < start) return { ok: false, error: `The end (${formatClock(end)}) is before the start (${formatClock(start)}); split hours past midnight over two days` }
  return { ok: true, value: [start, end] }
}

/** The holidays with `date` added, sorted and without duplicates; or why it cannot be added. */
export function addHoliday(holidays: readonly string[], date: string): { ok: true; value: string[] } | { ok: false; error: string } {
  if (!date) return { ok: false, error: 'Choose a date' }
  if (!isIsoDate(date)) return { ok: false, error: `“${date}” is not a date (YYYY-MM-DD)` }
  if (holidays.includes(date)) return { ok: false, error: `${date} is already a holiday` }
  return { ok: true, value: [...holidays, date].sort() }
}

/** A schedule as its form holds it: intervals still as typed. */
export interface HoursDraft {
  teamId: string
  timezone: string
  week: Record<Weekday, string[]>
  holidays: string[]
  outOfHours: OutOfHoursMode
}

/** Errors by field: `timezone`, `holidays`, or `<weekday>.<index>` for an interval. */
export type HoursErrors = Record<string, string>

/** The form of a saved schedule (or of a new one, in `timezone`, closed every day). */
export function hoursDraft(teamId: string, saved: WorkingHours | undefined, timezone = 'UTC'): HoursDraft {
  return {
    teamId,
    timezone: saved?.timezone ?? timezone,
    week: Object.fromEntries(WEEKDAYS.map((d) => [d, (saved?.week[d] ?? []).map(formatInterval)])) as Record<Weekday, string[]>,
    holidays: [...(saved?.holidays ?? [])],
    outOfHours: saved?.outOfHours ?? 'async',
  }
}

/** Monday's intervals copied to Tuesday–Friday (the weekend is left as it is). */
export function copyMondayToWeekdays(week: Record<Weekday, string[]>): Record<Weekday, string[]> {
  const out = { ...week }
  for (const d of ['tue', 'wed', 'thu', 'fri'] as const) out[d] = [...week.mon]
  return out
}

/** Checks a schedule's form; the entry to store when all of it is valid, else an error per field. */
export function hoursFromDraft(draft: HoursDraft): { ok: true; value: WorkingHours } | { ok: false; errors: HoursErrors } {
  const errors: HoursErrors = {}
  const timezone = canonicalTimezone(draft.timezone)
  if (!draft.timezone.trim()) errors.timezone = 'Choose a timezone'
  else if (!timezone) errors.timezone = `“${draft.timezone.trim()}” is not a known timezone (e.g. Europe/Paris)`

  const week = {} as Record<Weekday, Interval[]>
  for (const day of WEEKDAYS) {
    const parsed: { at: number; value: Interval }[] = []
    draft.week[day].forEach((text, at) => {
      const r = parseInterval(text)
      if (r.ok) parsed.push({ at, value: r.value })
      else errors[`${day}.${at}`] = r.error
    })
    // Overlaps are reported on the later of the two, naming the one it runs into.
    const sorted = [...parsed].sort((p, q) => p.value[0] - q.value[0])
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!
      const cur = sorted[i]!
      if (cur.value[0] < prev.value[1]) errors[`${day}.${cur.at}`] ??= `Overlaps ${formatInterval(prev.value)}`
    }
    week[day] = sorted.map((p) => p.value)
  }

  const bad = draft.holidays.find((d) => !isIsoDate(d))
  if (bad !== undefined) errors.holidays = `“${bad}” is not a date (YYYY-MM-DD)`

  if (Object.keys(errors).length || !timezone) return { ok: false, errors }
  return {
    ok: true,
    value: { teamId: draft.teamId, timezone, week, holidays: [...new Set(draft.holidays)].sort(), outOfHours: draft.outOfHours },
  }
}
