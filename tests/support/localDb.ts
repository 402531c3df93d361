/**
 * Agents' local databases for unit tests (on fake-indexeddb, which the test file installs first):
 * each test's are closed and deleted after it.
 */
import { afterEach } from 'vitest'
import { createDb, type ParleyDb } from '../../client/data/db.ts'

/** Returns `fresh()`, which opens a new, empty database named after `prefix`; `keep(db)` has one opened otherwise deleted too. */
export function localDbs(prefix: string): { fresh: () => ParleyDb; keep: (db: ParleyDb) => ParleyDb } {
  let n = 0
  const dbs: ParleyDb[] = []
  afterEach(async () => {
    for (const db of dbs.splice(0)) {
      db.close()
      await db.delete()
    }
  })
  const keep = (db: ParleyDb) => (dbs.push(db), db)
  return { fresh: () => keep(createDb('unit', `${prefix}-${n++}-${Math.random().toString(36).slice(2)}`)), keep }
}
