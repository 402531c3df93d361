import type Database from 'better-sqlite3'

/**
 * The SQLite schema, as numbered migrations: version N (the file's `user_version`) is
 * `SQLITE_MIGRATIONS[N - 1]`, applied once in its own transaction. Append new versions; never
 * edit one that has shipped.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
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
  // The bot still talks in it: after a restart (or on a new leader) it is not queued meanwhile.
  `ALTER TABLE conversations ADD COLUMN bot INTEGER NOT NULL DEFAULT 0;`,
]

/** Applies the migrations the file lacks. */
export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number
  for (let v = version; v < SQLITE_MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(SQLITE_MIGRATIONS[v]!)
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
}
