import { describe, expect, it } from 'vitest'
import {
  addHoliday,
  copyMondayToWeekdays,
  formatClock,
  formatInterval,
  hoursDraft,
  hoursFromDraft,
  parseClock,
  parseInterval,
  type HoursDraft,
} from '../../shared/workingHours.ts'

const closedWeek = () => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }) as HoursDraft['week']
const draft = (over: Partial<HoursDraft> = {}): HoursDraft => ({ teamId: 't1', timezone: 'Europe/Paris', week: closedWeek(), holidays: [], outOfHours: 'async', ...over })

describe('clock times', () => {
  it.each([
    ['09:00', 540],
    ['9:00', 540],
    ['9', 540],
    ['00:00', 0],
    ['23:59', 1439],
    ['24:00', 1440],
    [' 18:30 ', 1110],
  ])('%j is %i minutes', (text, minutes) => expect(parseClock(text)).toBe(minutes))

  it.each(['', '24:01', '25:00', '9:60', '9:5', '-1:00', 'nine', '09:00:00', '9h'])('refuses %j', (text) => expect(parseClock(text)).toBeNull())

  it('formats with two digits', () => {
    expect(formatClock(540)).toBe('09:00')
    expect(formatClock(1440)).toBe('24:00')
    expect(formatInterval([540, 1080])).toBe('09:00–18:00')
  })
})

describe('intervals', () => {
  it.each(['09:00–18:00', '09:00-18:00', '9-18', '9:00 — 18:00', '09:00 to 18:00'])('reads %j', (text) =>
    expect(parseInterval(text)).toEqual({ ok: true, value: [540, 1080] }),
  )

  it('round-trips what it formats', () => {
    for (const i of [[0, 1440], [61, 62], [540, 1080]] as [number, number][]) expect(parseInterval(formatInterval(i))).toEqual({ ok: true, value: i })
  })

  it('says why an interval is wrong', () => {
    const error = (text: string) => {
      const r = parseInterval(text)
      return r.ok ? null : r.error
    }
    expect(error('')).toMatch(/Enter the hours/)
    expect(error('09:00')).toMatch(/start–end/)
    expect(error('18:00–09:00')).toMatch(/The end \(09:00\) is before the start \(18:00\)/)
    expect(error('09:00–09:00')).toMatch(/same time/)
    expect(error('09:00–25:00')).toMatch(/“25:00” is not a time/)
    expect(error('noon–18:00')).toMatch(/“noon” is not a time/)
  })
})

describe('holidays', () => {
  it('adds a holiday once, in date order', () => {
    expect(addHoliday(['2025-12-25'], '2025-01-01')).toEqual({ ok: true, value: ['2025-01-01', '2025-12-25'] })
    expect(addHoliday(['2025-12-25'], '2025-12-25')).toEqual({ ok: false, error: '2025-12-25 is already a holiday' })
    expect(addHoliday([], '')).toEqual({ ok: false, error: 'Choose a date' })
  })
})

describe('a schedule form', () => {
  it('becomes an entry when valid', () => {
    const week = copyMondayToWeekdays({ ...closedWeek(), mon: ['13:00–18:00', '09:00–12:00'], sat: ['10:00–12:00'] })
    const r = hoursFromDraft(draft({ timezone: 'europe/paris', week, holidays: ['2025-12-25', '2025-01-01'], outOfHours: 'requestForm' }))
    expect(r).toEqual({
      ok: true,
      value: {
        teamId: 't1',
        timezone: 'Europe/Paris',
        week: {
          mon: [[540, 720], [780, 1080]],
          tue: [[540, 720], [780, 1080]],
          wed: [[540, 720], [780, 1080]],
          thu: [[540, 720], [780, 1080]],
          fri: [[540, 720], [780, 1080]],
          sat: [[600, 720]],
          sun: [],
        },
        holidays: ['2025-01-01', '2025-12-25'],
        outOfHours: 'requestForm',
      },
    })
  })

  it('reports each wrong field and stores nothing', () => {
    const r = hoursFromDraft(draft({ timezone: 'Nowhere/Land', week: { ...closedWeek(), tue: ['18:00–09:00'], wed: ['09:00–13:00', '12:00–18:00'] } }))
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.timezone).toMatch(/not a known timezone/)
    expect(r.errors['tue.0']).toMatch(/before the start/)
    expect(r.errors['wed.1']).toBe('Overlaps 09:00–13:00')
    expect(r.errors['wed.0']).toBeUndefined()
  })

  it('round-trips a saved schedule through its form', () => {
    const saved = hoursFromDraft(draft({ week: { ...closedWeek(), fri: ['08:30–17:15'] }, holidays: ['2026-05-01'] }))
    if (!saved.ok) throw new Error('invalid')
    expect(hoursFromDraft(hoursDraft('t1', saved.value))).toEqual(saved)
  })

  it('starts a new schedule closed, in the given timezone', () => {
    const d = hoursDraft('t2', undefined, 'America/New_York')
    expect(d).toEqual({ teamId: 't2', timezone: 'America/New_York', week: closedWeek(), holidays: [], outOfHours: 'async' })
  })
})
