import { describe, expect, it } from 'vitest'
import {
  addDays,
  dayIndex,
  dayKey,
  dayStarts,
  daysBetween,
  isoInZone,
  periodBounds,
  presetOf,
  presetRange,
  startOfDay,
} from '../../shared/reports/period.ts'

const H = 3_600_000
const utc = (iso: string) => Date.parse(iso)

describe('dayKey', () => {
  it.each([
    ['2026-03-28T23:30:00Z', 'UTC', '2026-03-28'],
    ['2026-03-28T23:30:00Z', 'Europe/Paris', '2026-03-29'],
    ['2026-03-29T03:30:00Z', 'America/New_York', '2026-03-28'],
    ['2025-12-31T18:15:00Z', 'Asia/Kathmandu', '2026-01-01'],
    ['2025-12-31T18:14:59Z', 'Asia/Kathmandu', '2025-12-31'],
    ['2026-01-01T00:00:00Z', 'Pacific/Kiritimati', '2026-01-01'],
  ])('%s in %s is %s', (iso, tz, day) => expect(dayKey(utc(iso), tz)).toBe(day))
})

describe('start of a local day', () => {
  it.each([
    ['2026-03-02', 'UTC', '2026-03-02T00:00:00Z', 24],
    ['2026-03-02', 'Europe/Paris', '2026-03-01T23:00:00Z', 24],
    // Spring forward in Paris: 02:00 becomes 03:00, a 23-hour day.
    ['2026-03-29', 'Europe/Paris', '2026-03-28T23:00:00Z', 23],
    ['2026-03-30', 'Europe/Paris', '2026-03-29T22:00:00Z', 24],
    // Fall back: 03:00 becomes 02:00 again, a 25-hour day.
    ['2026-10-25', 'Europe/Paris', '2026-10-24T22:00:00Z', 25],
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00Z', 23],
    ['2026-11-01', 'America/New_York', '2026-11-01T04:00:00Z', 25],
    // Santiago skips midnight: the day begins at 01:00 local, the moment of the change.
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00Z', 23],
    // …and repeats the hour before midnight: the 4th of April lasts 25 hours.
    ['2026-04-04', 'America/Santiago', '2026-04-04T03:00:00Z', 25],
    ['2026-01-01', 'Asia/Kathmandu', '2025-12-31T18:15:00Z', 24],
  ])('%s in %s starts at %s and lasts %i h', (day, tz, iso, hours) => {
    const start = startOfDay(day, tz)
    expect(new Date(start).toISOString().replace('.000', '')).toBe(iso)
    expect(dayKey(start, tz)).toBe(day)
    expect(dayKey(start - 1, tz)).toBe(addDays(day, -1))
    expect((startOfDay(addDays(day, 1), tz) - start) / H).toBe(hours)
  })

  it('a period runs from the start of its first day to the start of the day after its last', () => {
    expect(periodBounds({ from: '2026-03-29', to: '2026-03-29' }, 'Europe/Paris')).toEqual({ start: utc('2026-03-28T23:00:00Z'), end: utc('2026-03-29T22:00:00Z') })
    const { days, bounds } = dayStarts({ from: '2026-03-28', to: '2026-03-30' }, 'Europe/Paris')
    expect(days).toEqual(['2026-03-28', '2026-03-29', '2026-03-30'])
    expect(bounds.map((b) => new Date(b).toISOString())).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z'])
    expect(dayIndex(bounds, utc('2026-03-29T21:59:59Z'))).toBe(1)
    expect(dayIndex(bounds, utc('2026-03-29T22:00:00Z'))).toBe(2)
    expect(dayIndex(bounds, utc('2026-03-27T22:59:59Z'))).toBe(-1)
    expect(dayIndex(bounds, utc('2026-03-30T22:00:00Z'))).toBe(-1)
  })
})

describe('days', () => {
  it.each([
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2026-03-29', 1, '2026-03-30'],
  ])('%s + %i = %s', (day, n, next) => {
    expect(addDays(day, n)).toBe(next)
    expect(daysBetween(day, next)).toBe(n)
  })
})

describe('presets', () => {
  // 2026-03-31 22:30 UTC is already 1 April in Paris.
  const now = utc('2026-03-31T22:30:00Z')
  it.each([
    ['today', 'UTC', '2026-03-31', '2026-03-31'],
    ['today', 'Europe/Paris', '2026-04-01', '2026-04-01'],
    ['yesterday', 'Europe/Paris', '2026-03-31', '2026-03-31'],
    ['last7', 'UTC', '2026-03-25', '2026-03-31'],
    ['last30', 'UTC', '2026-03-02', '2026-03-31'],
    ['thisMonth', 'UTC', '2026-03-01', '2026-03-31'],
    ['thisMonth', 'Europe/Paris', '2026-04-01', '2026-04-01'],
  ] as const)('%s in %s is %s…%s', (preset, tz, from, to) => {
    expect(presetRange(preset, now, tz)).toEqual({ from, to })
    expect(presetOf({ from, to }, now, tz)).toBe(preset === 'thisMonth' && tz === 'Europe/Paris' ? 'today' : preset)
  })

  it('a range of no preset is custom', () => expect(presetOf({ from: '2026-03-03', to: '2026-03-05' }, now, 'UTC')).toBeNull())
})

describe('ISO 8601 with the workspace offset', () => {
  it.each([
    ['2026-03-29T12:05:00Z', 'Europe/Paris', '2026-03-29T14:05:00+02:00'],
    ['2026-03-28T12:05:00Z', 'Europe/Paris', '2026-03-28T13:05:00+01:00'],
    ['2026-03-29T12:05:07.900Z', 'UTC', '2026-03-29T12:05:07+00:00'],
    ['2026-03-29T12:05:00Z', 'America/New_York', '2026-03-29T08:05:00-04:00'],
    ['2026-03-29T12:05:00Z', 'Asia/Kathmandu', '2026-03-29T17:50:00+05:45'],
    ['2026-03-29T00:00:00Z', 'Etc/GMT+12', '2026-03-28T12:00:00-12:00'],
  ])('%s in %s is %s', (iso, tz, out) => {
    expect(isoInZone(utc(iso), tz)).toBe(out)
    // It reads back as the same instant (to the second).
    expect(Date.parse(out)).toBe(Math.floor(utc(iso) / 1000) * 1000)
  })
})
