import { PostgresStore } from '../../sync-server/store/PostgresStore.ts'
import { createTestDatabase } from '../support/postgres.ts'
import { storeContract } from './storeContract.ts'

storeContract('postgres', async () => {
  const db = await createTestDatabase()
  const open = async () => {
    const store = new PostgresStore({ url: db.url, poolSize: 4 })
    await store.open()
    return store
  }
  return { store: await open(), reopen: open, cleanup: () => db.drop() }
})
