import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { login, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

/** Prometheus text exposition, read back: each metric's type, and its samples with their labels. */
function parseExposition(text: string) {
  const types = new Map<string, string>()
  const samples: { name: string; labels: Record<string, string>; value: number }[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type) {
      types.set(type[1]!, type[2]!)
      continue
    }
    if (line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m) throw new Error(`not an exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!
    samples.push({ name: m[1]!, labels, value: Number(m[3]) })
  }
  return { types, samples }
}

async function scrape(url: string, token?: string) {
  const res = await fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {})
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parseExposition(await res.text())
}

function value(m: ReturnType<typeof parseExposition>, name: string, labels: Record<string, string> = {}): number | undefined {
  return m.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
}

/** Scrapes until `check` holds (server-side socket closes land a moment after the client's). */
async function scrapeUntil(url: string, check: (m: ReturnType<typeof parseExposition>) => boolean, timeoutMs = 5_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const m = await scrape(url)
    if (check(m)) return m
    if (Date.now() > until) throw new Error('metrics never reached the expected state')
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('health, readiness and metrics', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startServer()
  })
  afterAll(() => t.destroy())

  it('says the process is up and ready, naming the store', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ ok: true })
    const res = await fetch(`${t.url}/readyz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, store: t.server.store.kind, migrations: 'done' })
  })

  it('exposes the Prometheus format with every metric named and typed', async () => {
    const m = await scrape(t.url)
    expect(Object.fromEntries([...m.types].filter(([name]) => name.startsWith('parley_')))).toEqual({
      parley_instance_info: 'gauge',
      parley_sockets_open: 'gauge',
      parley_documents_loaded: 'gauge',
      parley_event_log_lag: 'gauge',
      parley_dispatcher_queue_waiting: 'gauge',
      parley_widget_frames_refused_total: 'counter',
      parley_redis_reconnects_total: 'counter',
      parley_store_commit_seconds: 'histogram',
    })
    // The process's own metrics, on this server's registry.
    expect(m.types.get('process_resident_memory_bytes')).toBe('gauge')
    expect(m.types.get('nodejs_eventloop_lag_seconds')).toBe('gauge')
    for (const kind of ['sync', 'widget', 'live', 'visitors']) expect(value(m, 'parley_sockets_open', { kind })).toBe(0)
    expect(m.samples.find((s) => s.name === 'parley_instance_info')?.labels.instance_id).toBeTruthy()
  })

  it('counts widget and live sockets as they open and close, times the commit of a message, and has no event-log lag once settled', async () => {
    const before = await scrape(t.url)
    const commitsBefore = value(before, 'parley_store_commit_seconds_count', { result: 'ok' }) ?? 0
    const { token } = await login(t.url)
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    const live = new WebSocket(`${t.wsUrl}/api/live?token=${token}&after=0`)
    await new Promise((r, j) => (live.once('open', r), live.once('error', j)))
    await visitor.say('hello, anyone?')

    const open = await scrapeUntil(t.url, (m) => value(m, 'parley_sockets_open', { kind: 'live' }) === 1)
    expect(value(open, 'parley_sockets_open', { kind: 'widget' })).toBe(1)
    expect(value(open, 'parley_store_commit_seconds_count', { result: 'ok' })).toBeGreaterThan(commitsBefore)
    expect(value(open, 'parley_store_commit_seconds_bucket', { result: 'ok', le: '+Inf' })).toBe(value(open, 'parley_store_commit_seconds_count', { result: 'ok' }))
    expect(value(open, 'parley_documents_loaded')).toBeGreaterThanOrEqual(1)
    // The visitor's conversation waits in a queue (nobody is online to take it).
    expect(open.samples.filter((s) => s.name === 'parley_dispatcher_queue_waiting').reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(1)
    await scrapeUntil(t.url, (m) => value(m, 'parley_event_log_lag', { workspace: 'default' }) === 0)

    await visitor.close()
    live.close()
    await scrapeUntil(t.url, (m) => value(m, 'parley_sockets_open', { kind: 'widget' }) === 0 && value(m, 'parley_sockets_open', { kind: 'live' }) === 0)
  })

  it('counts refused widget frames by reason', async () => {
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    expect((await visitor.request('{not json', 'error')).code).toBe('bad_request')
    expect((await visitor.request({ type: 'no-such-frame' }, 'error')).code).toBe('unknown_type')
    expect((await visitor.request({ type: 'no-such-frame' }, 'error')).code).toBe('unknown_type')
    const m = await scrape(t.url)
    expect(value(m, 'parley_widget_frames_refused_total', { reason: 'bad_request' })).toBe(1)
    expect(value(m, 'parley_widget_frames_refused_total', { reason: 'unknown_type' })).toBe(2)
    await visitor.close()
  })

  it('keeps each server its own registry', async () => {
    const other = await startServer()
    try {
      const m = await scrape(other.url)
      expect(value(m, 'parley_widget_frames_refused_total', { reason: 'unknown_type' })).toBeUndefined()
    } finally {
      await other.destroy()
    }
  })
})

describe('readiness going away', () => {
  it('answers 503 once the store is closed', async () => {
    const t = await startServer()
    try {
      await t.server.store.close()
      const res = await fetch(`${t.url}/readyz`)
      expect(res.status).toBe(503)
      const body = (await res.json()) as { ok: boolean; reason: string }
      expect(body.ok).toBe(false)
      expect(body.reason).toMatch(/^store unreachable/)
      // The process itself is still up.
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200)
    } finally {
      await t.destroy()
    }
  })

  it('answers 503 "stopping" while the server shuts down', async () => {
    const t = await startServer()
    // A widget peer that never answers the closing handshake holds the shutdown open for its grace period.
    const raw = connect(Number(new URL(t.url).port), '127.0.0.1')
    await new Promise<void>((resolve, reject) => {
      raw.once('error', reject)
      raw.write(
        'GET /widget/ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      )
      raw.once('data', (d) => (String(d).startsWith('HTTP/1.1 101') ? resolve() : reject(new Error(String(d)))))
    })
    raw.on('error', () => {})
    const stopped = t.destroy()
    try {
      const res = await fetch(`${t.url}/readyz`)
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ ok: false, reason: 'stopping' })
    } finally {
      await stopped
      raw.destroy()
    }
  })
})

describe('METRICS_TOKEN', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startServer({ metricsToken: 's3cret-metrics' })
  })
  afterAll(() => t.destroy())

  it('asks for the bearer token on /metrics, and only there', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401)
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 's3cret-metrics' } })).status).toBe(401)
    const m = await scrape(t.url, 's3cret-metrics')
    expect(m.types.get('parley_sockets_open')).toBe('gauge')
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200)
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200)
  })
})
