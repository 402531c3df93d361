import type Database from 'better-sqlite3'

/**
 * Takes the database file's exclusive lock on this connection, held until it closes (SQLite's
 * exclusive locking mode). False when it cannot be had because another connection has the file
 * open: a running server keeps a shared lock on its database for as long as it has it open.
 */
export function lockExclusively(db: Database.Database): boolean {
  db.pragma('busy_timeout = 0')
  db.pragma('locking_mode = EXCLUSIVE')
  try {
    db.exec('BEGIN EXCLUSIVE; COMMIT')
    return true
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return false
    throw err
  }
}
