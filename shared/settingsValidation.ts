/**
 * What the settings forms accept: tag names, reply templates, the reassignment delay. Each check
 * answers with the sentence to show beside the field, or null when the value is fine.
 */
import { Limits } from './protocol.ts'
import type { Tag, Template } from './settings.ts'
import { canonicalTimezone } from './timezone.ts'

/** Longest tag name: a tag is a chip in the close dialog, not a sentence. */
export const MAX_TAG_NAME = 40

/** Why a tag name cannot be saved (empty, too long, or taken, ignoring case), or null. */
export function tagNameProblem(name: string, tags: readonly Tag[], exceptId?: string): string | null {
  const n = name.trim()
  if (!n) return 'Give the tag a name.'
  if (n.length > MAX_TAG_NAME) return `A tag name has at most ${MAX_TAG_NAME} characters.`
  const lower = n.toLowerCase()
  if (tags.some((t) => t.id !== exceptId && t.name.trim().toLowerCase() === lower)) return `There is already a tag “${n}”.`
  return null
}

/** What a template's tag may hold: what the agent types after `/` in the reply. */
export const TEMPLATE_TAG = /^[a-z0-9_-]+$/
export const MAX_TEMPLATE_TAG = 32
export const MAX_TEMPLATE_TITLE = 120
/** A template becomes one reply, so it is held to a message's length. */
export const MAX_TEMPLATE_TEXT = Limits.messageText

export type TemplateField = 'tag' | 'title' | 'text'

/** The first problem of a template about to be saved, with the field it concerns; null when it can be. */
export function templateProblem(
  t: Pick<Template, 'tag' | 'title' | 'text'>,
  templates: readonly Template[],
  exceptId?: string,
): { field: TemplateField; message: string } | null {
  const tag = t.tag.trim()
  if (!tag) return { field: 'tag', message: 'Give the template a shortcut.' }
  if (!TEMPLATE_TAG.test(tag)) return { field: 'tag', message: 'A shortcut uses lower-case letters, digits, - and _ only.' }
  if (tag.length > MAX_TEMPLATE_TAG) return { field: 'tag', message: `A shortcut has at most ${MAX_TEMPLATE_TAG} characters.` }
  if (templates.some((x) => x.id !== exceptId && x.tag === tag)) return { field: 'tag', message: `The shortcut /${tag} is taken.` }
  if (t.title.trim().length > MAX_TEMPLATE_TITLE) return { field: 'title', message: `A title has at most ${MAX_TEMPLATE_TITLE} characters.` }
  if (!t.text.trim()) return { field: 'text', message: 'Write the text of the reply.' }
  if (t.text.length > MAX_TEMPLATE_TEXT) return { field: 'text', message: `A template has at most ${MAX_TEMPLATE_TEXT} characters.` }
  return null
}

/** Channels typed as a comma-separated list: trimmed, lower-case, once each; empty means every channel. */
export function parseChannels(input: string): string[] {
  return [...new Set(input.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean))]
}

/**
 * The reassignment delay typed in seconds: a whole number ≥ 0, or "never" (also empty) for null.
 * Undefined when the input is neither.
 */
export function parseReassignAfter(input: string): number | null | undefined {
  const s = input.trim().toLowerCase()
  if (s === '' || s === 'never') return null
  if (!/^\d+$/.test(s)) return undefined
  const n = Number(s)
  return Number.isSafeInteger(n) ? n : undefined
}

/**
 * The workspace timezone typed or picked: its canonical IANA name (`Europe/Paris`), or the sentence
 * saying why it cannot be used.
 */
export function parseTimezone(input: string): { ok: true; timezone: string } | { ok: false; message: string } {
  const name = input.trim()
  if (!name) return { ok: false, message: 'Choose a timezone, e.g. Europe/Paris or UTC.' }
  const timezone = canonicalTimezone(name)
  if (!timezone) return { ok: false, message: `“${name.slice(0, 64)}” is not a timezone this browser knows: pick one from the list, e.g. Europe/Paris or America/New_York.` }
  return { ok: true, timezone }
}
