/**
 * The CSS selectors of site-event onsets ("on click of `#buy`"), parsed once and matched against
 * an event's path (the target, then its ancestors), as the loader's one delegated listener per
 * event kind sees it. A subset of CSS that needs no DOM: type, `*`, `#id`, `.class`, `[attr]`,
 * `[attr=v]`, `[attr^=v]`, `[attr$=v]`, `[attr*=v]`, the descendant (space) and child (`>`)
 * combinators, and lists (`,`). Anything else is refused with the reason, beside the field.
 */

/** What matching needs of one element. */
export interface ElementInfo {
  /** Lower case. */
  tag: string
  id: string
  classes: readonly string[]
  attrs: Readonly<Record<string, string>>
}

interface AttrTest {
  name: string
  op: '' | '=' | '^=' | '$=' | '*='
  value: string
}

interface Compound {
  tag: string | null
  id: string | null
  classes: string[]
  attrs: AttrTest[]
}

/** Compounds from the left, each with the combinator that joins it to the next. */
interface Complex {
  parts: { compound: Compound; next: ' ' | '>' | null }[]
}

export type ParsedSelector = { ok: true; selector: Complex[] } | { ok: false; error: string }

/** Selectors longer than this are refused (a pasted page, not a selector). */
export const MAX_SELECTOR_LENGTH = 300

const IDENT = /^-?[A-Za-z_][\w-]*/

export function parseSelector(text: string): ParsedSelector {
  const src = text.trim()
  if (!src) return { ok: false, error: 'enter a selector, like #buy or .add-to-cart' }
  if (src.length > MAX_SELECTOR_LENGTH) return { ok: false, error: `a selector has at most ${MAX_SELECTOR_LENGTH} characters` }
  const list: Complex[] = []
  let i = 0
  const fail = (why: string): ParsedSelector => ({ ok: false, error: `${why} at character ${i + 1} of "${src}"` })
  const ident = (): string | null => {
    const m = IDENT.exec(src.slice(i))
    if (!m) return null
    i += m[0].length
    return m[0]
  }
  const spaces = () => {
    const start = i
    while (src[i] === ' ' || src[i] === '\t' || src[i] === '\n') i++
    return i > start
  }
  for (;;) {
    const complex: Complex = { parts: [] }
    spaces()
    for (;;) {
      const c: Compound = { tag: null, id: null, classes: [], attrs: [] }
      let any = false
      if (src[i] === '*') {
        i++
        any = true
      } else {
        const tag = ident()
        if (tag) {
          c.tag = tag.toLowerCase()
          any = true
        }
      }
      for (;;) {
        const ch = src[i]
        if (ch === '#' || ch === '.') {
          i++
          const name = ident()
          if (!name) return fail(`a name must follow "${ch}"`)
          if (ch === '#') c.id = name
          else c.classes.push(name)
          any = true
        } else if (ch === '[') {
          i++
          spaces()
          const name = ident()
          if (!name) return fail('an attribute name must follow "["')
          spaces()
          const op = (['^=', '$=', '*=', '='] as const).find((o) => src.startsWith(o, i)) ?? ''
          let value = ''
          if (op) {
            i += op.length
            spaces()
            const q = src[i]
            if (q === '"' || q === "'") {
              const end = src.indexOf(q, i + 1)
              if (end < 0) return fail('a quoted value is not closed')
              value = src.slice(i + 1, end)
              i = end + 1
            } else {
              const m = /^[^\]\s]+/.exec(src.slice(i))
              if (!m) return fail('a value must follow the operator')
              value = m[0]
              i += value.length
            }
            spaces()
          }
          if (src[i] !== ']') return fail('"]" expected')
          i++
          c.attrs.push({ name: name.toLowerCase(), op, value })
          any = true
        } else break
      }
      if (!any) return fail(src[i] === ':' ? 'pseudo-classes (":hover", ":nth-child"…) are not supported' : src[i] === '+' || src[i] === '~' ? 'only the descendant and ">" combinators are supported' : 'a selector was expected')
      const hadSpace = spaces()
      let next: ' ' | '>' | null = null
      if (src[i] === '>') {
        i++
        spaces()
        next = '>'
      } else if (i < src.length && src[i] !== ',' && hadSpace) next = ' '
      else if (i < src.length && src[i] !== ',') return fail(src[i] === ':' ? 'pseudo-classes (":hover", ":nth-child"…) are not supported' : `unexpected "${src[i]}"`)
      complex.parts.push({ compound: c, next })
      if (next === null) break
    }
    list.push(complex)
    if (i >= src.length) break
    if (src[i] !== ',') return fail(`unexpected "${src[i]}"`)
    i++
  }
  return { ok: true, selector: list }
}

function compoundMatches(c: Compound, el: ElementInfo): boolean {
  if (c.tag && c.tag !== el.tag) return false
  if (c.id && c.id !== el.id) return false
  for (const cls of c.classes) if (!el.classes.includes(cls)) return false
  for (const a of c.attrs) {
    const v = el.attrs[a.name]
    if (v === undefined) return false
    if (a.op === '=' && v !== a.value) return false
    if (a.op === '^=' && (!a.value || !v.startsWith(a.value))) return false
    if (a.op === '$=' && (!a.value || !v.endsWith(a.value))) return false
    if (a.op === '*=' && (!a.value || !v.includes(a.value))) return false
  }
  return true
}

/** Whether compounds `0..k` of `cx` match with compound `k` on `path[at]` (ancestors further along `path`). */
function matchesFrom(cx: Complex, k: number, path: readonly ElementInfo[], at: number): boolean {
  if (!compoundMatches(cx.parts[k]!.compound, path[at]!)) return false
  if (k === 0) return true
  const joined = cx.parts[k - 1]!.next
  if (joined === '>') return at + 1 < path.length && matchesFrom(cx, k - 1, path, at + 1)
  for (let j = at + 1; j < path.length; j++) if (matchesFrom(cx, k - 1, path, j)) return true
  return false
}

/**
 * The element of an event's path (`path[0]` the target, then its ancestors) that the selector
 * matches first, as `closest()` would find it: its index, or -1.
 */
export function matchInPath(selector: Complex[], path: readonly ElementInfo[]): number {
  for (let at = 0; at < path.length; at++) for (const cx of selector) if (matchesFrom(cx, cx.parts.length - 1, path, at)) return at
  return -1
}
