import { randomBytes } from 'node:crypto'
import pg from 'pg'

/**
 * The PostgreSQL the tests use: an administrative connection to an existing database, from which
 * each test creates its own database and drops it afterwards (`PARLEY_TEST_PG_URL`, default the
 * local server with trust auth).
 */
export const ADMIN_PG_URL = process.env.PARLEY_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test'

/** The URL of another database on the same server. */
function urlOf(database: string): string {
  const u = new URL(ADMIN_PG_URL)
  u.pathname = `/${database}`
  return u.toString()
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_PG_URL })
  client.on('error', () => {})
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

export interface TestDatabase {
  name: string
  url: string
  /** Drops the database, cutting whatever is still connected to it. */
  drop(): Promise<void>
}

/** A fresh, empty database named `parley_test_<random>`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `parley_test_${randomBytes(6).toString('hex')}`
  await admin((c) => c.query(`CREATE DATABASE ${name}`))
  let dropped = false
  return {
    name,
    url: urlOf(name),
    async drop() {
      if (dropped) return
      dropped = true
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
}

/** Whether the tests run the server on PostgreSQL (`PARLEY_TEST_STORE=postgres`) rather than SQLite. */
export const testStoreIsPostgres = () => process.env.PARLEY_TEST_STORE === 'postgres'

/** One database per data folder, so a server restarted on the same folder finds its data again. */
const byDataDir = new Map<string, TestDatabase>()

export async function databaseForDataDir(dataDir: string): Promise<TestDatabase> {
  let db = byDataDir.get(dataDir)
  if (!db) {
    db = await createTestDatabase()
    byDataDir.set(dataDir, db)
  }
  return db
}

export async function dropDatabaseOfDataDir(dataDir: string): Promise<void> {
  const db = byDataDir.get(dataDir)
  byDataDir.delete(dataDir)
  await db?.drop()
}

/** Drops every database this test file made for a data folder (a test that only stopped its server). */
export async function dropAllTestDatabases(): Promise<void> {
  await Promise.all([...byDataDir.keys()].map(dropDatabaseOfDataDir))
}
