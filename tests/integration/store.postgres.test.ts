import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import pg from 'pg'
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { PostgresStore, StoreOpenError } from '../../sync-server/store/PostgresStore.ts'
import { FencedError } from '../../sync-server/store/Store.ts'
import { POSTGRES_MIGRATIONS } from '../../sync-server/store/postgres/migrations.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts'
import { storeContract } from './storeContract.ts'

storeContract('postgres', async () => {
  const db = await createTestDatabase()
  const open = async () => {
    const store = new PostgresStore({ url: db.url, poolSize: 4 })
    await store.open()
    return store
  }
  return { store: await open(), reopen: open, cleanup: () => db.drop() }
})

const ROOT = join(import.meta.dirname, '../..')

describe('PostgreSQL store: several processes on one database', () => {
  let db: TestDatabase | null = null
  const stores: PostgresStore[] = []
  const track = (s: PostgresStore) => (stores.push(s), s)
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()))
    await db?.drop()
    db = null
  })

  it('compacts a document without dropping an update another instance stored that the snapshot has not seen', async () => {
    db = await createTestDatabase()
    const a = track(new PostgresStore({ url: db.url, poolSize: 2 }))
    const b = track(new PostgresStore({ url: db.url, poolSize: 2 }))
    await a.open()
    await b.open()
    await a.createWorkspace({ id: 'w1', secret: 's', createdAt: 1 })
    // Instance A's copy of the document, and an update only instance B has seen.
    const docA = new Y.Doc()
    docA.getArray<string>('m').push(['from a'])
    await a.commit({ workspace: 'w1', updates: [{ doc: 'conv/x', update: Y.encodeStateAsUpdate(docA) }] })
    const docB = new Y.Doc()
    Y.applyUpdate(docB, Y.encodeStateAsUpdate(docA))
    const before = Y.encodeStateVector(docB)
    docB.getArray<string>('m').push(['from b'])
    await b.commit({ workspace: 'w1', updates: [{ doc: 'conv/x', update: Y.encodeStateAsUpdate(docB, before) }] })
    // A compacts what it holds, which lacks B's update.
    await a.commit({ workspace: 'w1', compact: [{ doc: 'conv/x', snapshot: Y.encodeStateAsUpdate(docA) }] })
    const stored = await b.loadDocument('w1', 'conv/x')
    expect(stored).toHaveLength(1)
    const loaded = new Y.Doc()
    for (const u of stored) Y.applyUpdate(loaded, u)
    expect(loaded.getArray<string>('m').toArray()).toEqual(['from a', 'from b'])
  })

  it('refuses a leader commit decided under an epoch another leader has moved past, whole, and numbers the rest of its group on', async () => {
    db = await createTestDatabase()
    const store = track(new PostgresStore({ url: db.url, poolSize: 2 }))
    await store.open()
    await store.createWorkspace({ id: 'w1', secret: 's', createdAt: 1 })
    const sql = new pg.Client({ connectionString: db.url })
    await sql.connect()
    try {
      await sql.query("INSERT INTO workspace_leaders (workspace, epoch) VALUES ('w1', 3)")
      const event = (n: number) => ({ type: 'message' as const, at: n, data: { n } })
      const [old, plain, current] = await Promise.allSettled([
        store.commit({ workspace: 'w1', events: [event(1)], emailNotices: [{ conversationId: 'c1', dueAt: 10 }], fence: 2 }),
        store.commit({ workspace: 'w1', events: [event(2)] }),
        store.commit({ workspace: 'w1', events: [event(3)], fence: 3 }),
      ])
      expect(old.status).toBe('rejected')
      expect((old as PromiseRejectedResult).reason).toBeInstanceOf(FencedError)
      expect(plain.status === 'fulfilled' && plain.value.map((e) => e.seq)).toEqual([1])
      expect(current.status === 'fulfilled' && current.value.map((e) => e.seq)).toEqual([2])
      expect(await store.listEmailNotices()).toEqual([])
      // A workspace nobody has led yet has no epoch: a fenced commit there is refused too.
      await store.createWorkspace({ id: 'w2', secret: 's', createdAt: 1 })
      await expect(store.commit({ workspace: 'w2', events: [event(4)], fence: 1 })).rejects.toBeInstanceOf(FencedError)
      expect(await store.lastSeq('w1')).toBe(2)
      expect(await store.lastSeq('w2')).toBe(0)
    } finally {
      await sql.end()
    }
  })

  it('numbers concurrent commits from two processes without a duplicate or a hole, each process in its own commit order', async () => {
    db = await createTestDatabase()
    const mine = track(new PostgresStore({ url: db.url, poolSize: 4 }))
    await mine.open()
    await mine.createWorkspace({ id: 'w1', secret: 's', createdAt: 1 })
    const N = 150
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/pgCommitter.ts', db.url, 'w1', String(N), 'child'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    const exited = once(child, 'exit')
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    while (!out.includes('ready\n')) await once(child.stdout, 'data')
    child.stdin.end('go\n')
    // This process commits at the same time, through its own pool, a few commits in flight at once
    // (so that both write many small transactions that contend for the workspace's counter row).
    const own: number[] = []
    const pending = new Set<Promise<unknown>>()
    for (let i = 0; i < N; i++) {
      const p = mine
        .commit({ workspace: 'w1', events: Array.from({ length: 1 + (i % 2) }, (_, k) => ({ type: 'message' as const, at: i, data: { tag: 'parent', i, k } })) })
        .then((events) => own.push(...events.map((e) => e.seq)))
      pending.add(p)
      void p.finally(() => pending.delete(p))
      if (pending.size >= 4) await Promise.race(pending)
    }
    await Promise.all(pending)
    const [code] = (await exited) as [number]
    expect(code).toBe(0)
    const theirs = JSON.parse(out.trim().split('\n').at(-1)!) as number[]

    const total = own.length + theirs.length
    expect(own.length).toBe(N + Math.floor(N / 2))
    expect(theirs.length).toBe(N * 2)
    expect([...own, ...theirs].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    // Each process was answered in its own call order.
    expect(own).toEqual([...own].sort((a, b) => a - b))
    const log = await mine.readEvents('w1', 0, total + 10)
    expect(log.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    // What each process was told is what the log holds.
    const told = new Map([...own.map((s) => [s, 'parent'] as const), ...theirs.map((s) => [s, 'child'] as const)])
    expect(log.every((e) => told.get(e.seq) === e.data.tag)).toBe(true)
    // Within each process, the log holds its commits in the order it made them.
    for (const tag of ['parent', 'child']) {
      const is = log.filter((e) => e.data.tag === tag).map((e) => e.data.i as number)
      expect(is).toEqual([...is].sort((a, b) => a - b))
    }
    expect(await mine.lastSeq('w1')).toBe(total)
    // The two really did commit at the same time: their commits interleave in the log.
    const switches = log.filter((e, i) => i > 0 && e.data.tag !== log[i - 1]!.data.tag).length
    expect(switches).toBeGreaterThan(1)
  }, 60_000)

  it('applies each migration once when several stores start at the same time', async () => {
    db = await createTestDatabase()
    const opened = Array.from({ length: 4 }, () => track(new PostgresStore({ url: db!.url, poolSize: 2 })))
    await Promise.all(opened.map((s) => s.open()))
    const c = new pg.Client({ connectionString: db.url })
    await c.connect()
    try {
      const { rows } = await c.query('SELECT version FROM schema_migrations ORDER BY version')
      expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1))
    } finally {
      await c.end()
    }
    await opened[0]!.createWorkspace({ id: 'w1', secret: 's', createdAt: 1 })
    expect(await opened[3]!.getWorkspace('w1')).toMatchObject({ secret: 's' })
  })

  it('refuses a second single instance on the same database until the first one closes', async () => {
    db = await createTestDatabase()
    const first = track(new PostgresStore({ url: db.url, singleInstance: true }))
    await first.open()
    const second = track(new PostgresStore({ url: db.url, singleInstance: true }))
    await expect(second.open()).rejects.toThrow(/another Parley server already runs on the PostgreSQL database at 127\.0\.0\.1:5432\/parley_test_/)
    await expect(second.open()).rejects.toBeInstanceOf(StoreOpenError)
    await first.close()
    const third = track(new PostgresStore({ url: db.url, singleInstance: true }))
    await expect(third.open()).resolves.toBeUndefined()
  })

  it('takes the single-instance lock again when the connection holding it is cut', async () => {
    db = await createTestDatabase()
    const first = track(new PostgresStore({ url: db.url, singleInstance: true }))
    await first.open()
    const admin = new pg.Client({ connectionString: db.url })
    await admin.connect()
    try {
      const holder = async () =>
        (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'parley-instance'")).rows.map((r) => r.pid)
      const [before] = await holder()
      expect(before).toBeDefined()
      await admin.query('SELECT pg_terminate_backend($1)', [before])
      await expect.poll(async () => first.lockHeld && (await holder()).some((pid) => pid !== before), { timeout: 10_000 }).toBe(true)
      await expect(track(new PostgresStore({ url: db.url, singleInstance: true })).open()).rejects.toThrow(/another Parley server already runs/)
      // The store kept working throughout.
      await first.createWorkspace({ id: 'w1', secret: 's', createdAt: 1 })
      expect((await first.commit({ workspace: 'w1', events: [{ type: 'message', at: 1, data: {} }] }))[0]!.seq).toBe(1)
    } finally {
      await admin.end()
    }
  })

  it('refuses a database whose schema is newer than this server', async () => {
    db = await createTestDatabase()
    const first = track(new PostgresStore({ url: db.url }))
    await first.open()
    const c = new pg.Client({ connectionString: db.url })
    await c.connect()
    await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, 0)', [POSTGRES_MIGRATIONS.length + 1])
    await c.end()
    await expect(track(new PostgresStore({ url: db.url })).open()).rejects.toThrow(/newer than this server/)
  })

  it('says in one line why it cannot open: nothing listening, no such database, no such user', async () => {
    const fail = async (url: string) => {
      const s = track(new PostgresStore({ url }))
      const err = await s.open().then(() => null, (e: unknown) => e as Error)
      expect(err).toBeInstanceOf(StoreOpenError)
      expect(err!.message).not.toContain('\n')
      return err!.message
    }
    expect(await fail('postgres://postgres@127.0.0.1:1/test')).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:1\/test: .*ECONNREFUSED/)
    expect(await fail('postgres://postgres@127.0.0.1:5432/parley_no_such_db')).toMatch(/database "parley_no_such_db" does not exist/)
    const m = await fail('postgres://parley_no_such_user:secret@127.0.0.1:5432/test')
    expect(m).toMatch(/^PostgreSQL at 127\.0\.0\.1:5432\/test refused the sign-in: .*parley_no_such_user/)
    expect(m).not.toContain('secret')
  })
})
