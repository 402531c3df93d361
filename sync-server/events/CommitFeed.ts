import type { Logger } from 'pino'
import type { LogEvent } from '../../shared/protocol.ts'
import type { Commit, ConversationRecord, Store } from '../store/Store.ts'
import { wrapCommit } from '../store/wrapCommit.ts'

/** What a durable commit changed, as the rest of the server reacts to it. */
export interface Committed {
  workspace: string
  /** Its events, numbered. */
  events: LogEvent[]
  /** The conversation records it wrote. */
  conversations: ConversationRecord[]
  /** The document updates it stored (compactions are not changes). */
  updates: { doc: string; update: Uint8Array }[]
  /** `local`: committed by this instance; `remote`: by another, heard over the cluster bus. */
  origin: 'local' | 'remote'
}

export type CommitListener = (c: Committed) => void

/**
 * The order in which listeners hear a commit: records before events (a pushed event's visibility
 * reads the record it changed), documents before events (a live event may send an agent to a
 * document), the cluster bus last (other instances hear what this one already did).
 */
export const CommitOrder = {
  records: 10,
  documents: 20,
  events: 30,
  effects: 40,
  bus: 50,
} as const

/**
 * The one way the server reacts to a commit: every durable commit of this instance (through the
 * store `feeding` returns) and every commit another instance announces (`emit` with origin
 * `remote`) reaches each listener, in the stated order, in the order the commits resolved.
 */
export class CommitFeed {
  private listeners: { order: number; name: string; fn: CommitListener }[] = []

  constructor(private log: Logger) {}

  /** Adds a listener at `order` (CommitOrder); listeners of the same order hear in the order added. */
  listen(name: string, order: number, fn: CommitListener): () => void {
    const entry = { order, name, fn }
    const at = this.listeners.findIndex((l) => l.order > order)
    if (at < 0) this.listeners.push(entry)
    else this.listeners.splice(at, 0, entry)
    return () => {
      const i = this.listeners.indexOf(entry)
      if (i >= 0) this.listeners.splice(i, 1)
    }
  }

  /** Hands a commit to every listener; one that throws is logged and the others still hear it. */
  emit(c: Committed): void {
    if (!c.events.length && !c.conversations.length && !c.updates.length) return
    for (const l of this.listeners) {
      try {
        l.fn(c)
      } catch (err) {
        this.log.error({ err, listener: l.name, workspace: c.workspace }, 'a commit listener failed')
      }
    }
  }

  /** The store whose every durable commit is emitted here (origin `local`) before its promise resolves to the caller. */
  feeding(store: Store): Store {
    return wrapCommit(store, async (c: Commit, inner) => {
      const events = await inner(c)
      this.emit({ workspace: c.workspace, events, conversations: c.conversations ?? [], updates: c.updates ?? [], origin: 'local' })
      return events
    })
  }
}
