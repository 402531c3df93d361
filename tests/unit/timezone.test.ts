import { describe, expect, it } from 'vitest'
import { canonicalTimezone, isIsoDate, offsetAt, timezoneNames, wallClock } from '../../shared/timezone.ts'

const H = 3_600_000
const utc = (iso: string) => Date.parse(iso)

describe('timezone names', () => {
  it('knows IANA names and spells them canonically', () => {
    expect(canonicalTimezone('Europe/Paris')).toBe('Europe/Paris')
    expect(canonicalTimezone('europe/paris')).toBe('Europe/Paris')
    expect(canonicalTimezone(' Europe/Paris ')).toBe('Europe/Paris')
    expect(canonicalTimezone('UTC')).toBe('UTC')
  })

  it('refuses what is not a place’s timezone', () => {
    expect(canonicalTimezone('Mars/Olympus_Mons')).toBeNull()
    expect(canonicalTimezone('')).toBeNull()
    expect(canonicalTimezone('+01:00')).toBeNull()
    expect(canonicalTimezone(42)).toBeNull()
    expect(canonicalTimezone('x'.repeat(500))).toBeNull()
  })

  it('lists timezones for the picker, UTC included, each of them kept as listed', () => {
    const names = timezoneNames()
    expect(names).toContain('UTC')
    expect(names).toContain('Europe/Paris')
    for (const n of names.slice(0, 50)) expect(canonicalTimezone(n)).toBe(n)
  })
})

describe('wall clock and offset', () => {
  it('reads the wall clock in the zone', () => {
    expect(wallClock(utc('2026-03-29T12:05:07Z'), 'Europe/Paris')).toEqual({ year: 2026, month: 3, day: 29, hour: 14, minute: 5, second: 7, weekday: 'Sun' })
    expect(wallClock(utc('2026-03-29T00:00:00Z'), 'America/New_York')).toMatchObject({ day: 28, hour: 20, weekday: 'Sat' })
  })

  it('throws for a zone this runtime does not know', () => {
    expect(() => wallClock(0, 'Mars/Olympus_Mons')).toThrow(RangeError)
  })

  it('offsets are east-positive', () => {
    expect(offsetAt(utc('2026-07-01T00:00:00Z'), 'Europe/Paris')).toBe(2 * H)
    expect(offsetAt(utc('2026-07-01T00:00:00Z'), 'America/New_York')).toBe(-4 * H)
    expect(offsetAt(utc('2026-07-01T00:00:00.900Z'), 'Asia/Kathmandu')).toBe(5.75 * H)
  })
})

describe('dates', () => {
  it.each([
    ['2026-03-02', true],
    ['2026-02-29', false],
    ['2028-02-29', true],
    ['2025-12-25', true],
    ['2026-13-01', false],
    ['2026-3-2', false],
    ['25-12-2025', false],
    ['2026-03-02T00:00', false],
    ['', false],
    ['yesterday', false],
  ])('%j is a date: %s', (text, ok) => expect(isIsoDate(text)).toBe(ok))
})
