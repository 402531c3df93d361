/**
 * The feed's way into the database: frames go to the ingest worker (ingestWorker.ts) when the
 * browser has workers, and to the same queue on the main thread when it has not.
 */
import type { ParleyDb } from './db.ts'
import type { FromIngest, ToIngest } from './ingestProtocol.ts'
import { IngestQueue } from './ingestQueue.ts'

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
  let nextId = 1
  const waiting = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>()
  const send = (m: ToIngest) => w.postMessage(m)
  w.onmessage = (e: MessageEvent<FromIngest>) => {
    const m = e.data
    switch (m.type) {
      case 'applied':
        waiting.get(m.id)?.resolve(m.lastSeq)
        waiting.delete(m.id)
        return
      case 'failed':
        waiting.get(m.id)?.reject(new Error(m.message))
        waiting.delete(m.id)
        return
      case 'indexed':
        return
    }
  }
  w.onerror = (e) => {
    // A worker that failed to load or crashed answers nothing more: fail what waits, so the feed redials.
    console.error('[ingest] the worker failed; storing frames on the main thread', e.message)
    for (const p of waiting.values()) p.reject(new Error(`ingest worker: ${e.message}`))
    waiting.clear()
    w.terminate()
    fallback ??= new IngestQueue(target.db, target.agentId)
    fallback.kick()
  }
  send({ type: 'open', workspace: target.workspace, agentId: target.agentId, me: target.agentId })
  return {
    apply(text, socket) {
      if (fallback) return fallback.apply(text, socket)
      const id = nextId++
      return new Promise<number>((resolve, reject) => {
        waiting.set(id, { resolve, reject })
        send({ type: 'frame', id, socket, text })
      })
    },
    kick: () => (fallback ? fallback.kick() : send({ type: 'kick' })),
    close() {
      fallback?.close()
      // An aborted IndexedDB transaction leaves nothing half-stored: ending the worker is safe.
      w.terminate()
      for (const p of waiting.values()) p.reject(new Error('the ingest worker was closed'))
      waiting.clear()
    },
  }
}
