import type * as Y from 'yjs'
import type { MetaPatch } from '../../shared/commands.ts'
import { appendMessageOnce, metaOf } from '../../shared/documents.ts'
import { newId } from '../../shared/id.ts'

/** Writes a command's changes into a conversation's meta map. */
export function applyPatch(doc: Y.Doc, patch: MetaPatch): void {
  const meta = metaOf(doc)
  for (const [k, v] of Object.entries(patch)) meta.set(k, v)
}

/** Appends a line for agents only ("Ana took the chat"); the visitor never receives it. */
export function appendSystemLine(doc: Y.Doc, text: string, at: number): void {
  const id = newId()
  appendMessageOnce(doc, { id, clientId: id, kind: 'system', authorId: 'system', authorName: 'Parley', text, at, internal: true })
}
