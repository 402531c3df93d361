/**
 * The feed's way into the database: frames go to the ingest worker (ingestWorker.ts) when the
 * browser has workers, and to the same queue on the main thread when it has not.
 */
import type { ParleyDb } from './db.ts'
import type { FromIngest, ToIngest } from './ingestProtocol.ts'
import { IngestQueue } from './ingestQueue.ts'
import { createWorkerClient } from './workerClient.ts'

export interface Ingest {
  /** Stores an `events` frame's text; resolves with the new lastSeq, in the order frames were given. */
  apply(text: string, socket: number): Promise<number>
  /** Builds the search index up to the log. */
  kick(): void
  close(): void
}

export interface IngestTarget {
  db: ParleyDb
  workspace: string
  agentId: string
}

export function createIngest(target: IngestTarget): Ingest {
  let worker: Worker | null = null
  try {
    if (typeof Worker !== 'undefined') worker = new Worker(new URL('./ingestWorker.ts', import.meta.url), { type: 'module', name: 'parley-ingest' })
  } catch (err) {
    console.warn('[ingest] no worker; storing frames on the main thread', err)
  }
  if (!worker) {
    const queue = new IngestQueue(target.db, target.agentId)
    queue.kick()
    return { apply: (text, socket) => queue.apply(text, socket), kick: () => queue.kick(), close: () => queue.close() }
  }

  const w = worker
  /** Takes over when the worker fails to load or dies: the frames then go on being stored here. */
  let fallback: IngestQueue | null = null
  const client = createWorkerClient<ToIngest, number, FromIngest>(w, {
    failure: 'ingest worker',
    id: (m) => m.id,
    settle(m) {
      if (m.type === 'applied') return m.lastSeq
      throw new Error(m.message)
    },
    onError(e) {
      // A worker that failed to load or crashed answers nothing more: what waited has failed, so the feed redials.
      console.error('[ingest] the worker failed; storing frames on the main thread', e.message)
      w.terminate()
      fallback ??= new IngestQueue(target.db, target.agentId)
      fallback.kick()
    },
  })
  w.postMessage({ type: 'open', workspace: target.workspace, agentId: target.agentId } satisfies ToIngest)
  return {
    apply(text, socket) {
      if (fallback) return fallback.apply(text, socket)
      return client.ask((id) => ({ type: 'frame', id, socket, text }))
    },
    kick: () => (fallback ? fallback.kick() : w.postMessage({ type: 'kick' } satisfies ToIngest)),
    close() {
      fallback?.close()
      // An aborted IndexedDB transaction leaves nothing half-stored: ending the worker is safe.
      client.close(new Error('the ingest worker was closed'))
    },
  }
}
