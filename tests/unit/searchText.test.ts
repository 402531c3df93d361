import { describe, expect, it } from 'vitest'
import { indexTokens, matchesText, normalize, parseQuery, postingKeysOf, rankHits, snippet, tokenize, MAX_TOKEN_LENGTH, type SearchHit } from '../../client/data/searchText.ts'

describe('normalize and tokenize', () => {
  it('folds case and accents, including letters without a combining mark', () => {
    expect(normalize('Fjällräven ÉCOLE Łódź Straße Øre')).toBe('fjallraven ecole lodz strasse ore')
  })

  it('splits on anything that is not a letter or digit and keeps spans into the original', () => {
    const text = 'Order #1042: "zipper", ana@example.com — don’t'
    const tokens = tokenize(text)
    expect(tokens.map((t) => t.token)).toEqual(['order', '1042', 'zipper', 'ana', 'example', 'com', 'don', 't'])
    for (const t of tokens) expect(normalize(text.slice(t.start, t.end))).toBe(t.token)
  })

  it('keeps decomposed accents inside their word', () => {
    expect(tokenize('cafe\u0301 noir').map((t) => t.token)).toEqual(['cafe', 'noir'])
  })

  it('indexes each word once and caps long words', () => {
    expect(indexTokens('the cat and the hat')).toEqual(['the', 'cat', 'and', 'hat'])
    expect(indexTokens('x'.repeat(100))[0]).toHaveLength(MAX_TOKEN_LENGTH)
  })

  it('indexes message texts and the visitor’s name and email, not system lines', () => {
    expect(postingKeysOf({ seq: 7, type: 'message', data: { kind: 'visitor', text: 'Hello there' } })).toEqual([
      ['hello', -7],
      ['there', -7],
    ])
    expect(postingKeysOf({ seq: 8, type: 'message', data: { kind: 'system', text: 'Ana took the chat' } })).toEqual([])
    expect(postingKeysOf({ seq: 9, type: 'conversation.created', data: { visitorName: 'Zoë', visitorEmail: 'zoe@x.io' } }).map((k) => k[0])).toEqual(['zoe', 'x', 'io'])
    expect(postingKeysOf({ seq: 10, type: 'conversation.status', data: { status: 'open' } })).toEqual([])
  })

  it('learns a name and email given after the chat began (visitor.updated)', () => {
    expect(postingKeysOf({ seq: 11, type: 'visitor.updated', data: { visitorId: 'v1', visitorName: 'Vera Lind', visitorEmail: 'vera@shop.test' } })).toEqual([
      ['vera', -11],
      ['lind', -11],
      ['shop', -11],
      ['test', -11],
    ])
    expect(postingKeysOf({ seq: 12, type: 'visitor.updated', data: { visitorId: 'v1', visitorName: null, visitorEmail: null } })).toEqual([])
  })
})

describe('queries', () => {
  it('treats the last word as a prefix unless the query ends with a space', () => {
    expect(parseQuery('Zipper BRO')).toEqual({ exact: ['zipper'], prefix: 'bro' })
    expect(parseQuery('zipper broke ')).toEqual({ exact: ['zipper', 'broke'], prefix: null })
    expect(parseQuery('  ')).toEqual({ exact: [], prefix: null })
    expect(parseQuery('a a a')).toEqual({ exact: [], prefix: 'a' })
  })

  it('needs every word (AND), whole words but the last', () => {
    const text = 'The zipper on my Fjällräven backpack broke'
    expect(matchesText(text, parseQuery('zipper fjallr'))).toBe(true)
    expect(matchesText(text, parseQuery('ZIPPER BACKPACK'))).toBe(true)
    expect(matchesText(text, parseQuery('zip backpack'))).toBe(false) // "zip" is not the last word: whole words only
    expect(matchesText(text, parseQuery('zipper umbrella'))).toBe(false)
    expect(matchesText(text, parseQuery(''))).toBe(false)
  })
})

describe('snippet', () => {
  it('marks the matching words of the original text, accents kept', () => {
    const parts = snippet('The zipper on my Fjällräven backpack broke', parseQuery('fjallraven brok'))
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(['Fjällräven', 'broke'])
    expect(parts.map((p) => p.text).join('')).toBe('The zipper on my Fjällräven backpack broke')
  })

  it('cuts long texts around the first hit, on word boundaries', () => {
    const long = `${'lorem ipsum '.repeat(20)}the refund arrived ${'dolor sit '.repeat(20)}`
    const parts = snippet(long, parseQuery('refund'))
    const text = parts.map((p) => p.text).join('')
    expect(text.startsWith('…')).toBe(true)
    expect(text.endsWith('…')).toBe(true)
    expect(text).toContain('the refund arrived')
    expect(text.length).toBeLessThan(200)
    expect(text).not.toMatch(/…\S*[a-z]…/)
  })

  it('shows the start of the text when nothing in it matches (a name hit)', () => {
    expect(snippet('Olga Petrova', parseQuery('zzz'))).toEqual([{ text: 'Olga Petrova', hit: false }])
  })
})

describe('rankHits', () => {
  const hit = (seq: number, conversationId: string, field: SearchHit['field'] = 'message'): SearchHit => ({ seq, conversationId, at: seq, field, text: '' })

  it('groups by conversation, visitor matches first, then the newest', () => {
    const ranked = rankHits([hit(5, 'a'), hit(9, 'b'), hit(7, 'a'), hit(1, 'c', 'visitor')])
    expect(ranked.map((r) => [r.conversationId, r.best.seq, r.hits])).toEqual([
      ['c', 1, 1],
      ['b', 9, 1],
      ['a', 7, 2],
    ])
    expect(rankHits([hit(1, 'a'), hit(2, 'b'), hit(3, 'c')], 2)).toHaveLength(2)
  })
})
