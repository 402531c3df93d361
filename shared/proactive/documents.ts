/**
 * Proactive messages in the workspace's `settings` document (Y.Map `proactive`, one plain entry
 * per message), so they sync and work offline like every setting; the REST API writes the same
 * entries. Entries are read defensively: one that does not check (written by hand, by an older
 * build) is left out rather than breaking the others.
 */
import type * as Y from 'yjs'
import type { ProactiveMessage } from './model.ts'
import { parseProactiveBody } from './schema.ts'

export const PROACTIVE_MAP = 'proactive'

/** A stored message: the message and its place in the list (the first matching in the list wins). */
export interface StoredProactive extends ProactiveMessage {
  order: number
}

/** Every message in the list's order (then by id). */
export function readProactive(doc: Y.Doc): StoredProactive[] {
  const out: StoredProactive[] = []
  doc.getMap<unknown>(PROACTIVE_MAP).forEach((raw, id) => {
    if (typeof raw !== 'object' || raw === null) return
    const o = raw as Record<string, unknown>
    const body = parseProactiveBody(o)
    if (!body.ok) return
    out.push({
      ...body.value,
      id,
      version: typeof o.version === 'number' && Number.isInteger(o.version) && o.version > 0 ? o.version : 1,
      status: o.status === 'live' ? 'live' : 'draft',
      order: typeof o.order === 'number' && Number.isFinite(o.order) ? o.order : 0,
    })
  })
  return out.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
}

export function putProactive(doc: Y.Doc, m: StoredProactive): void {
  doc.getMap<unknown>(PROACTIVE_MAP).set(m.id, JSON.parse(JSON.stringify(m)) as unknown)
}

export function removeProactive(doc: Y.Doc, id: string): void {
  doc.getMap<unknown>(PROACTIVE_MAP).delete(id)
}

/** The order a new message takes: after the last. */
export const nextOrder = (list: readonly StoredProactive[]) => (list.length ? Math.max(...list.map((m) => m.order)) + 1 : 0)

/** What the widget's loader receives of a live message: enough to tell when it matches and to show it; the server keeps the rest (triggers, frequency, routing). */
export interface LoaderProactive {
  id: string
  site: StoredProactive['site']
  onset: StoredProactive['onset']
  message: StoredProactive['message']
}

/** The live messages, in the list's order, as the loader receives them with `/widget/config`; drafts never leave the server. */
export function loaderProactive(list: readonly StoredProactive[]): LoaderProactive[] {
  return list.filter((m) => m.status === 'live').map(({ id, site, onset, message }) => ({ id, site, onset, message }))
}
