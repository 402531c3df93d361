import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SqliteStore } from '../../sync-server/store/SqliteStore.ts'
import { storeContract } from './storeContract.ts'

storeContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-store-'))
  const file = join(dir, 'parley.db')
  return {
    store: new SqliteStore({ file }),
    reopen: async () => new SqliteStore({ file }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  }
})
