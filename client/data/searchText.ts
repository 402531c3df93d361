/**
 * The pure half of local full-text search: how text becomes tokens, what a query means, whether
 * a text matches it, and the snippet shown for a hit. Case- and accent-insensitive; every token
 * but the last of a query must match a whole word, the last one may match a word's beginning,
 * and all must match (AND). No Dexie here, so it runs (and is tested) anywhere.
 */
import type { LogEvent } from '../../shared/protocol.ts'

/** Longer words are cut to this: nobody types 33 letters to find a word, and keys stay small. */
export const MAX_TOKEN_LENGTH = 32
/** Distinct words indexed per text: bounds the index cost of a pasted novel; the rest still matches on verification. */
export const MAX_TOKENS_PER_TEXT = 400

/** A word of a text and where it stands in the original string. */
export interface Token {
  token: string
  start: number
  end: number
}

/** Letters that carry no combining mark to strip, folded by hand. */
const FOLDS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' }
const FOLDABLE = /[ßæœøłđðþı]/g

/** A word: letters or digits, with the combining marks that belong to them. */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu

/** Lower case, without accents (é → e, Ł → l): the form both the index and queries use. */
export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(FOLDABLE, (c) => FOLDS[c] ?? c)
}

/** The words of a text, normalized, in order, with their spans in the original text. */
export function tokenize(text: string): Token[] {
  const out: Token[] = []
  for (const m of text.matchAll(WORD)) {
    const token = normalize(m[0]).slice(0, MAX_TOKEN_LENGTH)
    if (token) out.push({ token, start: m.index, end: m.index + m[0].length })
  }
  return out
}

/** The distinct words of a text, as the index stores them. */
export function indexTokens(text: string): string[] {
  const seen = new Set<string>()
  for (const t of tokenize(text)) {
    seen.add(t.token)
    if (seen.size >= MAX_TOKENS_PER_TEXT) break
  }
  return [...seen]
}

/**
 * The searchable text of an event: a message's text, or the visitor's name and email, as a new
 * conversation gives them or as they arrive later (a pre-chat form, the site's identity).
 */
export function searchableText(event: Pick<LogEvent, 'type' | 'data'>): string | null {
  const d = event.data
  if (event.type === 'message') {
    // System lines ("Ana took the chat") are the app's own words, not worth finding.
    if (d.kind === 'system' || typeof d.text !== 'string') return null
    return d.text
  }
  if (event.type === 'conversation.created' || event.type === 'visitor.updated') {
    const parts = [d.visitorName, d.visitorEmail].filter((v): v is string => typeof v === 'string' && v.length > 0)
    return parts.length ? parts.join(' ') : null
  }
  return null
}

/** The index keys of an event: `[token, -seq]` for each of its words (newest first within a token). */
export function postingKeysOf(event: Pick<LogEvent, 'type' | 'data' | 'seq'>): [string, number][] {
  const text = searchableText(event)
  if (!text || !Number.isSafeInteger(event.seq)) return []
  return indexTokens(text).map((t) => [t, -event.seq])
}

/** A parsed query: whole words that must all be there, and the last word as a prefix. */
export interface SearchQuery {
  exact: string[]
  prefix: string | null
}

/**
 * Parses what the agent typed. The last word is a prefix ("refu" finds "refund") unless the
 * query ends in a space or punctuation, which says the word is complete.
 */
export function parseQuery(input: string): SearchQuery {
  const tokens = tokenize(input)
  if (!tokens.length) return { exact: [], prefix: null }
  const last = tokens[tokens.length - 1]!
  const complete = last.end < input.length
  const words = tokens.map((t) => t.token)
  const prefix = complete ? null : words.pop()!
  const exact = [...new Set(words)].filter((w) => w !== prefix)
  return { exact, prefix }
}

export const isEmptyQuery = (q: SearchQuery) => q.exact.length === 0 && !q.prefix

/** Whether the words of a text satisfy a query. */
export function matchesTokens(words: readonly string[], q: SearchQuery): boolean {
  if (isEmptyQuery(q)) return false
  const set = new Set(words)
  for (const w of q.exact) if (!set.has(w)) return false
  if (q.prefix) {
    const p = q.prefix
    let found = false
    for (const w of set)
      if (w.startsWith(p)) {
        found = true
        break
      }
    if (!found) return false
  }
  return true
}

/** Whether a text satisfies a query. */
export const matchesText = (text: string, q: SearchQuery) => matchesTokens(tokenize(text).map((t) => t.token), q)

export interface SnippetPart {
  text: string
  hit: boolean
}

/** Characters of context shown on each side of the first hit. */
export const SNIPPET_CONTEXT = 40

/**
 * A short excerpt of `text` around its first matching word, split into parts with the matching
 * words marked, so that a view can highlight them without ever parsing HTML.
 */
export function snippet(text: string, q: SearchQuery, context = SNIPPET_CONTEXT): SnippetPart[] {
  const flat = text.replace(/\s+/g, ' ')
  const hits = tokenize(flat).filter((t) => q.exact.includes(t.token) || (q.prefix !== null && t.token.startsWith(q.prefix)))
  if (!hits.length) return [{ text: flat.length > context * 2 ? flat.slice(0, context * 2) + '…' : flat, hit: false }]
  let from = Math.max(0, hits[0]!.start - context)
  let to = Math.min(flat.length, hits[0]!.end + context * 2)
  // Do not cut a word in two at the edges.
  while (from > 0 && /\S/.test(flat[from - 1]!)) from--
  while (to < flat.length && /\S/.test(flat[to]!)) to++
  const parts: SnippetPart[] = []
  let at = from
  for (const h of hits) {
    if (h.start < from || h.end > to) continue
    if (h.start > at) parts.push({ text: flat.slice(at, h.start), hit: false })
    parts.push({ text: flat.slice(h.start, h.end), hit: true })
    at = h.end
  }
  if (at < to) parts.push({ text: flat.slice(at, to), hit: false })
  if (from > 0) parts.unshift({ text: '…', hit: false })
  if (to < flat.length) parts.push({ text: '…', hit: false })
  return parts
}

/** One event that matched a query. */
export interface SearchHit {
  seq: number
  conversationId: string
  at: number
  /** `visitor`: the visitor's name or email matched; `message`: a message's text. */
  field: 'visitor' | 'message'
  text: string
}

/** One line of the results: a conversation, with its best hit. */
export interface RankedResult {
  conversationId: string
  best: SearchHit
  /** How many hits of this conversation were found. */
  hits: number
}

/**
 * Groups hits by conversation and orders them: a match on the visitor's name or email first
 * (that is who the agent is looking for), then the newest match.
 */
export function rankHits(hits: readonly SearchHit[], limit = Infinity): RankedResult[] {
  const byConversation = new Map<string, RankedResult>()
  const better = (a: SearchHit, b: SearchHit) => (a.field !== b.field ? a.field === 'visitor' : a.seq > b.seq)
  for (const h of hits) {
    const r = byConversation.get(h.conversationId)
    if (!r) byConversation.set(h.conversationId, { conversationId: h.conversationId, best: h, hits: 1 })
    else {
      r.hits++
      if (better(h, r.best)) r.best = h
    }
  }
  return [...byConversation.values()]
    .sort((a, b) => (a.best.field !== b.best.field ? (a.best.field === 'visitor' ? -1 : 1) : b.best.seq - a.best.seq))
    .slice(0, limit)
}
