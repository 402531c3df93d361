import { describe, expect, it } from 'vitest'
import { BatchedReads } from '../../sync-server/store/postgres/BatchedReads.ts'

/** A table in memory behind a query that can be held, so the test decides when each answer comes back. */
function table(rows: Record<string, string>) {
  const queries: { keys: string[]; release: () => void }[] = []
  const reads = new BatchedReads<string, { id: string; value: string }>(
    (keys) =>
      new Promise((resolve, reject) => {
        // What the table holds when the query starts, as a database reads it then.
        const answer = keys.filter((k) => k in rows).map((id) => ({ id, value: rows[id]! }))
        queries.push({ keys, release: () => (keys.includes('boom') ? reject(new Error('query failed')) : resolve(answer)) })
      }),
    (k) => k,
    (r) => r.id,
  )
  return { reads, queries, rows }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('BatchedReads', () => {
  it('reads what is asked in one turn in one query, each key once, and answers each asker', async () => {
    const t = table({ a: '1', b: '2' })
    const got = Promise.all(['a', 'b', 'a', 'missing'].map((k) => t.reads.read(k)))
    await tick()
    expect(t.queries.map((q) => q.keys)).toEqual([['a', 'b', 'missing']])
    t.queries[0]!.release()
    expect((await got).map((r) => r?.value ?? null)).toEqual(['1', '2', '1', null])
  })

  it('sends what is asked while a query is on its way in the next one, which starts after it: never an answer older than the asking', async () => {
    const t = table({ a: 'old' })
    const first = t.reads.read('a')
    await tick()
    expect(t.queries).toHaveLength(1)
    // Written after the first query started, then asked: the first query cannot answer it.
    t.rows.a = 'new'
    const second = t.reads.read('a')
    await tick()
    expect(t.queries).toHaveLength(1)
    t.queries[0]!.release()
    expect((await first)?.value).toBe('old')
    await tick()
    expect(t.queries).toHaveLength(2)
    t.queries[1]!.release()
    expect((await second)?.value).toBe('new')
  })

  it('fails only the reads of a failed query; the next ones go on', async () => {
    const t = table({ a: '1' })
    const bad = Promise.allSettled([t.reads.read('boom'), t.reads.read('a')])
    await tick()
    t.queries[0]!.release()
    expect((await bad).map((r) => r.status)).toEqual(['rejected', 'rejected'])
    const good = t.reads.read('a')
    await tick()
    t.queries[1]!.release()
    expect((await good)?.value).toBe('1')
  })

  it('splits a crowd of reads into queries of at most 500 keys', async () => {
    const rows = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`k${i}`, String(i)]))
    const t = table(rows)
    const got = Promise.all(Object.keys(rows).map((k) => t.reads.read(k)))
    for (let i = 0; i < 3; i++) {
      await tick()
      t.queries[i]!.release()
    }
    expect(t.queries.map((q) => q.keys.length)).toEqual([500, 500, 200])
    expect((await got).map((r) => r!.value)).toEqual(Object.values(rows))
  })
})
