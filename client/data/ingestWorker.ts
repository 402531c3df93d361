/**
 * The ingest worker: parses the live feed's frames and stores them (applyEvents) on its own
 * connection to the agent's database, then builds the search index, all off the main thread, so
 * that a first sync of a million events never freezes the inbox. The socket stays on the main
 * thread (the browser's offline switch acts there); it hands each frame's text over unread.
 * Dexie tells the main thread's live queries about every change made here.
 */
/// <reference lib="webworker" />
import { createDb } from './db.ts'
import type { FromIngest, ToIngest } from './ingestProtocol.ts'
import { IngestQueue } from './ingestQueue.ts'

declare const self: DedicatedWorkerGlobalScope

let queue: IngestQueue | null = null
const post = (m: FromIngest) => self.postMessage(m)

self.onmessage = (e: MessageEvent<ToIngest>) => {
  const m = e.data
  switch (m?.type) {
    case 'open': {
      if (queue) return
      const db = createDb(m.workspace, m.agentId, { durability: 'relaxed' })
      queue = new IngestQueue(db, m.agentId)
      queue.kick()
      return
    }
    case 'frame':
      if (!queue) return post({ type: 'failed', id: m.id, message: 'the worker has no database open' })
      queue.apply(m.text, m.socket).then(
        (lastSeq) => post({ type: 'applied', id: m.id, lastSeq }),
        (err: unknown) => post({ type: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) }),
      )
      return
    case 'kick':
      queue?.kick()
      return
    default:
      console.warn('[ingest] ignored a message of unknown type', (m as { type?: unknown })?.type)
  }
}
