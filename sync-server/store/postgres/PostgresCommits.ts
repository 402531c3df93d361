import type pg from 'pg'
import type { LogEvent } from '../../../shared/protocol.ts'
import type { CommitWriter } from '../PortedStore.ts'
import type { Commit } from '../Store.ts'
import { isDatabaseError } from './values.ts'
import { writeCommits, type Queryable } from './writeCommits.ts'

/** Commits written in one transaction at most: bounds the time one transaction holds the workspace's counter row. */
const MAX_GROUP_COMMIT = 256

interface Pending {
  commit: Commit
  resolve: (events: LogEvent[]) => void
  reject: (err: unknown) => void
}

/** Runs `fn` between BEGIN and COMMIT, rolling back when it throws. */
export async function transaction<T>(client: Queryable, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN')
  try {
    const out = await fn()
    await client.query('COMMIT')
    return out
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  }
}

/**
 * The commit writer: commits are written one transaction after another, several at a time (group
 * commit), and resolve in the order `commit` was called, each only after its COMMIT.
 */
export class PostgresCommits implements CommitWriter {
  private queue: Pending[] = []
  private flushing: Promise<void> | null = null
  private closed = false

  constructor(private pool: pg.Pool) {}

  commit(c: Commit): Promise<LogEvent[]> {
    if (this.closed) return Promise.reject(new Error('store is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ commit: c, resolve, reject })
      this.flushing ??= this.flushAll()
    })
  }

  /** Writes queued commits a batch at a time; what arrives while a batch is written forms the next one. */
  private async flushAll(): Promise<void> {
    try {
      while (this.queue.length) await this.flushBatch(this.queue.splice(0, MAX_GROUP_COMMIT))
    } finally {
      this.flushing = null
    }
  }

  private async flushBatch(batch: Pending[]): Promise<void> {
    try {
      const results = await this.withClient((client) => transaction(client, () => writeCommits(client, batch.map((p) => p.commit))))
      batch.forEach((p, i) => p.resolve(results[i]!))
      return
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err)
    }
    // One bad commit must not fail the others: each alone, in order. Sequence numbers taken by
    // the failed transaction were rolled back with it, so none is skipped.
    for (const p of batch) {
      try {
        p.resolve((await this.withClient((client) => transaction(client, () => writeCommits(client, [p.commit]))))[0]!)
      } catch (err) {
        p.reject(err)
      }
    }
  }

  private async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      const out = await fn(client)
      client.release()
      return out
    } catch (err) {
      // A broken connection is destroyed; after a SQL error the connection is fine (rolled back).
      client.release(isDatabaseError(err) ? undefined : (err as Error))
      throw err
    }
  }

  /** Refuses new commits and resolves once the queued ones are written. */
  async close(): Promise<void> {
    this.closed = true
    while (this.flushing) await this.flushing
  }
}
