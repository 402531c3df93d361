/**
 * `npm run migrate-to-postgres -- --from ./data --to postgres://…/parley`: copies a SQLite data
 * folder's database (documents, the event log with its sequence numbers, agents, sessions,
 * visitors, conversations, acknowledgements, command results, files' records, messenger
 * connections, owed email notices) into an empty PostgreSQL database, in one transaction, so a
 * business that started on one machine moves without losing history: agents stay signed in and
 * every device keeps its place in the log. The files' bytes stay in `DATA_DIR/files`.
 */
import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import pg from 'pg'
import { PostgresStore } from './store/PostgresStore.ts'
import { filesDirOf } from './config.ts'
import { runCommand, UserError } from './cli.ts'
import { SqliteStore } from './store/SqliteStore.ts'
import { lockExclusively } from './store/sqlite/exclusive.ts'
import { cleanText, json, openError, StoreOpenError, TYPES, where } from './store/postgres/values.ts'


const USAGE = 'usage: npm run migrate-to-postgres -- --from <data folder> --to <postgres://…> (or DATABASE_URL)'
/** Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const BATCH_ROWS = 500
/** Tables copied in an order of their own: a document's updates are its history, the log is read as it was written. */
const ORDER_BY: Record<string, string> = { doc_updates: 'id', events: 'workspace, seq' }
/** PostgreSQL's own tables the copy does not fill from SQLite. */
const POSTGRES_ONLY = new Set(['schema_migrations', 'workspace_seq'])

export interface MigrationResult {
  /** Rows copied per table. */
  rows: Record<string, number>
  /** Each workspace's last sequence number, as the log holds it. */
  lastSeq: Record<string, number>
}

type Column = { name: string; type: string }

/** How one SQLite value is sent for a PostgreSQL column of `type`. */
function convert(value: unknown, type: string): unknown {
  if (value === null || value === undefined) return null
  switch (type) {
    case 'boolean':
      return Number(value) !== 0
    case 'bytea':
      return value
    case 'jsonb':
      // Parsed and written again: a lone surrogate JSON.stringify escaped is refused by JSONB.
      return json(JSON.parse(String(value)))
    case 'text':
      return cleanText(String(value))
    default:
      return value
  }
}

/**
 * Copies `dataDir/parley.db` into the empty database at `url`. Refuses when a server has the
 * folder open, when the database is not empty, or when either cannot be used; copies nothing then.
 */
export async function migrateToPostgres(dataDir: string, url: string): Promise<MigrationResult> {
  const file = join(dataDir, 'parley.db')
  if (!existsSync(file)) throw new UserError(`no database at ${file} (is --from the server's DATA_DIR?)`)
  // Brought to this version's schema first, as a server start would.
  try {
    await new SqliteStore({ file }).close()
  } catch (err) {
    throw new UserError(`cannot open ${file}: ${(err as Error).message}`)
  }
  const source = new Database(file, { fileMustExist: true })
  try {
    // No server writes meanwhile (nor starts): the file's exclusive lock is held until the copy is done.
    if (!lockExclusively(source)) throw new UserError(`a server is running on ${dataDir}: stop it, then migrate`)
    // The schema, and this store's single-instance lock: no single server starts on it meanwhile.
    const target = new PostgresStore({ url, singleInstance: true })
    try {
      await target.open()
    } catch (err) {
      await target.close().catch(() => {})
      throw new UserError(err instanceof StoreOpenError ? err.message : openError(err, url).message)
    }
    const client = new pg.Client({ connectionString: url, application_name: 'parley-migrate', types: TYPES })
    client.on('error', () => {})
    try {
      await client.connect()
      return await copy(source, client, url)
    } finally {
      await client.end().catch(() => {})
      await target.close()
    }
  } finally {
    source.close()
  }
}

async function copy(source: Database.Database, client: pg.Client, url: string): Promise<MigrationResult> {
  const pgColumns = new Map<string, Column[]>()
  const { rows: columnRows } = await client.query<{ table_name: string; column_name: string; data_type: string; is_identity: string }>(
    "SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
  )
  for (const r of columnRows) pgColumns.set(r.table_name, [...(pgColumns.get(r.table_name) ?? []), { name: r.column_name, type: r.data_type }])
  const tables = (source.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
  const unknown = tables.filter((t) => !pgColumns.has(t))
  if (unknown.length) throw new UserError(`the SQLite database has tables PostgreSQL's schema lacks (${unknown.join(', ')}): is this Parley older than the data?`)

  // Only into an empty database: nothing is merged, nothing overwritten.
  const filled: string[] = []
  for (const table of pgColumns.keys()) {
    if (POSTGRES_ONLY.has(table)) continue
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
    if (rows[0]!.n > 0) filled.push(`${table} ${rows[0]!.n}`)
  }
  if (filled.length) throw new UserError(`the PostgreSQL database at ${where(url)} is not empty (${filled.join(', ')} rows): migrate into a new, empty database`)

  const result: MigrationResult = { rows: {}, lastSeq: {} }
  await client.query('BEGIN')
  try {
    for (const table of tables) {
      const sqliteNames = new Set((source.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name))
      const columns = pgColumns.get(table)!.filter((c) => sqliteNames.has(c.name))
      const list = columns.map((c) => c.name).join(', ')
      // Document updates keep their ids: their order is the document's history.
      const overriding = table === 'doc_updates' ? ' OVERRIDING SYSTEM VALUE' : ''
      const order = ORDER_BY[table] ? ` ORDER BY ${ORDER_BY[table]}` : ''
      let batch: unknown[][] = []
      let n = 0
      const flush = async () => {
        if (!batch.length) return
        const values: unknown[] = []
        const tuples = batch.map((row) => `(${row.map((v) => (values.push(v), `$${values.length}`)).join(', ')})`)
        await client.query(`INSERT INTO ${table} (${list})${overriding} VALUES ${tuples.join(', ')}`, values)
        n += batch.length
        batch = []
      }
      for (const row of source.prepare(`SELECT ${list} FROM ${table}${order}`).iterate() as Iterable<Record<string, unknown>>) {
        batch.push(columns.map((c) => convert(row[c.name], c.type)))
        if (batch.length >= BATCH_ROWS) await flush()
      }
      await flush()
      result.rows[table] = n
    }
    if (tables.includes('doc_updates')) await client.query("SELECT setval(pg_get_serial_sequence('doc_updates', 'id'), GREATEST(COALESCE((SELECT max(id) FROM doc_updates), 0), 1), (SELECT count(*) > 0 FROM doc_updates))")
    // Each workspace's counter continues where its log ends.
    await client.query(
      `INSERT INTO workspace_seq (workspace, last)
       SELECT w.id, COALESCE((SELECT max(seq) FROM events e WHERE e.workspace = w.id), 0)
       FROM (SELECT id FROM workspaces UNION SELECT DISTINCT workspace FROM events) w`,
    )
    for (const r of (await client.query<{ workspace: string; last: number }>('SELECT workspace, last FROM workspace_seq ORDER BY workspace')).rows) result.lastSeq[r.workspace] = r.last
    // What arrived is what was there.
    for (const table of tables) {
      const expected = (source.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
      if (rows[0]!.n !== expected) throw new Error(`${table}: ${expected} rows in SQLite, ${rows[0]!.n} copied`)
    }
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  }
  return result
}

function argValue(args: string[], name: string): string | undefined {
  const at = args.indexOf(name)
  if (at < 0) return undefined
  const v = args[at + 1]
  if (!v || v.startsWith('--')) throw new UserError(`${name} needs a value; ${USAGE}`)
  return v
}

async function main(argv: string[]): Promise<void> {
  const known = new Set(['--from', '--to'])
  const stray = argv.filter((a, i) => a.startsWith('--') && !known.has(a) && !known.has(argv[i - 1] ?? ''))
  if (stray.length) throw new UserError(`unknown option ${stray[0]}; ${USAGE}`)
  const from = argValue(argv, '--from')
  const to = argValue(argv, '--to') ?? process.env.DATABASE_URL?.trim()
  if (!from || !to) throw new UserError(USAGE)
  if (!/^postgres(ql)?:\/\//.test(to)) throw new UserError(`--to must be a PostgreSQL URL like postgres://user:password@host:5432/parley`)
  const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), from)
  const result = await migrateToPostgres(dataDir, to)
  const rows = Object.entries(result.rows)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ')
  const seqs = Object.entries(result.lastSeq)
    .map(([w, s]) => `${w} ${s}`)
    .join(', ')
  console.log(`Copied ${join(dataDir, 'parley.db')} into PostgreSQL at ${where(to)}: ${rows || 'no rows'}; last event seq ${seqs || 'none'}.`)
  console.log(`Start the server with DATABASE_URL set to that database and the same DATA_DIR: the files stay in ${filesDirOf(dataDir)} (every server needs that folder, or give FILES_DIR). The SQLite file is left as it was.`)
}

if (process.argv[1]?.endsWith('sync-server/migrateToPostgres.ts')) {
  runCommand('migrate-to-postgres', () => main(process.argv.slice(2)))
}
