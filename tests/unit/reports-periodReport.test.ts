import { describe, expect, it } from 'vitest'
import { computeReport, type ReportQuery } from '../../shared/reports/periodReport.ts'
import { HOUR, MIN, Scene, T0 } from './reportFixtures.ts'

const DAY = 24 * HOUR
const GROUP_TEAM: Record<string, string> = { g1: 't1', g2: 't2' }
const teamOfGroup = (g: string) => GROUP_TEAM[g] ?? null
const week: ReportQuery = { from: '2026-03-02', to: '2026-03-08', preset: 'custom', team: null, group: null, channel: null, agent: null, tag: null, everything: true }
const NOW = Date.UTC(2026, 2, 9, 12)
const ctx = { timezone: 'UTC', teamOfGroup, now: NOW }

/**
 * A week of chats whose figures are worked out by hand in the comments (minutes after creation).
 * Period: 2 to 8 March 2026, UTC.
 */
function week1(): Scene {
  const s = new Scene()
  // A, plain: wait 2, first response 3, resolution 20, handling 18.
  s.chat('A', T0 + 9 * HOUR).queued(0, 'g1').assigned(2, 'ana').reply(3, 'ana').closed(20, 'ana', ['billing'])
  // B, bot first: the bot's line is no response; wait 4 (queued at 1), first response 6, resolution 16, handling 11.
  s.chat('B', T0 + 10 * HOUR).bot(0).queued(1, 'g1').assigned(5, 'bob').system(5).reply(6, 'bob', true).reply(6, 'bob').closed(16, 'bob')
  // C, never answered, closed by nobody: unanswered, closed, resolution 30, no handling.
  s.chat('C', T0 + 11 * HOUR).queued(0, 'g1').visitor(0).closed(30, null)
  // D, never answered, still waiting: unanswered.
  s.chat('D', T0 + 12 * HOUR).queued(0, 'g1').visitor(0)
  // E, transfer to an agent: wait 1, first response 2, resolution 30, handling ana 9 + bob 20.
  s.chat('E', T0 + 13 * HOUR).queued(0, 'g1').assigned(1, 'ana').reply(2, 'ana').transferToAgent(10, 'ana', 'bob').reply(12, 'bob').closed(30, 'bob')
  // F, snooze, e-mail, assigned without a queue: wait 0, first response 1, resolution 80, handling 5 + 15.
  s.chat('F', T0 + 14 * HOUR, { channel: 'email' }).assigned(0, 'ana').reply(1, 'ana').snoozed(5, 65).woke(65).reply(70, 'ana').closed(80, 'ana')
  // G, reopened and closed again: wait 5, first response 6 (a reopen starts none), resolution 70, handling 5 + 10.
  s.chat('G', T0 + DAY + 9 * HOUR).queued(0, 'g2').assigned(5, 'cara').reply(6, 'cara').closed(10, 'cara').visitor(60).reopened(60, 'cara').reply(61, 'cara').closed(70, 'cara')
  // H, reopened and still open: wait 2, first response 3; not closed.
  s.chat('H', T0 + DAY + 10 * HOUR).queued(0, 'g2').assigned(2, 'ana').reply(3, 'ana').closed(10, 'ana').reopened(20, 'ana')
  // I, rating replaced: CSAT 2 then 5 (5 counts), NPS 10; wait 1, first response 2, resolution 10, handling 9.
  s.chat('I', T0 + 2 * DAY + 9 * HOUR).queued(0, 'g1').assigned(1, 'bob').reply(2, 'bob').closed(10, 'bob').surveyed(10).rated(11, 'csat', 2).rated(12, 'csat', 5).rated(13, 'nps', 10)
  // J: CSAT 3, NPS 5; wait 1, first response 3, resolution 5, handling 4.
  s.chat('J', T0 + 2 * DAY + 10 * HOUR).queued(0, 'g1').assigned(1, 'ana').reply(3, 'ana').closed(5, 'ana').surveyed(5).rated(6, 'csat', 3).rated(7, 'nps', 5)
  // K: surveyed, never rated; wait 1, first response 2, resolution 4, handling 3.
  s.chat('K', T0 + 3 * DAY + 9 * HOUR).queued(0, 'g1').assigned(1, 'ana').reply(2, 'ana').closed(4, 'ana').surveyed(4)
  // N, transfer to a group, then taken by cara: wait 1, first response 2, resolution 20, handling bob 3 + cara 10; ends in g2.
  s.chat('N', T0 + 3 * DAY + 10 * HOUR).queued(0, 'g1').assigned(1, 'bob').reply(2, 'bob').transferToGroup(4, 'bob', 'g2').assigned(10, 'cara').reply(11, 'cara').closed(20, 'cara')
  // L, created before the period (27 Feb 10:00), closed in it (2 Mar 01:00): closed, resolution 3780, handling 3779.
  s.chat('L', Date.UTC(2026, 1, 27, 10)).queued(0, 'g1').assigned(1, 'ana').reply(2, 'ana').closed(3780, 'ana')
  // M, after the period: counts nowhere.
  s.chat('M', Date.UTC(2026, 2, 9, 10)).queued(0, 'g1').assigned(1, 'ana').reply(2, 'ana').closed(3, 'ana').surveyed(3).rated(4, 'csat', 1)
  return s
}

const sortIds = (ids: string[]) => [...ids].sort()

describe('period report: the definitions', () => {
  const report = computeReport(week1().facts(), week, ctx)
  const m = report.metrics

  it.each([
    ['created', 12, 'ABCDEFGHIJKN'],
    ['unanswered', 2, 'CD'],
    ['closed', 11, 'ABCEFGIJKLN'],
    ['handled', 11, 'ABEFGHIJKLN'],
    // waits [0,1,1,1,1,1,2,2,4,5]: rank 5 and rank 9.
    ['wait_median_ms', 1 * MIN, 'ABEFGHIJKN'],
    ['wait_p90_ms', 4 * MIN, 'ABEFGHIJKN'],
    // first responses [1,2,2,2,2,3,3,3,6,6]
    ['frt_median_ms', 2 * MIN, 'ABEFGHIJKN'],
    ['frt_p90_ms', 6 * MIN, 'ABEFGHIJKN'],
    // resolutions [4,5,10,16,20,20,30,30,70,80,3780]: rank 6 and rank 10.
    ['resolution_median_ms', 20 * MIN, 'ABCEFGIJKLN'],
    ['resolution_p90_ms', 80 * MIN, 'ABCEFGIJKLN'],
    // (18+11+29+20+15+9+4+3+3779+13) / 10; C was never handled.
    ['aht_avg_ms', 390.1 * MIN, 'ABEFGIJKLN'],
    ['transfers', 2, 'EN'],
    ['transfer_rate', 2 / 11, 'EN'],
    ['csat_avg', 4, 'IJ'],
    ['csat_satisfied_rate', 0.5, 'I'],
    ['nps', 0, 'IJ'],
    ['survey_response_rate', 2 / 3, 'IJ'],
  ] as const)('%s is %d, from %s', (metric, value, ids) => {
    expect(m[metric]).toBeCloseTo(value, 9)
    expect(sortIds(report.drill![metric])).toEqual([...ids])
  })

  it('lists every conversation that counts, oldest first, and none that does not', () => {
    expect(report.conversations.map((c) => c.id)).toEqual(['L', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'N'])
    expect(report.drill!.created).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'N'])
  })

  it("gives each conversation its own figures", () => {
    const row = (id: string) => report.conversations.find((c) => c.id === id)!
    expect(row('E')).toMatchObject({ waitMs: MIN, firstResponseMs: 2 * MIN, resolutionMs: 30 * MIN, handlingMs: 29 * MIN, transfers: 1, reopened: 0, assigneeId: 'bob', teamId: 't1' })
    expect(row('G')).toMatchObject({ resolutionMs: 70 * MIN, handlingMs: 15 * MIN, reopened: 1, teamId: 't2' })
    // Reopened and open: no close shown, and its running stretch counts up to now.
    expect(row('H')).toMatchObject({ closedAt: null, resolutionMs: null, reopened: 1, handlingMs: 8 * MIN + (NOW - (T0 + DAY + 10 * HOUR + 20 * MIN)) })
    expect(row('I')).toMatchObject({ csat: 5, nps: 10 })
    expect(row('D')).toMatchObject({ waitMs: null, firstResponseMs: null, firstAssignedAt: null, handlingMs: 0 })
    expect(row('A').tags).toEqual(['billing'])
    expect(row('N')).toMatchObject({ groupId: 'g2', teamId: 't2', transfers: 1 })
  })

  it('counts days in the timezone: created, closed and the median wait', () => {
    expect(report.days.map((d) => [d.day, d.created, d.closed, d.waitMedianMs])).toEqual([
      ['2026-03-02', 6, 6, 1 * MIN],
      ['2026-03-03', 2, 1, 2 * MIN],
      ['2026-03-04', 2, 2, 1 * MIN],
      ['2026-03-05', 2, 2, 1 * MIN],
      ['2026-03-06', 0, 0, null],
      ['2026-03-07', 0, 0, null],
      ['2026-03-08', 0, 0, null],
    ])
    expect(report.start).toBe(T0)
    expect(report.end).toBe(T0 + 7 * DAY)
  })

  it('has a row per agent: handled, closed, median first response, handling of their own stretches, transfers out, CSAT', () => {
    const rows = Object.fromEntries(report.agents.map((a) => [a.agentId, a]))
    expect(Object.keys(rows)).toEqual(['ana', 'bob', 'cara'])
    expect(rows.ana!.metrics).toEqual({ handled: 7, closed: 5, frt_median_ms: 2 * MIN, aht_avg_ms: (3833 / 6) * MIN, transfers_out: 1, csat_avg: 3 })
    expect(rows.bob!.metrics).toEqual({ handled: 4, closed: 3, frt_median_ms: 2 * MIN, aht_avg_ms: 10.75 * MIN, transfers_out: 1, csat_avg: 5 })
    expect(rows.cara!.metrics).toEqual({ handled: 2, closed: 2, frt_median_ms: 6 * MIN, aht_avg_ms: 12.5 * MIN, transfers_out: 0, csat_avg: null })
    expect(sortIds(rows.ana!.drill!.handled)).toEqual(['A', 'E', 'F', 'H', 'J', 'K', 'L'])
    expect(sortIds(rows.ana!.drill!.closed)).toEqual(['A', 'F', 'J', 'K', 'L'])
    expect(rows.bob!.drill!.transfers_out).toEqual(['N'])
    expect(rows.cara!.drill!.aht_avg_ms).toEqual(['G', 'N'])
  })
})

describe('period report: periods', () => {
  it('counts each figure in the period of its own event', () => {
    const s = new Scene()
    // Created on the 2nd, first assigned and answered on the 3rd, closed and rated on the 4th.
    s.chat('X', T0 + 23 * HOUR).queued(0, 'g1').assigned(120, 'ana').reply(121, 'ana').closed(25 * 60 + 10, 'ana').surveyed(25 * 60 + 10).rated(25 * 60 + 11, 'csat', 4)
    const day = (d: string) => computeReport(s.facts(), { ...week, from: d, to: d }, ctx).metrics
    expect(day('2026-03-02')).toMatchObject({ created: 1, unanswered: 0, wait_median_ms: null, frt_median_ms: null, closed: 0, csat_avg: null, handled: 0 })
    expect(day('2026-03-03')).toMatchObject({ created: 0, wait_median_ms: 120 * MIN, frt_median_ms: 121 * MIN, closed: 0, handled: 1 })
    expect(day('2026-03-04')).toMatchObject({ created: 0, wait_median_ms: null, closed: 1, resolution_median_ms: 25 * HOUR + 10 * MIN, csat_avg: 4, survey_response_rate: 1, handled: 1 })
  })

  it('buckets a DST day in the workspace timezone (23 hours in Paris on 29 March)', () => {
    const s = new Scene()
    s.chat('before', Date.parse('2026-03-28T22:59:00Z')) // 23:59 on the 28th in Paris
    s.chat('first', Date.parse('2026-03-28T23:00:00Z')) // 00:00 on the 29th
    s.chat('last', Date.parse('2026-03-29T21:59:00Z')) // 23:59 on the 29th (+02:00)
    s.chat('after', Date.parse('2026-03-29T22:00:00Z')) // 00:00 on the 30th
    const r = computeReport(s.facts(), { ...week, from: '2026-03-29', to: '2026-03-29' }, { ...ctx, timezone: 'Europe/Paris' })
    expect(r.drill!.created).toEqual(['first', 'last'])
    expect(r.end - r.start).toBe(23 * HOUR)
    expect(r.days).toEqual([{ day: '2026-03-29', start: Date.parse('2026-03-28T23:00:00Z'), created: 2, closed: 0, waitMedianMs: null }])
    // In UTC the same chats fall on other days.
    const utc = computeReport(s.facts(), { ...week, from: '2026-03-29', to: '2026-03-29' }, ctx)
    expect(utc.drill!.created).toEqual(['last', 'after'])
  })

  it('an empty period has counts of zero and no figures', () => {
    const r = computeReport([], week, ctx)
    expect(r.metrics).toMatchObject({ created: 0, closed: 0, wait_median_ms: null, aht_avg_ms: null, transfer_rate: null, csat_avg: null, nps: null, survey_response_rate: null })
    expect(r.agents).toEqual([])
    expect(r.conversations).toEqual([])
    expect(r.days).toHaveLength(7)
  })

  it('falls back to UTC for a timezone this runtime does not know', () => {
    expect(computeReport([], week, { ...ctx, timezone: 'Mars/Olympus' }).timezone).toBe('UTC')
  })
})

describe('period report: filters', () => {
  const facts = week1().facts()
  const ids = (q: Partial<ReportQuery>) => computeReport(facts, { ...week, ...q }, ctx).drill!.created

  it.each([
    [{ team: 't1' }, 'ABCDEIJK'],
    // N moved to g2, so it is team t2's now; G and H were queued in g2.
    [{ team: 't2' }, 'GHN'],
    [{ group: 'g2' }, 'GHN'],
    [{ channel: 'email' }, 'F'],
    [{ tag: 'billing' }, 'A'],
    // The agent's: a handling stretch, or first or current assignee.
    [{ agent: 'cara' }, 'GN'],
    [{ agent: 'bob' }, 'BEIN'],
    [{ agent: 'bob', team: 't2' }, 'N'],
    [{ agent: 'nobody' }, ''],
  ] as const)('%j keeps %s', (q, expected) => expect(ids(q).join('')).toBe(expected))

  it("an agent filter shows only that agent's row", () => {
    const r = computeReport(facts, { ...week, agent: 'bob' }, ctx)
    expect(r.agents.map((a) => a.agentId)).toEqual(['bob'])
    expect(r.metrics.transfers).toBe(2)
  })

  it("the team of a conversation is its group's team, else the team its routing chose", () => {
    const s = new Scene()
    s.chat('routed', T0 + HOUR).routed(0, 't9', null)
    s.chat('grouped', T0 + 2 * HOUR).routed(0, 't9', 'g1')
    const r = (team: string) => computeReport(s.facts(), { ...week, team }, ctx).drill!.created
    expect(r('t9')).toEqual(['routed'])
    expect(r('t1')).toEqual(['grouped'])
  })
})

describe('period report: what it carries', () => {
  const facts = week1().facts()
  const summary = { ...week, everything: false }

  it('by default carries counts, not ids or rows (a big period stays cheap to send to the page)', () => {
    const r = computeReport(facts, summary, ctx)
    expect(r.drill).toBeUndefined()
    expect(r.conversations).toEqual([])
    expect(r.list).toBeNull()
    expect(r.counts).toMatchObject({ created: 12, closed: 11, wait_median_ms: 10, transfer_rate: 2, csat_satisfied_rate: 1, survey_response_rate: 2 })
    const ana = r.agents.find((a) => a.agentId === 'ana')!
    expect(ana.counts).toMatchObject({ handled: 7, closed: 5, transfers_out: 1 })
    expect(ana.drill).toBeUndefined()
    // The same figures either way.
    expect(r.metrics).toEqual(computeReport(facts, week, ctx).metrics)
  })

  it.each([
    [{ metric: 'closed', agentId: null, limit: 3 }, 11, ['L', 'A', 'B']],
    [{ metric: 'unanswered', agentId: null, limit: 100 }, 2, ['C', 'D']],
    [{ metric: 'handled', agentId: 'cara', limit: 100 }, 2, ['G', 'N']],
    [{ metric: 'transfers_out', agentId: 'ana', limit: 100 }, 1, ['E']],
    [{ metric: 'closed', agentId: 'nobody', limit: 100 }, 0, []],
    [{ metric: 'no_such_metric', agentId: null, limit: 100 }, 0, []],
  ])('a drill-down list %j has %i conversations and its first rows, oldest first', (list, total, ids) => {
    const r = computeReport(facts, { ...summary, list }, ctx)
    expect(r.list).toMatchObject({ metric: list.metric, agentId: list.agentId, total })
    expect(r.list!.rows.map((c) => c.id)).toEqual(ids)
  })

  it('orders conversations created in the same second by their time, then id', () => {
    const s = new Scene()
    s.chat('b', T0 + 500)
    s.chat('c', T0 + 100)
    s.chat('a', T0 + 500)
    s.chat('d', T0 - 1000)
    expect(computeReport(s.facts(), { ...week, from: '2026-03-01' }, ctx).drill!.created).toEqual(['d', 'c', 'a', 'b'])
  })
})
