import { randomBytes } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { freePort } from './ports.ts'
import { createTestDatabase, type TestDatabase } from './postgres.ts'
import { kill9, spawnServer } from './process.ts'

/** The machine's Redis, shared by the cluster tests (each run under a key prefix of its own). */
export const TEST_REDIS_URL = process.env.PARLEY_TEST_REDIS_URL || 'redis://127.0.0.1:6379'

export interface Instance {
  name: string
  child: ChildProcess
  url: string
  wsUrl: string
  port: number
}

/** A Redis server of the test's own (Debian's redis-server, nothing on disk), which it may stop and start again on the same port. */
export async function startOwnRedis(): Promise<{ url: string; stop: () => Promise<void>; start: () => Promise<void> }> {
  const port = await freePort()
  let child: ChildProcess | null = null
  const start = async () => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] })
    child = c
    await new Promise<void>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${out}`)), 10_000)
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer)
          resolve()
        }
      })
      c.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${out}`)))
    })
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      if (child) await kill9(child)
    },
  }
}

/** HAProxy (Debian's) in front of the instances: round robin, health-checked on /readyz, WebSockets tunnelled. */
export async function startBalancer(instances: Instance[]): Promise<{ url: string; wsUrl: string; stop: () => Promise<void> }> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'parley-haproxy-'))
  const cfg = join(dir, 'haproxy.cfg')
  writeFileSync(
    cfg,
    [
      'global',
      '  maxconn 4096',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout tunnel 1h',
      '  option redispatch',
      '  retries 2',
      'frontend parley',
      `  bind 127.0.0.1:${port}`,
      '  default_backend instances',
      'backend instances',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  default-server inter 300ms fall 2 rise 1 on-marked-down shutdown-sessions',
      ...instances.map((i) => `  server ${i.name} 127.0.0.1:${i.port} check`),
      '',
    ].join('\n'),
  )
  const child = spawn(existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  // Up once it answers through to an instance.
  const url = `http://127.0.0.1:${port}`
  const until = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited:\n${out}`)
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    if (Date.now() > until) throw new Error(`haproxy did not come up:\n${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    async stop() {
      await kill9(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Several real server processes on one fresh PostgreSQL database and one Redis key prefix of
 * their own (dropped and deleted by `destroy`), sharing one files folder as instances must.
 */
export async function startCluster(names: string[], opts: { redisUrl?: string; env?: NodeJS.ProcessEnv } = {}) {
  const db: TestDatabase = await createTestDatabase()
  const redisUrl = opts.redisUrl ?? TEST_REDIS_URL
  const prefix = `parley-test-${randomBytes(5).toString('hex')}:`
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-cluster-'))
  const instances: Instance[] = []
  const start = async (name: string) => {
    const s = await spawnServer(dataDir, { ...opts.env, DATABASE_URL: db.url, REDIS_URL: redisUrl, REDIS_PREFIX: prefix, INSTANCE_ID: name })
    const instance = { name, ...s, port: Number(new URL(s.url).port) }
    instances.push(instance)
    return instance
  }
  // The first creates the schema and the admin; the others join it.
  await start(names[0]!)
  await Promise.all(names.slice(1).map(start))
  instances.sort((x, y) => names.indexOf(x.name) - names.indexOf(y.name))
  return {
    db,
    prefix,
    instances,
    start,
    async destroy() {
      await Promise.all(instances.map((i) => kill9(i.child)))
      await db.drop()
      if (!opts.redisUrl) {
        const redis = createClient({ url: redisUrl })
        redis.on('error', () => {})
        await redis.connect()
        for await (const key of redis.scanIterator({ MATCH: `${prefix}*` })) await redis.del(key)
        await redis.quit()
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
