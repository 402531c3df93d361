/**
 * Yjs documents, reference-counted per name. A document is loaded from IndexedDB first (so it
 * opens offline with everything this device has seen), then kept in sync with the server over
 * the y-websocket protocol while anyone holds it. Concurrent opens of one name share one load.
 */
import { createSignal, type Accessor } from 'solid-js'
import { DexieYProvider } from 'y-dexie'
import { WebsocketProvider } from 'y-websocket'
import { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { CloseCode } from '../../shared/protocol.ts'
import type { DocRow, ParleyDb } from './db.ts'
import type { Session } from './session.ts'
import { defaultWsBase } from './wsBase.ts'

/** Why the server refused to sync a document; the local copy stays readable. */
export type DocumentError = 'forbidden' | 'tooLarge'

export interface DocumentHandle {
  name: string
  doc: Y.Doc
  /** Whether the server's state has been merged since the socket (re)connected. */
  synced: Accessor<boolean>
  error: Accessor<DocumentError | null>
  /**
   * Who else is here, shared over the document's socket (y-protocols awareness): agents viewing or
   * typing, and the visitor's presence as the server publishes it. Local to this device while offline.
   */
  awareness: Awareness
  /** Gives this reference back; the document is unloaded when the last one is released. */
  release(): void
}

export interface OpenDocumentOptions {
  /** Called when the server refuses the token (close code 4401). */
  onUnauthenticated?: () => void
  /** Defaults to `ws(s)://<location.host>`. */
  wsBase?: string
}

/**
 * Longest wait between two redials of a document socket. y-websocket's own backoff has no jitter,
 * so keep the cap moderate: a few seconds after the server is back the thread is live again.
 */
const DOC_MAX_BACKOFF_MS = 5_000

/**
 * Close codes after which redialling cannot help (y-websocket would also give up on 4429, which
 * only means "slow down": its backoff handles that).
 */
const PERMANENT_CLOSES = new Set<number>([CloseCode.badRequest, CloseCode.unauthenticated, CloseCode.forbidden, CloseCode.tooLarge])

type LifecycleState = 'loading' | 'ready' | 'unloading'

interface Entry {
  state: LifecycleState
  refs: number
  loaded: Promise<void>
  doc: Y.Doc | null
  awareness: Awareness | null
  synced: Accessor<boolean>
  error: Accessor<DocumentError | null>
  unload: () => void
}

const registries = new WeakMap<ParleyDb, Map<string, Entry>>()

function registry(db: ParleyDb): Map<string, Entry> {
  let map = registries.get(db)
  if (!map) registries.set(db, (map = new Map()))
  return map
}

/** The y-dexie document of a name, creating its row on first use. */
async function loadLocal(db: ParleyDb, name: string): Promise<Y.Doc> {
  // y-dexie destroys a document whose row disappears, so the row must exist before loading. It
  // usually does: one read, rather than a write transaction on every open.
  let row = await db.docs.get(name)
  if (!row) {
    await db.transaction('rw', db.docs, async () => {
      if (!(await db.docs.get(name))) await db.docs.put({ name } as DocRow)
    })
    row = await db.docs.get(name)
  }
  if (!row) throw new Error(`document row ${name} vanished`)
  const doc = row.ydoc
  const fresh = !DexieYProvider.for(doc) && !doc.isLoaded
  // y-dexie listens for the document's updates (to store local edits) before it applies the stored
  // ones, so Yjs would encode the whole stored document once more only for y-dexie to drop it as its
  // own: tens of milliseconds for a long conversation. Its listener is attached once the copy is in.
  const deferred = fresh ? withoutUpdateListeners(doc, () => DexieYProvider.load(doc)) : { result: DexieYProvider.load(doc), listeners: [] }
  const local = deferred.result
  try {
    await local.whenLoaded
  } catch (err) {
    DexieYProvider.release(doc)
    throw err
  }
  // Unless the document was destroyed meanwhile (its provider is gone with it).
  if (DexieYProvider.for(doc) === local) for (const f of deferred.listeners) doc.on('updateV2', f)
  return doc
}

type UpdateListener = (update: Uint8Array, origin: unknown, doc: Y.Doc, tr: Y.Transaction) => void

/** Runs `f`, holding back the `updateV2` listeners it registers on `doc`: the caller attaches them later. */
function withoutUpdateListeners<T>(doc: Y.Doc, f: () => T): { result: T; listeners: UpdateListener[] } {
  const listeners: UpdateListener[] = []
  const on = doc.on
  const own = Object.prototype.hasOwnProperty.call(doc, 'on')
  doc.on = function (this: Y.Doc, name: string, listener: (...args: never[]) => void) {
    if (name === 'updateV2') listeners.push(listener as unknown as UpdateListener)
    else on.call(this, name as 'updateV2', listener as unknown as UpdateListener)
  } as typeof doc.on
  try {
    return { result: f(), listeners }
  } finally {
    if (own) doc.on = on
    else delete (doc as { on?: unknown }).on
  }
}

function createEntry(session: Session, db: ParleyDb, name: string, options: OpenDocumentOptions): Entry {
  const [synced, setSynced] = createSignal(false)
  const [error, setError] = createSignal<DocumentError | null>(null)
  const cleanups: (() => void)[] = []

  const entry: Entry = {
    state: 'loading',
    refs: 0,
    doc: null,
    awareness: null,
    synced,
    error,
    loaded: Promise.resolve(),
    unload() {
      if (entry.state === 'unloading') return
      entry.state = 'unloading'
      if (registry(db).get(name) === entry) registry(db).delete(name)
      for (const f of cleanups.splice(0).reverse()) {
        try {
          f()
        } catch (err) {
          console.error(`[docs] unloading ${name}`, err)
        }
      }
    },
  }

  entry.loaded = loadLocal(db, name).then((doc) => {
    entry.doc = doc
    cleanups.push(() => DexieYProvider.release(doc))
    if (entry.state === 'unloading') {
      // Everyone let go while it was loading.
      DexieYProvider.release(doc)
      return
    }

    const awareness = new Awareness(doc)
    entry.awareness = awareness
    const provider = new WebsocketProvider(`${options.wsBase ?? defaultWsBase()}/sync`, name, doc, {
      params: { token: session.token },
      awareness,
      maxBackoffTime: DOC_MAX_BACKOFF_MS,
      // y-dexie already carries updates between this agent's tabs through IndexedDB; y-websocket's
      // BroadcastChannel would also encode and post the whole document each time one is opened,
      // tens of milliseconds of main-thread work for a long conversation before its thread paints.
      disableBc: true,
      connect: navigator.onLine !== false,
      shouldReconnect: (event) => !PERMANENT_CLOSES.has(event.code),
    })
    provider.on('sync', (s: boolean) => setSynced(s))
    provider.on('status', ({ status }) => {
      if (status !== 'connected') setSynced(false)
      if (status === 'connected') setError(null)
    })
    provider.on('closed', ({ code }) => {
      if (code === CloseCode.unauthenticated) options.onUnauthenticated?.()
      else if (code === CloseCode.forbidden) setError('forbidden')
      else if (code === CloseCode.tooLarge) setError('tooLarge')
    })
    // Browsers (and Playwright's setOffline) may keep an open socket alive after going offline:
    // drop it explicitly so that the app's state matches the network's, and redial on return.
    const onOffline = () => provider.disconnect()
    const onOnline = () => provider.connect()
    window.addEventListener('offline', onOffline)
    window.addEventListener('online', onOnline)
    cleanups.push(() => {
      window.removeEventListener('offline', onOffline)
      window.removeEventListener('online', onOnline)
      provider.destroy()
      awareness.destroy()
      setSynced(false)
    })
    entry.state = 'ready'
  })
  return entry
}

/**
 * Opens a document by name (`conv/<id>`, …). Resolves once the local copy is loaded, which works
 * offline; syncing with the server follows in the background (see `synced`).
 */
export async function openDocument(
  session: Session,
  db: ParleyDb,
  name: string,
  options: OpenDocumentOptions = {},
): Promise<DocumentHandle> {
  const map = registry(db)
  let entry = map.get(name)
  if (!entry || entry.state === 'unloading') {
    entry = createEntry(session, db, name, options)
    map.set(name, entry)
  }
  const held = entry
  held.refs++
  let released = false
  const release = () => {
    if (released) return
    released = true
    if (--held.refs <= 0) held.unload()
  }
  try {
    await held.loaded
  } catch (err) {
    release()
    throw err
  }
  if (held.state !== 'ready' || !held.doc || !held.awareness) {
    release()
    throw new Error(`document ${name} was unloaded while it was opening`)
  }
  return { name, doc: held.doc, awareness: held.awareness, synced: held.synced, error: held.error, release }
}

/** Unloads every document of a database regardless of its references (sign-out). */
export function closeAllDocuments(db: ParleyDb): void {
  const map = registries.get(db)
  if (!map) return
  for (const entry of [...map.values()]) entry.unload()
  map.clear()
}
