import type { ChannelIdentity, ChannelKind } from '../../shared/channels.ts'
import type { AgentStatus, LogEvent, Role } from '../../shared/protocol.ts'

/** An event before the store gives it its sequence number. */
export interface NewEvent {
  type: LogEvent['type']
  at: number
  conversationId?: string
  data: Record<string, unknown>
}

export interface AgentRecord {
  id: string
  workspace: string
  email: string
  name: string
  role: Role
  groups: string[]
  passwordHash: string
  createdAt: number
  /** Online, away or offline, as the agent set it; the dispatcher reads it. */
  status: AgentStatus
}

export interface SessionRecord {
  tokenHash: string
  agentId: string
  workspace: string
  createdAt: number
  expiresAt: number
  revoked: boolean
}

export interface VisitorRecord {
  id: string
  workspace: string
  name: string
  email: string
  createdAt: number
  /** The conversation new messages go to, until it is closed. */
  currentConversationId: string | null
  /** Blocked visitors' messages are refused. */
  blocked: boolean
  /** The page the visitor was last seen on, from the widget. */
  pageUrl?: string
  pageTitle?: string
  /** From the widget's forms (`phone` field). */
  phone?: string
  /** Custom fields for the client card: form answers other than name, email, phone, and `Parley.setAttributes` values. */
  fields?: Record<string, string>
  /** The visitor answered the pre-chat form. */
  formDone?: boolean
  /**
   * The email proven by the site's identity hash (lower-case): one visitor per verified email in a
   * workspace, so their history follows them across devices. Unset for unverified visitors.
   */
  verifiedEmail?: string
  /** Who the visitor is on a messenger, when they write from one: one visitor per (workspace, kind, external id). */
  channel?: ChannelIdentity
}

/**
 * A change to some fields of an existing visitor, whatever else was written meanwhile: each field
 * named is set, the others stay as stored; `fields` is merged over the stored custom fields (a
 * key named is set, the others stay). Every writer of an existing visitor sends one, never the
 * whole record, so two writers holding copies read at the same time cannot undo each other.
 */
export interface VisitorPatch {
  id: string
  blocked?: boolean
  name?: string
  email?: string
  currentConversationId?: string | null
  pageUrl?: string
  pageTitle?: string
  phone?: string
  fields?: Record<string, string>
  formDone?: boolean
  verifiedEmail?: string | null
  channelUsername?: string
  channelProfileUrl?: string
}

/** The server's own index of conversations: what permission checks and lists need without loading documents. */
export interface ConversationRecord {
  id: string
  workspace: string
  visitorId: string
  status: string
  groupId: string | null
  assigneeId: string | null
  createdAt: number
  /** When a snoozed conversation wakes up; null unless snoozed. */
  snoozedUntil: number | null
  /** Set by a transfer to a skill: only agents with it are given the chat. */
  skillId?: string | null
  /** The bot is still talking with the visitor: not queued yet (stored, so a restart or a new leader does not queue it either). */
  bot?: boolean
}

/** The stored answer to a command, so a replay of the same idempotency key gets the same answer. */
export interface CommandResult {
  key: string
  agentId: string
  status: number
  body: unknown
}

export interface WorkspaceRecord {
  id: string
  /** Signs visitor tokens (HMAC-SHA256). */
  secret: string
  createdAt: number
}

/** A widget message already acknowledged: a resend with the same clientId gets the same ack. */
export interface WidgetAckRecord {
  visitorId: string
  clientId: string
  messageId: string
  conversationId: string
}

/**
 * A file someone uploaded. The bytes live on disk, content-addressed by `sha256` (the same bytes
 * uploaded twice are stored once); the random `id` names this upload and is its capability.
 */
export interface FileRecord {
  id: string
  workspace: string
  sha256: string
  /** Cleaned of folders and control characters (shared/files.ts `cleanFileName`). */
  name: string
  /** Normalized and on the allowlist (`Limits.imageTypes`, `Limits.documentTypes`). */
  type: string
  size: number
  uploaderKind: 'agent' | 'visitor'
  uploaderId: string
  createdAt: number
}

/**
 * A messenger connected to a workspace (sync-server/channels). `secrets` (bot token, access token,
 * app secret, webhook secret) never leave the server; `details` may be shown to admins.
 */
export interface ChannelConnectionRecord {
  workspace: string
  kind: ChannelKind
  /** The adapter's credentials and webhook secrets. */
  secrets: Record<string, string>
  /** What admins see: bot username, phone number id… */
  details: Record<string, string>
  connectedAt: number
}

/**
 * Everything one logical change writes. A commit is atomic: all of it is stored, or none.
 * Nothing is acknowledged to anyone before the promise resolves.
 */
export interface Commit {
  workspace: string
  updates?: { doc: string; update: Uint8Array }[]
  events?: NewEvent[]
  conversations?: ConversationRecord[]
  /**
   * Visitors created or rewritten. On an existing visitor this never changes `blocked`: that is
   * only ever patched (`visitorPatches`), so a writer holding a copy read before a block cannot
   * undo it.
   */
  visitors?: VisitorRecord[]
  /** Field patches of existing visitors, applied after `visitors` (each changes only what it names). */
  visitorPatches?: VisitorPatch[]
  widgetAcks?: WidgetAckRecord[]
  /**
   * Replaces every stored update of a document with one snapshot. Safe inside the ordered
   * stream of commits: the snapshot holds every update committed before it.
   */
  compact?: { doc: string; snapshot: Uint8Array }[]
  commandResults?: CommandResult[]
  agentStatuses?: { agentId: string; status: AgentStatus }[]
  /**
   * The conversations' state a decision in this commit was made on (a command, the dispatcher's
   * assignment): the commit is refused whole (StaleStateError) when a stored record differs, so
   * of two instances deciding on the same state at once exactly one applies its decision.
   */
  expect?: { conversationId: string; status: string; assigneeId: string | null }[]
  /** Emails owed to visitors who missed answers (sync-server/widget/EmailNotifier): set when due, or `null` to forget. */
  emailNotices?: { conversationId: string; dueAt: number | null }[]
  /**
   * The leader's epoch this commit was decided under (scale-out: dispatcher assignments, wake-ups,
   * re-queues, owed emails, messenger deliveries, signing out a gone instance's agents). Refused
   * whole, with a FencedError, once another instance has become the workspace's leader since: a
   * leader that lost its lock without knowing yet cannot act over the new one. The single-server
   * (SQLite) mode has one leader and no epoch; it has nothing to check.
   */
  fence?: number
}

/** An email notice a conversation's visitor is owed at `dueAt`, unless they read the answers first. */
export interface EmailNoticeRecord {
  workspace: string
  conversationId: string
  dueAt: number
}

/**
 * One storage interface, two adapters (SQLite, PostgreSQL), one contract test suite.
 * Commits are stored, and their promises resolved, in the order `commit` was called.
 */
export interface Store {
  readonly kind: string
  /**
   * Prepares the storage before first use (connects, brings the schema up to date) and throws,
   * with one line an operator can act on, when it cannot; safe to call again. Adapters that are
   * ready once constructed (SQLite) leave it out.
   */
  open?(): Promise<void>
  /** Stores a commit atomically; resolves with its events, numbered, once it is durable. */
  commit(c: Commit): Promise<LogEvent[]>

  /** A document's stored updates in order (a snapshot first, after a compaction). */
  loadDocument(workspace: string, name: string): Promise<Uint8Array[]>
  /** How many updates a document has stored, snapshot included. */
  countUpdates(workspace: string, name: string): Promise<number>

  readEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]>
  /** The `agent.connected` and `agent.disconnected` events after `after`, in order (who the log left signed in, read at start). */
  readAgentConnectionEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]>
  lastSeq(workspace: string): Promise<number>

  getWorkspace(id: string): Promise<WorkspaceRecord | null>
  /** Every workspace's id, in order: the server starts each one's feed, dispatcher and leader duties. */
  listWorkspaceIds(): Promise<string[]>
  createWorkspace(ws: WorkspaceRecord): Promise<void>

  createAgent(agent: AgentRecord): Promise<void>
  getAgent(workspace: string, id: string): Promise<AgentRecord | null>
  getAgentByEmail(workspace: string, email: string): Promise<AgentRecord | null>
  countAgents(workspace: string): Promise<number>

  createSession(s: SessionRecord): Promise<void>
  getSession(tokenHash: string): Promise<SessionRecord | null>
  revokeSession(tokenHash: string): Promise<void>

  getVisitor(workspace: string, id: string): Promise<VisitorRecord | null>
  /** The visitor whose identity hash proved this (lower-case) email, if any. */
  getVisitorByVerifiedEmail(workspace: string, email: string): Promise<VisitorRecord | null>
  /** The visitor who writes from this messenger account, if any. */
  getVisitorByChannel(workspace: string, kind: ChannelKind, externalId: string): Promise<VisitorRecord | null>
  getConversation(workspace: string, id: string): Promise<ConversationRecord | null>
  listConversationsOfVisitor(workspace: string, visitorId: string): Promise<ConversationRecord[]>
  getWidgetAck(workspace: string, visitorId: string, clientId: string): Promise<WidgetAckRecord | null>
  /** Snoozed conversations of a workspace (of every one when none is named), for the wake-up clock on leading. */
  listSnoozed(workspace?: string): Promise<ConversationRecord[]>
  /** The owed email notices of a workspace (of every one when none is named), soonest first (they outlive a restart). */
  listEmailNotices(workspace?: string): Promise<EmailNoticeRecord[]>
  getCommandResult(workspace: string, key: string): Promise<CommandResult | null>
  listAgents(workspace: string): Promise<AgentRecord[]>
  /** A conversation's request number: the sequence number of its creation in the event log. */
  conversationNumber(workspace: string, id: string): Promise<number | null>
  /** Conversations assigned to an agent that are not closed. */
  listHeldConversations(workspace: string, agentId: string): Promise<ConversationRecord[]>
  /** Every conversation of a workspace that is not closed, oldest first (the dispatcher's starting state). */
  listActiveConversations(workspace: string): Promise<ConversationRecord[]>

  /** Records an uploaded file; durable when the promise resolves. */
  createFile(file: FileRecord): Promise<void>
  /** A file by its id, whatever its workspace (the id is the capability of `GET /files/<id>`). */
  getFile(id: string): Promise<FileRecord | null>
  /** The files of a workspace among `ids`, in no particular order; unknown ids are left out. */
  getFiles(workspace: string, ids: readonly string[]): Promise<FileRecord[]>

  /** Connects a messenger, replacing an earlier connection of the same kind; durable when the promise resolves. */
  putChannelConnection(c: ChannelConnectionRecord): Promise<void>
  getChannelConnection(workspace: string, kind: ChannelKind): Promise<ChannelConnectionRecord | null>
  /** A workspace's connections, by kind. */
  listChannelConnections(workspace: string): Promise<ChannelConnectionRecord[]>
  /** Disconnects; false when nothing was connected. */
  deleteChannelConnection(workspace: string, kind: ChannelKind): Promise<boolean>

  close(): Promise<void>
}

/** Thrown for a commit whose `expect` no longer holds: another instance changed the conversation first. */
export class StaleStateError extends Error {
  override name = 'StaleStateError'
}

/**
 * The epoch this instance leads a workspace in, for its leader's commits to carry (`Commit.fence`);
 * undefined where it does not lead, or where there is no election (one server).
 */
export type Fence = (workspace: string) => number | undefined

/** A leader's commit refused: another instance has led the workspace since it was decided (`Commit.fence`). */
export class FencedError extends StaleStateError {
  override name = 'FencedError'
}

/** Refuses a commit whose `expect` differs from `stored` (the record as stored, or as written earlier in the same transaction). */
export function checkExpected(expect: NonNullable<Commit['expect']>[number], stored: { status: string; assigneeId: string | null } | null | undefined): void {
  if (!stored) throw new StaleStateError(`conversation ${expect.conversationId} is not stored`)
  if (stored.status !== expect.status || (stored.assigneeId ?? null) !== (expect.assigneeId ?? null))
    throw new StaleStateError(`conversation ${expect.conversationId} changed meanwhile (now ${stored.status}, ${stored.assigneeId ?? 'nobody'})`)
}

/** Thrown for a write that breaks a uniqueness rule (e.g. an email already taken). */
export class ConflictError extends Error {
  override name = 'ConflictError'
}
