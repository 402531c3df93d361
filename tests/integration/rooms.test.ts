import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { messagesOf } from '../../shared/documents.ts'
import { Limits } from '../../shared/protocol.ts'
import { COMPACT_AFTER_UPDATES } from '../../sync-server/rooms/Room.ts'
import { SqliteStore } from '../../sync-server/store/SqliteStore.ts'
import { createAgent, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

/** The server's real SQLite store on `dataDir`, counting document loads. */
function countingStore(dataDir: string) {
  const store = new SqliteStore({ file: join(dataDir, 'parley.db') })
  const loads: string[] = []
  const load = store.loadDocument.bind(store)
  store.loadDocument = (ws, name) => {
    loads.push(name)
    return load(ws, name)
  }
  return { store, loads }
}

/** A conversation with one visitor message; returns its document name. */
async function conversation(t: TestServer): Promise<string> {
  const visitor = new Visitor(t.wsUrl)
  await visitor.connect()
  const ack = await visitor.say('hi')
  await visitor.close()
  return `conv/${ack.conversationId}`
}

function rawSync(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url)
  ws.on('error', () => {})
  return new Promise((resolve) => ws.once('open', () => resolve(ws)))
}
const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))

describe('rooms', () => {
  it('loads a document once however many agents connect at the same time', async () => {
    t = await startServer()
    const name = await conversation(t)
    await t.stop()
    const counting = countingStore(t.dataDir)
    t = await startServer({ dataDir: t.dataDir, store: counting.store })
    const { token } = await login(t.url)
    const clients = await Promise.all(Array.from({ length: 20 }, () => openDoc(t.wsUrl, name, token)))
    expect(counting.loads.filter((n) => n === name)).toHaveLength(1)
    for (const c of clients) expect(messagesOf(c.doc).length).toBe(1)
    for (const c of clients) c.close()
  })

  it('unloads an idle document and compacts its updates into a snapshot', async () => {
    t = await startServer({ roomIdleMs: 20 })
    const name = await conversation(t)
    const { token } = await login(t.url)
    const a = await openDoc(t.wsUrl, name, token)
    const n = COMPACT_AFTER_UPDATES + 50
    for (let i = 0; i < n; i++) messagesOf(a.doc).push([{ id: `m${i}`, clientId: `c${i}`, kind: 'agent', authorId: 'x', authorName: 'A', text: `${i}`, at: i }])
    const b = await openDoc(t.wsUrl, name, token)
    await whenDoc(b.doc, () => messagesOf(b.doc).length === n + 1)
    a.close()
    b.close()
    // Compaction runs past the threshold and at unload: far fewer rows than updates.
    await expect.poll(() => t.server.store.countUpdates('default', name), { timeout: 5000 }).toBeLessThan(10)
    const again = await openDoc(t.wsUrl, name, token)
    expect(messagesOf(again.doc).length).toBe(n + 1)
    again.close()
  })

  it('closes with 4413 on a frame or a document over the size cap', async () => {
    t = await startServer()
    const name = await conversation(t)
    const { token } = await login(t.url)
    const ws = await rawSync(`${t.wsUrl}/sync/${name}?token=${token}`)
    const closed = closeCode(ws)
    ws.send(Buffer.alloc(Limits.syncFrame + 1, 1))
    expect(await closed).toBe(4413)
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ ok: true })
  })

  it('drops a read-only reader who writes, with 4403', async () => {
    t = await startServer()
    const admin = await login(t.url)
    await createAgent(t.url, admin.token, { email: 'ro@x.io', name: 'Reader', password: 'password-ro' })
    const reader = await login(t.url, { email: 'ro@x.io', password: 'password-ro' })
    // Agents read `settings`; only admins write it.
    const settings = await openDoc(t.wsUrl, 'settings', admin.token)
    settings.doc.getMap('workspace').set('name', 'Northwind')
    const r = await openDoc(t.wsUrl, 'settings', reader.token)
    await whenDoc(r.doc, () => r.doc.getMap('workspace').get('name') === 'Northwind')
    const closed = new Promise<number>((resolve) => r.provider.once('connection-close', (e: CloseEvent | null) => resolve(e?.code ?? 0)))
    r.doc.getMap('workspace').set('name', 'Hacked')
    expect(await closed).toBe(4403)
    r.close()
    // The admin's copy never saw the reader's write.
    const fresh = await openDoc(t.wsUrl, 'settings', admin.token)
    expect(fresh.doc.getMap('workspace').get('name')).toBe('Northwind')
    fresh.close()
    settings.close()
  })

  it('rewrites awareness so nobody can pose as someone else', async () => {
    t = await startServer()
    const name = await conversation(t)
    const admin = await login(t.url)
    await createAgent(t.url, admin.token, { email: 'eve@x.io', name: 'Eve', password: 'password-eve' })
    const eve = await login(t.url, { email: 'eve@x.io', password: 'password-eve' })
    const a = await openDoc(t.wsUrl, name, admin.token)
    const e = await openDoc(t.wsUrl, name, eve.token)
    e.provider.awareness.setLocalStateField('user', { id: admin.agent.id, name: 'Admin' })
    e.provider.awareness.setLocalStateField('typing', true)
    await expect
      .poll(() => [...a.provider.awareness.getStates().values()].find((s) => s.typing)?.user)
      .toEqual({ id: eve.agent.id, name: 'Eve' })
    a.close()
    e.close()
  })

  it('answers a sync step 1 with the missing updates, as y-websocket clients expect', async () => {
    t = await startServer()
    const name = await conversation(t)
    const { token } = await login(t.url)
    const ws = await rawSync(`${t.wsUrl}/sync/${name}?token=${token}`)
    const doc = new Y.Doc()
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, 0)
    syncProtocol.writeSyncStep1(enc, doc)
    const reply = new Promise<void>((resolve) =>
      ws.on('message', (data: Buffer) => {
        const d = decoding.createDecoder(new Uint8Array(data))
        // Sync frames (type 0) carry the document; awareness frames are not what this test reads.
        if (decoding.readVarUint(d) === 0) syncProtocol.readSyncMessage(d, encoding.createEncoder(), doc, null)
        if (messagesOf(doc).length === 1) resolve()
      }),
    )
    ws.send(encoding.toUint8Array(enc))
    await reply
    ws.close()
  })
})
