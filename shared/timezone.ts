/**
 * IANA timezones and calendar dates with `Intl.DateTimeFormat` only: which names this runtime
 * knows and how it spells them, the wall clock of an instant in a zone, and the zone's offset.
 * Working hours (routing/hours.ts), the reports' days (reports/period.ts) and the settings forms
 * read them from here.
 */

/** The wall-clock reading of an instant in a timezone. */
export interface WallClock {
  year: number
  month: number
  day: number
  /** 0..23. */
  hour: number
  minute: number
  second: number
  /** `Mon`…`Sun`. */
  weekday: string
}

// Building a formatter costs tens of microseconds (it loads time-zone data); formatting with one
// costs a few. One per timezone, kept for the life of the process: there are only so many zones.
const formatters = new Map<string, Intl.DateTimeFormat>()

/** The formatter of `timeZone`'s wall clock; throws a RangeError for a zone this runtime does not know. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** The wall clock of `at` (epoch ms) in `timeZone`; throws a RangeError for an unknown zone. */
export function wallClock(at: number, timeZone: string): WallClock {
  const w: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 'Mon' }
  for (const p of formatter(timeZone).formatToParts(at)) {
    switch (p.type) {
      case 'year': w.year = Number(p.value); break
      case 'month': w.month = Number(p.value); break
      case 'day': w.day = Number(p.value); break
      case 'hour': w.hour = Number(p.value) % 24; break
      case 'minute': w.minute = Number(p.value); break
      case 'second': w.second = Number(p.value); break
      case 'weekday': w.weekday = p.value; break
    }
  }
  return w
}

/** The zone's offset from UTC at `at`, in ms (east positive: +2 h in Paris in summer). */
export function offsetAt(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone)
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at / 1000) * 1000
}

/** Names already checked: settings are read on every change, a formatter per read would add up. */
const canonical = new Map<string, string | null>()
let listed: Map<string, string> | null = null

/**
 * The IANA name of a timezone this runtime knows, spelled as the runtime lists it
 * (`europe/paris` → `Europe/Paris`; a listed name is kept, not swapped for a legacy alias such as
 * `Asia/Calcutta`, so a name picked from `timezoneNames()` comes back as itself), or null for
 * anything else: a typo, an old runtime's gap, a fixed offset.
 */
export function canonicalTimezone(name: unknown): string | null {
  if (typeof name !== 'string' || name.length > 64) return null
  let known = canonical.get(name)
  if (known === undefined) {
    const trimmed = name.trim()
    known = null
    // Fixed offsets (`+01:00`, which newer engines accept) ignore daylight saving time: not a place's clock.
    if (/^[A-Za-z]/.test(trimmed)) {
      try {
        const resolved = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone
        listed ??= new Map(supportedTimezones().map((z) => [z.toLowerCase(), z]))
        known = listed.get(trimmed.toLowerCase()) ?? resolved
      } catch {
        known = null
      }
    }
    if (canonical.size > 1000) canonical.clear()
    canonical.set(name, known)
  }
  return known
}

function supportedTimezones(): string[] {
  try {
    return (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? []
  } catch {
    return []
  }
}

/** The IANA timezones this runtime knows, for a picker (UTC included, which some engines leave out of the list; older ones list none). */
export function timezoneNames(): string[] {
  const list = supportedTimezones()
  return list.includes('UTC') ? [...list] : ['UTC', ...list]
}

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}
