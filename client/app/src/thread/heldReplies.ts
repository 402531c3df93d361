/**
 * Replies with files still held on this device (uploading, or refused by the server) as thread
 * messages: each file's attachment carries its local id and an object URL of its blob, so an
 * image shows before it is uploaded, offline and after a reload too.
 */
import { createMemo, onCleanup, type Accessor } from 'solid-js'
import { MessageKind, type ChatMessage } from '../../../../shared/protocol.ts'
import type { HeldReply, ParleyDb, UploadRow } from '../../../data/db.ts'
import { readHeldReplies } from '../../../data/uploads.ts'
import { createLiveQuery } from '../liveQuery.ts'

/** Object URLs of held blobs by local id, shared by every view that shows one; revoked when the last lets go. */
const previews = new Map<string, { url: string; refs: number }>()

/** The local preview of a held file, if this page has one. */
export const localPreview = (localId: string): string | undefined => previews.get(localId)?.url

function hold(file: UploadRow): string {
  let p = previews.get(file.localId)
  if (!p) previews.set(file.localId, (p = { url: URL.createObjectURL(file.blob), refs: 0 }))
  p.refs++
  return p.url
}

function letGo(localId: string): void {
  const p = previews.get(localId)
  if (!p || --p.refs > 0) return
  URL.revokeObjectURL(p.url)
  previews.delete(localId)
}

export interface HeldMessages {
  /** The held replies as messages, oldest first. */
  messages: Accessor<ChatMessage[]>
  /** The held reply behind a message id, while it is held. */
  byMessageId: Accessor<Map<string, HeldReply>>
}

/** The held replies of one conversation; must run inside a component. */
export function createHeldMessages(db: ParleyDb, conversationId: string): HeldMessages {
  const rows = createLiveQuery(() => readHeldReplies(db, conversationId))
  const mine = new Set<string>()
  onCleanup(() => {
    for (const id of mine) letGo(id)
    mine.clear()
  })
  const messages = createMemo<ChatMessage[]>(() => {
    const list = rows() ?? []
    const seen = new Set<string>()
    const out = list.map(({ reply, files }) => ({
      id: reply.messageId,
      clientId: reply.clientId,
      kind: MessageKind.agent,
      authorId: reply.authorId,
      authorName: reply.authorName,
      text: reply.text,
      at: reply.at,
      attachments: files.map((f) => {
        seen.add(f.localId)
        const url = mine.has(f.localId) ? localPreview(f.localId)! : hold(f)
        mine.add(f.localId)
        return { id: f.localId, name: f.name, type: f.type, size: f.size, url }
      }),
    }))
    // Files that left (sent, or discarded) give their previews back.
    for (const id of [...mine]) {
      if (seen.has(id)) continue
      mine.delete(id)
      letGo(id)
    }
    return out
  })
  const byMessageId = createMemo(() => new Map((rows() ?? []).map(({ reply }) => [reply.messageId, reply])))
  return { messages, byMessageId }
}

/** The thread's messages followed by held replies the document does not have yet. */
export function withHeld(messages: ChatMessage[], held: ChatMessage[]): ChatMessage[] {
  if (!held.length) return messages
  const ids = new Set(messages.map((m) => m.id))
  const waiting = held.filter((m) => !ids.has(m.id))
  return waiting.length ? [...messages, ...waiting] : messages
}
