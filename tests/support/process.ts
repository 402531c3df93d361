import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { ADMIN } from './server.ts'
import { databaseForDataDir, testStoreIsPostgres } from './postgres.ts'

const ROOT = join(import.meta.dirname, '../..')

/**
 * The real server in its own process (as `npm start` runs it), so a test can kill -9 it; with
 * `PARLEY_TEST_STORE=postgres`, on the PostgreSQL database of that data folder (tests/support/postgres.ts).
 */
export async function spawnServer(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string; wsUrl: string }> {
  const database = testStoreIsPostgres() && !('DATABASE_URL' in env) ? { DATABASE_URL: (await databaseForDataDir(dataDir)).url } : {}
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn', ...database, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      // Keep only the tail: the pipe is read for the child's whole life, or a full pipe would block it.
      if (out.length > 64 * 1024) out = out.slice(-32 * 1024)
      const m = /Parley is running at (http:\/\/[^\s]+) /.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)))
  })
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && code !== 0) process.stderr.write(`server exited (${code ?? signal}):\n${out.slice(-4000)}\n`)
  })
  return { child, url, wsUrl: url.replace(/^http/, 'ws') }
}

export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}
