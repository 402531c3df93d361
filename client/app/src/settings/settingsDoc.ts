/**
 * The workspace's `settings` and `templates` documents as Solid state. Both are Yjs documents kept
 * in IndexedDB, so they read offline; an admin's edits made offline merge when the socket is back.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js'
import type * as Y from 'yjs'
import { readSettings, readTemplates, type Settings, type Template } from '../../../../shared/settings.ts'
import type { DocumentHandle } from '../../../data/docs.ts'

export interface LiveDocument<T> {
  /** The plain data, re-read on every change of the document; undefined until it has loaded. */
  value: Accessor<T | undefined>
  /** The document, for edits; null until it has loaded. */
  doc: Accessor<Y.Doc | null>
  /** Whether the server's copy has been merged since the socket (re)connected. */
  synced: Accessor<boolean>
  /** The server refused this device access (a read-only reader writing, a revoked right). */
  error: Accessor<string | null>
}

/** Opens a document for as long as the calling owner lives and reads it with `read` on every change. */
export function createLiveDocument<T>(ws: { openDocument(name: string): Promise<DocumentHandle> }, name: string, read: (doc: Y.Doc) => T): LiveDocument<T> {
  const [value, setValue] = createSignal<T | undefined>(undefined, { equals: false })
  const [doc, setDoc] = createSignal<Y.Doc | null>(null, { equals: false })
  const [handle, setHandle] = createSignal<DocumentHandle | null>(null)
  let disposed = false
  let stop = () => {}
  void ws.openDocument(name).then(
    (h) => {
      if (disposed) return h.release()
      const refresh = () => setValue(() => read(h.doc))
      h.doc.on('update', refresh)
      stop = () => {
        h.doc.off('update', refresh)
        h.release()
      }
      refresh()
      setDoc(h.doc)
      setHandle(h)
    },
    (err) => console.error(`[settings] could not open ${name}`, err),
  )
  onCleanup(() => {
    disposed = true
    stop()
  })
  return {
    value,
    doc,
    synced: () => handle()?.synced() ?? false,
    error: () => handle()?.error() ?? null,
  }
}

type Opener = Parameters<typeof createLiveDocument>[0]

/** The workspace's settings document (teams, groups, skills, members, hours, scripts, tags, options). */
export const createSettings = (ws: Opener): LiveDocument<Settings> => createLiveDocument(ws, 'settings', readSettings)

/** The workspace's reply templates. */
export const createTemplates = (ws: Opener): LiveDocument<Template[]> => createLiveDocument(ws, 'templates', readTemplates)
