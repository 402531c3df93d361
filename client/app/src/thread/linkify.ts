/**
 * Splits message text into plain runs and web links. Pure: the view turns the tokens into text
 * nodes and anchors, so message text is never parsed as HTML. Only `http:` and `https:` links are
 * ever produced (a bare `www.` gets `https://`), so no `javascript:` or `data:` href can come out.
 */

export type TextToken = { kind: 'text'; text: string }
export type LinkToken = { kind: 'link'; text: string; href: string }
export type Token = TextToken | LinkToken

/**
 * Where a link may start: a scheme or `www.`, not glued to a word, an e-mail address or a path
 * before it (`user@www.example.com`, `foo.www.example.com`, `/x/http://` stay text).
 */
const START = /(?<![\p{L}\p{N}@./_-])(?:https?:\/\/|www\.)/giu

/**
 * The characters a link runs over. Whitespace, controls, angle brackets and quotes end it; so do
 * the invisible and direction-changing characters (zero-width, bidi overrides and isolates) that
 * would let a link show one address and lead to another (CVE-2021-42574, "Trojan Source").
 */
const BODY = /[^\s\p{Cc}<>"`\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]*/uy

/** Punctuation that ends a sentence rather than the link ("see https://x.org."). */
const TRAILING = /[.,;:!?'\u2019\u201D*_~]$/u

const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' }

function count(s: string, ch: string): number {
  let n = 0
  for (const c of s) if (c === ch) n++
  return n
}

/** Trims what is more likely prose than address: sentence punctuation and unbalanced closing brackets. */
function trimEnd(url: string): string {
  for (;;) {
    if (TRAILING.test(url)) {
      url = url.slice(0, -1)
      continue
    }
    const last = url.at(-1)
    const opener = last ? CLOSERS[last] : undefined
    // "(see https://en.wikipedia.org/wiki/Foo_(bar))": keep the parenthesis the link opened.
    if (last && opener && count(url, last) > count(url, opener)) {
      url = url.slice(0, -1)
      continue
    }
    return url
  }
}

/** The href of a candidate link, or null when it is not a usable web address. */
function hrefOf(text: string): string | null {
  const href = /^www\./i.test(text) ? `https://${text}` : text
  let url: URL
  try {
    url = new URL(href)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (!url.hostname) return null
  // A bare `www.` needs a real domain after it ("www.example.com", not "www.example").
  if (href !== text && !/^www\.[^.]+\.[^.]+/i.test(url.hostname)) return null
  return href
}

/** Splits `text` into text and link tokens; concatenating every token's `text` gives `text` back. */
export function linkify(text: string): Token[] {
  const tokens: Token[] = []
  let plainFrom = 0
  START.lastIndex = 0
  for (let m = START.exec(text); m; m = START.exec(text)) {
    const at = m.index
    BODY.lastIndex = at + m[0].length
    const body = BODY.exec(text)?.[0] ?? ''
    const candidate = trimEnd(m[0] + body)
    const href = candidate.length > m[0].length ? hrefOf(candidate) : null
    if (!href) {
      START.lastIndex = at + m[0].length
      continue
    }
    if (at > plainFrom) tokens.push({ kind: 'text', text: text.slice(plainFrom, at) })
    tokens.push({ kind: 'link', text: candidate, href })
    plainFrom = at + candidate.length
    START.lastIndex = plainFrom
  }
  if (plainFrom < text.length) tokens.push({ kind: 'text', text: text.slice(plainFrom) })
  return tokens
}
