/**
 * Reply drafts, one per conversation, in the agent's own document `agent/<agentId>` (a Y.Map
 * `drafts`: conversation id → text). The document is stored locally and synced like any other, so
 * a draft survives a reload, is kept offline, and follows the agent to their other devices.
 */
import { createSignal, type Accessor } from 'solid-js'
import type * as Y from 'yjs'
import type { DocumentHandle } from './docs.ts'

/**
 * Keystrokes are saved after this pause: each save is a document update stored and sent, so one
 * per keystroke would flood both; a third of a second loses nothing a person would notice.
 */
export const DRAFT_SAVE_DELAY_MS = 300

/** Where the first version of the app kept drafts (moved into the document once, then removed). */
const LEGACY_PREFIX = 'parley.draft.'

/** Marks this device's own writes, so that observers can tell them from other devices' changes. */
const LOCAL = Symbol('drafts-local')

export interface Drafts {
  /** Whether the agent's document is loaded (drafts read before that are empty). */
  ready: Accessor<boolean>
  /** The saved draft of a conversation ('' when none); reactive. */
  get(conversationId: string): string
  /** Saves a draft after a short pause; an empty text deletes it at once. */
  set(conversationId: string, text: string): void
  /** Calls `onChange` when another device or tab changes this conversation's draft, or the document finishes loading. */
  watch(conversationId: string, onChange: (text: string) => void): () => void
  /** Saves what is still waiting and lets the document go. */
  close(): void
}

export const draftsOf = (doc: Y.Doc) => doc.getMap<string>('drafts')

/** Drafts backed by the agent's document, which `open` loads (once per session). */
export function createDrafts(agentId: string, open: () => Promise<DocumentHandle>): Drafts {
  const [ready, setReady] = createSignal(false)
  const [version, setVersion] = createSignal(0)
  const waiting = new Map<string, { text: string; timer: ReturnType<typeof setTimeout> }>()
  const watchers = new Map<string, Set<(text: string) => void>>()
  let handle: DocumentHandle | null = null
  let closed = false

  const write = (id: string, text: string) => {
    if (!handle) return
    const map = draftsOf(handle.doc)
    handle.doc.transact(() => {
      if (text) {
        if (map.get(id) !== text) map.set(id, text)
      } else if (map.has(id)) map.delete(id)
    }, LOCAL)
  }

  const flush = (id: string) => {
    const w = waiting.get(id)
    if (!w) return
    clearTimeout(w.timer)
    waiting.delete(id)
    write(id, w.text)
  }

  const notify = (id: string) => {
    const text = handle ? (draftsOf(handle.doc).get(id) ?? '') : ''
    for (const f of watchers.get(id) ?? []) f(text)
  }

  void open().then(
    (h) => {
      if (closed) {
        h.release()
        return
      }
      handle = h
      const map = draftsOf(h.doc)
      migrateLegacy(agentId, map)
      map.observe((event) => {
        setVersion((v) => v + 1)
        if (event.transaction.origin === LOCAL) return
        // Another device (or tab) changed it; a draft being typed here wins until it is saved.
        for (const id of event.keysChanged) if (!waiting.has(id)) notify(id)
      })
      // Keystrokes typed while the document was loading.
      for (const id of [...waiting.keys()]) flush(id)
      setReady(true)
      setVersion((v) => v + 1)
      for (const id of watchers.keys()) notify(id)
    },
    (err) => console.error('[drafts] could not open the agent document', err),
  )

  return {
    ready,
    get(id) {
      version()
      const w = waiting.get(id)
      if (w) return w.text
      return handle ? (draftsOf(handle.doc).get(id) ?? '') : ''
    },
    set(id, text) {
      const w = waiting.get(id)
      if (w) clearTimeout(w.timer)
      if (!text) {
        waiting.delete(id)
        write(id, '')
        return
      }
      waiting.set(id, { text, timer: setTimeout(() => flush(id), DRAFT_SAVE_DELAY_MS) })
    },
    watch(id, onChange) {
      let set = watchers.get(id)
      if (!set) watchers.set(id, (set = new Set()))
      set.add(onChange)
      return () => {
        set.delete(onChange)
        if (!set.size) watchers.delete(id)
      }
    },
    close() {
      for (const id of [...waiting.keys()]) flush(id)
      closed = true
      handle?.release()
      handle = null
    },
  }
}

/** Moves drafts the app kept in localStorage into the document (unless it already has one). */
function migrateLegacy(agentId: string, map: Y.Map<string>) {
  let storage: Storage
  try {
    storage = localStorage
  } catch {
    return
  }
  const prefix = `${LEGACY_PREFIX}${agentId}.`
  const keys: string[] = []
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i)
    if (k?.startsWith(prefix)) keys.push(k)
  }
  if (!keys.length) return
  map.doc?.transact(() => {
    for (const k of keys) {
      const id = k.slice(prefix.length)
      const text = storage.getItem(k)
      if (id && text && !map.has(id)) map.set(id, text)
    }
  }, LOCAL)
  for (const k of keys) storage.removeItem(k)
}
