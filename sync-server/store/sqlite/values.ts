/** Values as SQLite rows hold them, and how the ports reach the database. */
import type Database from 'better-sqlite3'
import { recordsOf } from '../records.ts'

/** The statement for a query text, prepared once (SqliteStore's cache). */
export type Sql = (text: string) => Database.Statement

/** SQLite keeps JSON as text and booleans as 0 or 1. */
export const records = recordsOf({
  json: (v) => JSON.parse(v as string) as unknown,
  bool: (v) => v === 1,
})

/** Whether a write broke a UNIQUE (or other) constraint. */
export const isConstraintError = (err: unknown) => (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') === true
