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
    /** Told each time the search index moves (tests, diagnostics). */
    private onIndexed: (searchSeq: number, lastSeq: number) => void = () => {},
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
        const job = this.jobs.shift()
        if (job) {
          await this.store(job)
          continue
        }
        // Nothing waits: index a batch, then look at the queue again, so a frame never waits
        // for more than one batch.
        let done = true
        try {
          const r = await indexSearchBatch(this.db)
          this.onIndexed(r.searchSeq, r.lastSeq)
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

  private async store(job: Job): Promise<void> {
    if (this.failed.has(job.socket)) return job.reject(new Error('an earlier frame of this socket was not stored'))
    try {
      const { events, last } = parseEventsFrame(job.text)
      job.resolve(await applyEvents(this.db, events, this.me, last))
    } catch (err) {
      this.failed.add(job.socket)
      job.reject(err)
    }
  }
}
