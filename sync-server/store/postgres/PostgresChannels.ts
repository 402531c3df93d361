import type { ChannelKind } from '../../../shared/channels.ts'
import type { ChannelConnections } from '../PortedStore.ts'
import type { ChannelConnectionRecord } from '../Store.ts'
import { json, records, type Queries } from './values.ts'

/** Messengers connected to workspaces, in PostgreSQL. */
export class PostgresChannels implements ChannelConnections {
  constructor(private db: Queries) {}

  async putChannelConnection(c: ChannelConnectionRecord): Promise<void> {
    await this.db.rows(
      `INSERT INTO channel_connections (workspace, kind, secrets, details, connected_at) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5)
       ON CONFLICT (workspace, kind) DO UPDATE SET secrets = excluded.secrets, details = excluded.details, connected_at = excluded.connected_at`,
      [c.workspace, c.kind, json(c.secrets), json(c.details), c.connectedAt],
    )
  }

  async getChannelConnection(workspace: string, kind: ChannelKind): Promise<ChannelConnectionRecord | null> {
    return records.connection(await this.db.first('SELECT * FROM channel_connections WHERE workspace = $1 AND kind = $2', [workspace, kind]))
  }

  async listChannelConnections(workspace: string): Promise<ChannelConnectionRecord[]> {
    return records.connections(await this.db.rows('SELECT * FROM channel_connections WHERE workspace = $1 ORDER BY kind COLLATE "C"', [workspace]))
  }

  async deleteChannelConnection(workspace: string, kind: ChannelKind): Promise<boolean> {
    return (await this.db.changed('DELETE FROM channel_connections WHERE workspace = $1 AND kind = $2', [workspace, kind])) > 0
  }
}
