/**
 * Stores the frames of the live feed, strictly in order, and builds the search index while
 * nothing waits. It runs in the ingest worker (ingestWorker.ts), on the worker's own connection
 * to the agent's database; without workers (tests, old browsers) the feed runs it on the main
 * thread instead.
 */
import { applyEvents } from './applyEvents.ts'
import type { ParleyDb } from './db.ts'
import { parseEventsFrame } from './liveFrame.ts'
import { indexSearchBatch } from './searchIndexer.ts'
import type { LogEvent } from '../../shared/protocol.ts'

/**
 * Events stored per transaction at most, when frames queue up (a first sync arrives faster than
 * it is stored): four backlog frames. Each transaction costs a round of the inbox's live queries
 * on the main thread, and the transaction waits for the reads of the last round; fewer, larger
 * transactions spend less of the catch-up on both. Small enough that the inbox still moves every
 * few seconds.
 */
export const MAX_TRANSACTION_EVENTS = 20_000

interface Job {
  text: string
  socket: number
  resolve: (lastSeq: number) => void
  reject: (err: unknown) => void
}

export class IngestQueue {
  private jobs: Job[] = []
  private running = false
  /** Sockets whose frame failed: what they sent after it must not be stored over the gap. */
  private failed = new Set<number>()
  private closed = false

  constructor(
    private db: ParleyDb,
    private me: string,
  ) {}

  /**
   * Queues a frame's text (an `events` frame of socket number `socket`); resolves with the new
   * `lastSeq` once it is stored, rejects if it could not be. After a failed frame, the rest of
   * that socket's frames are refused: the feed redials after what is stored.
   */
  apply(text: string, socket: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.jobs.push({ text, socket, resolve, reject })
      void this.run()
    })
  }

  /** Builds the search index up to the log (after a reset, or when a database is opened). */
  kick(): void {
    void this.run()
  }

  close(): void {
    this.closed = true
    for (const job of this.jobs.splice(0)) job.reject(new Error('the ingest queue is closed'))
  }

  private async run(): Promise<void> {
    if (this.running || this.closed) return
    this.running = true
    try {
      for (;;) {
        if (this.closed) return
        if (this.jobs.length) {
          await this.storeNext()
          continue
        }
        // Nothing waits: index a batch, then look at the queue again, so a frame never waits
        // for more than one batch.
        let done = true
        try {
          const start = performance.now()
          const r = await indexSearchBatch(this.db)
          performance.measure('parley:search-index', { start, detail: { searchSeq: r.searchSeq } })
          done = r.done
        } catch (err) {
          console.error('[ingest] could not index for search', err)
        }
        if (done && !this.jobs.length) return
      }
    } finally {
      this.running = false
    }
  }

  /**
   * Stores the next frames: those of one socket queued back to back, up to
   * MAX_TRANSACTION_EVENTS, in one applyEvents transaction. A frame that cannot be read is
   * refused with the rest of its socket; the frames before it are still stored.
   */
  private async storeNext(): Promise<void> {
    const batch: { job: Job; events: LogEvent[]; last: number }[] = []
    let total = 0
    const start = performance.now()
    while (this.jobs.length && total < MAX_TRANSACTION_EVENTS) {
      const job = this.jobs[0]!
      if (batch.length && job.socket !== batch[0]!.job.socket) break
      this.jobs.shift()
      if (this.failed.has(job.socket)) {
        job.reject(new Error('an earlier frame of this socket was not stored'))
        continue
      }
      try {
        const { events, last } = parseEventsFrame(job.text)
        batch.push({ job, events, last })
        total += events.length
      } catch (err) {
        this.failed.add(job.socket)
        job.reject(err)
        break
      }
    }
    if (!batch.length) return
    const parsed = performance.now()
    try {
      const events = batch.length === 1 ? batch[0]!.events : batch.flatMap((b) => b.events)
      const lastSeq = await applyEvents(this.db, events, this.me, Math.max(...batch.map((b) => b.last)))
      // A user-timing entry per transaction (in this worker's timeline): the profiler and the benchmarks read it.
      performance.measure('parley:ingest-frame', { start, detail: { frames: batch.length, events: total, parseMs: parsed - start } })
      for (const b of batch) b.job.resolve(lastSeq)
    } catch (err) {
      this.failed.add(batch[0]!.job.socket)
      for (const b of batch) b.job.reject(err)
    }
  }
}
