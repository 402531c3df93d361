import { describe, expect, it } from 'vitest'
import { isOpen, localTime, nextOpening } from '../../shared/routing/hours.ts'
import { hours } from './routingFixtures.ts'

const at = (iso: string) => Date.parse(iso)
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

// Paris changes to summer time on Sunday 2026-03-29 at 01:00 UTC (02:00 → 03:00) and back on
// Sunday 2026-10-25 at 01:00 UTC (03:00 → 02:00).
const office = hours('t')
const sundays = hours('t', { days: { sun: [[9 * 60, 17 * 60]] } })
const inTheSkippedHour = hours('t', { days: { sun: [[150, 240]] } }) // 02:30–04:00
const untilTheRepeatedHour = hours('t', { days: { sun: [[0, 150]] } }) // 00:00–02:30
const withHoliday = hours('t', { holidays: ['2026-03-30'] })
const nightShift = hours('t', { days: { mon: [[22 * 60, 24 * 60]], tue: [[0, 6 * 60]] } })

describe('isOpen', () => {
  it.each([
    ['a weekday at 10:00 Paris', office, '2026-03-18T09:00Z', true],
    ['the first minute', office, '2026-03-18T08:00Z', true],
    ['the minute before opening', office, '2026-03-18T07:59Z', false],
    ['closing time itself (intervals end exclusive)', office, '2026-03-18T17:00Z', false],
    ['a Saturday', office, '2026-03-21T10:00Z', false],
    ['a holiday, in opening hours', withHoliday, '2026-03-30T10:00Z', false],
    ['the day after the holiday', withHoliday, '2026-03-31T10:00Z', true],
    ['DST day: 08:59 summer time is still closed', sundays, '2026-03-29T06:59Z', false],
    ['DST day: 09:00 summer time opens at 07:00 UTC', sundays, '2026-03-29T07:00Z', true],
    ['DST day: 17:00 summer time closes at 15:00 UTC', sundays, '2026-03-29T15:00Z', false],
    ['the Sunday before DST: 09:00 winter time is 08:00 UTC', sundays, '2026-03-22T07:30Z', false],
    ['the Sunday before DST: open at 08:00 UTC', sundays, '2026-03-22T08:00Z', true],
    ['the skipped hour: the clocks jump to 03:00, inside 02:30–04:00', inTheSkippedHour, '2026-03-29T01:00Z', true],
    ['the repeated hour: 02:40 summer time is past 02:30', untilTheRepeatedHour, '2026-10-25T00:40Z', false],
    ['the repeated hour: 02:10 winter time is before 02:30 again', untilTheRepeatedHour, '2026-10-25T01:10Z', true],
    ['a night shift across midnight, Monday side', nightShift, '2026-03-16T22:30Z', true],
    ['a night shift across midnight, Tuesday side', nightShift, '2026-03-17T04:00Z', true],
  ])('%s', (_, h, when, open) => expect(isOpen(h, at(when))).toBe(open))

  it('reads a misspelt timezone as UTC rather than failing', () => {
    expect(localTime('Mars/Olympus_Mons', at('2026-03-18T09:30Z'))).toMatchObject({ date: '2026-03-18', weekday: 'wed', minute: 9 * 60 + 30 })
  })

  it('reads the local date across midnight for holidays (Tokyo is already on the holiday)', () => {
    const tokyo = hours('t', { timezone: 'Asia/Tokyo', days: { mon: [[0, 24 * 60]], sun: [[0, 24 * 60]] }, holidays: ['2026-03-30'] })
    expect(isOpen(tokyo, at('2026-03-29T14:59Z'))).toBe(true) // Sunday 23:59 in Tokyo
    expect(isOpen(tokyo, at('2026-03-29T15:00Z'))).toBe(false) // Monday 00:00, a holiday
  })
})

describe('nextOpening', () => {
  it.each([
    ['open now: now', office, '2026-03-18T09:00Z', '2026-03-18T09:00:00.000Z'],
    ['the evening: next morning', office, '2026-03-18T19:00Z', '2026-03-19T08:00:00.000Z'],
    ['Friday evening: Monday morning', office, '2026-03-20T18:00Z', '2026-03-23T08:00:00.000Z'],
    ['Friday before DST: Monday in summer time (07:00 UTC)', office, '2026-03-27T18:00Z', '2026-03-30T07:00:00.000Z'],
    ['over a holiday Monday: Tuesday', withHoliday, '2026-03-27T18:00Z', '2026-03-31T07:00:00.000Z'],
    ['DST morning: 09:00 summer time', sundays, '2026-03-29T00:00Z', '2026-03-29T07:00:00.000Z'],
    ['an interval starting in the skipped hour: when the clocks jump', inTheSkippedHour, '2026-03-29T00:00Z', '2026-03-29T01:00:00.000Z'],
    ['closed in the repeated hour: open again when the clocks go back', untilTheRepeatedHour, '2026-10-25T00:40Z', '2026-10-25T01:00:00.000Z'],
  ])('%s', (_, h, when, expected) => expect(iso(nextOpening(h, at(when)))).toBe(expected))

  it('gives up past two weeks', () => {
    expect(nextOpening(hours('t', { days: { mon: [], tue: [], wed: [], thu: [], fri: [] } }), at('2026-03-18T09:00Z'))).toBeNull()
    const longHoliday = hours('t', { holidays: Array.from({ length: 20 }, (_, i) => `2026-04-${String(i + 1).padStart(2, '0')}`) })
    expect(nextOpening(longHoliday, at('2026-03-31T18:00Z'))).toBeNull()
  })
})
