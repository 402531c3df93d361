import { describe, expect, it } from 'vitest'
import { linkify, type Token } from '../../client/app/src/thread/linkify.ts'

const links = (text: string) => linkify(text).filter((t) => t.kind === 'link')
const joined = (tokens: Token[]) => tokens.map((t) => t.text).join('')

describe('linkify', () => {
  it('leaves text without links as one text token', () => {
    expect(linkify('Where is my parcel?')).toEqual([{ kind: 'text', text: 'Where is my parcel?' }])
    expect(linkify('')).toEqual([])
  })

  it('finds http and https links among text', () => {
    expect(linkify('See https://example.com/track?id=42 and http://shop.test/a#b now')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://example.com/track?id=42', href: 'https://example.com/track?id=42' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://shop.test/a#b', href: 'http://shop.test/a#b' },
      { kind: 'text', text: ' now' },
    ])
  })

  it('gives www. links an https href and keeps the text as typed', () => {
    expect(linkify('www.example.com/help')).toEqual([{ kind: 'link', text: 'www.example.com/help', href: 'https://www.example.com/help' }])
    expect(links('Go to WWW.Example.org.')).toEqual([{ kind: 'link', text: 'WWW.Example.org', href: 'https://WWW.Example.org' }])
  })

  it('leaves sentence punctuation outside the link', () => {
    for (const p of ['.', ',', '!', '?', ':', ';', "'", '’', '']) {
      expect(links(`Look at https://example.com/a${p} please`)[0]!.text).toBe('https://example.com/a')
    }
    expect(links('(https://example.com/a)')[0]!.text).toBe('https://example.com/a')
    expect(links('[see https://example.com]')[0]!.text).toBe('https://example.com')
    expect(links('"https://example.com"')[0]!.text).toBe('https://example.com')
  })

  it('keeps brackets that belong to the address', () => {
    expect(links('https://en.wikipedia.org/wiki/Parley_(film) is it')[0]!.text).toBe('https://en.wikipedia.org/wiki/Parley_(film)')
    expect(links('(https://en.wikipedia.org/wiki/Parley_(film))')[0]!.text).toBe('https://en.wikipedia.org/wiki/Parley_(film)')
  })

  it('does not link what only looks like the start of a link', () => {
    expect(links('http:// is a scheme')).toEqual([])
    expect(links('https://')).toEqual([])
    expect(links('www.')).toEqual([])
    expect(links('www.example')).toEqual([])
    expect(links('mail me at bob@www.example.com')).toEqual([])
    expect(links('foo.www.example.com')).toEqual([])
    expect(links('javascript:alert(1)')).toEqual([])
    expect(links('ftp://example.com')).toEqual([])
    expect(links('xhttps://example.com')).toEqual([])
  })

  it('never produces a non-web href', () => {
    for (const text of ['https://javascript:alert(1)', 'www.javascript:alert(1)', 'data:text/html,<b>x</b> http://a.b', 'https://a.b/<script>']) {
      for (const l of links(text)) expect(l.href).toMatch(/^https?:\/\//i)
    }
    expect(links('https://a.b/<script>alert(1)</script>')[0]!.text).toBe('https://a.b/')
  })

  it('stops at invisible and direction-changing characters', () => {
    expect(links('https://example.com/\u202Egnp.exe')[0]!.text).toBe('https://example.com/')
    expect(links('https://example.com\u200B/x')[0]!.text).toBe('https://example.com')
  })

  it('handles links at the edges, on their own lines and next to each other', () => {
    expect(links('https://a.example\nhttps://b.example').map((l) => l.text)).toEqual(['https://a.example', 'https://b.example'])
    expect(linkify('https://a.example')).toEqual([{ kind: 'link', text: 'https://a.example', href: 'https://a.example' }])
    expect(links('https://a.example https://b.example')).toHaveLength(2)
  })

  it('keeps every character of the text, in order', () => {
    const samples = [
      'See https://example.com/a, www.example.org and (http://x.test/y_(z)).',
      'no links here: 10:30, a.b, www, http',
      '<img src=x onerror="window.pwned=1"> https://a.b/"onmouseover=alert(1)',
      '\u202Ehttps://x.y\u202C ok',
    ]
    for (const s of samples) expect(joined(linkify(s))).toBe(s)
  })

  it('accepts non-Latin text around links and in them', () => {
    expect(links('Смотрите https://пример.рф/страница, спасибо')[0]!.text).toBe('https://пример.рф/страница')
  })
})
