/** When the snooze presets end, from the agent's local clock: pure, so the edge cases are testable. */

export type SnoozePreset = '1h' | '5h' | 'tomorrow'

const HOUR = 3600_000

/** The hour "tomorrow" starts: the beginning of a working day. */
export const TOMORROW_HOUR = 9

/** 9:00 local time on the day after `now` (daylight-saving changes included: it is wall-clock time). */
export function tomorrowAt(now: number, hour = TOMORROW_HOUR): number {
  const d = new Date(now)
  d.setDate(d.getDate() + 1)
  d.setHours(hour, 0, 0, 0)
  return d.getTime()
}

/** The end of a preset snooze. */
export function snoozeUntil(preset: SnoozePreset, now: number): number {
  switch (preset) {
    case '1h':
      return now + HOUR
    case '5h':
      return now + 5 * HOUR
    case 'tomorrow':
      return tomorrowAt(now)
  }
}

/** The value of a `datetime-local` input for a time (local, to the minute). */
export function toDateTimeLocal(ms: number): string {
  const d = new Date(ms)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}

/** Reads a `datetime-local` value as local time; null when it is not a complete date and time. */
export function fromDateTimeLocal(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value)
  if (!m) return null
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[]
  const date = new Date(y!, mo! - 1, d!, h!, mi!, s || 0, 0)
  // Reject rollovers such as 31 February.
  if (date.getMonth() !== mo! - 1 || date.getDate() !== d) return null
  return date.getTime()
}
