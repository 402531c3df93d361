import Database from 'better-sqlite3'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import type { EventsResponse, LogEvent } from '../../shared/protocol.ts'
import { login, Visitor } from '../support/clients.ts'
import { kill9, spawnServer } from '../support/process.ts'

const ROOT = join(import.meta.dirname, '../..')
const run = promisify(execFile)
const scratch = mkdtempSync(join(tmpdir(), 'parley-backup-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** One write per this many ms keeps a busy visitor within the widget's frame rate however long a backup takes. */
const WRITE_EVERY_MS = 100

/** What a test is told of a command's process while it runs. */
interface Watch {
  spawned?: () => void
  exited?: () => void
}

/** `npm run backup|restore -- …` as an operator types it (node directly: the same entry, without npm's banner). */
async function cli(dataDir: string, ...args: [...string[]] | [...string[], Watch]): Promise<{ code: number; stdout: string; stderr: string }> {
  const watch = typeof args.at(-1) === 'object' ? (args.pop() as Watch) : {}
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir }
  delete env.DATABASE_URL
  delete env.INIT_CWD
  const running = run(process.execPath, ['--import', 'tsx', 'sync-server/backup.ts', ...(args as string[])], { cwd: ROOT, env })
  if (watch.spawned) running.child.once('spawn', watch.spawned)
  if (watch.exited) running.child.once('exit', watch.exited)
  try {
    const { stdout, stderr } = await running
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/** A user error: exit code 2, one line, no stack trace. */
function expectRefusal(r: { code: number; stdout: string; stderr: string }, says: RegExp) {
  expect(r.code, r.stderr).toBe(2)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(says)
  expect(r.stderr).not.toMatch(/\n\s+at /)
}

async function allEvents(url: string, token: string, after = 0): Promise<LogEvent[]> {
  const out: LogEvent[] = []
  for (;;) {
    const res = await fetch(`${url}/api/events?after=${after}`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    const page = (await res.json()) as EventsResponse
    out.push(...page.events)
    if (page.events.length === 0 || page.last === after) return out
    after = page.last
  }
}

describe('npm run backup / restore (SQLite)', () => {
  it('copies a serving database consistently; the copy restored into a fresh folder serves everything acknowledged before it', async () => {
    const dataDir = join(scratch, 'live')
    const server = await spawnServer(dataDir)
    let restored: Awaited<ReturnType<typeof spawnServer>> | undefined
    try {
      const { token } = await login(server.url)
      // Traffic committed: three visitors, each message acknowledged (stored) by the server.
      const visitors = [1, 2, 3].map((i) => new Visitor(server.wsUrl, { name: `Visitor ${i}` }, undefined, `127.0.0.${10 + i}`))
      const acked = new Map<string, string>() // message id → text
      for (const v of visitors) {
        await v.connect()
        for (let i = 0; i < 8; i++) {
          const text = `${v.visitorId} says ${i}`
          acked.set((await v.say(text)).id, text)
        }
      }

      // The server keeps writing while the backup is taken: each acknowledged message is counted as
      // before the command started, while it ran, or after it exited.
      const writer = new Visitor(server.wsUrl, { name: 'Busy' }, undefined, '127.0.0.20')
      await writer.connect()
      const ackedIds: string[] = []
      let atSpawn = -1
      let atExit = -1
      let firstAck!: () => void
      const writingStarted = new Promise<void>((r) => (firstAck = r))
      // Until a message sent after an ack that came after the exit is acknowledged too: that one was sent after the copy.
      const writes = (async () => {
        for (let n = 0; atExit < 0 || ackedIds.length <= atExit + 1; n++) {
          ackedIds.push((await writer.say(`during ${n}`)).id)
          firstAck()
          // Paced, not waited on: a widget socket may send 10 frames a second (WidgetGateway's FRAME_RATE).
          await new Promise((r) => setTimeout(r, WRITE_EVERY_MS))
        }
      })()
      await writingStarted
      const file = join(scratch, 'parley-backup.db')
      const taken = await cli(dataDir, 'backup', file, { spawned: () => (atSpawn = ackedIds.length), exited: () => (atExit = ackedIds.length) })
      await writes
      expect(taken.code, taken.stderr).toBe(0)
      const [line, note] = taken.stdout.trim().split('\n')
      expect(line).toMatch(/^Backed up .*parley\.db to .*parley-backup\.db: [\d.]+ (B|KB|MB|GB), last event seq \d+\.$/)
      expect(note).toMatch(/files.* separately/)
      const backupSeq = Number(/last event seq (\d+)/.exec(line!)![1])
      expect(existsSync(file)).toBe(true)
      expect(readdirSync(scratch).filter((n) => n.includes('.tmp'))).toEqual([])
      // Writes were acknowledged while the command ran; those acknowledged before it started are in
      // the copy, and the last one, sent after it exited, is past it in the live log.
      const liveEvents = await allEvents(server.url, token)
      const seqOf = new Map(liveEvents.filter((e) => e.type === 'message').map((e) => [e.data.messageId as string, e.seq]))
      const ackedSeqs = ackedIds.map((id) => seqOf.get(id) ?? NaN)
      expect(ackedSeqs.every((seq) => seq > 0), 'every acknowledged message in the live log').toBe(true)
      expect(atSpawn).toBeGreaterThan(0)
      expect(atExit - atSpawn, 'messages acknowledged while the backup ran').toBeGreaterThan(0)
      expect(Math.max(...ackedSeqs.slice(0, atSpawn))).toBeLessThanOrEqual(backupSeq)
      expect(ackedSeqs.at(-1)).toBeGreaterThan(backupSeq)

      // Restore refuses the folder of a running server, and leaves it as it was.
      const before = readdirSync(dataDir).sort()
      expectRefusal(await cli(dataDir, 'restore', file), /a server is running on/)
      expect(readdirSync(dataDir).sort()).toEqual(before)

      // Backup refuses to overwrite, unless told.
      expectRefusal(await cli(dataDir, 'backup', file), /exists; pass --force/)
      const forced = join(scratch, 'forced.db')
      writeFileSync(forced, 'old')
      expect((await cli(dataDir, 'backup', forced, '--force')).code).toBe(0)
      expect(readFileSync(forced).subarray(0, 15).toString()).toBe('SQLite format 3')

      // Restored into a fresh data folder and served.
      const fresh = join(scratch, 'fresh')
      rmSync(fresh, { recursive: true, force: true })
      mkdirSync(fresh)
      const put = await cli(fresh, 'restore', file)
      expect(put.code, put.stderr).toBe(0)
      expect(put.stdout).toMatch(new RegExp(`^Restored .* \\(.*last event seq ${backupSeq}\\)\\.\\n`))
      expect(put.stdout).toMatch(/files.* separately/)
      expect(readdirSync(fresh).sort()).toEqual(['parley.db'])

      restored = await spawnServer(fresh)
      const { token: token2 } = await login(restored.url)
      const back = await allEvents(restored.url, token2)
      // The log up to the copy's last event, sequence numbers and all, is the live one's.
      const upTo = back.filter((e) => e.seq <= backupSeq)
      expect(upTo.map((e) => e.seq)).toEqual(liveEvents.filter((e) => e.seq <= backupSeq).map((e) => e.seq))
      expect(upTo).toEqual(liveEvents.filter((e) => e.seq <= backupSeq))
      expect(upTo.map((e) => e.seq)).toEqual(Array.from({ length: backupSeq }, (_, i) => i + 1))
      // Every message acknowledged before the backup is there.
      const messageIds = new Set(upTo.filter((e) => e.type === 'message').map((e) => e.data.messageId as string))
      for (const id of acked.keys()) expect(messageIds, `acknowledged ${acked.get(id)}`).toContain(id)
      // And the visitors' own history too (their tokens still hold: the workspace's secret came back).
      const again = await new Visitor(restored.wsUrl, {}, undefined, '127.0.0.31').connect(visitors[0]!.token)
      for (const [id, text] of acked) if (text.startsWith(`${visitors[0]!.visitorId} `)) expect(again.history.map((m) => m.id)).toContain(id)

      // The app's catch-up resumes from where the copy ends: new events follow on, numbered after it.
      const newcomer = new Visitor(restored.wsUrl, { name: 'After' }, undefined, '127.0.0.32')
      await newcomer.connect()
      const after = await newcomer.say('after the restore')
      const resumed = await allEvents(restored.url, token2, backupSeq)
      expect(resumed.length).toBeGreaterThan(0)
      expect(resumed.map((e) => e.seq)).toEqual(Array.from({ length: resumed.length }, (_, i) => backupSeq + 1 + i))
      expect(resumed.some((e) => e.type === 'message' && e.data.messageId === after.id)).toBe(true)
      for (const v of [...visitors, writer, newcomer]) await v.close().catch(() => {})
    } finally {
      await kill9(server.child)
      if (restored) await kill9(restored.child)
    }
  }, 60_000)

  it('restore refuses what is not a Parley database, keeping the current one; with DATABASE_URL both point to pg_dump / pg_restore', async () => {
    const dataDir = join(scratch, 'refusals')
    const server = await spawnServer(dataDir)
    const good = join(scratch, 'good.db')
    try {
      expect((await cli(dataDir, 'backup', good)).code).toBe(0)
    } finally {
      await kill9(server.child)
    }
    const before = readFileSync(join(dataDir, 'parley.db'))

    const text = join(scratch, 'notes.txt')
    writeFileSync(text, 'this is not a database, just some notes\n'.repeat(100))
    expectRefusal(await cli(dataDir, 'restore', text), /notes\.txt is not a SQLite database/)

    const foreign = join(scratch, 'foreign.db')
    const db = new Database(foreign)
    db.exec('CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO recipes (name) VALUES (\'soup\')')
    db.close()
    expectRefusal(await cli(dataDir, 'restore', foreign), /foreign\.db is a SQLite database but not Parley's/)

    const newer = join(scratch, 'newer.db')
    const n = new Database(good)
    await n.backup(newer)
    n.close()
    const m = new Database(newer)
    m.pragma('user_version = 9999')
    m.close()
    expectRefusal(await cli(dataDir, 'restore', newer), /newer than this Parley's/)

    expectRefusal(await cli(dataDir, 'restore', join(scratch, 'missing.db')), /no file/)
    expectRefusal(await cli(dataDir, 'backup'), /usage/)

    // Nothing was touched by the refusals.
    expect(readFileSync(join(dataDir, 'parley.db')).equals(before)).toBe(true)
    expect(readdirSync(dataDir).filter((f) => f.includes('restore'))).toEqual([])

    // A good one: the current database is kept beside it.
    const ok = await cli(dataDir, 'restore', good)
    expect(ok.code, ok.stderr).toBe(0)
    const kept = readdirSync(dataDir).filter((f) => /^parley\.db\.before-restore-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/.test(f))
    expect(kept).toHaveLength(1)
    expect(ok.stdout).toContain(kept[0])
    expect(readdirSync(dataDir).filter((f) => f.endsWith('-wal') || f.endsWith('-shm'))).toEqual([])

    for (const cmd of ['backup', 'restore']) {
      const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: 'postgres://parley:secret@db.example:5432/parley' }
      const r = await run(process.execPath, ['--import', 'tsx', 'sync-server/backup.ts', cmd, good], { cwd: ROOT, env }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      )
      expectRefusal(r, /pg_dump \/ pg_restore/)
      expect(r.stderr).not.toContain('secret')
    }
  }, 60_000)
})
