/**
 * Point reads (a row by its key) asked for at about the same time, made in one query. On
 * PostgreSQL every read is a round trip and holds a pooled connection for it: under load a
 * hundred visitors' messages each reading their visitor queue behind the pool's few connections,
 * and the reads cost more than the commits they precede. Here the reads asked while one query is
 * on its way go together in the next one.
 *
 * A read is never older than its asking: a query starts only after every read in it was asked,
 * so it sees every commit that resolved before any of them.
 */

/** Keys read in one query at most. */
const MAX_KEYS = 500

interface Asked<K, R> {
  key: K
  resolve: (row: R | undefined) => void
  reject: (err: unknown) => void
}

export class BatchedReads<K, R> {
  private asked: Asked<K, R>[] = []
  private running = false

  /**
   * `query` reads the rows of some keys (in any order, missing ones left out); `keyOf` names a
   * key and `rowKey` the key of a row, the same way.
   */
  constructor(
    private query: (keys: K[]) => Promise<R[]>,
    private keyOf: (key: K) => string,
    private rowKey: (row: R) => string,
  ) {}

  /** The row of `key`, or undefined when there is none. */
  read(key: K): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      this.asked.push({ key, resolve, reject })
      if (!this.running) {
        this.running = true
        // Reads asked in the same turn go in the first query too.
        queueMicrotask(() => void this.drain())
      }
    })
  }

  private async drain(): Promise<void> {
    try {
      while (this.asked.length) {
        const batch = this.asked.splice(0, MAX_KEYS)
        const keys = new Map<string, K>()
        for (const a of batch) keys.set(this.keyOf(a.key), a.key)
        try {
          const rows = await this.query([...keys.values()])
          const byKey = new Map(rows.map((r) => [this.rowKey(r), r]))
          for (const a of batch) a.resolve(byKey.get(this.keyOf(a.key)))
        } catch (err) {
          for (const a of batch) a.reject(err)
        }
      }
    } finally {
      this.running = false
    }
  }
}
