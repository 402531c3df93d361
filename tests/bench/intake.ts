/**
 * Intake as the queue grows: visitors keep starting chats, 50 at a time, each from a loopback
 * address of its own (127.0.x.y, as on the web, where the server limits frames per address); none
 * is answered, so every one of them waits in the workspace-wide queue behind the others, while one
 * agent is online (so each is told a wait estimate, not only a place).
 *
 * A new chat, timed from outside: the socket opens, hello → welcome, message → ack, and the
 * visitor is told their place in line. Two windows of the same run: while 1,000 already wait and
 * while 10,000 already wait. A server whose every change re-reads or re-sends the whole queue gets
 * slower per new chat as the queue grows (quadratic intake); one whose changes cost what they
 * touch keeps the rate. The first window is the baseline of the second.
 *
 * The server runs in its own process (as `npm start` runs it), so its figures are its own:
 * - CPU: the server's user + system time (/proc/<pid>/stat) over each window, per new chat; on a
 *   machine shared with other work this moves less than wall-clock rates do.
 * - Memory: its resident set size (VmRSS), after a full garbage collection (asked for over the
 *   Node inspector, on loopback), with every visitor of the run connected, each with a waiting
 *   conversation, minus the same figure before the first visitor, ÷ the visitors. It is read once
 *   the chats' documents have gone idle and been unloaded (`ROOM_IDLE_MS`): the steady state of a
 *   queue of 10,000, not the documents a burst left in memory for the next 30 s; the figure right
 *   after the burst is reported beside it (`rss_mb_busy`). RSS, not heap: it is what the machine
 *   gives up, sockets' buffers and SQLite's cache included; the heap is reported too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { ToWidget } from '../../shared/protocol.ts'
import { ROOM_IDLE_MS } from '../../sync-server/rooms/RoomManager.ts'
import { login, Visitor } from '../support/clients.ts'
import { freePort } from '../support/ports.ts'
import { kill9, spawnServer } from '../support/process.ts'
import { setStatus } from '../support/widget.ts'
import { quantile, round } from './stats.ts'

export const INTAKE_BUDGET = {
  /** The rate with 10,000 waiting, as a share of the rate with 1,000 waiting. */
  ratio_10k_vs_1k: 0.7,
  /** New chats a second one instance takes in with 10,000 waiting. */
  new_chats_per_s_10k: 500,
}

export interface IntakeOptions {
  /** Visitors starting a chat at the same time. */
  concurrency: number
  /** The queue lengths at which a window starts, smallest first. */
  marks: [number, number]
  /** New chats timed in each window. */
  window: number
  /** The whole run gives up past this (the server is stuck, or far too slow to be worth waiting for). */
  timeoutMs: number
  log: (msg: string) => void
}

export interface IntakeResult {
  concurrency: number
  window: number
  new_chats_per_s_1k: number
  new_chats_per_s_10k: number
  ratio_10k_vs_1k: number
  /** Message sent → ack, in each window. */
  ack_p50_ms_1k: number
  ack_p99_ms_1k: number
  ack_p50_ms_10k: number
  ack_p99_ms_10k: number
  /** Socket opening → welcome, and ack → the place in line, in each window (medians). */
  welcome_p50_ms_1k: number
  welcome_p50_ms_10k: number
  told_p50_ms_1k: number
  told_p50_ms_10k: number
  /** This process's own CPU per new chat (the visitors' side), to tell a slow server from a slow client. */
  client_cpu_ms_per_chat_1k: number
  client_cpu_ms_per_chat_10k: number
  /** The server's CPU time (user + system) per new chat in each window. */
  server_cpu_ms_per_chat_1k: number
  server_cpu_ms_per_chat_10k: number
  /** (server RSS after GC with every visitor connected, each with a conversation − the same before the first) ÷ visitors. */
  kb_per_visitor_10k: number
  memory: 'rss after gc'
  visitors_connected: number
  rss_mb_before: number
  rss_mb_10k: number
  /** RSS right after the last window, before the chats' documents went idle. */
  rss_mb_busy: number
  heap_kb_per_visitor_10k: number
  /** The seconds to fill the queue from empty to 10,000 waiting, for the record. */
  fill_to_10k_s: number
  /** What the last visitor of the 10k window was told: their place (past 10,000) and estimate. */
  last_told: { position: number; waitSeconds: number | null }
}

/** CPU time (user + system) of a process so far, from /proc (Linux), in ms. */
function cpuMsOf(pid: number): number {
  // Fields after the command name (which may hold spaces, hence from the last ')'): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS
}
/** Linux's USER_HZ, the unit of /proc/<pid>/stat times: 100 on every mainstream architecture. */
const CLOCK_TICKS = 100

/** Asks the server's inspector for a full garbage collection, then reads its memory. */
async function memoryAfterGc(inspectorPort: number, pid: number): Promise<{ rss: number; heapUsed: number }> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[]
  const ws = new WebSocket(target!.webSocketDebuggerUrl)
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  let id = 0
  const call = (method: string, params: object = {}) =>
    new Promise<any>((resolve) => {
      const mine = ++id
      const onMessage = (data: WebSocket.RawData) => {
        const m = JSON.parse(String(data))
        if (m.id !== mine) return
        ws.off('message', onMessage)
        resolve(m.result)
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify({ id: mine, method, params }))
    })
  try {
    // Twice: the first pass's finalizers free more for the second.
    await call('HeapProfiler.collectGarbage')
    await call('HeapProfiler.collectGarbage')
    const r = await call('Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true })
    return { rss: rssOf(pid), heapUsed: Number(r.result.value) }
  } finally {
    ws.close()
  }
}

/** Between two scrapes of `/metrics` while documents unload: each scrape makes the server collect every metric. */
const SCRAPE_EVERY_MS = 500

/** The documents the server holds in memory, from its `/metrics`. */
async function documentsLoaded(url: string): Promise<number> {
  const token = process.env.METRICS_TOKEN?.trim()
  const res = await fetch(`${url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {})
  if (!res.ok) throw new Error(`intake: /metrics answered ${res.status}`)
  const m = /^parley_documents_loaded (\S+)$/m.exec(await res.text())
  if (!m) throw new Error('intake: /metrics has no parley_documents_loaded')
  return Number(m[1])
}

/** Scrapes `/metrics` until the server holds no more documents than `base` (every chat's idle unload done). */
async function documentsUnloaded(url: string, base: number, deadline: number): Promise<void> {
  for (let n = await documentsLoaded(url); n > base; n = await documentsLoaded(url)) {
    if (Date.now() > deadline) throw new Error(`intake: ${n} documents still loaded at the deadline (${base} before the chats)`)
    await new Promise((r) => setTimeout(r, SCRAPE_EVERY_MS))
  }
}

/** Resident set size of a process, from /proc (Linux), in bytes. */
function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!m) throw new Error(`no VmRSS for process ${pid}`)
  return Number(m[1]) * 1024
}

/** The i-th visitor's own loopback address: 127.0.1.2 onwards, 250 to a /24. */
const addressOf = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${2 + (i % 250)}`

export async function measureIntake(o: IntakeOptions): Promise<IntakeResult> {
  const [lo, hi] = o.marks
  const total = hi + o.window
  if (1 + Math.floor(total / 250) > 255) throw new Error(`intake: ${total} visitors need more loopback addresses than 127.0.0.0/16 holds`)
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-intake-'))
  const inspectorPort = await freePort()
  const server = await spawnServer(dataDir, { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectorPort}`.trim() })
  const pid = server.child.pid!
  const visitors: Visitor[] = []
  const deadline = Date.now() + o.timeoutMs
  try {
    // One agent online: the queue then has capacity, so each visitor is told an estimate. The
    // workspace-wide queue is manual by default, so nobody is assigned and the queue only grows.
    const admin = await login(server.url)
    await setStatus(server.url, admin.token, 'online')
    const before = await memoryAfterGc(inspectorPort, pid)
    // What the server holds before any chat starts (not 0: one document stays loaded); the chats' come on top.
    const documentsBefore = await documentsLoaded(server.url)

    let started = 0
    /** One new chat; resolves with send → ack in ms. */
    const newChat = async (i: number) => {
      const v = new Visitor(server.wsUrl, { name: `Visitor ${i}` }, { url: 'https://shop.test/', title: 'Shop' }, addressOf(i))
      visitors.push(v)
      const t0 = performance.now()
      await v.connect()
      const told = v.next<Extract<ToWidget, { type: 'queue' }>>((f) => f.type === 'queue' && f.position > 0, 60_000)
      const t1 = performance.now()
      await v.say(`hello from ${i}`, `intake-${i}`)
      const t2 = performance.now()
      const place = await told
      return { welcomeMs: t1 - t0, ackMs: t2 - t1, toldMs: performance.now() - t2, told: place }
    }
    /** Visitors start chats, `concurrency` at a time, until `until` have; returns the wall time and the samples. */
    const runUntil = async (until: number) => {
      const acks: number[] = []
      const welcomes: number[] = []
      const tolds: number[] = []
      let last: Extract<ToWidget, { type: 'queue' }> | null = null
      const cpu0 = cpuMsOf(pid)
      const own0 = process.cpuUsage()
      const t0 = performance.now()
      await Promise.all(
        Array.from({ length: o.concurrency }, async () => {
          while (started < until) {
            if (Date.now() > deadline) throw new Error(`intake: over ${o.timeoutMs} ms with ${started} chats started`)
            const i = started++
            const r = await newChat(i)
            acks.push(r.ackMs)
            welcomes.push(r.welcomeMs)
            tolds.push(r.toldMs)
            if (i === until - 1) last = r.told
          }
        }),
      )
      const seconds = (performance.now() - t0) / 1000
      const own = process.cpuUsage(own0)
      return { seconds, cpuMs: cpuMsOf(pid) - cpu0, ownCpuMs: (own.user + own.system) / 1000, acks, welcomes, tolds, last: last as Extract<ToWidget, { type: 'queue' }> | null }
    }

    o.log(`intake: filling the queue to ${lo}…`)
    const fillStart = performance.now()
    await runUntil(lo)
    o.log(`intake: ${o.window} new chats while ${lo} wait…`)
    const first = await runUntil(lo + o.window)
    o.log(`intake: filling the queue to ${hi}…`)
    await runUntil(hi)
    const fillSeconds = (performance.now() - fillStart) / 1000
    o.log(`intake: ${o.window} new chats while ${hi} wait…`)
    const second = await runUntil(total)
    if (!second.last || second.last.position <= hi) throw new Error(`intake: the last visitor was told ${JSON.stringify(second.last)}, not a place past ${hi}`)
    const busy = rssOf(pid)
    o.log(`intake: ${total} visitors connected; memory once their chats' documents are unloaded (idle for ${ROOM_IDLE_MS / 1000} s)…`)
    // A document unloads ROOM_IDLE_MS after its last use: still loaded at four times that is a hang.
    await documentsUnloaded(server.url, documentsBefore, Date.now() + 4 * ROOM_IDLE_MS)
    const loaded = await memoryAfterGc(inspectorPort, pid)
    const open = visitors.filter((v) => v.ws.readyState === WebSocket.OPEN).length
    if (open !== total) throw new Error(`intake: ${total - open} of ${total} visitors lost their socket`)

    const rate1 = o.window / first.seconds
    const rate2 = o.window / second.seconds
    return {
      concurrency: o.concurrency,
      window: o.window,
      new_chats_per_s_1k: round(rate1, 1),
      new_chats_per_s_10k: round(rate2, 1),
      ratio_10k_vs_1k: round(rate2 / rate1),
      ack_p50_ms_1k: round(quantile(first.acks, 0.5)),
      ack_p99_ms_1k: round(quantile(first.acks, 0.99)),
      ack_p50_ms_10k: round(quantile(second.acks, 0.5)),
      ack_p99_ms_10k: round(quantile(second.acks, 0.99)),
      welcome_p50_ms_1k: round(quantile(first.welcomes, 0.5)),
      welcome_p50_ms_10k: round(quantile(second.welcomes, 0.5)),
      told_p50_ms_1k: round(quantile(first.tolds, 0.5)),
      told_p50_ms_10k: round(quantile(second.tolds, 0.5)),
      client_cpu_ms_per_chat_1k: round(first.ownCpuMs / o.window),
      client_cpu_ms_per_chat_10k: round(second.ownCpuMs / o.window),
      server_cpu_ms_per_chat_1k: round(first.cpuMs / o.window),
      server_cpu_ms_per_chat_10k: round(second.cpuMs / o.window),
      kb_per_visitor_10k: round((loaded.rss - before.rss) / 1024 / total, 1),
      memory: 'rss after gc',
      visitors_connected: total,
      rss_mb_before: round(before.rss / 2 ** 20, 1),
      rss_mb_10k: round(loaded.rss / 2 ** 20, 1),
      rss_mb_busy: round(busy / 2 ** 20, 1),
      heap_kb_per_visitor_10k: round((loaded.heapUsed - before.heapUsed) / 1024 / total, 1),
      fill_to_10k_s: round(fillSeconds, 1),
      last_told: { position: second.last.position, waitSeconds: second.last.waitSeconds },
    }
  } finally {
    for (const v of visitors) v.ws?.terminate()
    await kill9(server.child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}
