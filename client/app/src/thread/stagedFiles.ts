/**
 * Files the agent has picked, pasted or dropped into the reply box and not sent yet. Each is
 * checked against the limits as it arrives (too large, type not allowed: said at once, offline
 * too); sending holds the reply with its files for the uploader (client/data/uploads.ts).
 */
import { createSignal, type Accessor } from 'solid-js'
import { Limits } from '../../../../shared/protocol.ts'
import type { ParleyDb } from '../../../data/db.ts'
import type { Session } from '../../../data/session.ts'
import { FileRejected, filesProblem, holdReply } from '../../../data/uploads.ts'

export interface StagedFiles {
  list: Accessor<File[]>
  /** Why the last file offered was refused; cleared by the next change. */
  error: Accessor<string | null>
  add(files: Iterable<File>): void
  remove(index: number): void
  /** Holds a reply with the staged files (and `text`); false, with the error shown, when it cannot go. */
  send(text: string): Promise<boolean>
  /** Images pasted into the reply box are staged; a paste of text is left alone. */
  onPaste(e: ClipboardEvent): void
  onDragOver(e: DragEvent): void
  onDrop(e: DragEvent): void
}

const hasFiles = (dt: DataTransfer | null) => !!dt && Array.from(dt.types).includes('Files')

export function createStagedFiles(opts: { db: ParleyDb; session: Session; conversationId: () => string }): StagedFiles {
  const [list, setList] = createSignal<File[]>([])
  const [error, setError] = createSignal<string | null>(null)

  function add(files: Iterable<File>) {
    let next = list()
    let problem: string | null = null
    for (const f of files) {
      problem = filesProblem([...next, f])
      if (problem) break
      next = [...next, f]
    }
    setList(next)
    setError(problem)
  }

  return {
    list,
    error,
    add,
    remove(index) {
      setList(list().filter((_, i) => i !== index))
      setError(null)
    },
    async send(text) {
      try {
        await holdReply(opts.db, opts.session, opts.conversationId(), text, list())
      } catch (err) {
        if (!(err instanceof FileRejected)) throw err
        setError(err.message)
        return false
      }
      setList([])
      setError(null)
      return true
    },
    onPaste(e) {
      const images = Array.from(e.clipboardData?.files ?? []).filter((f) => f.type.startsWith('image/'))
      if (!images.length) return
      e.preventDefault()
      add(images.slice(0, Limits.attachmentsPerMessage))
    },
    onDragOver(e) {
      if (!hasFiles(e.dataTransfer)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    },
    onDrop(e) {
      if (!hasFiles(e.dataTransfer)) return
      e.preventDefault()
      add(Array.from(e.dataTransfer?.files ?? []))
    },
  }
}
