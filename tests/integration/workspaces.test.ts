import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { conversationDocName, metaOf } from '../../shared/documents.ts'
import { EventType } from '../../shared/protocol.ts'
import { SqliteStore } from '../../sync-server/store/SqliteStore.ts'
import { PostgresStore } from '../../sync-server/store/PostgresStore.ts'
import type { Store } from '../../sync-server/store/Store.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { TEST_REDIS_URL } from '../support/cluster.ts'

let t: TestServer | null = null
let db: TestDatabase | null = null
const dirs: string[] = []
afterEach(async () => {
  await t?.destroy()
  t = null
  await db?.drop()
  db = null
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A workspace besides the default one, with a conversation snoozed until `until`, written straight into the store. */
async function seed(store: Store, until: number): Promise<string> {
  await store.createWorkspace({ id: 'second', secret: 's', createdAt: 1 })
  const id = 'c-second'
  const doc = new Y.Doc()
  const meta = metaOf(doc)
  meta.set('id', id)
  meta.set('status', 'snoozed')
  meta.set('channel', 'widget')
  meta.set('visitorId', 'v-second')
  meta.set('visitorName', 'Vera')
  meta.set('groupId', null)
  meta.set('assigneeId', 'someone')
  meta.set('createdAt', 1)
  meta.set('snoozedUntil', until)
  await store.commit({
    workspace: 'second',
    updates: [{ doc: conversationDocName(id), update: Y.encodeStateAsUpdate(doc) }],
    conversations: [{ id, workspace: 'second', visitorId: 'v-second', status: 'snoozed', groupId: null, assigneeId: 'someone', createdAt: 1, snoozedUntil: until }],
    events: [{ type: EventType.conversationCreated, at: 1, conversationId: id, data: { visitorId: 'v-second', channel: 'widget', status: 'open' } }],
  })
  await store.close()
  return id
}

async function woken(server: TestServer, id: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const events = await server.server.store.readEvents('second', 0, 100)
    if (events.some((e) => e.type === EventType.woke && e.conversationId === id)) return
    if (Date.now() > end) throw new Error(`not woken: ${events.map((e) => e.type).join(', ')}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('every workspace in the store', () => {
  it('runs its leader duties on one server: a snooze of a second workspace wakes on time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-workspaces-'))
    dirs.push(dataDir)
    const store = new SqliteStore({ file: join(dataDir, 'parley.db') })
    const id = await seed(store, Date.now() + 1_500)
    t = await startServer({ dataDir })
    expect(await t.server.store.listWorkspaceIds()).toEqual(['default', 'second'])
    await woken(t, id)
  })

  it('elects a leader for it with several servers, and that leader wakes its snoozes', async () => {
    db = await createTestDatabase()
    const store = new PostgresStore({ url: db.url })
    await store.open()
    const id = await seed(store, Date.now() + 1_500)
    t = await startServer({ databaseUrl: db.url, redisUrl: TEST_REDIS_URL, redisPrefix: `parley-test-ws-${process.pid}-${Date.now()}:` })
    await woken(t, id)
    const sql = new pg.Client({ connectionString: db.url })
    await sql.connect()
    try {
      // A leader was elected for each workspace (each has an epoch).
      const { rows } = await sql.query<{ workspace: string }>('SELECT workspace FROM workspace_leaders ORDER BY workspace')
      expect(rows.map((r) => r.workspace)).toEqual(['default', 'second'])
    } finally {
      await sql.end()
    }
  })
})
