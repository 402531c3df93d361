import type { FileRecords } from '../PortedStore.ts'
import type { FileRecord } from '../Store.ts'
import { cleanText, records, type Queries } from './values.ts'

/** Uploaded files' records in PostgreSQL. */
export class PostgresFiles implements FileRecords {
  constructor(private db: Queries) {}

  async createFile(f: FileRecord): Promise<void> {
    await this.db.rows(
      'INSERT INTO files (id, workspace, sha256, name, type, size, uploader_kind, uploader_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [f.id, f.workspace, f.sha256, f.name, f.type, f.size, f.uploaderKind, f.uploaderId, f.createdAt],
    )
  }

  async getFile(id: string): Promise<FileRecord | null> {
    const r = await this.db.first('SELECT * FROM files WHERE id = $1', [id])
    return r ? records.file(r) : null
  }

  async getFiles(workspace: string, ids: readonly string[]): Promise<FileRecord[]> {
    if (!ids.length) return []
    const rows = await this.db.rows('SELECT * FROM files WHERE workspace = $1 AND id = ANY($2::text[])', [workspace, [...new Set(ids)].map(cleanText)])
    return rows.map(records.file)
  }
}
