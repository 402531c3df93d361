import type { ChannelKind } from '../../../shared/channels.ts'
import type { Directory } from '../PortedStore.ts'
import {
  ConflictError,
  type AgentRecord,
  type CommandResult,
  type ConversationRecord,
  type EmailNoticeRecord,
  type SessionRecord,
  type VisitorRecord,
  type WidgetAckRecord,
  type WorkspaceRecord,
} from '../Store.ts'
import type { Row } from '../records.ts'
import { BatchedReads } from './BatchedReads.ts'
import { cleanText, json, records, type Queries } from './values.ts'

/** SQLSTATE for a unique constraint broken. */
const UNIQUE_VIOLATION = '23505'

/** Workspaces, agents, sessions, visitors, conversations, widget acks, email notices and command results in PostgreSQL. */
export class PostgresDirectory implements Directory {
  // The reads of every message and connection (a visitor, their conversation, an agent, a resend's
  // ack), asked for at about the same time, go in one query each (BatchedReads).
  private readonly agents
  private readonly visitors
  private readonly conversations
  private readonly acks

  constructor(private db: Queries) {
    const byId = (table: string) =>
      new BatchedReads<{ workspace: string; id: string }, Row>(
        (keys) =>
          db.rows(`SELECT t.* FROM ${table} t JOIN unnest($1::text[], $2::text[]) AS k(workspace, id) ON t.workspace = k.workspace AND t.id = k.id`, [
            keys.map((k) => cleanText(k.workspace)),
            keys.map((k) => cleanText(k.id)),
          ]),
        (k) => `${cleanText(k.workspace)}\0${cleanText(k.id)}`,
        (r) => `${String(r.workspace)}\0${String(r.id)}`,
      )
    this.agents = byId('agents')
    this.visitors = byId('visitors')
    this.conversations = byId('conversations')
    this.acks = new BatchedReads<{ workspace: string; visitorId: string; clientId: string }, Row>(
      (keys) =>
        db.rows(
          `SELECT a.* FROM widget_acks a JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(workspace, visitor_id, client_id)
           ON a.workspace = k.workspace AND a.visitor_id = k.visitor_id AND a.client_id = k.client_id`,
          [keys.map((k) => cleanText(k.workspace)), keys.map((k) => cleanText(k.visitorId)), keys.map((k) => cleanText(k.clientId))],
        ),
      (k) => `${cleanText(k.workspace)}\0${cleanText(k.visitorId)}\0${cleanText(k.clientId)}`,
      (r) => `${String(r.workspace)}\0${String(r.visitor_id)}\0${String(r.client_id)}`,
    )
  }

  // ---- workspaces, agents, sessions --------------------------------------------------------

  async getWorkspace(id: string): Promise<WorkspaceRecord | null> {
    return records.workspace(await this.db.first('SELECT id, secret, created_at FROM workspaces WHERE id = $1', [id]))
  }

  async listWorkspaceIds(): Promise<string[]> {
    // COLLATE "C": the same order as SQLite's.
    return (await this.db.rows('SELECT id FROM workspaces ORDER BY id COLLATE "C"')).map((r) => String(r.id))
  }

  async createWorkspace(ws: WorkspaceRecord): Promise<void> {
    await this.db.rows(
      `WITH w AS (INSERT INTO workspaces (id, secret, created_at) VALUES ($1, $2, $3) RETURNING id)
       INSERT INTO workspace_seq (workspace, last) SELECT id, 0 FROM w ON CONFLICT (workspace) DO NOTHING`,
      [ws.id, ws.secret, ws.createdAt],
    )
  }

  async createAgent(a: AgentRecord): Promise<void> {
    try {
      await this.db.rows(
        'INSERT INTO agents (id, workspace, email, name, role, groups, password_hash, created_at, status) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)',
        [a.id, a.workspace, a.email, a.name, a.role, json(a.groups), a.passwordHash, a.createdAt, a.status ?? 'offline'],
      )
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw new ConflictError('an agent with this email exists')
      throw err
    }
  }

  async getAgent(workspace: string, id: string): Promise<AgentRecord | null> {
    return records.agent(await this.agents.read({ workspace, id }))
  }

  async getAgentByEmail(workspace: string, email: string): Promise<AgentRecord | null> {
    return records.agent(await this.db.first('SELECT * FROM agents WHERE workspace = $1 AND email = $2', [workspace, email]))
  }

  async countAgents(workspace: string): Promise<number> {
    return (await this.db.first('SELECT COUNT(*) AS n FROM agents WHERE workspace = $1', [workspace]))!.n as number
  }

  async listAgents(workspace: string): Promise<AgentRecord[]> {
    // COLLATE "C": the same order as SQLite's default (binary) comparison.
    return records.agents(await this.db.rows('SELECT * FROM agents WHERE workspace = $1 ORDER BY name COLLATE "C", id', [workspace]))
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.db.rows('INSERT INTO sessions (token_hash, agent_id, workspace, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5, $6)', [
      s.tokenHash,
      s.agentId,
      s.workspace,
      s.createdAt,
      s.expiresAt,
      s.revoked,
    ])
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    return records.session(await this.db.first('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash]))
  }

  async revokeSession(tokenHash: string): Promise<void> {
    await this.db.rows('UPDATE sessions SET revoked = true WHERE token_hash = $1', [tokenHash])
  }

  // ---- visitors and conversations ----------------------------------------------------------

  async getVisitor(workspace: string, id: string): Promise<VisitorRecord | null> {
    return records.visitor(await this.visitors.read({ workspace, id }))
  }

  async getVisitorByVerifiedEmail(workspace: string, email: string): Promise<VisitorRecord | null> {
    return records.visitor(await this.db.first('SELECT * FROM visitors WHERE workspace = $1 AND verified_email = $2', [workspace, email]))
  }

  async getVisitorByChannel(workspace: string, kind: ChannelKind, externalId: string): Promise<VisitorRecord | null> {
    return records.visitor(
      await this.db.first('SELECT * FROM visitors WHERE workspace = $1 AND channel_kind = $2 AND channel_external_id = $3', [workspace, kind, externalId]),
    )
  }

  async getConversation(workspace: string, id: string): Promise<ConversationRecord | null> {
    return records.conversation(await this.conversations.read({ workspace, id }))
  }

  async listConversationsOfVisitor(workspace: string, visitorId: string): Promise<ConversationRecord[]> {
    return records.conversations(
      await this.db.rows('SELECT * FROM conversations WHERE workspace = $1 AND visitor_id = $2 ORDER BY created_at, id', [workspace, visitorId]),
    )
  }

  async listSnoozed(workspace?: string): Promise<ConversationRecord[]> {
    return records.conversations(
      await this.db.rows('SELECT * FROM conversations WHERE snoozed_until IS NOT NULL AND ($1::text IS NULL OR workspace = $1) ORDER BY snoozed_until', [workspace ?? null]),
    )
  }

  async listHeldConversations(workspace: string, agentId: string): Promise<ConversationRecord[]> {
    return records.conversations(
      await this.db.rows("SELECT * FROM conversations WHERE workspace = $1 AND assignee_id = $2 AND status <> 'closed' ORDER BY created_at, id", [
        workspace,
        agentId,
      ]),
    )
  }

  async listActiveConversations(workspace: string): Promise<ConversationRecord[]> {
    return records.conversations(await this.db.rows("SELECT * FROM conversations WHERE workspace = $1 AND status <> 'closed' ORDER BY created_at, id", [workspace]))
  }

  // ---- what commits leave for later: acks, owed emails, command answers ----------------------

  async getWidgetAck(workspace: string, visitorId: string, clientId: string): Promise<WidgetAckRecord | null> {
    return records.widgetAck(await this.acks.read({ workspace, visitorId, clientId }), visitorId, clientId)
  }

  async listEmailNotices(workspace?: string): Promise<EmailNoticeRecord[]> {
    return (await this.db.rows('SELECT * FROM email_notices WHERE ($1::text IS NULL OR workspace = $1) ORDER BY due_at, workspace, conversation_id', [workspace ?? null])).map(
      records.emailNotice,
    )
  }

  async getCommandResult(workspace: string, key: string): Promise<CommandResult | null> {
    return records.commandResult(await this.db.first('SELECT * FROM command_results WHERE workspace = $1 AND key = $2', [workspace, key]), key)
  }
}
