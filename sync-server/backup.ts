/**
 * `npm run backup -- <file> [--force]` and `npm run restore -- <file>`: a copy of the SQLite
 * database (`DATA_DIR/parley.db`) taken with SQLite's online backup API, consistent while a server
 * serves, and putting such a copy back in place with the server stopped.
 *
 * The uploaded files (`DATA_DIR/files`) are not in the database and are copied separately.
 * With `DATABASE_URL`, PostgreSQL's own pg_dump / pg_restore do this job.
 */
import { formatBytes } from '../shared/files.ts'
import Database from 'better-sqlite3'
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { filesDirOf } from './config.ts'
import { runCommand, UserError } from './cli.ts'
import { SqliteStore } from './store/SqliteStore.ts'
import { lockExclusively } from './store/sqlite/exclusive.ts'


const USAGE = 'usage: npm run backup -- <file> [--force]  |  npm run restore -- <file>'

/** The tables every Parley database has had since its first version. */
const CORE_TABLES = ['workspaces', 'doc_updates', 'events', 'agents', 'sessions', 'visitors', 'conversations', 'widget_acks']

function filesNote(dataDir: string): string {
  return `Files are not in the database: copy ${filesDirOf(dataDir)} separately, after this (e.g. rsync -a or cp -a; files are never rewritten, so a copy taken while serving is good).`
}

/** The last event's sequence number of each workspace, e.g. "last event seq 1234" or "last event seq default 12, acme 7". */
function lastSeqs(db: Database.Database): string {
  const rows = db.prepare('SELECT workspace, MAX(seq) AS seq FROM events GROUP BY workspace ORDER BY workspace').all() as { workspace: string; seq: number }[]
  if (rows.length === 0) return 'no events yet'
  if (rows.length === 1) return `last event seq ${rows[0]!.seq}`
  return `last event seq ${rows.map((r) => `${r.workspace} ${r.seq}`).join(', ')}`
}

function fsyncDir(dir: string) {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Not every platform can fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

function sqliteCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined
}

/** The schema this version of Parley creates: its `user_version` and its tables, read from a scratch database. */
async function expectedSchema(): Promise<{ version: number; tables: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-schema-'))
  try {
    const file = join(dir, 'parley.db')
    await new SqliteStore({ file }).close()
    const db = new Database(file, { readonly: true })
    try {
      return { version: db.pragma('user_version', { simple: true }) as number, tables: tablesOf(db) }
    } finally {
      db.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function tablesOf(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
}

export async function backup(dataDir: string, target: string, force: boolean): Promise<string> {
  const source = join(dataDir, 'parley.db')
  if (!existsSync(source)) throw new UserError(`no database at ${source} (is DATA_DIR right?)`)
  if (existsSync(target) && !force) throw new UserError(`${target} exists; pass --force to overwrite it`)
  if (!existsSync(dirname(target))) throw new UserError(`no folder ${dirname(target)} to write the backup in`)
  if (existsSync(target) && statSync(target).isDirectory()) throw new UserError(`${target} is a folder; name a file`)
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`)
  rmSync(tmp, { force: true })
  // An ordinary connection, as the server's: it takes part in WAL, so the copy includes what is only in -wal yet.
  const db = new Database(source, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    if ((db.pragma('user_version', { simple: true }) as number) === 0) throw new UserError(`${source} is not a Parley database`)
    // All remaining pages in one step: one read transaction, one snapshot, and the server's writes
    // (to the WAL) go on meanwhile without restarting the copy.
    await db.backup(tmp, { progress: () => 0x7fffffff })
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  } finally {
    db.close()
  }
  let line: string
  try {
    const copy = new Database(tmp, { fileMustExist: true })
    try {
      // One self-contained file (the server turns WAL back on when it opens it).
      copy.pragma('journal_mode = DELETE')
      const check = copy.pragma('quick_check', { simple: true })
      if (check !== 'ok') throw new Error(`the copy failed its check: ${String(check)}`)
      line = lastSeqs(copy)
    } finally {
      copy.close()
    }
    const fd = openSync(tmp, 'r+')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, target)
    fsyncDir(dirname(target))
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  return `Backed up ${source} to ${target}: ${formatBytes(statSync(target).size)}, ${line}.`
}

/** Throws a UserError saying why `path` (named `file` to the user) is not a Parley database this version can serve. */
async function checkParleyDatabase(path: string, file: string): Promise<void> {
  let db: Database.Database
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
  } catch (err) {
    throw new UserError(`cannot open ${file}: ${(err as Error).message}`)
  }
  try {
    let version: number
    try {
      version = db.pragma('user_version', { simple: true }) as number
    } catch (err) {
      if (sqliteCode(err) === 'SQLITE_NOTADB') throw new UserError(`${file} is not a SQLite database`)
      throw new UserError(`cannot read ${file}: ${(err as Error).message}`)
    }
    const tables = tablesOf(db)
    const missingCore = CORE_TABLES.filter((t) => !tables.includes(t))
    if (version === 0 || missingCore.length) throw new UserError(`${file} is a SQLite database but not Parley's (no ${missingCore.join(', ') || 'schema version'})`)
    const expected = await expectedSchema()
    if (version > expected.version)
      throw new UserError(`${file} has schema version ${version}, newer than this Parley's ${expected.version}: upgrade Parley first`)
    if (version === expected.version) {
      const missing = expected.tables.filter((t) => !tables.includes(t))
      if (missing.length) throw new UserError(`${file} is not a complete Parley database (missing ${missing.join(', ')})`)
    }
    const check = db.pragma('integrity_check', { simple: true })
    if (check !== 'ok') throw new UserError(`${file} is damaged (integrity_check: ${String(check)})`)
    // Older versions are fine: the server migrates them when it opens them.
  } finally {
    db.close()
  }
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')
}

export async function restore(dataDir: string, source: string): Promise<string> {
  if (!existsSync(source)) throw new UserError(`no file ${source}`)
  if (statSync(source).isDirectory()) throw new UserError(`${source} is a folder; name a backup file`)
  const target = join(dataDir, 'parley.db')
  if (resolve(source) === resolve(target)) throw new UserError(`${source} is the live database itself`)
  // Checked on a copy inside DATA_DIR, which is also what gets renamed into place (the user's file stays as it is).
  if (!existsSync(dataDir)) throw new UserError(`no folder ${dataDir} (is DATA_DIR right?)`)
  const incoming = join(dataDir, `.parley.db.restore-${process.pid}.tmp`)
  copyFileSync(source, incoming)
  let kept: string | undefined
  try {
    await checkParleyDatabase(incoming, source)
    const fd = openSync(incoming, 'r+')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    if (existsSync(target)) {
      // A running server keeps a shared lock on its database file for as long as it has it open; an
      // exclusive lock cannot be had then. Held while the files are swapped.
      const current = new Database(target, { fileMustExist: true })
      try {
        if (!lockExclusively(current)) throw new UserError(`a server is running on ${dataDir}: stop it, then restore`)
        // Everything of the current database into its main file, so the kept copy is complete by itself.
        current.pragma('wal_checkpoint(TRUNCATE)')
        kept = `${target}.before-restore-${timestamp()}`
        renameSync(target, kept)
      } finally {
        current.close()
      }
    }
    for (const stale of [`${target}-wal`, `${target}-shm`, `${target}-journal`]) rmSync(stale, { force: true })
    renameSync(incoming, target)
    fsyncDir(dataDir)
  } finally {
    rmSync(incoming, { force: true })
  }
  const db = new Database(target, { readonly: true, fileMustExist: true })
  let line: string
  try {
    line = lastSeqs(db)
  } finally {
    db.close()
  }
  return `Restored ${source} to ${target} (${formatBytes(statSync(target).size)}, ${line})${kept ? `; the previous database is kept as ${kept}` : ''}.`
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (command !== 'backup' && command !== 'restore') throw new UserError(USAGE)
  const force = rest.includes('--force')
  const args = rest.filter((a) => a !== '--force')
  const unknown = args.find((a) => a.startsWith('--'))
  if (unknown) throw new UserError(`unknown option ${unknown}; ${USAGE}`)
  if (args.length !== 1 || (force && command === 'restore')) throw new UserError(USAGE)
  if (process.env.DATABASE_URL?.trim())
    throw new UserError(`DATABASE_URL is set: the data is in PostgreSQL; use pg_dump / pg_restore (README, "Backups on PostgreSQL") and copy DATA_DIR/files separately`)
  // As the server reads them (sync-server/config.ts); `npm run` starts in the project folder, so the
  // file is taken relative to where the command was typed.
  const dataDir = resolve(process.env.DATA_DIR || './data')
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), args[0]!)
  const line = command === 'backup' ? await backup(dataDir, file, force) : await restore(dataDir, file)
  console.log(line)
  console.log(filesNote(dataDir))
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('sync-server/backup.ts')) {
  runCommand(process.argv[2] ?? 'backup', () => main(process.argv.slice(2)))
}
