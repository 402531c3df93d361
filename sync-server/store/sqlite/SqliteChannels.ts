import type { ChannelKind } from '../../../shared/channels.ts'
import type { ChannelConnections } from '../PortedStore.ts'
import type { Row } from '../records.ts'
import type { ChannelConnectionRecord } from '../Store.ts'
import { records, type Sql } from './values.ts'

/** Messengers connected to workspaces, in SQLite. */
export class SqliteChannels implements ChannelConnections {
  constructor(private sql: Sql) {}

  async putChannelConnection(c: ChannelConnectionRecord): Promise<void> {
    this.sql(
      `INSERT INTO channel_connections (workspace, kind, secrets, details, connected_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (workspace, kind) DO UPDATE SET secrets = excluded.secrets, details = excluded.details, connected_at = excluded.connected_at`,
    ).run(c.workspace, c.kind, JSON.stringify(c.secrets), JSON.stringify(c.details), c.connectedAt)
  }

  async getChannelConnection(workspace: string, kind: ChannelKind): Promise<ChannelConnectionRecord | null> {
    return records.connection(this.sql('SELECT * FROM channel_connections WHERE workspace = ? AND kind = ?').get(workspace, kind) as Row | undefined)
  }

  async listChannelConnections(workspace: string): Promise<ChannelConnectionRecord[]> {
    return records.connections(this.sql('SELECT * FROM channel_connections WHERE workspace = ? ORDER BY kind').all(workspace) as Row[])
  }

  async deleteChannelConnection(workspace: string, kind: ChannelKind): Promise<boolean> {
    return this.sql('DELETE FROM channel_connections WHERE workspace = ? AND kind = ?').run(workspace, kind).changes > 0
  }
}
