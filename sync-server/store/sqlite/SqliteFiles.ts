import type { FileRecords } from '../PortedStore.ts'
import type { Row } from '../records.ts'
import type { FileRecord } from '../Store.ts'
import { records, type Sql } from './values.ts'

/** Uploaded files' records in SQLite. */
export class SqliteFiles implements FileRecords {
  constructor(private sql: Sql) {}

  async createFile(f: FileRecord): Promise<void> {
    this.sql('INSERT INTO files (id, workspace, sha256, name, type, size, uploader_kind, uploader_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(f.id, f.workspace, f.sha256, f.name, f.type, f.size, f.uploaderKind, f.uploaderId, f.createdAt)
  }

  async getFile(id: string): Promise<FileRecord | null> {
    const r = this.sql('SELECT * FROM files WHERE id = ?').get(id) as Row | undefined
    return r ? records.file(r) : null
  }

  async getFiles(workspace: string, ids: readonly string[]): Promise<FileRecord[]> {
    if (!ids.length) return []
    const unique = [...new Set(ids)]
    const rows = this.sql(`SELECT * FROM files WHERE workspace = ? AND id IN (${unique.map(() => '?').join(', ')})`).all(workspace, ...unique) as Row[]
    return rows.map(records.file)
  }
}
