import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { isChannelKind, type ChannelKind } from '../../shared/channels.ts'
import type { LogEvent } from '../../shared/protocol.ts'
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

const MIGRATIONS: string[] = [
  `CREATE TABLE workspaces (id TEXT PRIMARY KEY, secret TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE doc_updates (id INTEGER PRIMARY KEY AUTOINCREMENT, workspace TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL);
   CREATE INDEX doc_updates_by_name ON doc_updates (workspace, name, id);
   CREATE TABLE events (workspace TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, at INTEGER NOT NULL,
     conversation_id TEXT, data TEXT NOT NULL, PRIMARY KEY (workspace, seq)) WITHOUT ROWID;
   CREATE TABLE agents (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
     role TEXT NOT NULL, groups TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL, UNIQUE (workspace, email));
   CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, agent_id TEXT NOT NULL, workspace TEXT NOT NULL,
     created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
   CREATE TABLE visitors (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL,
     created_at INTEGER NOT NULL, current_conversation_id TEXT);
   CREATE TABLE conversations (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, visitor_id TEXT NOT NULL, status TEXT NOT NULL,
     group_id TEXT, assignee_id TEXT, created_at INTEGER NOT NULL);
   CREATE INDEX conversations_by_visitor ON conversations (workspace, visitor_id, created_at);
   CREATE TABLE widget_acks (workspace TEXT NOT NULL, visitor_id TEXT NOT NULL, client_id TEXT NOT NULL,
     message_id TEXT NOT NULL, conversation_id TEXT NOT NULL, PRIMARY KEY (workspace, visitor_id, client_id)) WITHOUT ROWID;`,
  `ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER;
   CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;
   CREATE TABLE command_results (workspace TEXT NOT NULL, key TEXT NOT NULL, agent_id TEXT NOT NULL, status INTEGER NOT NULL,
     body TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (workspace, key)) WITHOUT ROWID;`,
  `ALTER TABLE visitors ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;`,
  `ALTER TABLE agents ADD COLUMN status TEXT NOT NULL DEFAULT 'offline';`,
  `ALTER TABLE visitors ADD COLUMN page_url TEXT NOT NULL DEFAULT '';
   ALTER TABLE visitors ADD COLUMN page_title TEXT NOT NULL DEFAULT '';`,
  `CREATE TABLE files (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
     size INTEGER NOT NULL, uploader_kind TEXT NOT NULL, uploader_id TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX files_by_sha256 ON files (sha256);`,
  `ALTER TABLE conversations ADD COLUMN skill_id TEXT;`,
  `ALTER TABLE visitors ADD COLUMN phone TEXT NOT NULL DEFAULT '';
   ALTER TABLE visitors ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';
   ALTER TABLE visitors ADD COLUMN form_done INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE visitors ADD COLUMN verified_email TEXT;
   CREATE UNIQUE INDEX visitors_by_verified_email ON visitors (workspace, verified_email) WHERE verified_email IS NOT NULL;`,
  `ALTER TABLE visitors ADD COLUMN channel_kind TEXT;
   ALTER TABLE visitors ADD COLUMN channel_external_id TEXT;
   ALTER TABLE visitors ADD COLUMN channel_username TEXT NOT NULL DEFAULT '';
   ALTER TABLE visitors ADD COLUMN channel_profile_url TEXT NOT NULL DEFAULT '';
   CREATE UNIQUE INDEX visitors_by_channel ON visitors (workspace, channel_kind, channel_external_id) WHERE channel_kind IS NOT NULL;
   CREATE TABLE channel_connections (workspace TEXT NOT NULL, kind TEXT NOT NULL, secrets TEXT NOT NULL, details TEXT NOT NULL,
     connected_at INTEGER NOT NULL, PRIMARY KEY (workspace, kind)) WITHOUT ROWID;`,
  `CREATE TABLE email_notices (workspace TEXT NOT NULL, conversation_id TEXT NOT NULL, due_at INTEGER NOT NULL,
     PRIMARY KEY (workspace, conversation_id)) WITHOUT ROWID;`,
  // Partial: only the few connection events are indexed, so logging every other event costs nothing more.
  `CREATE INDEX events_agent_connections ON events (workspace, seq) WHERE type IN ('agent.connected', 'agent.disconnected');`,
]

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

interface Pending {
  commit: Commit
  resolve: (events: LogEvent[]) => void
  reject: (err: unknown) => void
}

type Row = Record<string, unknown>

function eventsOf(rows: Row[]): LogEvent[] {
  return rows.map((r) => ({
    seq: r.seq as number,
    type: r.type as LogEvent['type'],
    at: r.at as number,
    ...(r.conversation_id ? { conversationId: r.conversation_id as string } : {}),
    data: JSON.parse(r.data as string) as Record<string, unknown>,
  }))
}

/** The default store: one SQLite file in WAL mode. Commits arriving in the same tick share one transaction. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite'
  private db: Database.Database
  private queue: Pending[] = []
  private flushScheduled = false
  private nextSeq = new Map<string, number>()
  private closed = false
  private stmts
  /**
   * Reads prepared once per query text: preparing on every call was about 5% of the server's CPU
   * in a profile of 10,000 new chats (getVisitor, getConversation, getWidgetAck…).
   */
  private prepared = new Map<string, Database.Statement>()

  constructor(opts: SqliteStoreOptions) {
    if (opts.file !== ':memory:') mkdirSync(dirname(opts.file), { recursive: true })
    this.db = new Database(opts.file)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${opts.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`)
    this.db.pragma('foreign_keys = ON')
    this.db.pragma('busy_timeout = 5000')
    this.migrate()
    const db = this.db
    this.stmts = {
      insertUpdate: db.prepare('INSERT INTO doc_updates (workspace, name, data) VALUES (?, ?, ?)'),
      loadDoc: db.prepare('SELECT id, data FROM doc_updates WHERE workspace = ? AND name = ? ORDER BY id'),
      deleteDoc: db.prepare('DELETE FROM doc_updates WHERE workspace = ? AND name = ?'),
      countDoc: db.prepare('SELECT COUNT(*) AS n FROM doc_updates WHERE workspace = ? AND name = ?'),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE workspace = ?'),
      insertEvent: db.prepare('INSERT INTO events (workspace, seq, type, at, conversation_id, data) VALUES (?, ?, ?, ?, ?, ?)'),
      readEvents: db.prepare('SELECT seq, type, at, conversation_id, data FROM events WHERE workspace = ? AND seq > ? ORDER BY seq LIMIT ?'),
      // The type list matches the partial index's exactly, so SQLite reads the index, not the log.
      readAgentConnectionEvents: db.prepare(
        "SELECT seq, type, at, conversation_id, data FROM events WHERE workspace = ? AND type IN ('agent.connected', 'agent.disconnected') AND seq > ? ORDER BY seq LIMIT ?",
      ),
      upsertConversation: db.prepare(
        `INSERT INTO conversations (id, workspace, visitor_id, status, group_id, assignee_id, created_at, snoozed_until, skill_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, group_id = excluded.group_id, assignee_id = excluded.assignee_id,
           snoozed_until = excluded.snoozed_until, skill_id = excluded.skill_id`,
      ),
      upsertVisitor: db.prepare(
        `INSERT INTO visitors (id, workspace, name, email, created_at, current_conversation_id, blocked, page_url, page_title, phone, fields, form_done, verified_email,
           channel_kind, channel_external_id, channel_username, channel_profile_url)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
           current_conversation_id = excluded.current_conversation_id,
           page_url = excluded.page_url, page_title = excluded.page_title, phone = excluded.phone, fields = excluded.fields,
           form_done = excluded.form_done, verified_email = excluded.verified_email,
           channel_kind = excluded.channel_kind, channel_external_id = excluded.channel_external_id,
           channel_username = excluded.channel_username, channel_profile_url = excluded.channel_profile_url`,
      ),
      insertCommandResult: db.prepare(
        'INSERT OR IGNORE INTO command_results (workspace, key, agent_id, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      setAgentStatus: db.prepare('UPDATE agents SET status = ? WHERE workspace = ? AND id = ?'),
      setVisitorBlocked: db.prepare('UPDATE visitors SET blocked = ? WHERE workspace = ? AND id = ?'),
      putEmailNotice: db.prepare('INSERT OR REPLACE INTO email_notices (workspace, conversation_id, due_at) VALUES (?, ?, ?)'),
      deleteEmailNotice: db.prepare('DELETE FROM email_notices WHERE workspace = ? AND conversation_id = ?'),
      insertAck: db.prepare(
        'INSERT OR IGNORE INTO widget_acks (workspace, visitor_id, client_id, message_id, conversation_id) VALUES (?, ?, ?, ?, ?)',
      ),
    }
  }

  private migrate() {
    const version = this.db.pragma('user_version', { simple: true }) as number
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!)
        this.db.pragma(`user_version = ${v + 1}`)
      })()
    }
  }

  commit(c: Commit): Promise<LogEvent[]> {
    if (this.closed) return Promise.reject(new Error('store is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ commit: c, resolve, reject })
      if (!this.flushScheduled) {
        this.flushScheduled = true
        // Group commit: everything queued during this turn of the event loop shares one transaction (one fsync).
        setImmediate(() => this.flush())
      }
    })
  }

  private flush() {
    this.flushScheduled = false
    const batch = this.queue
    this.queue = []
    if (batch.length === 0) return
    try {
      const results = this.db.transaction(() => batch.map((p) => this.write(p.commit)))()
      batch.forEach((p, i) => p.resolve(results[i]!))
    } catch {
      // One bad commit must not fail the others: retry them one by one.
      this.nextSeq.clear()
      for (const p of batch) {
        try {
          p.resolve(this.db.transaction(() => this.write(p.commit))())
        } catch (err) {
          this.nextSeq.clear()
          p.reject(err)
        }
      }
    }
  }

  private write(c: Commit): LogEvent[] {
    const s = this.stmts
    for (const u of c.updates ?? []) s.insertUpdate.run(c.workspace, u.doc, u.update)
    for (const k of c.compact ?? []) {
      s.deleteDoc.run(c.workspace, k.doc)
      s.insertUpdate.run(c.workspace, k.doc, k.snapshot)
    }
    for (const v of c.visitors ?? [])
      s.upsertVisitor.run(
        v.id,
        c.workspace,
        v.name,
        v.email,
        v.createdAt,
        v.currentConversationId,
        v.blocked ? 1 : 0,
        v.pageUrl ?? '',
        v.pageTitle ?? '',
        v.phone ?? '',
        JSON.stringify(v.fields ?? {}),
        v.formDone ? 1 : 0,
        v.verifiedEmail || null,
        v.channel?.kind ?? null,
        v.channel?.externalId ?? null,
        v.channel?.username ?? '',
        v.channel?.profileUrl ?? '',
      )
    for (const p of c.visitorPatches ?? []) if (p.blocked !== undefined) s.setVisitorBlocked.run(p.blocked ? 1 : 0, c.workspace, p.id)
    for (const r of c.conversations ?? [])
      s.upsertConversation.run(r.id, c.workspace, r.visitorId, r.status, r.groupId, r.assigneeId, r.createdAt, r.snoozedUntil, r.skillId ?? null)
    for (const a of c.agentStatuses ?? []) s.setAgentStatus.run(a.status, c.workspace, a.agentId)
    for (const r of c.commandResults ?? []) s.insertCommandResult.run(c.workspace, r.key, r.agentId, r.status, JSON.stringify(r.body), Date.now())
    for (const n of c.emailNotices ?? [])
      if (n.dueAt === null) s.deleteEmailNotice.run(c.workspace, n.conversationId)
      else s.putEmailNotice.run(c.workspace, n.conversationId, n.dueAt)
    for (const a of c.widgetAcks ?? []) s.insertAck.run(c.workspace, a.visitorId, a.clientId, a.messageId, a.conversationId)
    const out: LogEvent[] = []
    if (c.events?.length) {
      let seq = this.nextSeq.get(c.workspace) ?? ((s.maxSeq.get(c.workspace) as { seq: number }).seq + 1)
      for (const e of c.events) {
        s.insertEvent.run(c.workspace, seq, e.type, e.at, e.conversationId ?? null, JSON.stringify(e.data))
        out.push({ seq, type: e.type, at: e.at, ...(e.conversationId ? { conversationId: e.conversationId } : {}), data: e.data })
        seq++
      }
      this.nextSeq.set(c.workspace, seq)
    }
    return out
  }

  async loadDocument(workspace: string, name: string): Promise<Uint8Array[]> {
    const rows = this.stmts.loadDoc.all(workspace, name) as { id: number; data: Buffer }[]
    return rows.map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength))
  }

  async countUpdates(workspace: string, name: string): Promise<number> {
    return (this.stmts.countDoc.get(workspace, name) as { n: number }).n
  }

  async readEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    return eventsOf(this.stmts.readEvents.all(workspace, after, limit) as Row[])
  }

  async readAgentConnectionEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    return eventsOf(this.stmts.readAgentConnectionEvents.all(workspace, after, limit) as Row[])
  }

  async lastSeq(workspace: string): Promise<number> {
    return (this.stmts.maxSeq.get(workspace) as { seq: number }).seq
  }

  /** The statement for `sql`, prepared on first use. */
  private sql(sql: string): Database.Statement {
    let st = this.prepared.get(sql)
    if (!st) this.prepared.set(sql, (st = this.db.prepare(sql)))
    return st
  }

  async getWorkspace(id: string): Promise<WorkspaceRecord | null> {
    const r = this.sql('SELECT * FROM workspaces WHERE id = ?').get(id) as Row | undefined
    return r ? { id: r.id as string, secret: r.secret as string, createdAt: r.created_at as number } : null
  }

  async createWorkspace(ws: WorkspaceRecord): Promise<void> {
    this.sql('INSERT INTO workspaces (id, secret, created_at) VALUES (?, ?, ?)').run(ws.id, ws.secret, ws.createdAt)
  }

  async createAgent(a: AgentRecord): Promise<void> {
    try {
      this.sql('INSERT INTO agents (id, workspace, email, name, role, groups, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(a.id, a.workspace, a.email, a.name, a.role, JSON.stringify(a.groups), a.passwordHash, a.createdAt)
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new ConflictError('an agent with this email exists')
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
      groups: JSON.parse(r.groups as string) as string[],
      passwordHash: r.password_hash as string,
      createdAt: r.created_at as number,
      status: (r.status as AgentRecord['status'] | undefined) ?? 'offline',
    }
  }

  async getAgent(workspace: string, id: string): Promise<AgentRecord | null> {
    return this.agentFrom(this.sql('SELECT * FROM agents WHERE workspace = ? AND id = ?').get(workspace, id) as Row | undefined)
  }

  async getAgentByEmail(workspace: string, email: string): Promise<AgentRecord | null> {
    return this.agentFrom(
      this.sql('SELECT * FROM agents WHERE workspace = ? AND email = ?').get(workspace, email) as Row | undefined,
    )
  }

  async countAgents(workspace: string): Promise<number> {
    return (this.sql('SELECT COUNT(*) AS n FROM agents WHERE workspace = ?').get(workspace) as { n: number }).n
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.sql('INSERT INTO sessions (token_hash, agent_id, workspace, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.tokenHash, s.agentId, s.workspace, s.createdAt, s.expiresAt, s.revoked ? 1 : 0)
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const r = this.sql('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as Row | undefined
    if (!r) return null
    return {
      tokenHash: r.token_hash as string,
      agentId: r.agent_id as string,
      workspace: r.workspace as string,
      createdAt: r.created_at as number,
      expiresAt: r.expires_at as number,
      revoked: r.revoked === 1,
    }
  }

  async revokeSession(tokenHash: string): Promise<void> {
    this.sql('UPDATE sessions SET revoked = 1 WHERE token_hash = ?').run(tokenHash)
  }

  async getVisitor(workspace: string, id: string): Promise<VisitorRecord | null> {
    return this.visitorFrom(this.sql('SELECT * FROM visitors WHERE workspace = ? AND id = ?').get(workspace, id) as Row | undefined)
  }

  async getVisitorByVerifiedEmail(workspace: string, email: string): Promise<VisitorRecord | null> {
    return this.visitorFrom(this.sql('SELECT * FROM visitors WHERE workspace = ? AND verified_email = ?').get(workspace, email) as Row | undefined)
  }

  async getVisitorByChannel(workspace: string, kind: ChannelKind, externalId: string): Promise<VisitorRecord | null> {
    return this.visitorFrom(
      this.sql('SELECT * FROM visitors WHERE workspace = ? AND channel_kind = ? AND channel_external_id = ?').get(workspace, kind, externalId) as Row | undefined,
    )
  }

  private visitorFrom(r: Row | undefined): VisitorRecord | null {
    if (!r) return null
    let fields: Record<string, string> = {}
    try {
      fields = JSON.parse(r.fields as string) as Record<string, string>
    } catch {
      // A damaged value loses the custom fields, not the visitor.
    }
    return {
      id: r.id as string,
      workspace: r.workspace as string,
      name: r.name as string,
      email: r.email as string,
      createdAt: r.created_at as number,
      currentConversationId: (r.current_conversation_id as string | null) ?? null,
      blocked: r.blocked === 1,
      pageUrl: (r.page_url as string) || undefined,
      pageTitle: (r.page_title as string) || undefined,
      phone: (r.phone as string) || undefined,
      fields,
      formDone: r.form_done === 1,
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

  async getConversation(workspace: string, id: string): Promise<ConversationRecord | null> {
    const r = this.sql('SELECT * FROM conversations WHERE workspace = ? AND id = ?').get(workspace, id) as Row | undefined
    return r ? this.conversationFrom(r) : null
  }

  async listConversationsOfVisitor(workspace: string, visitorId: string): Promise<ConversationRecord[]> {
    const rows = this.sql('SELECT * FROM conversations WHERE workspace = ? AND visitor_id = ? ORDER BY created_at')
      .all(workspace, visitorId) as Row[]
    return rows.map((r) => this.conversationFrom(r))
  }

  async getWidgetAck(workspace: string, visitorId: string, clientId: string): Promise<WidgetAckRecord | null> {
    const r = this.sql('SELECT * FROM widget_acks WHERE workspace = ? AND visitor_id = ? AND client_id = ?')
      .get(workspace, visitorId, clientId) as Row | undefined
    return r
      ? { visitorId, clientId, messageId: r.message_id as string, conversationId: r.conversation_id as string }
      : null
  }

  async listEmailNotices(): Promise<EmailNoticeRecord[]> {
    const rows = this.sql('SELECT * FROM email_notices ORDER BY due_at').all() as Row[]
    return rows.map((r) => ({ workspace: String(r.workspace), conversationId: String(r.conversation_id), dueAt: Number(r.due_at) }))
  }

  async listSnoozed(): Promise<ConversationRecord[]> {
    const rows = this.sql('SELECT * FROM conversations WHERE snoozed_until IS NOT NULL').all() as Row[]
    return rows.map((r) => this.conversationFrom(r))
  }

  async getCommandResult(workspace: string, key: string): Promise<CommandResult | null> {
    const r = this.sql('SELECT * FROM command_results WHERE workspace = ? AND key = ?').get(workspace, key) as Row | undefined
    return r ? { key, agentId: r.agent_id as string, status: r.status as number, body: JSON.parse(r.body as string) as unknown } : null
  }

  async conversationNumber(workspace: string, id: string): Promise<number | null> {
    const r = this.sql("SELECT seq FROM events WHERE workspace = ? AND conversation_id = ? AND type = 'conversation.created' ORDER BY seq LIMIT 1")
      .get(workspace, id) as { seq: number } | undefined
    return r?.seq ?? null
  }

  async listHeldConversations(workspace: string, agentId: string): Promise<ConversationRecord[]> {
    const rows = this.sql("SELECT * FROM conversations WHERE workspace = ? AND assignee_id = ? AND status != 'closed' ORDER BY created_at")
      .all(workspace, agentId) as Row[]
    return rows.map((r) => this.conversationFrom(r))
  }

  async listActiveConversations(workspace: string): Promise<ConversationRecord[]> {
    const rows = this.sql("SELECT * FROM conversations WHERE workspace = ? AND status != 'closed' ORDER BY created_at").all(workspace) as Row[]
    return rows.map((r) => this.conversationFrom(r))
  }

  async listAgents(workspace: string): Promise<AgentRecord[]> {
    const rows = this.sql('SELECT * FROM agents WHERE workspace = ? ORDER BY name').all(workspace) as Row[]
    return rows.map((r) => this.agentFrom(r)!)
  }

  async createFile(f: FileRecord): Promise<void> {
    this.sql(
        'INSERT INTO files (id, workspace, sha256, name, type, size, uploader_kind, uploader_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(f.id, f.workspace, f.sha256, f.name, f.type, f.size, f.uploaderKind, f.uploaderId, f.createdAt)
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
    const r = this.sql('SELECT * FROM files WHERE id = ?').get(id) as Row | undefined
    return r ? this.fileFrom(r) : null
  }

  async getFiles(workspace: string, ids: readonly string[]): Promise<FileRecord[]> {
    if (!ids.length) return []
    const unique = [...new Set(ids)]
    const rows = this.sql(`SELECT * FROM files WHERE workspace = ? AND id IN (${unique.map(() => '?').join(', ')})`)
      .all(workspace, ...unique) as Row[]
    return rows.map((r) => this.fileFrom(r))
  }

  async putChannelConnection(c: ChannelConnectionRecord): Promise<void> {
    this.sql(
        `INSERT INTO channel_connections (workspace, kind, secrets, details, connected_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (workspace, kind) DO UPDATE SET secrets = excluded.secrets, details = excluded.details, connected_at = excluded.connected_at`,
      )
      .run(c.workspace, c.kind, JSON.stringify(c.secrets), JSON.stringify(c.details), c.connectedAt)
  }

  private connectionFrom(r: Row | undefined): ChannelConnectionRecord | null {
    if (!r || !isChannelKind(r.kind)) return null
    return {
      workspace: r.workspace as string,
      kind: r.kind,
      secrets: JSON.parse(r.secrets as string) as Record<string, string>,
      details: JSON.parse(r.details as string) as Record<string, string>,
      connectedAt: r.connected_at as number,
    }
  }

  async getChannelConnection(workspace: string, kind: ChannelKind): Promise<ChannelConnectionRecord | null> {
    return this.connectionFrom(this.sql('SELECT * FROM channel_connections WHERE workspace = ? AND kind = ?').get(workspace, kind) as Row | undefined)
  }

  async listChannelConnections(workspace: string): Promise<ChannelConnectionRecord[]> {
    const rows = this.sql('SELECT * FROM channel_connections WHERE workspace = ? ORDER BY kind').all(workspace) as Row[]
    return rows.map((r) => this.connectionFrom(r)).filter((c): c is ChannelConnectionRecord => c !== null)
  }

  async deleteChannelConnection(workspace: string, kind: ChannelKind): Promise<boolean> {
    return this.sql('DELETE FROM channel_connections WHERE workspace = ? AND kind = ?').run(workspace, kind).changes > 0
  }

  async close(): Promise<void> {
    if (this.closed) return
    // Let commits already queued finish before the file closes.
    if (this.queue.length) this.flush()
    this.closed = true
    this.db.close()
  }
}
