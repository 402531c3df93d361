/**
 * Reply templates in the composer: where a `/query` is being typed, and which templates match it,
 * best first. Pure, so the app runs it offline on the templates this device holds.
 */
import type { Template } from './settings.ts'

/** A `/query` being typed: the slash's index, the caret's, and what lies between them. */
export interface SlashQuery {
  start: number
  end: number
  query: string
}

/** What may follow the slash: a template's tag, or a word of its title or text. */
const SLASH_BEFORE_CARET = /[\s([{"'](\/([\p{L}\p{N}_-]*))$/u

/** Longest stretch before the caret worth looking at: a query is one short word. */
const LOOK_BACK = 40

/**
 * The `/query` that ends at the caret, if the agent is typing one. The slash must start a word,
 * so links ("https://…"), paths and "and/or" do not open the templates.
 */
export function slashQueryAt(text: string, caret: number): SlashQuery | null {
  if (caret < 0 || caret > text.length) return null
  const from = Math.max(0, caret - LOOK_BACK)
  // The start of the text counts as a delimiter.
  const m = SLASH_BEFORE_CARET.exec((from === 0 ? ' ' : '') + text.slice(from, caret))
  if (!m) return null
  return { start: caret - m[1]!.length, end: caret, query: m[2]! }
}

/** Whether a template is offered on a channel (no channels: every one). */
export const offeredOn = (t: Template, channel: string | null | undefined): boolean =>
  t.channels.length === 0 || !channel || t.channels.includes(channel)

/** How many templates the popup lists at most. */
export const MAX_TEMPLATE_MATCHES = 8

/**
 * Ranks a template for a lower-case query: the tag first (0 the tag itself, 1 it starts with the
 * query, 2 contains it), then the title (3 a word starts with it, 4 contains it), then the text
 * (5 contains it); null when nothing does.
 */
function rank(t: Template, q: string): number | null {
  const tag = t.tag.toLowerCase()
  if (tag === q) return 0
  if (tag.startsWith(q)) return 1
  if (tag.includes(q)) return 2
  const title = t.title.toLowerCase()
  if (title.split(/[^\p{L}\p{N}]+/u).some((w) => w.startsWith(q))) return 3
  if (title.includes(q)) return 4
  if (t.text.toLowerCase().includes(q)) return 5
  return null
}

/** The templates matching `query` (without its slash) on `channel`, best first; ties by tag. */
export function searchTemplates(templates: readonly Template[], query: string, options: { channel?: string | null; limit?: number } = {}): Template[] {
  const q = query.trim().toLowerCase()
  const limit = options.limit ?? MAX_TEMPLATE_MATCHES
  const ranked: { t: Template; r: number }[] = []
  for (const t of templates) {
    if (!offeredOn(t, options.channel)) continue
    const r = q ? rank(t, q) : 0
    if (r !== null) ranked.push({ t, r })
  }
  ranked.sort((a, b) => a.r - b.r || a.t.tag.localeCompare(b.t.tag))
  return ranked.slice(0, limit).map((x) => x.t)
}
