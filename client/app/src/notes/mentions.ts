/** @mentions in internal notes: finding the word being typed, matching colleagues, and reading who a note names. */

export interface Mentionable {
  id: string
  name: string
}

/** The `@query` being typed just before the caret, if any (a mention starts a word). */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret)
  const m = /(^|\s)@([\p{L}\p{N}_.-]{0,30})$/u.exec(before)
  if (!m) return null
  return { start: caret - m[2]!.length - 1, query: m[2]! }
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

/** Colleagues whose name starts with (or has a word starting with) the query, best first. */
export function matchMentionables<T extends Mentionable>(all: readonly T[], query: string, limit = 6): T[] {
  const q = fold(query)
  const scored = all
    .map((a) => {
      const name = fold(a.name)
      const score = name.startsWith(q) ? 0 : name.split(/\s+/).some((w) => w.startsWith(q)) ? 1 : -1
      return { a, score }
    })
    .filter((x) => x.score >= 0)
  scored.sort((x, y) => x.score - y.score || x.a.name.localeCompare(y.a.name))
  return scored.slice(0, limit).map((x) => x.a)
}

/** The colleagues a note names with `@Name` (whole name, case-insensitive), in order, once each. */
export function mentionedIn<T extends Mentionable>(text: string, all: readonly T[]): string[] {
  const lower = fold(text)
  // Longest names first, so "@Ana Maria" is not taken for "@Ana".
  const byLength = [...all].sort((a, b) => b.name.length - a.name.length)
  const found: { id: string; at: number }[] = []
  const taken = new Set<number>()
  for (const a of byLength) {
    const needle = `@${fold(a.name)}`
    let at = lower.indexOf(needle)
    while (at >= 0) {
      const end = at + needle.length
      const boundary = end === lower.length || !/[\p{L}\p{N}_]/u.test(lower[end]!)
      if (boundary && !taken.has(at)) {
        taken.add(at)
        found.push({ id: a.id, at })
        break
      }
      at = lower.indexOf(needle, at + 1)
    }
  }
  return [...new Set(found.sort((x, y) => x.at - y.at).map((f) => f.id))]
}
