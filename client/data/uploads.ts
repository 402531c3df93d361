/**
 * Replies with files. A text reply goes into the conversation's document at once (outbox.ts);
 * a reply with files cannot, because its attachments need the server's ids. So it is held on
 * this device: the reply in `heldReplies`, each file's blob in `uploads` (DESIGN §3.4), shown in
 * the thread as pending with local previews, kept across reloads and offline for as long as it
 * takes. The uploader posts each file to `POST /api/files` when the network is there, then
 * appends the reply with its attachments to the document and hands it to the message outbox;
 * the held copy is dropped once the server has logged the message.
 */
import { appendMessageOnce, conversationDocName } from '../../shared/documents.ts'
import { cleanFileName, fileProblem, normalizeFileType } from '../../shared/files.ts'
import { newId } from '../../shared/id.ts'
import { Limits, MessageKind, type Attachment, type ChatMessage } from '../../shared/protocol.ts'
import { commandBackoff, outcomeOf } from './commands.ts'
import { createDrainer, type Drainer } from './drainer.ts'
import type { HeldReply, ParleyDb, UploadRow } from './db.ts'
import { openDocument, type OpenDocumentOptions } from './docs.ts'
import type { Api } from './api.ts'
import type { Session } from './session.ts'

/** A file the agent may not send, with the reason in their words. */
export class FileRejected extends Error {
  override name = 'FileRejected'
}

/** Why a set of files cannot be sent; null when they can. Checked before anything is queued. */
export function filesProblem(files: readonly { name: string; type: string; size: number }[]): string | null {
  if (files.length > Limits.attachmentsPerMessage) return `At most ${Limits.attachmentsPerMessage} files can go in one reply.`
  for (const f of files) {
    const problem = fileProblem(f)
    if (problem) return problem
  }
  return null
}

/**
 * Holds a reply with files for the uploader (works offline). Throws FileRejected, and queues
 * nothing, when a file is too large or of a type that may not be sent.
 */
export async function holdReply(db: ParleyDb, session: Session, conversationId: string, text: string, files: readonly File[]): Promise<HeldReply> {
  const problem = filesProblem(files)
  if (problem) throw new FileRejected(problem)
  const reply: HeldReply = {
    clientId: newId(),
    messageId: newId(),
    conversationId,
    text: text.trim().slice(0, Limits.messageText),
    at: Date.now(),
    authorId: session.agent.id,
    authorName: session.agent.name,
    state: 'uploading',
  }
  const rows: UploadRow[] = files.map((f, order) => {
    const name = cleanFileName(f.name) || 'file'
    return { localId: newId(), clientId: reply.clientId, conversationId, order, name, type: normalizeFileType(f.type, name), size: f.size, blob: f }
  })
  await db.transaction('rw', db.heldReplies, db.uploads, async () => {
    await db.heldReplies.add(reply)
    await db.uploads.bulkAdd(rows)
  })
  return reply
}

/** Forgets a held reply and its files (the agent gave up on one the server refused). */
export async function discardHeldReply(db: ParleyDb, clientId: string): Promise<void> {
  await db.transaction('rw', db.heldReplies, db.uploads, async () => {
    await db.heldReplies.delete(clientId)
    await db.uploads.where('clientId').equals(clientId).delete()
  })
}

/** The held replies of a conversation with their files, oldest first. */
export async function readHeldReplies(db: ParleyDb, conversationId: string): Promise<{ reply: HeldReply; files: UploadRow[] }[]> {
  const [replies, files] = await Promise.all([
    db.heldReplies.where('conversationId').equals(conversationId).sortBy('at'),
    db.uploads.where('conversationId').equals(conversationId).toArray(),
  ])
  return replies.map((reply) => ({ reply, files: files.filter((f) => f.clientId === reply.clientId).sort((a, b) => a.order - b.order) }))
}

export interface Uploader {
  /** Tries now, skipping any backoff wait (the network came back). */
  kick(): void
  close(): void
}

export interface UploaderOptions extends OpenDocumentOptions {
  random?: () => number
}

/** Uploads the files of held replies, one at a time and in order, and sends each reply once they are all stored. */
export function createUploader(session: Session, api: Api, db: ParleyDb, options: UploaderOptions = {}): Uploader {
  // Assigned below: the steps call back into the loop that runs them.
  let outbox!: Drainer

  type Step = 'next' | 'stop'

  /** Posts one file; stores the server's record on its row. */
  async function uploadOne(reply: HeldReply, file: UploadRow): Promise<Step> {
    const answer = await api.send<Attachment>('POST', '/api/files', { raw: file.blob, headers: { 'content-type': file.type, 'x-file-name': encodeURIComponent(file.name) } })
    if (!answer.reached) {
      outbox.retryLater()
      return 'stop'
    }
    const body = answer.body
    const outcome = outcomeOf(answer.status, body)
    switch (outcome.kind) {
      case 'done':
        outbox.reached()
        file.attachment = body as Attachment
        await db.uploads.update(file.localId, { attachment: file.attachment })
        return 'next'
      case 'rejected':
        // The server's limits say no (they may differ from this build's): keep it on screen, say why.
        await db.heldReplies.update(reply.clientId, { state: 'failed', error: `${file.name}: ${outcome.reason}` })
        return 'next'
      case 'retry':
        outbox.retryLater()
        return 'stop'
      case 'unauthenticated':
        // The API client has signed the agent out.
        outbox.stop()
        return 'stop'
    }
  }

  /** Everything stored: the reply goes into the document, and the message outbox takes it from there. */
  async function send(reply: HeldReply, files: UploadRow[]): Promise<void> {
    const handle = await openDocument(session, db, conversationDocName(reply.conversationId), options)
    try {
      const attachments = files.map((f) => f.attachment).filter((a): a is Attachment => !!a)
      const message: ChatMessage = {
        id: reply.messageId,
        clientId: reply.clientId,
        kind: MessageKind.agent,
        authorId: reply.authorId,
        authorName: reply.authorName,
        text: reply.text,
        at: reply.at,
        ...(attachments.length ? { attachments } : {}),
      }
      // Appending twice (a reload right after) changes nothing: the message id is checked.
      appendMessageOnce(handle.doc, message)
      // The held copy goes only after the document's own write of the message: a transaction
      // that also covers y-dexie's updates table starts after the one that stored the update.
      const updates = (handle.doc as { meta?: { updatesTable?: string } }).meta?.updatesTable
      const tables = [db.pending, db.heldReplies, db.uploads, ...(updates ? [db.table(updates)] : [])]
      await db.transaction('rw', tables, async () => {
        await db.pending.put({ messageId: message.id, conversationId: reply.conversationId, at: message.at })
        await db.heldReplies.delete(reply.clientId)
        await db.uploads.where('clientId').equals(reply.clientId).delete()
      })
    } finally {
      handle.release()
    }
  }

  /** Moves one held reply on; false when draining must stop for now. */
  async function advance(reply: HeldReply): Promise<boolean> {
    const files = (await db.uploads.where('clientId').equals(reply.clientId).toArray()).sort((a, b) => a.order - b.order)
    for (const file of files) {
      if (file.attachment) continue
      const step = await uploadOne(reply, file)
      if (step === 'stop') return false
      if (!file.attachment) return true // refused: the reply is `failed` now
    }
    await send(reply, files)
    return true
  }

  outbox = createDrainer({
    label: 'uploads',
    next: () => db.heldReplies.orderBy('at').filter((r) => r.state === 'uploading').first(),
    step: advance,
    // New held replies (from this tab or another) start a drain.
    changes: () => db.heldReplies.count(),
    delay: (attempt) => commandBackoff(attempt, options.random),
  })
  return { kick: outbox.kick, close: outbox.close }
}
