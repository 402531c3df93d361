import { describe, expect, it } from 'vitest'
import type { LogEvent } from '../../shared/protocol.ts'
import { decideProactive, type Circumstances, type DeliveryHistory } from '../../shared/proactive/decide.ts'
import { funnelRates, proactiveFunnel } from '../../shared/proactive/funnel.ts'
import type { Rule } from '../../shared/proactive/model.ts'
import { attributesMatch, eventLookup, ruleHolds, rulesHold, siteMatches, timeRulesAt, visitorLookup, type VisitorFacts } from '../../shared/proactive/rules.ts'
import { parseProactiveBody } from '../../shared/proactive/schema.ts'
import { matchInPath, parseSelector, type ElementInfo } from '../../shared/proactive/selectors.ts'
import { SALES_INVITATION } from '../support/proactive.ts'

const visitor: VisitorFacts = {
  url: 'https://shop.test/pricing?plan=pro',
  title: 'Pricing — Northwind',
  referrer: 'https://www.google.com/',
  timeOnPage: 35,
  timeOnSite: 120,
  pagesSeen: 3,
  visitNumber: 2,
  device: 'desktop',
  language: 'pt-BR',
  utm: { source: 'newsletter', campaign: 'spring' },
  attributes: { plan: 'free', seats: '12' },
}
const v = visitorLookup(visitor)

describe('proactive rules on visitor attributes', () => {
  it.each<[Rule, boolean]>([
    [{ field: 'url', op: 'contains', value: '/PRICING' }, true],
    [{ field: 'url', op: 'equals', value: 'https://shop.test/pricing' }, false],
    [{ field: 'url', op: 'startsWith', value: 'https://shop.test/' }, true],
    [{ field: 'url', op: 'wildcard', value: 'https://shop.test/*?plan=*' }, true],
    [{ field: 'url', op: 'wildcard', value: 'https://shop.test/cart*' }, false],
    [{ field: 'url', op: 'wildcard', value: 'https://shop.test/pricing.plan' }, false],
    [{ field: 'title', op: 'notEquals', value: 'Home' }, true],
    [{ field: 'referrer', op: 'contains', value: 'google' }, true],
    [{ field: 'timeOnPage', op: '>=', value: 30 }, true],
    [{ field: 'timeOnPage', op: '>', value: 35 }, false],
    [{ field: 'timeOnSite', op: '<', value: '200' }, true],
    [{ field: 'pagesSeen', op: '=', value: 3 }, true],
    [{ field: 'visitNumber', op: '>', value: 1 }, true],
    [{ field: 'visitNumber', op: '<=', value: 1 }, false],
    [{ field: 'device', op: 'equals', value: 'mobile' }, false],
    [{ field: 'language', op: 'startsWith', value: 'pt' }, true],
    [{ field: 'utm.source', op: 'equals', value: 'Newsletter' }, true],
    [{ field: 'utm.medium', op: 'isSet' }, false],
    [{ field: 'utm.medium', op: 'notEquals', value: 'email' }, true],
    [{ field: 'attr.plan', op: 'equals', value: 'free' }, true],
    [{ field: 'attr.seats', op: '>', value: 10 }, true],
    [{ field: 'attr.plan', op: '>', value: 10 }, false],
    [{ field: 'attr.plan', op: '!=', value: 10 }, true],
    [{ field: 'attr.missing', op: 'isSet' }, false],
    [{ field: 'attr.missing', op: 'contains', value: 'x' }, false],
    [{ field: 'nonsense', op: 'isSet' }, false],
  ])('%o → %s', (rule, expected) => {
    expect(ruleHolds(rule, v)).toBe(expected)
  })

  it('combines rules with all / any, one level of groups', () => {
    const pricing: Rule = { field: 'url', op: 'contains', value: '/pricing' }
    const mobile: Rule = { field: 'device', op: 'equals', value: 'mobile' }
    const returning: Rule = { field: 'visitNumber', op: '>', value: 1 }
    expect(rulesHold('all', [pricing, returning], v)).toBe(true)
    expect(rulesHold('all', [pricing, mobile], v)).toBe(false)
    expect(rulesHold('any', [pricing, mobile], v)).toBe(true)
    expect(rulesHold('all', [pricing, { match: 'any', rules: [mobile, returning] }], v)).toBe(true)
    expect(rulesHold('all', [pricing, { match: 'all', rules: [mobile, returning] }], v)).toBe(false)
    expect(attributesMatch({ kind: 'attributes', match: 'any', rules: [mobile] }, visitor)).toBe(false)
    expect(rulesHold('any', [], v)).toBe(true)
  })

  it('says when time alone may make a rule hold, so the loader looks again then (no polling)', () => {
    expect(timeRulesAt([{ field: 'timeOnPage', op: '>=', value: 30 }, { match: 'any', rules: [{ field: 'timeOnSite', op: '>', value: 60 }] }, { field: 'url', op: 'contains', value: 'x' }])).toEqual([30, 61])
    expect(timeRulesAt([{ field: 'timeOnPage', op: '<', value: 30 }])).toEqual([])
  })
})

describe('proactive rules on site events', () => {
  const e = eventLookup({ payload: { value: 120, currency: 'EUR', gift: true }, element: { sku: 'A-1' }, value: 'blue' })
  it.each<[Rule, boolean]>([
    [{ field: 'payload.value', op: '>', value: 100 }, true],
    [{ field: 'payload.value', op: '>', value: 120 }, false],
    [{ field: 'payload.currency', op: 'equals', value: 'eur' }, true],
    [{ field: 'payload.gift', op: 'equals', value: 'true' }, true],
    [{ field: 'payload.missing', op: 'isSet' }, false],
    [{ field: 'element.sku', op: 'startsWith', value: 'A-' }, true],
    [{ field: 'value', op: 'equals', value: 'blue' }, true],
  ])('%o → %s', (rule, expected) => expect(ruleHolds(rule, e)).toBe(expected))

  it('the issue’s example: value > 100 holds for 120 and not for 80', () => {
    const rule: Rule = { field: 'payload.value', op: '>', value: 100 }
    expect(ruleHolds(rule, eventLookup({ payload: { value: 120 }, element: {}, value: null }))).toBe(true)
    expect(ruleHolds(rule, eventLookup({ payload: { value: 80 }, element: {}, value: null }))).toBe(false)
  })
})

describe('which pages a message runs on', () => {
  it.each<[boolean, string[], string, boolean]>([
    [true, [], 'https://any.test/x', true],
    [false, ['shop.test/pricing*'], 'https://shop.test/pricing/pro', true],
    [false, ['shop.test/pricing*'], 'https://shop.test/cart', false],
    [false, ['*.example.com/checkout'], 'https://eu.example.com/checkout', true],
    [false, ['shop.test'], 'https://shop.test/anything', true],
    [false, ['shop.test'], 'https://other.test/', false],
    [false, ['shop.test'], 'not a url', false],
  ])('all=%s %o on %s → %s', (all, patterns, url, expected) => expect(siteMatches({ all, patterns }, url)).toBe(expected))
})

describe('CSS selectors on an event path', () => {
  const el = (tag: string, id = '', classes: string[] = [], attrs: Record<string, string> = {}): ElementInfo => ({ tag, id, classes, attrs })
  // A click on the icon inside the button inside the product card.
  const path = [
    el('svg', '', ['icon']),
    el('button', 'buy', ['btn', 'btn-primary'], { 'data-sku': 'A-1', type: 'submit' }),
    el('div', '', ['card', 'product'], { 'data-category': 'shoes' }),
    el('main'),
    el('body'),
    el('html'),
  ]
  it.each<[string, number]>([
    ['#buy', 1],
    ['button', 1],
    ['.btn.btn-primary', 1],
    ['button[data-sku]', 1],
    ['[data-sku="A-1"]', 1],
    ["[data-sku='A-1']", 1],
    ['[data-sku^=A]', 1],
    ['[data-sku$="-1"]', 1],
    ['[data-sku*=-]', 1],
    ['[data-sku=B-2]', -1],
    ['.product #buy', 1],
    ['.product > button', 1],
    ['main > button', -1],
    ['main button', 1],
    ['.card', 2],
    ['svg.icon', 0],
    ['a, #buy', 1],
    ['*', 0],
    ['form #buy', -1],
    ['div[data-category=shoes] .icon', 0],
  ])('%s → element %i', (text, at) => {
    const parsed = parseSelector(text)
    expect(parsed.ok).toBe(true)
    if (parsed.ok) expect(matchInPath(parsed.selector, path)).toBe(at)
  })

  it.each([
    ['', /enter a selector/],
    ['a:hover', /pseudo-classes/],
    ['a + b', /combinators/],
    ['[data-x', /"\]" expected/],
    ['#', /a name must follow "#"/],
    ['[a="x]', /not closed/],
    ['a,', /selector was expected/],
    ['x'.repeat(400), /at most 300/],
  ])('refuses %j with the reason', (text, why) => {
    const parsed = parseSelector(text)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.error).toMatch(why)
  })
})

describe('whether a matched message is sent', () => {
  const H = 3_600_000
  const fresh: DeliveryHistory = { lastSentAt: null, sentThisVisit: false, replied: false, dismissed: false }
  const good: Circumstances = { now: 100 * H, conversationOpen: false, withinHours: true, agentsOnline: 2, freeSlots: 3 }
  const all = { workingHours: true, agentAvailability: true, slotsLeft: true }
  it.each<[string, Parameters<typeof decideProactive>[0]['frequency'], Partial<DeliveryHistory>, Partial<Circumstances>, string]>([
    ['everything holds', { per: 'visitor', stopAfterReply: true }, {}, {}, 'send'],
    ['once per visitor, sent before', { per: 'visitor', stopAfterReply: false }, { lastSentAt: 1 }, {}, 'frequency'],
    ['once per visit, sent this visit', { per: 'visit', stopAfterReply: false }, { sentThisVisit: true, lastSentAt: 99 * H }, {}, 'frequency'],
    ['once per visit, sent in an earlier visit', { per: 'visit', stopAfterReply: false }, { lastSentAt: 1 }, {}, 'send'],
    ['every 24 h, sent 23 h ago', { per: 'hours', hours: 24, stopAfterReply: false }, { lastSentAt: 77 * H }, {}, 'frequency'],
    ['every 24 h, sent 24 h ago', { per: 'hours', hours: 24, stopAfterReply: false }, { lastSentAt: 76 * H }, {}, 'send'],
    ['replied, stop after reply', { per: 'hours', hours: 1, stopAfterReply: true }, { lastSentAt: 1, replied: true }, {}, 'frequency'],
    ['dismissed, stop after reply', { per: 'visit', stopAfterReply: true }, { dismissed: true }, {}, 'frequency'],
    ['dismissed, switch off', { per: 'visit', stopAfterReply: false }, { dismissed: true }, {}, 'send'],
    ['a conversation open', { per: 'visit', stopAfterReply: false }, {}, { conversationOpen: true }, 'frequency'],
    ['out of hours', { per: 'visitor', stopAfterReply: true }, {}, { withinHours: false, agentsOnline: 0 }, 'out_of_hours'],
    ['nobody online', { per: 'visitor', stopAfterReply: true }, {}, { agentsOnline: 0, freeSlots: 0 }, 'no_agents'],
    ['no slot left', { per: 'visitor', stopAfterReply: true }, {}, { freeSlots: 0 }, 'no_slots'],
  ])('%s', (_what, frequency, history, circumstances, expected) => {
    const d = decideProactive({ frequency, qualify: all }, { ...fresh, ...history }, { ...good, ...circumstances })
    expect(d.send ? 'send' : d.reason).toBe(expected)
  })

  it('sends regardless of a trigger that is switched off', () => {
    const off = { workingHours: false, agentAvailability: false, slotsLeft: false }
    expect(decideProactive({ frequency: { per: 'visitor', stopAfterReply: true }, qualify: off }, fresh, { ...good, withinHours: false, agentsOnline: 0, freeSlots: 0 })).toEqual({ send: true })
  })
})

describe('the daily funnel', () => {
  let seq = 0
  const ev = (type: string, at: string, data: Record<string, unknown>): LogEvent => ({ seq: ++seq, type: type as LogEvent['type'], at: Date.parse(at), data })
  it('counts distinct visitors per step and day in the workspace’s timezone, and the reasons of the others', () => {
    const tz = 'Europe/Lisbon'
    const events = [
      // 30 March 2025: the clocks go forward in Lisbon at 01:00 UTC.
      ev('proactive.matched', '2025-03-30T00:30:00Z', { messageId: 'm1', visitorId: 'a' }),
      ev('proactive.sent', '2025-03-30T00:30:01Z', { messageId: 'm1', visitorId: 'a' }),
      ev('proactive.opened', '2025-03-30T00:31:00Z', { messageId: 'm1', visitorId: 'a' }),
      ev('proactive.opened', '2025-03-30T00:32:00Z', { messageId: 'm1', visitorId: 'a' }),
      ev('proactive.replied', '2025-03-30T00:33:00Z', { messageId: 'm1', visitorId: 'a', conversationId: 'c1' }),
      ev('proactive.matched', '2025-03-30T10:00:00Z', { messageId: 'm1', visitorId: 'b' }),
      ev('proactive.matched', '2025-03-30T10:05:00Z', { messageId: 'm1', visitorId: 'b' }),
      ev('proactive.suppressed', '2025-03-30T10:05:00Z', { messageId: 'm1', visitorId: 'b', reason: 'no_agents' }),
      ev('proactive.suppressed', '2025-03-30T10:06:00Z', { messageId: 'm1', visitorId: 'b', reason: 'no_agents' }),
      ev('proactive.suppressed', '2025-03-30T10:06:00Z', { messageId: 'm1', visitorId: 'b', reason: 'made up' }),
      // 23:30 UTC on the 30th is 00:30 on the 31st in Lisbon (summer time).
      ev('proactive.matched', '2025-03-30T23:30:00Z', { messageId: 'm1', visitorId: 'c' }),
      ev('proactive.matched', '2025-03-30T12:00:00Z', { messageId: 'm2', visitorId: 'a' }),
      ev('message', '2025-03-30T12:00:00Z', { messageId: 'x', visitorId: 'a' }),
      ev('proactive.matched', '2025-03-30T12:00:00Z', { visitorId: 'a' }),
    ]
    const f = proactiveFunnel(events, tz)
    expect(f.get('m1\u00002025-03-30')).toEqual({ messageId: 'm1', day: '2025-03-30', matched: 2, sent: 1, opened: 1, replied: 1, suppressed: { out_of_hours: 0, no_agents: 1, no_slots: 0, frequency: 0 } })
    expect(f.get('m1\u00002025-03-31')?.matched).toBe(1)
    expect(f.get('m2\u00002025-03-30')?.matched).toBe(1)
    expect(f.size).toBe(3)
    expect(funnelRates(f.get('m1\u00002025-03-30')!)).toEqual({ sentRate: 0.5, openedRate: 0.5, repliedRate: 0.5 })
    expect(funnelRates({ matched: 0, sent: 0, opened: 0, replied: 0 })).toEqual({ sentRate: null, openedRate: null, repliedRate: null })
    // In UTC, the visitor of 23:30 is on the 30th.
    expect(proactiveFunnel(events, 'UTC').get('m1\u00002025-03-30')?.matched).toBe(3)
    expect(proactiveFunnel(events, tz, { from: '2025-03-31', to: '2025-03-31' }).size).toBe(1)
  })
})

describe('a proactive message as sent by the editor or REST', () => {
  it('takes the issue’s example and fills in the defaults', () => {
    const r = parseProactiveBody(SALES_INVITATION)
    expect(r.ok).toBe(true)
    if (r.ok) expect(r.value.site).toEqual({ all: true, patterns: [] })
    const minimal = parseProactiveBody({ name: 'Cart offer', onset: { kind: 'event', event: { on: 'track', name: 'added_to_cart' }, rules: [{ field: 'payload.value', op: '>', value: 100 }] }, message: { text: 'Free shipping today!' } })
    expect(minimal).toMatchObject({ ok: true, value: { routeTo: null, frequency: { per: 'visitor', stopAfterReply: true }, qualify: { agentAvailability: true }, message: { presentation: 'popup', fromName: '' } } })
    expect(parseProactiveBody({ name: 'Hover', onset: { kind: 'event', event: { on: 'hover', selector: '.help' } }, message: { text: 'Hi' } })).toMatchObject({ ok: true, value: { onset: { event: { ms: 500 } } } })
  })

  it.each([
    [{ name: '', onset: { kind: 'attributes', rules: [{ field: 'url', op: 'contains', value: 'x' }] }, message: { text: 'Hi' } }, 'name'],
    [{ name: 'A', onset: { kind: 'attributes', rules: [] }, message: { text: 'Hi' } }, 'onset.rules'],
    [{ name: 'A', onset: { kind: 'attributes', rules: [{ field: 'shoeSize', op: 'equals', value: 'x' }] }, message: { text: 'Hi' } }, 'onset.rules.0.field'],
    [{ name: 'A', onset: { kind: 'attributes', rules: [{ field: 'timeOnPage', op: '>=', value: 'soon' }] }, message: { text: 'Hi' } }, 'onset.rules.0.value'],
    [{ name: 'A', onset: { kind: 'attributes', rules: [{ field: 'url', op: 'contains' }] }, message: { text: 'Hi' } }, 'onset.rules.0.value'],
    [{ name: 'A', onset: { kind: 'event', event: { on: 'click', selector: 'a:hover' } }, message: { text: 'Hi' } }, 'onset.event.selector'],
    [{ name: 'A', onset: { kind: 'event', event: { on: 'track', name: 'x' }, rules: [{ field: 'url', op: 'isSet' }] }, message: { text: 'Hi' } }, 'onset.rules.0.field'],
    [{ name: 'A', onset: { kind: 'attributes', rules: [{ field: 'url', op: 'isSet' }] }, message: { text: '' } }, 'message.text'],
    [{ name: 'A', onset: { kind: 'attributes', rules: [{ field: 'url', op: 'isSet' }] }, message: { text: 'Hi' }, site: { all: false, patterns: [] } }, 'site.patterns'],
    [{ name: 'A', onset: { kind: 'attributes', rules: [{ field: 'url', op: 'isSet' }] }, message: { text: 'Hi' }, frequency: { per: 'hours' } }, 'frequency.hours'],
    [{ name: 'A', onset: { kind: 'attributes', rules: [{ field: 'url', op: 'isSet' }] }, message: { text: 'Hi' }, routeTo: { teamId: 'a', agentId: 'b' } }, 'routeTo'],
  ])('refuses %j at %s', (body, field) => {
    const r = parseProactiveBody(body)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.field).toBe(field)
  })
})
