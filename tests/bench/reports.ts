/**
 * The supervisor's device catching up with a whole workspace (`reports` keys): a generated log of
 * 1,000,000 events (100,000 conversations, 90 days, 60 agents, 10 groups; `BENCH_REPORTS_EVENTS`
 * and `BENCH_REPORTS_CONVERSATIONS` shrink it) committed into a real server, pulled by a fresh
 * Chromium profile signed in as a supervisor, through a loopback proxy that counts the bytes the
 * browser received. Every time is taken in the page: from the sign-in click to the moment
 * IndexedDB holds the server's last event. The baseline is the same events only downloaded
 * (GET /api/events pages fetched by the page), in the same run.
 */
import { existsSync, writeFileSync } from 'node:fs'
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from '@playwright/test'
import { createAgent, login } from '../support/clients.ts'
import { copyBuild, DIST } from './buildCopy.ts'
import { startServer } from '../support/server.ts'
import { launchChromium, VIEWPORT } from './appBrowser.ts'
import { prng } from '../support/random.ts'
import { seedReportsWorkspace, type SeededWorkspace } from './reportsSeed.ts'
import { round } from './stats.ts'
import { measureViews } from './reportsViews.ts'

export const REPORTS_BUDGET = { catchup_events_per_s: 20_000, catchup_longest_task_ms: 200 }

export interface ReportsOptions {
  events: number
  conversations: number
  log: (msg: string) => void
}

const SUPERVISOR = { email: 'sam.supervisor@example.com', password: 'supervisor password 1234', name: 'Sam Supervisor' }
/** Longest wait for the catch-up and the search index: at the old 1,500 events a second a million events took eleven minutes, and indexing takes longer. */
const CATCHUP_TIMEOUT_MS = 40 * 60_000
/** How often the page looks at what IndexedDB holds: fine enough against a catch-up of tens of seconds. */
const POLL_MS = 100
/** A tab click during the catch-up, this often: the inbox must answer while the worker stores. */
const CLICK_EVERY_MS = 1000
/** Events per page of the download baseline (the server's maximum). */
const BASELINE_PAGE = 5000

/**
 * Installed before the app's scripts: long tasks, the sign-in click's time, and a resource
 * timing buffer that holds every page of the baseline download.
 */
const PROBE = `(() => {
  const b = (window.__catchup = { longTasks: [], signInAt: null })
  performance.setResourceTimingBufferSize(100000)
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) b.longTasks.push([e.startTime, e.duration]) }).observe({ type: 'longtask', buffered: true })
  } catch {}
  document.addEventListener('click', (e) => {
    if (b.signInAt === null && e.target instanceof Element && e.target.closest('[data-testid=login-submit]')) b.signInAt = e.timeStamp
  }, { capture: true })
})()`

/**
 * In the page: waits for the database to exist, then polls its kv table until `lastSeq` reaches
 * `target` (caught up) and `searchSeq` reaches it too (search indexed). Notes when the progress
 * bar was first and last seen. A readonly transaction waits for the worker's write of the
 * moment: a reading is at most one frame late.
 */
const WATCH = `({ dbName, target, pollMs, timeoutMs }) => new Promise((resolve, reject) => {
  const b = window.__catchup
  const started = performance.now()
  let conn = null
  const out = { caughtUpAt: null, indexedAt: null, progressFirstAt: null, progressLastAt: null, progressMaxPercent: null, stored: 0 }
  const readKv = () => new Promise((res, rej) => {
    const tx = conn.transaction('kv', 'readonly')
    const os = tx.objectStore('kv')
    const a = os.get('lastSeq'), s = os.get('searchSeq')
    tx.oncomplete = () => res({ last: (a.result && a.result.value) || 0, search: (s.result && s.result.value) || 0 })
    tx.onerror = () => rej(tx.error)
  })
  // The events held: the log stores them in chunks (client/data/eventLog.ts), each read once.
  const count = () => new Promise((res, rej) => {
    let n = 0
    const req = conn.transaction('log', 'readonly').objectStore('log').openCursor()
    req.onsuccess = () => {
      const c = req.result
      if (!c) return res(n)
      n += c.value.events.length
      c.continue()
    }
    req.onerror = () => rej(req.error)
  })
  const tick = async () => {
    try {
      if (performance.now() - started > timeoutMs) return reject(new Error('catch-up timed out; ' + JSON.stringify(out)))
      const bar = document.querySelector('[data-testid=sync-progress]')
      if (bar) {
        const now = performance.now()
        out.progressFirstAt ??= now
        out.progressLastAt = now
        out.progressText = bar.textContent
        const p = /(\\d+)%/.exec(bar.textContent || '')
        if (p) out.progressMaxPercent = Math.max(out.progressMaxPercent || 0, Number(p[1]))
      }
      if (!conn) {
        const dbs = await indexedDB.databases()
        if (!dbs.some((d) => d.name === dbName)) return setTimeout(tick, pollMs)
        conn = await new Promise((res, rej) => { const o = indexedDB.open(dbName); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error) })
        conn.onversionchange = () => { conn.close(); conn = null }
      }
      const kv = await readKv()
      const now = performance.now()
      if (out.caughtUpAt === null && kv.last >= target) {
        out.caughtUpAt = now
        out.stored = await count()
      }
      if (out.indexedAt === null && kv.search >= target) out.indexedAt = now
      if (out.caughtUpAt !== null && out.indexedAt !== null) {
        conn.close()
        return resolve({ ...out, signInAt: b.signInAt, longTasks: b.longTasks })
      }
      setTimeout(tick, pollMs)
    } catch (err) { reject(err) }
  }
  tick()
})`

/** In the page: the same events only downloaded, GET /api/events a page at a time; `last` read from the end of each body. */
const DOWNLOAD = `async ({ target, page }) => {
  const token = JSON.parse(localStorage.getItem('parley.session')).token
  const t0 = performance.now()
  let after = 0, bytes = 0, pages = 0
  while (after < target) {
    const res = await fetch('/api/events?after=' + after + '&limit=' + page, { headers: { authorization: 'Bearer ' + token }, cache: 'no-store' })
    if (!res.ok) throw new Error('GET /api/events: ' + res.status)
    const text = await res.text()
    const m = /"last":(\\d+)\\}$/.exec(text.slice(-40))
    if (!m) throw new Error('GET /api/events: no last at the end of the body')
    after = Number(m[1])
    bytes += text.length
    pages++
  }
  const ms = performance.now() - t0
  const wire = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/events?')).reduce((n, e) => n + e.transferSize, 0)
  const gzipped = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/events?') && e.encodedBodySize < e.decodedBodySize).length
  return { ms, bytes, pages, wire, gzipped }
}`

/**
 * In the page: what storing a row per event would cost at best, the reason the log is chunked
 * (client/data/eventLog.ts). The first `count` events of the log, fetched, then written to a
 * scratch database as one row each (key `seq`, indexes `conversationId` and `type`) in
 * transactions of 5,000 plain `put`s and nothing else; rows a second.
 */
const RAW_IDB = `async ({ count }) => {
  const token = JSON.parse(localStorage.getItem('parley.session')).token
  const events = []
  while (events.length < count) {
    const res = await fetch('/api/events?after=' + events.length + '&limit=5000', { headers: { authorization: 'Bearer ' + token } })
    const page = (await res.json()).events
    if (!page.length) break
    events.push(...page)
  }
  const name = 'bench-raw-idb-' + Date.now()
  const db = await new Promise((res, rej) => {
    const o = indexedDB.open(name, 1)
    o.onupgradeneeded = () => { const s = o.result.createObjectStore('events', { keyPath: 'seq' }); s.createIndex('conversationId', 'conversationId'); s.createIndex('type', 'type') }
    o.onsuccess = () => res(o.result)
    o.onerror = () => rej(o.error)
  })
  const t0 = performance.now()
  for (let i = 0; i < events.length; i += 5000) {
    await new Promise((res, rej) => {
      const tx = db.transaction('events', 'readwrite', { durability: 'relaxed' })
      const os = tx.objectStore('events')
      for (const e of events.slice(i, i + 5000)) os.put(e)
      tx.oncomplete = () => res()
      tx.onerror = () => rej(tx.error)
    })
  }
  const ms = performance.now() - t0
  db.close()
  await new Promise((res) => { const d = indexedDB.deleteDatabase(name); d.onsuccess = d.onerror = d.onblocked = () => res() })
  return { rows: events.length, per_s: Math.round(events.length / (ms / 1000)) }
}`
/** Events written by the storage-ceiling baseline: enough for a steady rate, a few seconds' work. */
const RAW_IDB_EVENTS = 20_000

/** What `measureViews` (reportsViews.ts) gets: the supervisor's page once the device holds the whole log. */
export interface CaughtUpSession {
  page: Page
  context: BrowserContext
  url: string
  dbName: string
  workspace: SeededWorkspace
  log: (msg: string) => void
}

export async function measureReports(o: ReportsOptions) {
  if (!existsSync(join(DIST, 'app/index.html'))) throw new Error(`reports bench: ${DIST}/app is missing; run \`npm run build\` first`)
  const { log } = o
  const closers: (() => Promise<unknown>)[] = []
  try {
    const { staticDir, build } = copyBuild(closers)
    const parley = await startServer({ staticDir })
    closers.push(() => parley.destroy())

    const size = { conversations: o.conversations, events: o.events, days: 90, agents: 60, groups: 10 }
    log(`reports: seeding ${size.conversations} conversations, ${size.events} events over ${size.days} days…`)
    const seedStart = performance.now()
    const workspace = await seedReportsWorkspace(parley.server.store, size, prng(20_261_203))
    log(`reports: seeded ${workspace.lastSeq} events in ${Math.round(performance.now() - seedStart)} ms`)

    const admin = await login(parley.url)
    const created = await createAgent(parley.url, admin.token, { ...SUPERVISOR, role: 'supervisor' })
    if (created.status !== 201 || !created.body.id) throw new Error(`reports bench: could not create the supervisor: ${JSON.stringify(created.body)}`)
    const dbName = `parley-default-${created.body.id}`

    const proxy = await countingProxy(new URL(parley.url).port)
    closers.push(() => proxy.close())
    const url = `http://127.0.0.1:${proxy.port}`

    const browser = await launchChromium()
    closers.push(() => browser.close())
    const context = await browser.newContext({ viewport: VIEWPORT })
    closers.push(() => context.close())
    await context.addInitScript(PROBE)
    context.on('weberror', (e) => log(`reports: page error: ${e.error().message}`))
    const page = await context.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('net::ERR_')) log(`reports: console error: ${m.text().slice(0, 300)}`)
    })
    /** What the page received on its live sockets, as the app got it (inflated). */
    const live = { frames: 0, payloadBytes: 0, extensions: [] as string[] }
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/api/live')) return
      ws.on('framereceived', (f) => {
        live.frames++
        live.payloadBytes += typeof f.payload === 'string' ? Buffer.byteLength(f.payload) : f.payload.length
      })
    })
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    cdp.on('Network.webSocketHandshakeResponseReceived', (e: { response: { headers: Record<string, string> } }) => {
      const h = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'sec-websocket-extensions')
      live.extensions.push(h ? h[1] : '')
    })

    await page.goto(url)
    await page.getByTestId('login-email').fill(SUPERVISOR.email)
    await page.getByTestId('login-password').fill(SUPERVISOR.password)
    const watching = page.evaluate(`(${WATCH})(${JSON.stringify({ dbName, target: workspace.lastSeq, pollMs: POLL_MS, timeoutMs: CATCHUP_TIMEOUT_MS })})`) as Promise<Watched>
    log(`reports: signing in as a supervisor at ${url}; catching up with ${workspace.lastSeq} events…`)
    // BENCH_REPORTS_PROFILE=<file>: the page's main thread profiled through the catch-up (a .cpuprofile for DevTools), to find its long tasks.
    const profileTo = process.env.BENCH_REPORTS_PROFILE
    if (profileTo) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.start')
    }
    await page.getByTestId('login-submit').click()
    await page.getByTestId('inbox').waitFor({ timeout: 60_000 })
    const heapPeak = sampleWorkerHeap(browser, watching, log)
    const clicks = await clickTabsUntil(page, watching, log)
    const w = await watching
    if (profileTo) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown }
      writeFileSync(profileTo, JSON.stringify(profile))
      log(`reports: the main thread's profile is in ${profileTo}`)
    }
    const heapMb = await workerHeapMb(browser, log)
    if (w.signInAt === null || w.caughtUpAt === null) throw new Error('reports bench: the sign-in or the catch-up was not seen')
    const catchupMs = w.caughtUpAt - w.signInAt
    const during = w.longTasks.filter(([start]) => start >= w.signInAt! && start <= w.caughtUpAt!)
    const estimate = (await page.evaluate('navigator.storage.estimate()')) as { usage?: number }
    const workers = page.workers().map((x) => x.url().split('/').pop())
    const ingest = await ingestTimings(page)

    log('reports: the baseline: the same events only downloaded (GET /api/events in the page)…')
    const download = (await page.evaluate(`(${DOWNLOAD})(${JSON.stringify({ target: workspace.lastSeq, page: BASELINE_PAGE })})`)) as { ms: number; bytes: number; pages: number; wire: number; gzipped: number }

    log('reports: the storage ceiling: the same events put straight into IndexedDB…')
    const raw = (await page.evaluate(`(${RAW_IDB})(${JSON.stringify({ count: Math.min(RAW_IDB_EVENTS, workspace.lastSeq) })})`)) as { rows: number; per_s: number }

    const after = await measureViews({ page, context, url, dbName, workspace, log })
    const liveWire = proxy.bytesTo('/api/live')
    return {
      build: build.join(' '),
      conversations: workspace.conversations,
      events: workspace.lastSeq,
      event_mix: workspace.counts,
      catchup_ms: Math.round(catchupMs),
      catchup_events_per_s: Math.round(w.stored / (catchupMs / 1000)),
      baseline_fetch_events_per_s: Math.round(workspace.lastSeq / (download.ms / 1000)),
      catchup_vs_baseline: round(catchupMs / download.ms),
      catchup_longest_task_ms: Math.round(Math.max(0, ...during.map(([, d]) => d))),
      catchup_long_tasks: during.length,
      catchup_tab_click_max_ms: clicks.length ? Math.round(Math.max(...clicks)) : null,
      catchup_tab_clicks: clicks.length,
      search_indexed_ms: w.indexedAt !== null ? Math.round(w.indexedAt - w.signInAt) : null,
      events_stored: w.stored,
      idb_bytes_per_event: estimate.usage ? round(estimate.usage / w.stored) : null,
      worker_heap_mb: heapMb,
      worker_heap_peak_mb: await heapPeak,
      live_wire_bytes: liveWire,
      live_payload_bytes: live.payloadBytes,
      live_wire_vs_payload: round(liveWire / live.payloadBytes),
      live_frames: live.frames,
      live_extensions: [...new Set(live.extensions)],
      baseline_idb_rows_per_s: raw.per_s,
      baseline_fetch_ms: Math.round(download.ms),
      baseline_fetch_wire_bytes: download.wire,
      baseline_fetch_body_bytes: download.bytes,
      baseline_fetch_gzipped_pages: `${download.gzipped} of ${download.pages}`,
      progress_shown: w.progressFirstAt !== null,
      progress_max_percent: w.progressMaxPercent,
      progress_hidden_after_ms: w.progressLastAt !== null ? Math.round(w.progressLastAt - w.signInAt) : null,
      workers,
      worker_timings: ingest,
      ...after,
    }
  } finally {
    for (const close of closers.reverse()) await close().catch((err) => log(`reports: cleanup failed: ${String(err)}`))
  }
}

interface Watched {
  signInAt: number | null
  caughtUpAt: number | null
  indexedAt: number | null
  progressFirstAt: number | null
  progressLastAt: number | null
  progressMaxPercent: number | null
  stored: number
  longTasks: [number, number][]
}

/**
 * Until `done` settles, clicks the inbox's Closed and All tabs in turn; each click is timed in the
 * page from the input event to the first frame that shows the list switched.
 */
async function clickTabsUntil(page: Page, done: Promise<unknown>, log: (m: string) => void): Promise<number[]> {
  let finished = false
  void done.finally(() => (finished = true)).catch(() => {})
  const out: number[] = []
  let tab = 'closed'
  while (!finished) {
    await new Promise((r) => setTimeout(r, CLICK_EVERY_MS))
    if (finished) break
    try {
      const timing = page.evaluate(`(${TAB_SWITCH})(${JSON.stringify(tab)})`) as Promise<number>
      await page.locator(`[data-testid="tab"][data-tab="${tab}"]`).click({ timeout: 10_000 })
      out.push(await timing)
      tab = tab === 'closed' ? 'all' : 'closed'
    } catch (err) {
      if (!finished) log(`reports: a tab click during the catch-up failed: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  return out
}

/** The ingest worker's own measures: time spent parsing and storing frames, and indexing for search. */
async function ingestTimings(page: Page): Promise<Record<string, number> | null> {
  const worker = page.workers().find((w) => w.url().includes('ingestWorker'))
  if (!worker) return null
  return (await worker.evaluate(`(() => {
    const frames = performance.getEntriesByName('parley:ingest-frame')
    const index = performance.getEntriesByName('parley:search-index')
    const applied = performance.getEntriesByName('parley:apply-events')
    const sum = (xs, f) => Math.round(xs.reduce((n, e) => n + f(e), 0))
    return {
      frames: frames.length,
      frame_ms_total: sum(frames, (e) => e.duration),
      frame_parse_ms_total: sum(frames, (e) => e.detail.parseMs),
      frame_read_ms_total: sum(applied, (e) => e.detail.readMs),
      frame_fold_ms_total: sum(applied, (e) => e.detail.foldMs),
      frame_write_ms_total: sum(applied, (e) => e.detail.writeMs),
      frame_log_write_ms_total: sum(applied, (e) => e.detail.logMs),
      frame_rows_write_ms_total: sum(applied, (e) => e.detail.rowsMs),
      frame_pages_write_ms_total: sum(applied, (e) => e.detail.pagesMs),
      frame_rows_total: sum(applied, (e) => e.detail.rows + e.detail.facts),
      frame_ms_max: Math.round(Math.max(0, ...frames.map((e) => e.duration))),
      index_batches: index.length,
      index_ms_total: sum(index, (e) => e.duration),
    }
  })()`)) as Record<string, number>
}

/** In the page: resolves with the time from the next click to the first frame that shows the inbox on `tab`. */
const TAB_SWITCH = `(tab) => new Promise((resolve) => {
  let at = 0
  const check = () => {
    const inbox = document.querySelector('[data-testid=inbox]')
    if (inbox && inbox.getAttribute('data-tab') === tab) resolve(performance.now() - at)
    else requestAnimationFrame(() => setTimeout(check, 0))
  }
  document.addEventListener('click', (e) => { at = e.timeStamp; requestAnimationFrame(() => setTimeout(check, 0)) }, { capture: true, once: true })
})`

/** How often the worker's heap is read during the catch-up: frames that wait for the worker are held in its heap. */
const HEAP_SAMPLE_MS = 5000

/** The largest ingest-worker heap read while `done` is pending (null when never read). */
async function sampleWorkerHeap(browser: Browser, done: Promise<unknown>, log: (m: string) => void): Promise<number | null> {
  let finished = false
  void done.finally(() => (finished = true)).catch(() => {})
  let peak: number | null = null
  let failures = 0
  while (!finished && failures < 3) {
    await new Promise((r) => setTimeout(r, HEAP_SAMPLE_MS))
    const mb = await workerHeapMb(browser, () => failures++)
    if (mb !== null) peak = Math.max(peak ?? 0, mb)
  }
  if (peak === null) log('reports: the worker heap could not be sampled during the catch-up')
  return peak
}

/** The ingest worker's JS heap in MB, read over the browser's DevTools protocol; null when it cannot be read. */
async function workerHeapMb(browser: Browser, log: (m: string) => void): Promise<number | null> {
  try {
    const cdp = await browser.newBrowserCDPSession()
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] }
    const target = targetInfos.find((t) => t.type === 'worker' && t.url.includes('ingestWorker'))
    if (!target) return null
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string }
    const answer = new Promise<number>((resolve, reject) => {
      cdp.on('Target.receivedMessageFromTarget', (e: { sessionId: string; message: string }) => {
        if (e.sessionId !== sessionId) return
        const m = JSON.parse(e.message) as { id?: number; result?: { usedSize: number }; error?: unknown }
        if (m.id !== 1) return
        if (m.result) resolve(m.result.usedSize)
        else reject(new Error(JSON.stringify(m.error)))
      })
    })
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }) })
    const used = await Promise.race([answer, new Promise<never>((_, r) => setTimeout(() => r(new Error('no answer')), 10_000))])
    await cdp.detach()
    return round(used / 1e6)
  } catch (err) {
    log(`reports: could not read the worker's heap: ${(err as Error).message}`)
    return null
  }
}

/**
 * A loopback TCP proxy in front of the server: counts the bytes it passes to the browser on each
 * connection, grouped by the path of the connection's first request. The WebSocket's bytes here
 * are the frames as sent on the wire, compressed or not.
 */
async function countingProxy(port: string): Promise<{ port: number; bytesTo(pathPrefix: string): number; close(): Promise<void> }> {
  const byPath: { path: string; bytes: number }[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), '127.0.0.1')
    const entry = { path: '', bytes: 0 }
    byPath.push(entry)
    sockets.add(client).add(upstream)
    client.once('data', (chunk: Buffer) => {
      entry.path = /^[A-Z]+ (\S+)/.exec(chunk.toString('latin1', 0, 200))?.[1] ?? ''
    })
    upstream.on('data', (chunk: Buffer) => (entry.bytes += chunk.length))
    client.pipe(upstream)
    upstream.pipe(client)
    const end = () => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    bytesTo: (prefix) => byPath.filter((e) => e.path.startsWith(prefix)).reduce((n, e) => n + e.bytes, 0),
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
