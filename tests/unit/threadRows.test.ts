import { describe, expect, it } from 'vitest'
import type { ChatMessage } from '../../shared/protocol.ts'
import { buildRows, dayKey, dayLabel, estimateRowHeight, ROW_ESTIMATE } from '../../client/app/src/thread/threadRows.ts'

/** Local times, so that the tests hold in any time zone. */
const local = (y: number, m: number, d: number, h = 12, min = 0) => new Date(y, m - 1, d, h, min).getTime()
const msg = (id: string, at: number, extra: Partial<ChatMessage> = {}): ChatMessage => ({ id, clientId: id, kind: 'visitor', authorId: 'v', authorName: 'V', text: id, at, ...extra })
const shape = (rows: ReturnType<typeof buildRows>['rows']) => rows.map((r) => (r.kind === 'day' ? `[${r.day}]` : r.key))

describe('dayKey', () => {
  it('is the local calendar day', () => {
    expect(dayKey(local(2024, 3, 5, 0, 0))).toBe(20240305)
    expect(dayKey(local(2024, 3, 5, 23, 59))).toBe(20240305)
    expect(dayKey(local(2024, 12, 31, 23, 59))).toBeLessThan(dayKey(local(2025, 1, 1, 0, 0)))
  })
})

describe('dayLabel', () => {
  const now = local(2024, 3, 5, 9, 30)

  it('says Today and Yesterday by the calendar, not by 24 hours', () => {
    expect(dayLabel(local(2024, 3, 5, 0, 1), now)).toBe('Today')
    expect(dayLabel(local(2024, 3, 4, 23, 59), now)).toBe('Yesterday')
    expect(dayLabel(local(2024, 3, 4, 0, 0), now)).toBe('Yesterday')
    // Just after midnight, a message from an hour ago is yesterday's.
    expect(dayLabel(local(2024, 3, 4, 23, 30), local(2024, 3, 5, 0, 30))).toBe('Yesterday')
    // Across a month and a year.
    expect(dayLabel(local(2023, 12, 31, 18), local(2024, 1, 1, 8))).toBe('Yesterday')
  })

  it('names older days with a date, and the year only when it is not this year', () => {
    // (ICU versions differ on the comma after the weekday.)
    expect(dayLabel(local(2024, 3, 1), now, 'en-GB')).toMatch(/^Friday,? 1 March$/)
    expect(dayLabel(local(2023, 3, 1), now, 'en-GB')).toMatch(/^Wednesday,? 1 March 2023$/)
    expect(dayLabel(local(2024, 3, 1), now, 'en-US')).toBe('Friday, March 1')
  })
})

describe('buildRows', () => {
  it('puts a separator before the first message of each day', () => {
    const { rows } = buildRows([msg('a', local(2024, 3, 4, 10)), msg('b', local(2024, 3, 4, 22)), msg('c', local(2024, 3, 5, 8)), msg('d', local(2024, 3, 5, 9))])
    expect(shape(rows)).toEqual(['[20240304]', 'a', 'b', '[20240305]', 'c', 'd'])
  })

  it('has no rows without messages', () => {
    expect(buildRows([]).rows).toEqual([])
  })

  it('gives every row a unique key, also when a day comes back (a reply written offline)', () => {
    const { rows } = buildRows([msg('a', local(2024, 3, 5, 0, 5)), msg('b', local(2024, 3, 4, 23, 58)), msg('c', local(2024, 3, 5, 0, 6))])
    expect(shape(rows)).toEqual(['[20240305]', 'a', '[20240304]', 'b', '[20240305]', 'c'])
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length)
  })

  it('shows a message once even if the list holds it twice', () => {
    const a = msg('a', local(2024, 3, 5))
    expect(shape(buildRows([a, a]).rows)).toEqual(['[20240305]', 'a'])
  })

  it('reuses the rows of unchanged messages, so a keyed list keeps their elements', () => {
    const a = msg('a', local(2024, 3, 5, 8))
    const b = msg('b', local(2024, 3, 5, 9))
    const first = buildRows([a, b])
    const second = buildRows([a, b, msg('c', local(2024, 3, 5, 10))], first.byKey)
    expect(second.rows[0]).toBe(first.rows[0])
    expect(second.rows[1]).toBe(first.rows[1])
    expect(second.rows[2]).toBe(first.rows[2])
    expect(shape(second.rows)).toEqual(['[20240305]', 'a', 'b', 'c'])
    // A replaced message object gets a new row.
    const third = buildRows([{ ...a }, b], second.byKey)
    expect(third.rows[1]).not.toBe(second.rows[1])
  })

  it('moves the separator when an older message arrives above', () => {
    const b = msg('b', local(2024, 3, 5, 9))
    const first = buildRows([b])
    const second = buildRows([msg('a', local(2024, 3, 4, 9)), b], first.byKey)
    expect(shape(second.rows)).toEqual(['[20240304]', 'a', '[20240305]', 'b'])
    expect(second.rows[3]).toBe(first.rows[1])
  })
})

describe('estimateRowHeight', () => {
  it('grows with the lines a message needs', () => {
    const row = (text: string, kind: ChatMessage['kind'] = 'visitor') => buildRows([msg('x', 0, { text, kind })]).rows[1]!
    expect(estimateRowHeight(buildRows([msg('x', 0)]).rows[0]!, 40)).toBe(ROW_ESTIMATE.day)
    expect(estimateRowHeight(row('hi', 'system'), 40)).toBe(ROW_ESTIMATE.system)
    const one = estimateRowHeight(row('hi'), 40)
    expect(estimateRowHeight(row('x'.repeat(100)), 40)).toBe(one + 2 * ROW_ESTIMATE.line)
    expect(estimateRowHeight(row('a\nb\nc'), 40)).toBe(one + 2 * ROW_ESTIMATE.line)
  })
})
