import type { LogEvent } from '../../../shared/protocol.ts'
import type { DocumentLog } from '../PortedStore.ts'
import type { Row } from '../records.ts'
import { records, type Sql } from './values.ts'

/** Documents' stored updates and the event log, read from SQLite. */
export class SqliteDocumentLog implements DocumentLog {
  constructor(private sql: Sql) {}

  async loadDocument(workspace: string, name: string): Promise<Uint8Array[]> {
    const rows = this.sql('SELECT id, data FROM doc_updates WHERE workspace = ? AND name = ? ORDER BY id').all(workspace, name) as { id: number; data: Buffer }[]
    return rows.map((r) => new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength))
  }

  async countUpdates(workspace: string, name: string): Promise<number> {
    return (this.sql('SELECT COUNT(*) AS n FROM doc_updates WHERE workspace = ? AND name = ?').get(workspace, name) as { n: number }).n
  }

  async readEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    const rows = this.sql('SELECT seq, type, at, conversation_id, data FROM events WHERE workspace = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(workspace, after, limit) as Row[]
    return rows.map(records.event)
  }

  async readAgentConnectionEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    // The type list matches the partial index's exactly, so SQLite reads the index, not the log.
    const rows = this.sql(
      "SELECT seq, type, at, conversation_id, data FROM events WHERE workspace = ? AND type IN ('agent.connected', 'agent.disconnected') AND seq > ? ORDER BY seq LIMIT ?",
    ).all(workspace, after, limit) as Row[]
    return rows.map(records.event)
  }

  async lastSeq(workspace: string): Promise<number> {
    return (this.sql('SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE workspace = ?').get(workspace) as { seq: number }).seq
  }

  async conversationNumber(workspace: string, id: string): Promise<number | null> {
    const r = this.sql("SELECT seq FROM events WHERE workspace = ? AND conversation_id = ? AND type = 'conversation.created' ORDER BY seq LIMIT 1")
      .get(workspace, id) as { seq: number } | undefined
    return r?.seq ?? null
  }
}
