import type { ChannelKind } from '../../../shared/channels.ts'
import type { Directory } from '../PortedStore.ts'
import type { Row } from '../records.ts'
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
import { isConstraintError, records, type Sql } from './values.ts'

/** Workspaces, agents, sessions, visitors, conversations, widget acks, email notices and command results in SQLite. */
export class SqliteDirectory implements Directory {
  constructor(private sql: Sql) {}

  private one(text: string, ...values: unknown[]): Row | undefined {
    return this.sql(text).get(...values) as Row | undefined
  }

  private all(text: string, ...values: unknown[]): Row[] {
    return this.sql(text).all(...values) as Row[]
  }

  // ---- workspaces, agents, sessions --------------------------------------------------------

  async getWorkspace(id: string): Promise<WorkspaceRecord | null> {
    return records.workspace(this.one('SELECT * FROM workspaces WHERE id = ?', id))
  }

  async listWorkspaceIds(): Promise<string[]> {
    return this.all('SELECT id FROM workspaces ORDER BY id').map((r) => String(r.id))
  }

  async createWorkspace(ws: WorkspaceRecord): Promise<void> {
    this.sql('INSERT INTO workspaces (id, secret, created_at) VALUES (?, ?, ?)').run(ws.id, ws.secret, ws.createdAt)
  }

  async createAgent(a: AgentRecord): Promise<void> {
    try {
      this.sql('INSERT INTO agents (id, workspace, email, name, role, groups, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(a.id, a.workspace, a.email, a.name, a.role, JSON.stringify(a.groups), a.passwordHash, a.createdAt)
    } catch (err) {
      if (isConstraintError(err)) throw new ConflictError('an agent with this email exists')
      throw err
    }
  }

  async getAgent(workspace: string, id: string): Promise<AgentRecord | null> {
    return records.agent(this.one('SELECT * FROM agents WHERE workspace = ? AND id = ?', workspace, id))
  }

  async getAgentByEmail(workspace: string, email: string): Promise<AgentRecord | null> {
    return records.agent(this.one('SELECT * FROM agents WHERE workspace = ? AND email = ?', workspace, email))
  }

  async countAgents(workspace: string): Promise<number> {
    return (this.one('SELECT COUNT(*) AS n FROM agents WHERE workspace = ?', workspace) as { n: number }).n
  }

  async listAgents(workspace: string): Promise<AgentRecord[]> {
    return records.agents(this.all('SELECT * FROM agents WHERE workspace = ? ORDER BY name', workspace))
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.sql('INSERT INTO sessions (token_hash, agent_id, workspace, created_at, expires_at, revoked) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.tokenHash, s.agentId, s.workspace, s.createdAt, s.expiresAt, s.revoked ? 1 : 0)
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    return records.session(this.one('SELECT * FROM sessions WHERE token_hash = ?', tokenHash))
  }

  async revokeSession(tokenHash: string): Promise<void> {
    this.sql('UPDATE sessions SET revoked = 1 WHERE token_hash = ?').run(tokenHash)
  }

  // ---- visitors and conversations ----------------------------------------------------------

  async getVisitor(workspace: string, id: string): Promise<VisitorRecord | null> {
    return records.visitor(this.one('SELECT * FROM visitors WHERE workspace = ? AND id = ?', workspace, id))
  }

  async getVisitorByVerifiedEmail(workspace: string, email: string): Promise<VisitorRecord | null> {
    return records.visitor(this.one('SELECT * FROM visitors WHERE workspace = ? AND verified_email = ?', workspace, email))
  }

  async getVisitorByChannel(workspace: string, kind: ChannelKind, externalId: string): Promise<VisitorRecord | null> {
    return records.visitor(this.one('SELECT * FROM visitors WHERE workspace = ? AND channel_kind = ? AND channel_external_id = ?', workspace, kind, externalId))
  }

  async getConversation(workspace: string, id: string): Promise<ConversationRecord | null> {
    return records.conversation(this.one('SELECT * FROM conversations WHERE workspace = ? AND id = ?', workspace, id))
  }

  async listConversationsOfVisitor(workspace: string, visitorId: string): Promise<ConversationRecord[]> {
    return records.conversations(this.all('SELECT * FROM conversations WHERE workspace = ? AND visitor_id = ? ORDER BY created_at', workspace, visitorId))
  }

  async listSnoozed(workspace?: string): Promise<ConversationRecord[]> {
    if (workspace !== undefined) return records.conversations(this.all('SELECT * FROM conversations WHERE workspace = ? AND snoozed_until IS NOT NULL', workspace))
    return records.conversations(this.all('SELECT * FROM conversations WHERE snoozed_until IS NOT NULL'))
  }

  async listHeldConversations(workspace: string, agentId: string): Promise<ConversationRecord[]> {
    return records.conversations(
      this.all("SELECT * FROM conversations WHERE workspace = ? AND assignee_id = ? AND status != 'closed' ORDER BY created_at", workspace, agentId),
    )
  }

  async listActiveConversations(workspace: string): Promise<ConversationRecord[]> {
    return records.conversations(this.all("SELECT * FROM conversations WHERE workspace = ? AND status != 'closed' ORDER BY created_at", workspace))
  }

  // ---- what commits leave for later: acks, owed emails, command answers ----------------------

  async getWidgetAck(workspace: string, visitorId: string, clientId: string): Promise<WidgetAckRecord | null> {
    const r = this.one('SELECT * FROM widget_acks WHERE workspace = ? AND visitor_id = ? AND client_id = ?', workspace, visitorId, clientId)
    return records.widgetAck(r, visitorId, clientId)
  }

  async listEmailNotices(workspace?: string): Promise<EmailNoticeRecord[]> {
    if (workspace !== undefined) return this.all('SELECT * FROM email_notices WHERE workspace = ? ORDER BY due_at', workspace).map(records.emailNotice)
    return this.all('SELECT * FROM email_notices ORDER BY due_at').map(records.emailNotice)
  }

  async getCommandResult(workspace: string, key: string): Promise<CommandResult | null> {
    return records.commandResult(this.one('SELECT * FROM command_results WHERE workspace = ? AND key = ?', workspace, key), key)
  }
}
