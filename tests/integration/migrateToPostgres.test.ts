import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { conversationDocName, messagesOf } from '../../shared/documents.ts'
import type { ChatMessage, LogEvent, ToLive } from '../../shared/protocol.ts'
import { command, createAgent, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { createTestDatabase, type TestDatabase } from '../support/postgres.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { eventsOf } from '../support/widget.ts'

const ROOT = join(import.meta.dirname, '../..')
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {})
})

/** `npm run migrate-to-postgres -- …` as a self-hoster types it (the script's command, run directly). */
function migrate(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'sync-server/migrateToPostgres.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '' } })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

const comparable = (events: { seq: number; type: string; conversationId?: string; data: unknown }[]) => events.map((e) => ({ seq: e.seq, type: e.type, conversationId: e.conversationId ?? null, data: e.data }))

describe('npm run migrate-to-postgres', () => {
  it('moves a SQLite data folder into an empty PostgreSQL database: every event with its number, documents, agents, visitors and sessions; the log continues', async () => {
    // A business on one machine: a chat taken and answered, a second agent, an idempotent command.
    const small: TestServer = await startServer()
    cleanups.push(() => small.destroy())
    const admin = await login(small.url)
    await createAgent(small.url, admin.token, { email: 'bo@shop.test', name: 'Bo', password: 'bo password 12' })
    const visitor = new Visitor(small.wsUrl, { name: 'Vera', email: 'vera@example.com' })
    await visitor.connect()
    const ack = await visitor.say('Where is my order?', 'client-order-1')
    const took = await command(small.url, admin.token, ack.conversationId, 'take', {}, 'take-key-1')
    expect(took.status).toBe(200)
    const { doc, close } = await openDoc(small.wsUrl, conversationDocName(ack.conversationId), admin.token)
    const reply: ChatMessage = { id: 'm-reply-1', clientId: 'm-reply-1', kind: 'agent', authorId: admin.agent.id, authorName: 'Admin', text: 'It ships today.', at: Date.now() }
    messagesOf(doc).push([reply])
    await new Promise((r) => setTimeout(r, 300))
    close()
    await visitor.close()
    const before = await eventsOf(small.url, admin.token)
    expect(before.some((e) => e.type === 'message' && e.data.text === 'It ships today.')).toBe(true)

    // Refused while the server runs, copying nothing.
    const db: TestDatabase = await createTestDatabase()
    cleanups.push(() => db.drop())
    const running = migrate('--from', small.dataDir, '--to', db.url)
    expect(running.code).toBe(2)
    expect(running.err.trim()).toMatch(/^parley: a server is running on .*: stop it, then migrate$/)
    await small.stop()

    const done = migrate('--from', small.dataDir, '--to', db.url)
    expect(done.err).toBe('')
    expect(done.code).toBe(0)
    const last = Number(/last event seq default (\d+)\./.exec(done.out)?.[1])
    // The stop itself logged the visitor going offline.
    expect(last).toBeGreaterThan(before.length)
    expect(done.out).toMatch(new RegExp(`events ${last}[,;]`))

    // The server on PostgreSQL, same folder (the files stay there): the same log, the same documents, the same sessions.
    const big = await startServer({ dataDir: small.dataDir, databaseUrl: db.url })
    cleanups.push(() => big.stop())
    const after = await eventsOf(big.url, admin.token)
    expect(after).toHaveLength(last)
    expect(comparable(after.slice(0, before.length))).toEqual(comparable(before))
    const moved = await openDoc(big.wsUrl, conversationDocName(ack.conversationId), admin.token)
    cleanups.push(async () => moved.close())
    expect(messagesOf(moved.doc).toArray().filter((m) => m.kind !== 'system').map((m) => m.text)).toEqual(['Where is my order?', 'It ships today.'])
    // Bo signs in with his password; the same command key gets the same answer, stored once.
    await login(big.url, { email: 'bo@shop.test', password: 'bo password 12' })
    const again = await command(big.url, admin.token, ack.conversationId, 'take', {}, 'take-key-1')
    expect(again).toEqual(took)
    // The visitor comes back with their token: their message resent is the same message.
    const back = new Visitor(big.wsUrl, { name: 'Vera', email: 'vera@example.com' })
    cleanups.push(() => back.close())
    back.token = visitor.token
    await back.connect()
    expect((await back.say('Where is my order?', 'client-order-1')).id).toBe(ack.id)

    // A device that had read the whole log keeps its place: after it, only what is new, numbered on.
    const ws = new WebSocket(`${big.wsUrl}/api/live?token=${encodeURIComponent(admin.token)}&after=${last}`)
    cleanups.push(async () => ws.close())
    const fresh: LogEvent[] = []
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as ToLive
      if (f.type === 'events') fresh.push(...f.events)
    })
    await new Promise((r) => ws.once('open', r))
    await back.say('Thanks!', 'client-thanks-1')
    await whenDoc(moved.doc, () => messagesOf(moved.doc).toArray().some((m) => m.text === 'Thanks!'))
    const until = Date.now() + 5_000
    while (!fresh.some((e) => e.type === 'message' && e.data.text === 'Thanks!') && Date.now() < until) await new Promise((r) => setTimeout(r, 25))
    expect(fresh[0]!.seq).toBe(last + 1)
    expect(fresh.map((e) => e.seq)).toEqual(fresh.map((_, i) => last + 1 + i))

    // Into a database that is not empty: refused, nothing touched.
    await big.stop()
    const twice = migrate('--from', small.dataDir, '--to', db.url)
    expect(twice.code).toBe(2)
    expect(twice.err.trim()).toMatch(/^parley: the PostgreSQL database at 127\.0\.0\.1:5432\/parley_test_\w+ is not empty \(.*events \d+.*\): migrate into a new, empty database$/)
  }, 60_000)

  it('says in one line what is wrong with what it was given', async () => {
    expect(migrate().err.trim()).toMatch(/^parley: usage: npm run migrate-to-postgres/)
    expect(migrate('--from', '/nowhere', '--to', 'mysql://x/y').err.trim()).toBe('parley: --to must be a PostgreSQL URL like postgres://user:password@host:5432/parley')
    expect(migrate('--from', '/nowhere/at/all', '--to', 'postgres://127.0.0.1:5432/x').err.trim()).toBe("parley: no database at /nowhere/at/all/parley.db (is --from the server's DATA_DIR?)")
    const small = await startServer()
    await small.stop()
    cleanups.push(async () => rmSync(small.dataDir, { recursive: true, force: true }))
    const r = migrate('--from', small.dataDir, '--to', 'postgres://postgres@127.0.0.1:5432/parley_no_such_database')
    expect(r.code).toBe(2)
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.err).toMatch(/parley_no_such_database/)
  }, 30_000)
})
