/**
 * Evaluating a proactive message's rules against what the widget knows of the visitor (or of a
 * site event). Pure and small: the loader runs it on every page event, within a millisecond.
 */
import { isGroup, type AttributesOnset, type Rule, type RuleGroup, type Match, type SitePatterns } from './model.ts'

/** What the widget knows of a visitor on a page, as attribute rules read it. */
export interface VisitorFacts {
  url: string
  title: string
  referrer: string
  /** Seconds. */
  timeOnPage: number
  timeOnSite: number
  pagesSeen: number
  /** 1 for a new visitor. */
  visitNumber: number
  device: 'mobile' | 'desktop'
  language: string
  utm: Partial<Record<string, string>>
  /** `Parley.setAttributes` values. */
  attributes: Record<string, string>
}

/** What a site event carries, as its rules read it: the track payload, the element's `data-*`, a changed field's value. */
export interface EventFacts {
  payload: Record<string, unknown>
  element: Record<string, string>
  value: string | null
}

/** A value a rule reads; undefined when it is not set. */
export type Lookup = (field: string) => string | number | undefined

export function visitorLookup(f: VisitorFacts): Lookup {
  return (field) => {
    if (field.startsWith('utm.')) return f.utm[field.slice(4)]
    if (field.startsWith('attr.')) return f.attributes[field.slice(5)]
    switch (field) {
      case 'url':
      case 'title':
      case 'referrer':
      case 'device':
      case 'language':
        return f[field] || undefined
      case 'timeOnPage':
      case 'timeOnSite':
      case 'pagesSeen':
      case 'visitNumber':
        return f[field]
      default:
        return undefined
    }
  }
}

export function eventLookup(f: EventFacts): Lookup {
  return (field) => {
    if (field === 'value') return f.value ?? undefined
    if (field.startsWith('element.')) return f.element[field.slice(8)]
    if (field.startsWith('payload.')) {
      const v = f.payload[field.slice(8)]
      return typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'boolean' ? String(v) : undefined
    }
    return undefined
  }
}

/** A number from a number or a numeric string ("120", " 99.5 "); NaN otherwise. */
function numberOf(v: string | number | undefined): number {
  if (typeof v === 'number') return v
  if (typeof v !== 'string' || v.trim() === '') return NaN
  return Number(v.trim())
}

const wildcards = new Map<string, RegExp>()
/** `*` matches any run of characters, the rest literally, the whole value, without regard to case. */
export function wildcardRegExp(pattern: string): RegExp {
  let re = wildcards.get(pattern)
  if (!re) {
    re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'is')
    if (wildcards.size > 500) wildcards.clear()
    wildcards.set(pattern, re)
  }
  return re
}

export function ruleHolds(rule: Rule, lookup: Lookup): boolean {
  const actual = lookup(rule.field)
  if (rule.op === 'isSet') return actual !== undefined && actual !== ''
  if (actual === undefined) return rule.op === 'notEquals' || rule.op === '!='
  const want = rule.value ?? ''
  switch (rule.op) {
    case 'equals':
      return String(actual).toLowerCase() === String(want).toLowerCase()
    case 'notEquals':
      return String(actual).toLowerCase() !== String(want).toLowerCase()
    case 'contains':
      return String(actual).toLowerCase().includes(String(want).toLowerCase())
    case 'startsWith':
      return String(actual).toLowerCase().startsWith(String(want).toLowerCase())
    case 'wildcard':
      return wildcardRegExp(String(want)).test(String(actual))
  }
  const a = numberOf(actual)
  const b = numberOf(want)
  if (Number.isNaN(a) || Number.isNaN(b)) return rule.op === '!='
  switch (rule.op) {
    case '=':
      return a === b
    case '!=':
      return a !== b
    case '>':
      return a > b
    case '<':
      return a < b
    case '>=':
      return a >= b
    case '<=':
      return a <= b
  }
}

function combine(match: Match, parts: (Rule | RuleGroup)[], lookup: Lookup): boolean {
  const one = (r: Rule | RuleGroup) => (isGroup(r) ? combine(r.match, r.rules, lookup) : ruleHolds(r, lookup))
  // No rules: nothing to hold back (an event onset with no payload rules).
  return match === 'all' ? parts.every(one) : parts.length === 0 || parts.some(one)
}

/** Whether the rules hold, combined as `match` says (groups one level deep). */
export function rulesHold(match: Match, rules: (Rule | RuleGroup)[], lookup: Lookup): boolean {
  return combine(match, rules, lookup)
}

export function attributesMatch(onset: AttributesOnset, facts: VisitorFacts): boolean {
  return rulesHold(onset.match, onset.rules, visitorLookup(facts))
}

/**
 * Whether a message runs on a page: every page, or one whose `host/path` matches a pattern
 * (`shop.example.com/pricing*`, `*.example.com/checkout`; a pattern without a `/` names a host).
 */
export function siteMatches(site: SitePatterns, url: string): boolean {
  if (site.all) return true
  let where: string
  let host: string
  try {
    const u = new URL(url)
    host = u.host
    where = `${u.host}${u.pathname}`
  } catch {
    return false
  }
  return site.patterns.some((p) => (p.includes('/') ? wildcardRegExp(p).test(where) : wildcardRegExp(p).test(host)))
}

/**
 * The seconds (on the page or on the site) at which a time rule of the onset turns true, so the
 * loader knows when to look again without polling; empty when no rule depends on time.
 */
export function timeRulesAt(rules: (Rule | RuleGroup)[]): number[] {
  const out: number[] = []
  for (const r of rules) {
    if (isGroup(r)) out.push(...timeRulesAt(r.rules))
    else if ((r.field === 'timeOnPage' || r.field === 'timeOnSite') && (r.op === '>' || r.op === '>=' || r.op === '=')) {
      const n = numberOf(r.value)
      if (Number.isFinite(n)) out.push(r.op === '>' ? n + 1 : n)
    }
  }
  return out
}
