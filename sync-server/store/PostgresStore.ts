import pg from 'pg'
import type { Logger } from 'pino'
import { PortedStore } from './PortedStore.ts'
import { POSTGRES_MIGRATIONS } from './postgres/migrations.ts'
import { PostgresChannels } from './postgres/PostgresChannels.ts'
import { PostgresCommits, transaction } from './postgres/PostgresCommits.ts'
import { PostgresDirectory } from './postgres/PostgresDirectory.ts'
import { PostgresDocumentLog } from './postgres/PostgresDocumentLog.ts'
import { PostgresFiles } from './postgres/PostgresFiles.ts'
import { isDatabaseError, openError, Queries, StoreOpenError, TYPES, where } from './postgres/values.ts'

/**
 * Advisory lock keys (`pg_advisory_lock(bigint)`), fixed so an operator can recognise them in
 * `pg_locks`: 0x5061726C6579 is "Parley" in ASCII, the last digit says what the lock is for.
 */
const MIGRATION_LOCK = '88600000201001'
const SINGLE_INSTANCE_LOCK = '88600000201002'
/** How long opening a connection may take before the store says PostgreSQL cannot be reached. */
const CONNECT_TIMEOUT_MS = 10_000
/** Retaking a lost single-instance lock: first retry after about this, doubling up to the cap (PostgreSQL restarting takes seconds). */
const LOCK_RETRY_BASE_MS = 250
const LOCK_RETRY_MAX_MS = 5_000

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` */
  url: string
  log?: Logger
  /** Connections in the pool (reads and commits). */
  poolSize?: number
  /**
   * Hold, for the store's life, a session-level advisory lock meaning "the single Parley instance
   * of this database": a second store opened with this option on the same database fails to open.
   * The server sets it, since several instances need Redis fan-out and leader election.
   */
  singleInstance?: boolean
}

export { StoreOpenError, where } from './postgres/values.ts'

/**
 * The PostgreSQL store (DESIGN §3.3). A commit is one transaction; commits of this store are
 * written one transaction after another, several at a time (group commit), and resolve in the
 * order `commit` was called, each only after its COMMIT. Each workspace's sequence comes from its
 * counter row, bumped in the commit's own transaction (READ COMMITTED): another process committing
 * to the same workspace waits on that row, so sequence order is commit order and nothing skips.
 */
export class PostgresStore extends PortedStore {
  readonly kind = 'postgres'
  private pool: pg.Pool
  private log: Logger | undefined
  private closed = false
  private opening: Promise<void> | null = null
  private lockClient: pg.Client | null = null
  protected readonly ports

  constructor(private opts: PostgresStoreOptions) {
    super()
    this.log = opts.log
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: 'parley',
      types: TYPES,
    })
    // An idle connection that dies (PostgreSQL restarted) is dropped by the pool; without these
    // listeners its error would be thrown from an event emitter and end the process.
    this.pool.on('error', (err) => this.log?.warn({ err }, 'an idle PostgreSQL connection failed'))
    this.pool.on('connect', (client) => client.on('error', (err) => this.log?.warn({ err }, 'a PostgreSQL connection failed')))
    const db = new Queries(this.pool)
    this.ports = {
      commits: new PostgresCommits(this.pool),
      log: new PostgresDocumentLog(db),
      directory: new PostgresDirectory(db),
      files: new PostgresFiles(db),
      channels: new PostgresChannels(db),
    }
  }

  /** Connects, takes the single-instance lock when asked, and brings the schema up to date. Safe to call again. */
  open(): Promise<void> {
    this.opening ??= this.openOnce().catch(async (err) => {
      await this.releaseLock()
      throw openError(err, this.opts.url)
    })
    return this.opening
  }

  private async openOnce(): Promise<void> {
    if (this.opts.singleInstance) await this.claimSingleInstance()
    await this.migrate()
  }

  private async claimSingleInstance(): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'parley-instance', types: TYPES })
    const lost = (err?: Error) => this.lockLost(client, err)
    client.on('error', lost)
    client.on('end', () => lost())
    this.lockClient = client
    await client.connect()
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [SINGLE_INSTANCE_LOCK])
    if (!rows[0]?.ok)
      throw new StoreOpenError(
        `another Parley server already runs on the PostgreSQL database at ${where(this.opts.url)}; one server per database unless they all have REDIS_URL (several servers on PostgreSQL + Redis)`,
      )
    this.lockHeld = true
  }

  /** Whether this store holds the single-instance lock now (false while it takes it again after losing its connection). */
  lockHeld = false

  /**
   * The connection holding the lock went away (PostgreSQL restarted, the session was cut): the
   * lock went with it, so another server could start on the database. Take it again on a new
   * connection, retrying while PostgreSQL is unreachable; if another server took it, say so loudly.
   */
  private lockLost(client: pg.Client, err?: Error): void {
    if (this.closed || this.lockClient !== client || !this.lockHeld) return
    this.lockClient = null
    this.lockHeld = false
    client.end().catch(() => {})
    this.log?.error({ err }, 'lost the PostgreSQL connection holding the single-instance lock; taking the lock again')
    void this.retakeLock()
  }

  private async retakeLock(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.claimSingleInstance()
        this.log?.info('took the single-instance lock again')
        return
      } catch (err) {
        await this.releaseLock()
        if (err instanceof StoreOpenError) {
          this.log?.fatal(`${err.message}: two servers now share this database; stop one of them`)
          return
        }
        // Capped exponential backoff with jitter: PostgreSQL may be restarting.
        await new Promise((r) => setTimeout(r, Math.min(LOCK_RETRY_MAX_MS, LOCK_RETRY_BASE_MS * 2 ** attempt) * (0.5 + Math.random() / 2)))
      }
    }
  }

  private async releaseLock(): Promise<void> {
    const client = this.lockClient
    this.lockClient = null
    this.lockHeld = false
    // Ending the session releases its advisory lock.
    await client?.end().catch(() => {})
  }

  /** Applies the missing migrations, each in its own transaction, under an advisory lock so concurrent starts apply each once. */
  private async migrate(): Promise<void> {
    const client = await this.pool.connect()
    let failure: unknown
    try {
      await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK])
      try {
        await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)')
        const { rows } = await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations')
        const current = rows[0]?.v ?? 0
        if (current > POSTGRES_MIGRATIONS.length)
          throw new StoreOpenError(
            `the PostgreSQL database at ${where(this.opts.url)} has schema version ${current}, newer than this server's ${POSTGRES_MIGRATIONS.length}: run a newer Parley`,
          )
        for (let v = current; v < POSTGRES_MIGRATIONS.length; v++) {
          await transaction(client, async () => {
            await client.query(POSTGRES_MIGRATIONS[v]!)
            await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [v + 1, Date.now()])
          })
          this.log?.info({ version: v + 1 }, 'PostgreSQL schema migrated')
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK])
      }
    } catch (err) {
      failure = err
      throw err
    } finally {
      // A connection that failed mid-way is destroyed (its session lock with it), not reused.
      client.release(failure !== undefined && !isDatabaseError(failure) && !(failure instanceof StoreOpenError))
    }
  }

  /** Lets queued commits finish, then releases the connections (and the single-instance lock with them). */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.ports.commits.close()
    await this.opening?.catch(() => {})
    await this.releaseLock()
    await this.pool.end()
  }
}
