import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { StoreOpenError } from '../../sync-server/store/PostgresStore.ts'
import { login } from '../support/clients.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts'
import { kill9, spawnServer } from '../support/process.ts'
import { startServer } from '../support/server.ts'

/** What a server that refused to start printed, one entry a line (a log record's message). */
async function refusal(dataDir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const err = await spawnServer(dataDir, env).then(
    async (s) => {
      await kill9(s.child)
      return null
    },
    (e: unknown) => e as Error,
  )
  expect(err, 'the server started').not.toBeNull()
  expect(err!.message).toMatch(/^server exited with 2:/)
  return err!.message
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return String((JSON.parse(l) as { msg: unknown }).msg)
      } catch {
        return l
      }
    })
}

describe('DATABASE_URL: one server on PostgreSQL', () => {
  let db: TestDatabase | null = null
  let dataDir = ''
  const children: Parameters<typeof kill9>[0][] = []
  afterEach(async () => {
    await Promise.all(children.splice(0).map(kill9))
    await db?.drop()
    db = null
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('runs on PostgreSQL alone, and a second server on the same database refuses to start with one line', async () => {
    db = await createTestDatabase()
    dataDir = mkdtempSync(join(tmpdir(), 'parley-pg-'))
    const first = await spawnServer(dataDir, { DATABASE_URL: db.url })
    children.push(first.child)
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200)
    expect((await login(first.url)).agent.role).toBe('admin')
    // Nothing went to SQLite.
    expect(existsSync(join(dataDir, 'parley.db'))).toBe(false)
    const lines = await refusal(mkdtempSync(join(dataDir, 'second-')), { DATABASE_URL: db.url })
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/DATABASE_URL: another Parley server already runs on the PostgreSQL database at 127\.0\.0\.1:5432\/parley_test_/)
    // The first one is untouched.
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200)
  }, 60_000)

  it('lets a server built with databaseUrl run on it; a second one on the same database fails to listen and releases what it opened', async () => {
    db = await createTestDatabase()
    const first = await startServer({ databaseUrl: db.url })
    dataDir = first.dataDir
    expect(first.server.store.kind).toBe('postgres')
    const err = await startServer({ databaseUrl: db.url, dataDir: mkdtempSync(join(tmpdir(), 'parley-pg-')) }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(StoreOpenError)
    expect((await login(first.url)).agent.role).toBe('admin')
    await first.stop()
    // Its lock went with it: the database takes a new server.
    const again = await startServer({ databaseUrl: db.url, dataDir })
    expect((await login(again.url)).agent.role).toBe('admin')
    await again.stop()
  })

  it('fails the start in one line on a database it cannot use, never falling back to SQLite', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parley-pg-'))
    const unreachable = await refusal(dataDir, { DATABASE_URL: 'postgres://postgres:pw-not-shown@127.0.0.1:1/parley' })
    expect(unreachable).toHaveLength(1)
    expect(unreachable[0]).toMatch(/DATABASE_URL: cannot reach PostgreSQL at 127\.0\.0\.1:1\/parley: .*ECONNREFUSED/)
    expect(unreachable[0]).not.toContain('pw-not-shown')
    const missing = await refusal(dataDir, { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/parley_no_such_database' })
    expect(missing).toHaveLength(1)
    expect(missing[0]).toMatch(/DATABASE_URL: PostgreSQL at 127\.0\.0\.1:5432\/parley_no_such_database: database "parley_no_such_database" does not exist/)
    const notPostgres = await refusal(dataDir, { DATABASE_URL: 'mysql://localhost/parley' })
    expect(notPostgres).toHaveLength(1)
    expect(notPostgres[0]).toMatch(/DATABASE_URL must start with postgres:\/\//)
    const redisAlone = await refusal(dataDir, { REDIS_URL: 'redis://127.0.0.1:6379' })
    expect(redisAlone).toHaveLength(1)
    expect(redisAlone[0]).toMatch(/REDIS_URL needs DATABASE_URL/)
    const noRedis = await refusal(dataDir, { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', REDIS_URL: 'redis://:pw-not-shown@127.0.0.1:1' })
    expect(noRedis).toHaveLength(1)
    expect(noRedis[0]).toMatch(/cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(REDIS_URL\)|cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(REDIS_URL\)/)
    expect(noRedis[0]).not.toContain('pw-not-shown')
    expect(existsSync(join(dataDir, 'parley.db'))).toBe(false)
  }, 60_000)
})
