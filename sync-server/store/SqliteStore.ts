import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PortedStore } from './PortedStore.ts'
import { migrate } from './sqlite/migrations.ts'
import { SqliteChannels } from './sqlite/SqliteChannels.ts'
import { SqliteCommits } from './sqlite/SqliteCommits.ts'
import { SqliteDirectory } from './sqlite/SqliteDirectory.ts'
import { SqliteDocumentLog } from './sqlite/SqliteDocumentLog.ts'
import { SqliteFiles } from './sqlite/SqliteFiles.ts'

export interface SqliteStoreOptions {
  /** File path, or ':memory:'. */
  file: string
  /**
   * 'full' fsyncs every commit (survives power loss); 'normal' survives a process crash
   * (kill -9) but may lose the last commits on power loss. Commits are grouped, so 'full'
   * costs one fsync per batch, not per message.
   */
  synchronous?: 'full' | 'normal'
}

/**
 * The default store: one SQLite file in WAL mode. Commits arriving in the same tick share one
 * transaction (sqlite/SqliteCommits); the other ports read through one cache of prepared statements.
 */
export class SqliteStore extends PortedStore {
  readonly kind = 'sqlite'
  private db: Database.Database
  private closed = false
  /**
   * Statements prepared once per query text: preparing on every call was about 5% of the server's
   * CPU in a profile of 10,000 new chats (getVisitor, getConversation, getWidgetAck…).
   */
  private prepared = new Map<string, Database.Statement>()
  protected readonly ports

  constructor(opts: SqliteStoreOptions) {
    super()
    if (opts.file !== ':memory:') mkdirSync(dirname(opts.file), { recursive: true })
    this.db = new Database(opts.file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    migrate(this.db)
    const sql = (text: string) => this.sql(text)
    this.ports = {
      commits: new SqliteCommits(this.db, sql),
      log: new SqliteDocumentLog(sql),
      directory: new SqliteDirectory(sql),
      files: new SqliteFiles(sql),
      channels: new SqliteChannels(sql),
    }
  }

  /** The statement for `sql`, prepared on first use. */
  private sql(sql: string): Database.Statement {
    let st = this.prepared.get(sql)
    if (!st) this.prepared.set(sql, (st = this.db.prepare(sql)))
    return st
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    // Commits already queued finish before the file closes.
    this.ports.commits.close()
    this.db.close()
  }
}
