/**
 * The message outbox. A reply is appended to the conversation's Yjs document at once (offline
 * too) and noted in the `pending` table; the server commits it when the document syncs, and the
 * event feed clears the note when the `message` event arrives. Until then the outbox keeper
 * holds the document open, so the reply goes out even after the agent left the conversation or
 * reloaded the app.
 */
import { liveQuery } from 'dexie'
import type * as Y from 'yjs'
import { appendMessageOnce, conversationDocName } from '../../shared/documents.ts'
import { newId } from '../../shared/id.ts'
import { Limits, MessageKind, type ChatMessage } from '../../shared/protocol.ts'
import type { ParleyDb } from './db.ts'
import { openDocument, type DocumentHandle, type OpenDocumentOptions } from './docs.ts'
import type { Session } from './session.ts'

/**
 * Appends an agent reply to a loaded conversation document and records it as pending.
 * Returns the message, or null when the text is empty.
 */
export async function sendReply(db: ParleyDb, session: Session, conversationId: string, doc: Y.Doc, text: string): Promise<ChatMessage | null> {
  const body = text.trim()
  if (!body) return null
  const message: ChatMessage = {
    id: newId(),
    clientId: newId(),
    kind: MessageKind.agent,
    authorId: session.agent.id,
    authorName: session.agent.name,
    text: body.slice(0, Limits.messageText),
    at: Date.now(),
  }
  // Into the document first, so the reply shows at once; then noted for the outbox keeper, unless
  // the server already logged it (a fast round trip): the feed, which clears notes, has passed it.
  appendMessageOnce(doc, message)
  await db.transaction('rw', db.pending, db.sentIds, async () => {
    if (!(await db.sentIds.get(message.id))) await db.pending.put({ messageId: message.id, conversationId, at: message.at })
  })
  return message
}

export interface OutboxKeeper {
  close(): void
}

/** Holds open the document of every conversation with pending replies until they are committed. */
export function createOutboxKeeper(session: Session, db: ParleyDb, options: OpenDocumentOptions = {}): OutboxKeeper {
  const held = new Map<string, Promise<DocumentHandle | null>>()
  let closed = false

  const subscription = liveQuery(() => db.pending.orderBy('conversationId').uniqueKeys()).subscribe({
    next(keys) {
      if (closed) return
      const wanted = new Set(keys.map(String))
      for (const id of wanted) {
        if (held.has(id)) continue
        held.set(
          id,
          openDocument(session, db, conversationDocName(id), options).catch((err) => {
            console.error('[outbox] could not open', id, err)
            return null
          }),
        )
      }
      for (const [id, handle] of held) {
        if (wanted.has(id)) continue
        held.delete(id)
        void handle.then((h) => h?.release())
      }
    },
    error(err) {
      console.error('[outbox] pending query failed', err)
    },
  })

  return {
    close() {
      closed = true
      subscription.unsubscribe()
      for (const handle of held.values()) void handle.then((h) => h?.release())
      held.clear()
    },
  }
}
