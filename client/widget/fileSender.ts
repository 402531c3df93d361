import type { Attachment } from '../../shared/protocol.ts'
import { Limits } from '../../shared/protocol.ts'
import { newId } from '../../shared/id.ts'
import { fileProblem, normalizeFileType } from '../../shared/files.ts'
import type { Connection } from './connection.ts'
import { OFFLINE_FILES, SEND_FAILED } from './errorText.ts'
import type { OutboxItem, WidgetStorage } from './storage.ts'
import type { ShownMessage, WidgetView } from './view.ts'
import { messageFrame } from './visitorFrames.ts'

export interface FileSender {
  /** Checks, uploads and sends the files the visitor picked, as one message. */
  send(files: File[]): Promise<void>
  /** "Try again" on a message whose upload failed: only the files not stored yet are sent again. */
  retry(shown: ShownMessage): Promise<void>
}

/**
 * Uploads files to `/widget/files`, then sends them as one message (which, like text, waits in
 * the outbox if the socket drops). Files need the network: offline, the visitor is told so, and
 * a message whose upload failed for a reason that may pass can be tried again.
 * (A closure rather than a class: the chat bundle has a size budget, and class fields cost bytes.)
 */
export function createFileSender(
  serverUrl: string,
  storage: WidgetStorage,
  connection: Connection,
  view: WidgetView,
  /** Adds a message to the session's list (the view shows it separately). */
  remember: (m: ShownMessage) => void,
): FileSender {
  /** Files of messages not sent yet, by client id: those already stored are not uploaded again on "Try again". */
  const uploads = new Map<string, UploadJob>()
  const canUpload = (): boolean => navigator.onLine && connection.isReady && !!storage.loadToken()

  const uploadAndSend = async (shown: ShownMessage): Promise<void> => {
    const job = uploads.get(shown.clientId)!
    const err = await uploadJob(serverUrl, storage.loadToken() ?? '', job)
    if (err) {
      shown.pending = false
      shown.failed = true
      // A file too large or of a refused type stays refused: trying again would not help.
      shown.retry = !err.final
      if (err.final) uploads.delete(shown.clientId)
      view.updateMessage(shown)
      return view.setError(err.message)
    }
    uploads.delete(shown.clientId)
    const attachments = job.done
    shown.retry = false
    shown.attachments = attachments
    view.updateMessage(shown)
    const item: OutboxItem = { clientId: shown.clientId, text: '', at: shown.at, attachments }
    storage.appendOutbox(item)
    connection.send(messageFrame(item))
  }

  return {
    async send(files) {
      if (!files.length) return
      const problem = files.length > Limits.attachmentsPerMessage ? `Please send at most ${Limits.attachmentsPerMessage} files at once.` : files.map(fileProblem).find(Boolean)
      if (problem) return view.setError(problem)
      if (!canUpload()) return view.setError(OFFLINE_FILES)
      view.setError(null)
      // The server cleans the name (folders, control characters) and answers with what it kept.
      const files_ = files.map((f) => ({ blob: f, name: f.name || 'file', type: normalizeFileType(f.type, f.name) }))
      const shown: ShownMessage = {
        id: '',
        clientId: newId(),
        kind: 'visitor',
        authorName: '',
        text: '',
        at: Date.now(),
        conversationId: '',
        pending: true,
        attachments: files_.map((f) => ({ id: '', name: f.name, type: f.type, size: f.blob.size, url: '' })),
      }
      remember(shown)
      view.appendMessage(shown)
      uploads.set(shown.clientId, { files: files_, done: [] })
      await uploadAndSend(shown)
    },
    async retry(shown) {
      if (!uploads.has(shown.clientId) || shown.pending) return
      if (!canUpload()) return view.setError(OFFLINE_FILES)
      view.setError(null)
      shown.failed = false
      shown.pending = true
      view.updateMessage(shown)
      await uploadAndSend(shown)
    },
  }
}

/** A file picked to send, with the name and type the widget gives it. */
interface PickedFile {
  blob: File
  name: string
  type: string
}

/** The files of one message not sent yet: `done` holds those already stored, by position. */
interface UploadJob {
  files: PickedFile[]
  done: Attachment[]
}

/** Why a file did not upload; `final` when sending it again cannot help (too large, refused type). */
class UploadError extends Error {
  constructor(
    message: string,
    readonly final: boolean,
  ) {
    super(message)
  }
}

/**
 * Uploads to `/widget/files` the job's files not stored yet, side by side. Resolves with the
 * error to tell (one that cannot pass, when there is one), or null when every file is stored.
 */
async function uploadJob(serverUrl: string, token: string, job: UploadJob): Promise<UploadError | null> {
  let err = null as UploadError | null
  await Promise.all(
    job.files.map(async (f, i) => {
      if (job.done[i]) return
      try {
        job.done[i] = await upload(serverUrl, token, f)
      } catch (e) {
        // The reason told is one that cannot pass, when there is one.
        if (!err || (e as UploadError).final) err = e as UploadError
      }
    }),
  )
  return err
}

async function upload(serverUrl: string, token: string, f: PickedFile): Promise<Attachment> {
  let res: Response
  try {
    res = await fetch(`${serverUrl}/widget/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': f.type, 'x-file-name': encodeURIComponent(f.name) },
      body: f.blob,
    })
  } catch {
    throw new UploadError(OFFLINE_FILES, false)
  }
  if (res.ok) return (await res.json()) as Attachment
  // The server's limits may be stricter than this build's: say it in the same words as ours.
  if (res.status === 413) throw new UploadError(`"${f.name}" is too large to send.`, true)
  if (res.status === 415) throw new UploadError(fileProblem({ name: f.name, type: 'application/x-unknown', size: 1 })!, true)
  throw new UploadError(SEND_FAILED, false)
}
