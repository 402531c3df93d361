/**
 * The PostgreSQL schema, as numbered migrations: version N is `POSTGRES_MIGRATIONS[N - 1]`, applied
 * once, in its own transaction, recorded in `schema_migrations`. Append new versions; never edit one
 * that has shipped.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE workspaces (id TEXT PRIMARY KEY, secret TEXT NOT NULL, created_at BIGINT NOT NULL);
   -- One counter row per workspace, bumped in each commit's own transaction: sequence order is
   -- commit order and a rolled-back commit leaves no hole (never a global serial).
   CREATE TABLE workspace_seq (workspace TEXT PRIMARY KEY, last BIGINT NOT NULL CHECK (last >= 0));
   CREATE TABLE doc_updates (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, workspace TEXT NOT NULL, name TEXT NOT NULL,
     data BYTEA NOT NULL);
   CREATE INDEX doc_updates_by_name ON doc_updates (workspace, name, id);
   CREATE TABLE events (workspace TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, at BIGINT NOT NULL,
     conversation_id TEXT, data JSONB NOT NULL, PRIMARY KEY (workspace, seq));
   CREATE INDEX events_agent_connections ON events (workspace, seq) WHERE type IN ('agent.connected', 'agent.disconnected');
   CREATE INDEX events_conversation_created ON events (workspace, conversation_id, seq) WHERE type = 'conversation.created';
   CREATE TABLE agents (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
     groups JSONB NOT NULL, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL, status TEXT NOT NULL DEFAULT 'offline',
     UNIQUE (workspace, email));
   CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, agent_id TEXT NOT NULL, workspace TEXT NOT NULL, created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL, revoked BOOLEAN NOT NULL DEFAULT false);
   CREATE TABLE visitors (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, created_at BIGINT NOT NULL,
     current_conversation_id TEXT, blocked BOOLEAN NOT NULL DEFAULT false, page_url TEXT NOT NULL DEFAULT '',
     page_title TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '', fields JSONB NOT NULL DEFAULT '{}',
     form_done BOOLEAN NOT NULL DEFAULT false, verified_email TEXT, channel_kind TEXT, channel_external_id TEXT,
     channel_username TEXT NOT NULL DEFAULT '', channel_profile_url TEXT NOT NULL DEFAULT '');
   CREATE UNIQUE INDEX visitors_by_verified_email ON visitors (workspace, verified_email) WHERE verified_email IS NOT NULL;
   CREATE UNIQUE INDEX visitors_by_channel ON visitors (workspace, channel_kind, channel_external_id) WHERE channel_kind IS NOT NULL;
   CREATE TABLE conversations (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, visitor_id TEXT NOT NULL, status TEXT NOT NULL,
     group_id TEXT, assignee_id TEXT, created_at BIGINT NOT NULL, snoozed_until BIGINT, skill_id TEXT);
   CREATE INDEX conversations_by_visitor ON conversations (workspace, visitor_id, created_at);
   CREATE INDEX conversations_snoozed ON conversations (snoozed_until) WHERE snoozed_until IS NOT NULL;
   CREATE INDEX conversations_active ON conversations (workspace, created_at) WHERE status <> 'closed';
   CREATE INDEX conversations_held ON conversations (workspace, assignee_id, created_at) WHERE status <> 'closed';
   -- Idempotency lives in these primary keys, so it holds whichever process answers.
   CREATE TABLE widget_acks (workspace TEXT NOT NULL, visitor_id TEXT NOT NULL, client_id TEXT NOT NULL, message_id TEXT NOT NULL,
     conversation_id TEXT NOT NULL, PRIMARY KEY (workspace, visitor_id, client_id));
   CREATE TABLE command_results (workspace TEXT NOT NULL, key TEXT NOT NULL, agent_id TEXT NOT NULL, status INTEGER NOT NULL,
     body JSONB NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (workspace, key));
   CREATE TABLE files (id TEXT PRIMARY KEY, workspace TEXT NOT NULL, sha256 TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
     size BIGINT NOT NULL, uploader_kind TEXT NOT NULL, uploader_id TEXT NOT NULL, created_at BIGINT NOT NULL);
   CREATE INDEX files_by_sha256 ON files (sha256);
   CREATE TABLE channel_connections (workspace TEXT NOT NULL, kind TEXT NOT NULL, secrets JSONB NOT NULL, details JSONB NOT NULL,
     connected_at BIGINT NOT NULL, PRIMARY KEY (workspace, kind));
   CREATE TABLE email_notices (workspace TEXT NOT NULL, conversation_id TEXT NOT NULL, due_at BIGINT NOT NULL,
     PRIMARY KEY (workspace, conversation_id));`,
  // The bot still talks in it: after a restart (or on a new leader) it is not queued meanwhile.
  `ALTER TABLE conversations ADD COLUMN bot BOOLEAN NOT NULL DEFAULT false;`,
  // Each new leader of a workspace bumps its epoch; a leader's writes carry the epoch they were
  // decided under and are refused once another instance has led since (the fence).
  `CREATE TABLE workspace_leaders (workspace TEXT PRIMARY KEY, epoch BIGINT NOT NULL CHECK (epoch > 0));`,
]
