import { describe, expect, it } from 'vitest'
import { parseReportSearch, reportSearch } from '../../shared/reports/reportSearch.ts'

const now = Date.parse('2026-03-31T10:00:00Z')
const last7 = { from: '2026-03-25', to: '2026-03-31', preset: 'last7' }

describe('the Reports address', () => {
  it.each([
    ['', last7],
    ['?from=2026-03-01&to=2026-03-31', { from: '2026-03-01', to: '2026-03-31', preset: 'thisMonth' }],
    ['from=2026-03-03&to=2026-03-05', { from: '2026-03-03', to: '2026-03-05', preset: 'custom' }],
    ['?from=2026-03-31&to=2026-03-31', { from: '2026-03-31', to: '2026-03-31', preset: 'today' }],
    ['?from=2026-03-25&to=2026-03-31', last7],
  ])('%j is read as %j', (search, period) => {
    const { query, error } = parseReportSearch(search, now, 'UTC')
    expect(error).toBeNull()
    expect(query).toMatchObject(period)
  })

  it.each([
    ['?from=2026-13-01&to=2026-03-31', /“from” in the address \("2026-13-01"\) is not a day written YYYY-MM-DD/],
    ['?from=2026-03-01&to=31/03/2026', /“to” in the address/],
    ['?from=2026-02-30&to=2026-03-01', /not a day/],
    ['?from=2026-03-01', /needs both “from” and “to”/],
    ['?to=2026-03-01', /needs both/],
    ['?from=2026-03-10&to=2026-03-01', /ends \(2026-03-01\) before it begins \(2026-03-10\)/],
    ['?from=1000-01-01&to=9999-12-31', /at most 731 days/],
    ['?from=%E0%A4%A&to=x', /not a day/],
  ])('%j gives a clear message and the last 7 days', (search, message) => {
    const { query, error } = parseReportSearch(search, now, 'UTC')
    expect(error).toMatch(message)
    expect(error).toMatch(/Showing the last 7 days\./)
    expect(query).toMatchObject(last7)
  })

  it('keeps good filters and drops bad ones, saying which', () => {
    const { query, error } = parseReportSearch(`?team=t1&group=&channel=${'x'.repeat(201)}&agent=ana&tag=a%0Ab`, now, 'UTC')
    expect(query).toMatchObject({ ...last7, team: 't1', group: null, channel: null, agent: 'ana', tag: null })
    expect(error).toBe('The group filter in the address is not valid. Showing every group. The channel filter in the address is not valid. Showing every channel. The tag filter in the address is not valid. Showing every tag.')
  })

  it('refuses ids that the settings do not know, once they are known', () => {
    const { query, error } = parseReportSearch('?from=2026-03-01&to=2026-03-02&team=t9&agent=ana', now, 'UTC', { team: ['t1'], agent: ['ana'] })
    expect(query).toMatchObject({ from: '2026-03-01', to: '2026-03-02', team: null, agent: 'ana' })
    expect(error).toBe('There is no team “t9”. Showing every team.')
  })

  it('a bad period keeps the filters', () => {
    const { query } = parseReportSearch('?from=nope&to=2026-03-02&channel=email', now, 'UTC')
    expect(query).toMatchObject({ ...last7, channel: 'email' })
  })

  it('reads "today" in the workspace timezone', () => {
    const late = Date.parse('2026-03-31T23:30:00Z')
    expect(parseReportSearch('', late, 'Europe/Paris').query).toMatchObject({ from: '2026-03-26', to: '2026-04-01' })
  })

  it('writes back what it reads', () => {
    const search = reportSearch({ from: '2026-03-01', to: '2026-03-05', team: 't1', group: null, channel: 'email', agent: null, tag: 'a&b' })
    expect(search).toBe('?from=2026-03-01&to=2026-03-05&team=t1&channel=email&tag=a%26b')
    expect(parseReportSearch(search, now, 'UTC')).toEqual({ query: { from: '2026-03-01', to: '2026-03-05', preset: 'custom', team: 't1', group: null, channel: 'email', agent: null, tag: 'a&b' }, error: null })
  })
})
