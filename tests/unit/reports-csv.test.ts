import { describe, expect, it } from 'vitest'
import { AGENT_COLUMNS, CONVERSATION_COLUMNS, agentsCsv, conversationsCsv, csvField, csvFileName, csvText, type ReportNames } from '../../shared/reports/csv.ts'
import { parseCsv } from '../support/csv.ts'
import { computeReport, type ReportQuery } from '../../shared/reports/periodReport.ts'
import { MIN, Scene } from './reportFixtures.ts'

describe('RFC 4180 fields', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [0.5, '0.5'],
    [Number.NaN, ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    [' spaced ', ' spaced '],
  ])('%j is written %j', (value, out) => expect(csvField(value)).toBe(out))

  it('reads back what it writes, row by row, with CRLF line ends', () => {
    const rows = [
      ['a', 'b,c', 'd "e"'],
      ['multi\r\nline', '', 'x'],
      ['"', ',', '\n'],
    ]
    const text = csvText(['h1', 'h2', 'h3'], rows)
    expect(text.endsWith('\r\n')).toBe(true)
    expect(text.split('\r\n')[0]).toBe('h1,h2,h3')
    expect(parseCsv(text)).toEqual([['h1', 'h2', 'h3'], ...rows])
  })

  it('refuses an unterminated quoted field', () => expect(() => parseCsv('a,"b\r\n')).toThrow(/not closed/))
})

describe('report exports', () => {
  const s = new Scene()
  const t0 = Date.parse('2026-03-29T11:00:00Z') // 13:00 in Paris, after the change to +02:00
  s.chat('c1', t0, { channel: 'widget' }).routed(0, 't1', 'g1').queued(0, 'g1').assigned(2, 'ana').reply(3, 'ana').transferToAgent(5, 'ana', 'bob').closed(10, 'bob', ['billing', 'vip, "gold"'])
  s.chat('c2', t0 + 60 * MIN, { channel: 'email' }).queued(0, 'g2').surveyed(1).rated(2, 'csat', 4).rated(3, 'nps', 9)
  const q: ReportQuery = { from: '2026-03-29', to: '2026-03-29', preset: 'custom', team: null, group: null, channel: null, agent: null, tag: null, everything: true }
  const report = computeReport(s.facts(), q, { timezone: 'Europe/Paris', teamOfGroup: (g) => (g === 'g1' ? 't1' : null), now: t0 + 120 * MIN })
  const names: ReportNames = {
    team: (id) => ({ t1: 'Sales, EU' })[id],
    group: (id) => ({ g1: 'Front "desk"' })[id],
    agent: (id) => ({ ana: 'Ana\nLima', bob: 'Bob' })[id],
  }

  it('has one row per conversation, with the columns of the issue, times in the workspace offset', () => {
    const rows = parseCsv(conversationsCsv(report, names))
    expect(rows[0]).toEqual([...CONVERSATION_COLUMNS])
    expect(rows).toHaveLength(3)
    const row = (i: number) => Object.fromEntries(CONVERSATION_COLUMNS.map((c, k) => [c, rows[i]![k]]))
    expect(row(1)).toEqual({
      conversation_id: 'c1',
      number: '1',
      created_at: '2026-03-29T13:00:00+02:00',
      channel: 'widget',
      team: 'Sales, EU',
      group: 'Front "desk"',
      assignee: 'Bob',
      first_assigned_at: '2026-03-29T13:02:00+02:00',
      first_response_at: '2026-03-29T13:03:00+02:00',
      closed_at: '2026-03-29T13:10:00+02:00',
      wait_ms: String(2 * MIN),
      first_response_ms: String(3 * MIN),
      resolution_ms: String(10 * MIN),
      handling_ms: String(8 * MIN),
      transfers: '1',
      reopened: '0',
      csat: '',
      nps: '',
      tags: 'billing, vip, "gold"',
    })
    // Unknown names fall back to the id; no team, no assignee, no times: empty.
    expect(row(2)).toMatchObject({ conversation_id: 'c2', channel: 'email', team: '', group: 'g2', assignee: '', first_assigned_at: '', closed_at: '', wait_ms: '', handling_ms: '0', csat: '4', nps: '9', tags: '' })
  })

  it('has one row per agent', () => {
    const rows = parseCsv(agentsCsv(report, names))
    expect(rows[0]).toEqual([...AGENT_COLUMNS])
    expect(rows.slice(1)).toEqual([
      ['ana', 'Ana\nLima', '1', '0', String(3 * MIN), String(3 * MIN), '1', ''],
      ['bob', 'Bob', '1', '1', '', String(5 * MIN), '0', ''],
    ])
  })

  it('names the files after the period', () => {
    expect(csvFileName('conversations', report)).toBe('parley-conversations-2026-03-29_2026-03-29.csv')
    expect(csvFileName('agents', report)).toBe('parley-agents-2026-03-29_2026-03-29.csv')
  })
})
