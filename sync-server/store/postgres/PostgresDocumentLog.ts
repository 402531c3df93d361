import type { LogEvent } from '../../../shared/protocol.ts'
import type { DocumentLog } from '../PortedStore.ts'
import { records, type Queries } from './values.ts'

/** Documents' stored updates and the event log, read from PostgreSQL. */
export class PostgresDocumentLog implements DocumentLog {
  constructor(private db: Queries) {}

  async loadDocument(workspace: string, name: string): Promise<Uint8Array[]> {
    // One statement: one snapshot, so a compaction committing meanwhile is seen whole or not at all.
    const rows = await this.db.rows('SELECT data FROM doc_updates WHERE workspace = $1 AND name = $2 ORDER BY id', [workspace, name])
    return rows.map((r) => {
      const b = r.data as Buffer
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    })
  }

  async countUpdates(workspace: string, name: string): Promise<number> {
    return (await this.db.first('SELECT COUNT(*) AS n FROM doc_updates WHERE workspace = $1 AND name = $2', [workspace, name]))!.n as number
  }

  async readEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    const rows = await this.db.rows('SELECT seq, type, at, conversation_id, data FROM events WHERE workspace = $1 AND seq > $2 ORDER BY seq LIMIT $3', [
      workspace,
      after,
      limit,
    ])
    return rows.map(records.event)
  }

  async readAgentConnectionEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    // The type list matches the partial index's exactly.
    const rows = await this.db.rows(
      `SELECT seq, type, at, conversation_id, data FROM events WHERE workspace = $1 AND type IN ('agent.connected', 'agent.disconnected')
       AND seq > $2 ORDER BY seq LIMIT $3`,
      [workspace, after, limit],
    )
    return rows.map(records.event)
  }

  async lastSeq(workspace: string): Promise<number> {
    const r = await this.db.first('SELECT last FROM workspace_seq WHERE workspace = $1', [workspace])
    return (r?.last as number | undefined) ?? 0
  }

  async conversationNumber(workspace: string, id: string): Promise<number | null> {
    const r = await this.db.first(
      "SELECT seq FROM events WHERE workspace = $1 AND conversation_id = $2 AND type = 'conversation.created' ORDER BY seq LIMIT 1",
      [workspace, id],
    )
    return (r?.seq as number | undefined) ?? null
  }
}
