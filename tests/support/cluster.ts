import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import { createClient } from 'redis'
import { createTestDatabase, type TestDatabase } from './postgres.ts'
import { kill9, spawnServer } from './process.ts'

export const TEST_REDIS_URL = process.env.PARLEY_TEST_REDIS_URL || 'redis://127.0.0.1:6379'

export interface Instance {
  name: string
  child: ChildProcess
  url: string
  wsUrl: string
}

/**
 * Several real server processes on one fresh PostgreSQL database and one Redis key prefix of
 * their own (dropped and deleted by `destroy`), sharing one files folder as instances must.
 */
export async function startCluster(names: string[]): Promise<{ db: TestDatabase; prefix: string; instances: Instance[]; start: (name: string) => Promise<Instance>; destroy: () => Promise<void> }> {
  const db = await createTestDatabase()
  const prefix = `parley-test-${randomBytes(5).toString('hex')}:`
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-cluster-'))
  const instances: Instance[] = []
  const start = async (name: string) => {
    const s = await spawnServer(dataDir, { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, INSTANCE_ID: name })
    const instance = { name, ...s }
    instances.push(instance)
    return instance
  }
  // The first creates the schema and the admin; the others join it.
  await start(names[0]!)
  await Promise.all(names.slice(1).map(start))
  return {
    db,
    prefix,
    instances,
    start,
    async destroy() {
      await Promise.all(instances.map((i) => kill9(i.child)))
      await db.drop()
      const redis = createClient({ url: TEST_REDIS_URL })
      redis.on('error', () => {})
      await redis.connect()
      for await (const key of redis.scanIterator({ MATCH: `${prefix}*` })) await redis.del(key)
      await redis.quit()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
