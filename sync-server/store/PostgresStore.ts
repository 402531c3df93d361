import pg from 'pg'
import type { Logger } from 'pino'
import { isChannelKind, type ChannelKind } from '../../shared/channels.ts'
import type { LogEvent } from '../../shared/protocol.ts'
import { writeCommits, type Queryable } from './postgresCommits.ts'
import { POSTGRES_MIGRATIONS } from './postgresMigrations.ts'
import { cleanText, isDatabaseError, json, openError, params, StoreOpenError, TYPES, where } from './postgresValues.ts'
import {
  ConflictError,
  type AgentRecord,
  type ChannelConnectionRecord,
  type CommandResult,
  type Commit,
  type ConversationRecord,
  type EmailNoticeRecord,
  type FileRecord,
  type SessionRecord,
  type Store,
  type VisitorRecord,
  type WidgetAckRecord,
  type WorkspaceRecord,
} from './Store.ts'

/**
 * Advisory lock keys (`pg_advisory_lock(bigint)`), fixed so an operator can recognise them in
 * `pg_locks`: 0x5061726C6579 is "Parley" in ASCII, the last digit says what the lock is for.
 */
const MIGRATION_LOCK = '88600000201001'
const SINGLE_INSTANCE_LOCK = '88600000201002'
/** Commits written in one transaction at most: bounds the time one transaction holds the workspace's counter row. */
const MAX_GROUP_COMMIT = 256
/** How long opening a connection may take before the store says PostgreSQL cannot be reached. */
const CONNECT_TIMEOUT_MS = 10_000
/** Retaking a lost single-instance lock: first retry after about this, doubling up to the cap (PostgreSQL restarting takes seconds). */
const LOCK_RETRY_BASE_MS = 250
const LOCK_RETRY_MAX_MS = 5_000
/** SQLSTATE for a unique constraint broken. */
const UNIQUE_VIOLATION = '23505'

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

export { StoreOpenError, where } from './postgresValues.ts'

interface Pending {
  commit: Commit
  resolve: (events: LogEvent[]) => void
  reject: (err: unknown) => void
}

type Row = Record<string, unknown>

function eventOf(r: Row): LogEvent {
  return {
    seq: r.seq as number,
    type: r.type as LogEvent['type'],
    at: r.at as number,
    ...(r.conversation_id ? { conversationId: r.conversation_id as string } : {}),
    data: r.data as Record<string, unknown>,
  }
}

/**
 * The PostgreSQL store (DESIGN §3.3). A commit is one transaction; commits of this store are
 * written one transaction after another, several at a time (group commit), and resolve in the
 * order `commit` was called, each only after its COMMIT. Each workspace's sequence comes from its
 * counter row, bumped in the commit's own transaction (READ COMMITTED): another process committing
 * to the same workspace waits on that row, so sequence order is commit order and nothing skips.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres'
  private pool: pg.Pool
  private log: Logger | undefined
  private queue: Pending[] = []
  private flushing: Promise<void> | null = null
  private closed = false
  private opening: Promise<void> | null = null
  private lockClient: pg.Client | null = null

  constructor(private opts: PostgresStoreOptions) {
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
        `another Parley server already runs on the PostgreSQL database at ${where(this.opts.url)}; this version runs one instance per database (several need REDIS_URL, not in this version yet)`,
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
          await this.transaction(client, async () => {
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

  private async transaction<T>(client: Queryable, fn: () => Promise<T>): Promise<T> {
    await client.query('BEGIN')
    try {
      const out = await fn()
      await client.query('COMMIT')
      return out
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {})
      throw err
    }
  }

  private async q(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params(values))).rows as Row[]
  }

  // ---- commits -----------------------------------------------------------------------------

  commit(c: Commit): Promise<LogEvent[]> {
    if (this.closed) return Promise.reject(new Error('store is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ commit: c, resolve, reject })
      this.flushing ??= this.flushAll()
    })
  }

  /** Writes queued commits a batch at a time; what arrives while a batch is written forms the next one. */
  private async flushAll(): Promise<void> {
    try {
      while (this.queue.length) await this.flushBatch(this.queue.splice(0, MAX_GROUP_COMMIT))
    } finally {
      this.flushing = null
    }
  }

  private async flushBatch(batch: Pending[]): Promise<void> {
    try {
      const results = await this.withClient((client) => this.transaction(client, () => writeCommits(client, batch.map((p) => p.commit))))
      batch.forEach((p, i) => p.resolve(results[i]!))
      return
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err)
    }
    // One bad commit must not fail the others: each alone, in order. Sequence numbers taken by
    // the failed transaction were rolled back with it, so none is skipped.
    for (const p of batch) {
      try {
        p.resolve((await this.withClient((client) => this.transaction(client, () => writeCommits(client, [p.commit]))))[0]!)
      } catch (err) {
        p.reject(err)
      }
    }
  }

  private async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    try {
      const out = await fn(client)
      client.release()
      return out
    } catch (err) {
      // A broken connection is destroyed; after a SQL error the connection is fine (rolled back).
      client.release(isDatabaseError(err) ? undefined : (err as Error))
      throw err
    }
  }

  // ---- documents and the log ---------------------------------------------------------------

  async loadDocument(workspace: string, name: string): Promise<Uint8Array[]> {
    // One statement: one snapshot, so a compaction committing meanwhile is seen whole or not at all.
    const rows = await this.q('SELECT data FROM doc_updates WHERE workspace = $1 AND name = $2 ORDER BY id', [workspace, name])
    return rows.map((r) => {
      const b = r.data as Buffer
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    })
  }

  async countUpdates(workspace: string, name: string): Promise<number> {
    return (await this.q('SELECT COUNT(*) AS n FROM doc_updates WHERE workspace = $1 AND name = $2', [workspace, name]))[0]!.n as number
  }

  async readEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    const rows = await this.q('SELECT seq, type, at, conversation_id, data FROM events WHERE workspace = $1 AND seq > $2 ORDER BY seq LIMIT $3', [
      workspace,
      after,
      limit,
    ])
    return rows.map(eventOf)
  }

  async readAgentConnectionEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    // The type list matches the partial index's exactly.
    const rows = await this.q(
      `SELECT seq, type, at, conversation_id, data FROM events WHERE workspace = $1 AND type IN ('agent.connected', 'agent.disconnected')
       AND seq > $2 ORDER BY seq LIMIT $3`,
      [workspace, after, limit],
    )
    return rows.map(eventOf)
  }

  async lastSeq(workspace: string): Promise<number> {
    const rows = await this.q('SELECT last FROM workspace_seq WHERE workspace = $1', [workspace])
    return (rows[0]?.last as number | undefined) ?? 0
  }

  // ---- workspaces, agents, sessions --------------------------------------------------------

  async getWorkspace(id: string): Promise<WorkspaceRecord | null> {
    const r = (await this.q('SELECT id, secret, created_at FROM workspaces WHERE id = $1', [id]))[0]
    return r ? { id: r.id as string, secret: r.secret as string, createdAt: r.created_at as number } : null
  }

  async createWorkspace(ws: WorkspaceRecord): Promise<void> {
    await this.q(
      `WITH w AS (INSERT INTO workspaces (id, secret, created_at) VALUES ($1, $2, $3) RETURNING id)
       INSERT INTO workspace_seq (workspace, last) SELECT id, 0 FROM w ON CONFLICT (workspace) DO NOTHING`,
      [ws.id, ws.secret, ws.createdAt],
    )
  }

  async createAgent(a: AgentRecord): Promise<void> {
    try {
      await this.q(
        'INSERT INTO agents (id, workspace, email, name, role, groups, password_hash, created_at, status) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)',
        [a.id, a.workspace, a.email, a.name, a.role, json(a.groups), a.passwordHash, a.createdAt, a.status ?? 'offline'],
      )
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw new ConflictError('an agent with this email exists')
      throw err
    }
  }

  private agentFrom(r: Row | undefined): AgentRecord | null {
    if (!r) return null
    return {
      id: r.id as string,
      workspace: r.workspace as string,
      email: r.email as string,
      name: r.name as string,
      role: r.role as AgentRecord['role'],
      groups: r.groups as string[],
      passwordHash: r.password_hash as string,
      createdAt: r.created_at as number,
      status: (r.status as AgentRecord['status'] | undefined) ?? 'offline',
    }
  }

  async getAgent(workspace: string, id: string): Promise<AgentRecord | null> {
    return this.agentFrom((await this.q('SELECT * FROM agents WHERE workspace = $1 AND id = $2', [workspace, id]))[0])
  }

  async getAgentByEmail(workspace: string, email: string): Promise<AgentRecord | null> {
    return this.agentFrom((await this.q('SELECT * FROM agents WHERE workspace = $1 AND email = $2', [workspace, email]))[0])
  }

  async countAgents(workspace: string): Promise<number> {
    return (await this.q('SELECT COUNT(*) AS n FROM agents WHERE workspace = $1', [workspace]))[0]!.n as number
  }

  async listAgents(workspace: string): Promise<AgentRecord[]> {
    // COLLATE "C": the same order as SQLite's default (binary) comparison.
    const rows = await this.q('SELECT * FROM agents WHERE workspace = $1 ORDER BY name COLLATE "C", id', [workspace])
    return rows.map((r) => this.agentFrom(r)!)
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.q('INSERT INTO sessions (token_hash, agent_id, workspace, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5, $6)', [
      s.tokenHash,
      s.agentId,
      s.workspace,
      s.createdAt,
      s.expiresAt,
      s.revoked,
    ])
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const r = (await this.q('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash]))[0]
    if (!r) return null
    return {
      tokenHash: r.token_hash as string,
      agentId: r.agent_id as string,
      workspace: r.workspace as string,
      createdAt: r.created_at as number,
      expiresAt: r.expires_at as number,
      revoked: r.revoked === true,
    }
  }

  async revokeSession(tokenHash: string): Promise<void> {
    await this.q('UPDATE sessions SET revoked = true WHERE token_hash = $1', [tokenHash])
  }

  // ---- visitors and conversations ----------------------------------------------------------

  private visitorFrom(r: Row | undefined): VisitorRecord | null {
    if (!r) return null
    const fields = r.fields && typeof r.fields === 'object' && !Array.isArray(r.fields) ? (r.fields as Record<string, string>) : {}
    return {
      id: r.id as string,
      workspace: r.workspace as string,
      name: r.name as string,
      email: r.email as string,
      createdAt: r.created_at as number,
      currentConversationId: (r.current_conversation_id as string | null) ?? null,
      blocked: r.blocked === true,
      pageUrl: (r.page_url as string) || undefined,
      pageTitle: (r.page_title as string) || undefined,
      phone: (r.phone as string) || undefined,
      fields,
      formDone: r.form_done === true,
      verifiedEmail: (r.verified_email as string | null) || undefined,
      ...(isChannelKind(r.channel_kind) && r.channel_external_id
        ? {
            channel: {
              kind: r.channel_kind,
              externalId: r.channel_external_id as string,
              username: (r.channel_username as string) ?? '',
              profileUrl: (r.channel_profile_url as string) ?? '',
            },
          }
        : {}),
    }
  }

  async getVisitor(workspace: string, id: string): Promise<VisitorRecord | null> {
    return this.visitorFrom((await this.q('SELECT * FROM visitors WHERE workspace = $1 AND id = $2', [workspace, id]))[0])
  }

  async getVisitorByVerifiedEmail(workspace: string, email: string): Promise<VisitorRecord | null> {
    return this.visitorFrom((await this.q('SELECT * FROM visitors WHERE workspace = $1 AND verified_email = $2', [workspace, email]))[0])
  }

  async getVisitorByChannel(workspace: string, kind: ChannelKind, externalId: string): Promise<VisitorRecord | null> {
    return this.visitorFrom(
      (await this.q('SELECT * FROM visitors WHERE workspace = $1 AND channel_kind = $2 AND channel_external_id = $3', [workspace, kind, externalId]))[0],
    )
  }

  private conversationFrom(r: Row): ConversationRecord {
    return {
      id: r.id as string,
      workspace: r.workspace as string,
      visitorId: r.visitor_id as string,
      status: r.status as string,
      groupId: (r.group_id as string | null) ?? null,
      assigneeId: (r.assignee_id as string | null) ?? null,
      createdAt: r.created_at as number,
      snoozedUntil: (r.snoozed_until as number | null) ?? null,
      skillId: (r.skill_id as string | null) ?? null,
    }
  }

  private async conversations(sql: string, values: unknown[]): Promise<ConversationRecord[]> {
    return (await this.q(sql, values)).map((r) => this.conversationFrom(r))
  }

  async getConversation(workspace: string, id: string): Promise<ConversationRecord | null> {
    return (await this.conversations('SELECT * FROM conversations WHERE workspace = $1 AND id = $2', [workspace, id]))[0] ?? null
  }

  async listConversationsOfVisitor(workspace: string, visitorId: string): Promise<ConversationRecord[]> {
    return this.conversations('SELECT * FROM conversations WHERE workspace = $1 AND visitor_id = $2 ORDER BY created_at, id', [workspace, visitorId])
  }

  async listSnoozed(): Promise<ConversationRecord[]> {
    return this.conversations('SELECT * FROM conversations WHERE snoozed_until IS NOT NULL ORDER BY snoozed_until', [])
  }

  async listHeldConversations(workspace: string, agentId: string): Promise<ConversationRecord[]> {
    return this.conversations("SELECT * FROM conversations WHERE workspace = $1 AND assignee_id = $2 AND status <> 'closed' ORDER BY created_at, id", [
      workspace,
      agentId,
    ])
  }

  async listActiveConversations(workspace: string): Promise<ConversationRecord[]> {
    return this.conversations("SELECT * FROM conversations WHERE workspace = $1 AND status <> 'closed' ORDER BY created_at, id", [workspace])
  }

  async conversationNumber(workspace: string, id: string): Promise<number | null> {
    const r = (
      await this.q("SELECT seq FROM events WHERE workspace = $1 AND conversation_id = $2 AND type = 'conversation.created' ORDER BY seq LIMIT 1", [
        workspace,
        id,
      ])
    )[0]
    return (r?.seq as number | undefined) ?? null
  }

  async getWidgetAck(workspace: string, visitorId: string, clientId: string): Promise<WidgetAckRecord | null> {
    const r = (await this.q('SELECT * FROM widget_acks WHERE workspace = $1 AND visitor_id = $2 AND client_id = $3', [workspace, visitorId, clientId]))[0]
    return r ? { visitorId, clientId, messageId: r.message_id as string, conversationId: r.conversation_id as string } : null
  }

  async listEmailNotices(): Promise<EmailNoticeRecord[]> {
    const rows = await this.q('SELECT * FROM email_notices ORDER BY due_at, workspace, conversation_id')
    return rows.map((r) => ({ workspace: r.workspace as string, conversationId: r.conversation_id as string, dueAt: r.due_at as number }))
  }

  async getCommandResult(workspace: string, key: string): Promise<CommandResult | null> {
    const r = (await this.q('SELECT * FROM command_results WHERE workspace = $1 AND key = $2', [workspace, key]))[0]
    return r ? { key, agentId: r.agent_id as string, status: r.status as number, body: r.body } : null
  }

  // ---- files and channels ------------------------------------------------------------------

  async createFile(f: FileRecord): Promise<void> {
    await this.q(
      'INSERT INTO files (id, workspace, sha256, name, type, size, uploader_kind, uploader_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [f.id, f.workspace, f.sha256, f.name, f.type, f.size, f.uploaderKind, f.uploaderId, f.createdAt],
    )
  }

  private fileFrom(r: Row): FileRecord {
    return {
      id: r.id as string,
      workspace: r.workspace as string,
      sha256: r.sha256 as string,
      name: r.name as string,
      type: r.type as string,
      size: r.size as number,
      uploaderKind: r.uploader_kind as FileRecord['uploaderKind'],
      uploaderId: r.uploader_id as string,
      createdAt: r.created_at as number,
    }
  }

  async getFile(id: string): Promise<FileRecord | null> {
    const r = (await this.q('SELECT * FROM files WHERE id = $1', [id]))[0]
    return r ? this.fileFrom(r) : null
  }

  async getFiles(workspace: string, ids: readonly string[]): Promise<FileRecord[]> {
    if (!ids.length) return []
    const rows = await this.q('SELECT * FROM files WHERE workspace = $1 AND id = ANY($2::text[])', [workspace, [...new Set(ids)].map(cleanText)])
    return rows.map((r) => this.fileFrom(r))
  }

  async putChannelConnection(c: ChannelConnectionRecord): Promise<void> {
    await this.q(
      `INSERT INTO channel_connections (workspace, kind, secrets, details, connected_at) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)
       ON CONFLICT (workspace, kind) DO UPDATE SET secrets = excluded.secrets, details = excluded.details, connected_at = excluded.connected_at`,
      [c.workspace, c.kind, json(c.secrets), json(c.details), c.connectedAt],
    )
  }

  private connectionFrom(r: Row | undefined): ChannelConnectionRecord | null {
    if (!r || !isChannelKind(r.kind)) return null
    return {
      workspace: r.workspace as string,
      kind: r.kind,
      secrets: r.secrets as Record<string, string>,
      details: r.details as Record<string, string>,
      connectedAt: r.connected_at as number,
    }
  }

  async getChannelConnection(workspace: string, kind: ChannelKind): Promise<ChannelConnectionRecord | null> {
    return this.connectionFrom((await this.q('SELECT * FROM channel_connections WHERE workspace = $1 AND kind = $2', [workspace, kind]))[0])
  }

  async listChannelConnections(workspace: string): Promise<ChannelConnectionRecord[]> {
    const rows = await this.q('SELECT * FROM channel_connections WHERE workspace = $1 ORDER BY kind COLLATE "C"', [workspace])
    return rows.map((r) => this.connectionFrom(r)).filter((c): c is ChannelConnectionRecord => c !== null)
  }

  async deleteChannelConnection(workspace: string, kind: ChannelKind): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM channel_connections WHERE workspace = $1 AND kind = $2', params([workspace, kind]))).rowCount ?? 0) > 0
  }

  /** Lets queued commits finish, then releases the connections (and the single-instance lock with them). */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    while (this.flushing) await this.flushing
    await this.opening?.catch(() => {})
    await this.releaseLock()
    await this.pool.end()
  }
}
