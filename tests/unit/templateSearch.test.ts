import { describe, expect, it } from 'vitest'
import type { Template } from '../../shared/settings.ts'
import { offeredOn, searchTemplates, slashQueryAt } from '../../shared/templateSearch.ts'

const t = (tag: string, title: string, text: string, channels: string[] = []): Template => ({ id: `id-${tag}`, tag, title, text, channels })

const TEMPLATES: Template[] = [
  t('refund', 'Refund policy', 'You can return any item within 30 days.'),
  t('hello', 'Greeting', 'Hi {visitor.name}, how can I help?'),
  t('shipping', 'Delivery times', 'Parcels leave within 2 days; a refund follows a lost parcel.'),
  t('ref-code', 'Referral code', 'Share your code with a friend.'),
  t('bye', 'Goodbye', 'Thanks for writing, have a good day!', ['email']),
  t('prefund', 'Pre-order payment', 'Pre-orders are charged at shipping.'),
]
const tags = (q: string, channel?: string) => searchTemplates(TEMPLATES, q, { channel }).map((x) => x.tag)

describe('slashQueryAt', () => {
  it('finds a slash that starts the text or a word, with what follows it up to the caret', () => {
    expect(slashQueryAt('/ref', 4)).toEqual({ start: 0, end: 4, query: 'ref' })
    expect(slashQueryAt('Hello /sh', 9)).toEqual({ start: 6, end: 9, query: 'sh' })
    expect(slashQueryAt('Hello\n/', 7)).toEqual({ start: 6, end: 7, query: '' })
    expect(slashQueryAt('(/ref-co', 8)).toEqual({ start: 1, end: 8, query: 'ref-co' })
  })

  it('ignores slashes inside words, links and paths', () => {
    expect(slashQueryAt('and/or', 6)).toBeNull()
    expect(slashQueryAt('see https://shop.test/refund', 28)).toBeNull()
    expect(slashQueryAt('12/05', 5)).toBeNull()
  })

  it('closes once the word ends, and reads only up to the caret', () => {
    expect(slashQueryAt('/ref ', 5)).toBeNull()
    expect(slashQueryAt('/refund please', 4)).toEqual({ start: 0, end: 4, query: 'ref' })
    expect(slashQueryAt('/ref', 99)).toBeNull()
  })

  it('looks back a bounded stretch only', () => {
    const long = `/${'a'.repeat(60)}`
    expect(slashQueryAt(long, long.length)).toBeNull()
    expect(slashQueryAt(`${'x '.repeat(100)}/hi`, 203)).toEqual({ start: 200, end: 203, query: 'hi' })
  })
})

describe('searchTemplates', () => {
  it('offers every template for a bare slash, by tag', () => {
    expect(tags('')).toEqual(['hello', 'prefund', 'ref-code', 'refund', 'shipping', 'bye'].sort())
  })

  it('ranks the tag itself, then tags starting with the query, then tags containing it', () => {
    expect(tags('refund').slice(0, 2)).toEqual(['refund', 'prefund'])
    expect(tags('ref').slice(0, 3)).toEqual(['ref-code', 'refund', 'prefund'])
  })

  it('then the title, then the text', () => {
    expect(tags('delivery')).toEqual(['shipping'])
    expect(tags('payment')).toEqual(['prefund'])
    // "refund" is in shipping's text: after every tag match.
    expect(tags('refund')).toEqual(['refund', 'prefund', 'shipping'])
    expect(tags('friend')).toEqual(['ref-code'])
  })

  it('is case-insensitive and finds nothing when nothing matches', () => {
    expect(tags('REF')).toEqual(tags('ref'))
    expect(tags('zzz')).toEqual([])
  })

  it('offers a template limited to channels only on those channels', () => {
    expect(offeredOn(TEMPLATES[4]!, 'email')).toBe(true)
    expect(offeredOn(TEMPLATES[4]!, 'widget')).toBe(false)
    expect(tags('bye', 'widget')).toEqual([])
    expect(tags('bye', 'email')).toEqual(['bye'])
    expect(tags('hello', 'widget')).toEqual(['hello'])
  })

  it('returns at most `limit` templates', () => {
    expect(searchTemplates(TEMPLATES, '', { limit: 2 })).toHaveLength(2)
  })
})
