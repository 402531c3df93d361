import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createParleyServer, type ParleyServer, type ServerOptions } from '../../sync-server/server.ts'
import { databaseForDataDir, dropDatabaseOfDataDir, testStoreIsPostgres } from './postgres.ts'

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery' }

export interface TestServer {
  server: ParleyServer
  url: string
  wsUrl: string
  dataDir: string
  stop(): Promise<void>
  /** Stops and removes the data folder. */
  destroy(): Promise<void>
}

/**
 * A real server on an ephemeral loopback port with a real SQLite file in a fresh folder; with
 * `PARLEY_TEST_STORE=postgres`, on a fresh PostgreSQL database instead (one per data folder, so a
 * restart on the same folder finds its data; dropped by `destroy`).
 */
export async function startServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'parley-test-'))
  const postgres = testStoreIsPostgres() && !opts.store && !opts.databaseUrl
  const server = createParleyServer({
    dataDir,
    ...(postgres ? { databaseUrl: (await databaseForDataDir(dataDir)).url } : {}),
    port: 0,
    host: '127.0.0.1',
    // The build under test: `STATIC_DIR` when set (as `npm run build` honours it), else ./dist.
    staticDir: process.env.STATIC_DIR ? resolve(process.env.STATIC_DIR) : join(import.meta.dirname, '../../dist'),
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...opts,
  })
  let url: string
  try {
    ;({ url } = await server.listen())
  } catch (err) {
    // A server that could not start still releases what it opened (the database's connections).
    await server.close().catch(() => {})
    throw err
  }
  const stop = () => server.close()
  return {
    server,
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    dataDir,
    stop,
    async destroy() {
      await stop()
      rmSync(dataDir, { recursive: true, force: true })
      if (postgres) await dropDatabaseOfDataDir(dataDir)
    },
  }
}
