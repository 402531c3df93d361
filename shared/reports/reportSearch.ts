/**
 * The Reports view's address: `/reports?from=YYYY-MM-DD&to=YYYY-MM-DD&team=…&group=…&channel=…&agent=…&tag=…`
 * (issue 10 §1.5). Reading it never throws: a malformed period or filter gives a clear message
 * and a sane default (the last 7 days; no filter on that dimension).
 */
import { daysBetween, presetOf, presetRange } from './period.ts'
import { isIsoDate } from '../timezone.ts'
import type { ReportFilters, ReportQuery } from './reportTypes.ts'

/** The filters, in the order the address and the view list them. */
export const FILTER_KEYS = ['team', 'group', 'channel', 'agent', 'tag'] as const satisfies readonly (keyof ReportFilters)[]
export type FilterKey = (typeof FILTER_KEYS)[number]

/** The longest period a report covers, in days (two years): longer ranges are refused, not computed. */
export const MAX_PERIOD_DAYS = 731
/** Ids are short; anything longer in the address is not one. */
const MAX_FILTER_LENGTH = 200

const FILTER_NAMES: Record<FilterKey, string> = { team: 'team', group: 'group', channel: 'channel', agent: 'agent', tag: 'tag' }

/** The ids each filter may take, when known (settings loaded): an id outside them is refused. */
export type KnownFilterValues = Partial<Record<FilterKey, Iterable<string>>>

/** A query of the last 7 days at `now`, without filters. */
export function defaultQuery(now: number, tz: string): ReportQuery {
  return { ...presetRange('last7', now, tz), preset: 'last7', team: null, group: null, channel: null, agent: null, tag: null }
}

/** What the address asks for; `error` says in words what was wrong with it and what is shown instead. */
export function parseReportSearch(search: string, now: number, tz: string, known: KnownFilterValues = {}): { query: ReportQuery; error: string | null } {
  let params: URLSearchParams
  try {
    params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search)
  } catch {
    params = new URLSearchParams()
  }
  const query = defaultQuery(now, tz)
  const problems: string[] = []

  const from = params.get('from')
  const to = params.get('to')
  const period = readPeriod(from, to)
  if ('error' in period) problems.push(`${period.error} Showing the last 7 days.`)
  else if (period.range) {
    query.from = period.range.from
    query.to = period.range.to
    query.preset = presetOf(period.range, now, tz) ?? 'custom'
  }

  for (const key of FILTER_KEYS) {
    const value = params.get(key)
    if (value === null) continue
    const name = FILTER_NAMES[key]
    // eslint-disable-next-line no-control-regex
    if (value.trim() === '' || value.length > MAX_FILTER_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
      problems.push(`The ${name} filter in the address is not valid. Showing every ${name}.`)
      continue
    }
    const allowed = known[key]
    if (allowed && !new Set(allowed).has(value)) {
      problems.push(`There is no ${name} “${value}”. Showing every ${name}.`)
      continue
    }
    query[key] = value
  }
  return { query, error: problems.length ? problems.join(' ') : null }
}

function readPeriod(from: string | null, to: string | null): { range: { from: string; to: string } | null } | { error: string } {
  if (from === null && to === null) return { range: null }
  if (from === null || to === null) return { error: `The period in the address needs both “from” and “to” (days written YYYY-MM-DD).` }
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isIsoDate(value)) return { error: `“${name}” in the address (${JSON.stringify(value.slice(0, 40))}) is not a day written YYYY-MM-DD.` }
  }
  const span = daysBetween(from, to)
  if (span < 0) return { error: `The period in the address ends (${to}) before it begins (${from}).` }
  if (span + 1 > MAX_PERIOD_DAYS) return { error: `The period in the address is ${span + 1} days long; a report covers at most ${MAX_PERIOD_DAYS} days.` }
  return { range: { from, to } }
}

/** The address's query string for `query` (`?from=…&to=…` and the filters that are set). */
export function reportSearch(query: Pick<ReportQuery, 'from' | 'to'> & Partial<ReportFilters>): string {
  const p = new URLSearchParams({ from: query.from, to: query.to })
  for (const key of FILTER_KEYS) {
    const v = query[key]
    if (v) p.set(key, v)
  }
  return `?${p.toString()}`
}
