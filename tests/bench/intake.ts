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
 * Memory: the server runs in its own process (as `npm start` runs it); its resident set size
 * (VmRSS) is read from /proc with 10,000 visitors connected, each with a waiting conversation,
 * minus the same figure before the first visitor, ÷ 10,000. RSS, not heap: it is what the
 * machine gives up, sockets' buffers and SQLite's cache included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ToWidget } from '../../shared/protocol.ts'
import { login, Visitor } from '../support/clients.ts'
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
  /** (server RSS with 10,000 visitors connected, each with a conversation − RSS before the first) ÷ 10,000. */
  kb_per_visitor_10k: number
  memory: 'rss'
  rss_mb_before: number
  rss_mb_10k: number
  /** The seconds to fill the queue from empty to 10,000 waiting, for the record. */
  fill_to_10k_s: number
  /** What the last visitor of the 10k window was told: their place (past 10,000) and estimate. */
  last_told: { position: number; waitSeconds: number | null }
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
  const server = await spawnServer(dataDir)
  const pid = server.child.pid!
  const visitors: Visitor[] = []
  const deadline = Date.now() + o.timeoutMs
  try {
    // One agent online: the queue then has capacity, so each visitor is told an estimate. The
    // workspace-wide queue is manual by default, so nobody is assigned and the queue only grows.
    const admin = await login(server.url)
    await setStatus(server.url, admin.token, 'online')
    const rssBefore = rssOf(pid)

    let started = 0
    /** One new chat; resolves with send → ack in ms. */
    const newChat = async (i: number): Promise<{ ackMs: number; told: Extract<ToWidget, { type: 'queue' }> }> => {
      const v = new Visitor(server.wsUrl, { name: `Visitor ${i}` }, { url: 'https://shop.test/', title: 'Shop' }, addressOf(i))
      visitors.push(v)
      await v.connect()
      const told = v.next<Extract<ToWidget, { type: 'queue' }>>((f) => f.type === 'queue' && f.position > 0, 60_000)
      const t0 = performance.now()
      await v.say(`hello from ${i}`, `intake-${i}`)
      const ackMs = performance.now() - t0
      return { ackMs, told: await told }
    }
    /** Visitors start chats, `concurrency` at a time, until `until` have; returns the wall time and the samples. */
    const runUntil = async (until: number) => {
      const acks: number[] = []
      let last: Extract<ToWidget, { type: 'queue' }> | null = null
      const t0 = performance.now()
      await Promise.all(
        Array.from({ length: o.concurrency }, async () => {
          while (started < until) {
            if (Date.now() > deadline) throw new Error(`intake: over ${o.timeoutMs} ms with ${started} chats started`)
            const i = started++
            const r = await newChat(i)
            acks.push(r.ackMs)
            if (i === until - 1) last = r.told
          }
        }),
      )
      return { seconds: (performance.now() - t0) / 1000, acks, last: last as Extract<ToWidget, { type: 'queue' }> | null }
    }

    o.log(`intake: filling the queue to ${lo}…`)
    const fillStart = performance.now()
    await runUntil(lo)
    o.log(`intake: ${o.window} new chats while ${lo} wait…`)
    const first = await runUntil(lo + o.window)
    o.log(`intake: filling the queue to ${hi}…`)
    await runUntil(hi)
    const fillSeconds = (performance.now() - fillStart) / 1000
    const rss10k = rssOf(pid)
    o.log(`intake: ${o.window} new chats while ${hi} wait…`)
    const second = await runUntil(total)
    if (!second.last || second.last.position <= hi) throw new Error(`intake: the last visitor was told ${JSON.stringify(second.last)}, not a place past ${hi}`)

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
      kb_per_visitor_10k: round((rss10k - rssBefore) / 1024 / hi, 1),
      memory: 'rss',
      rss_mb_before: round(rssBefore / 2 ** 20, 1),
      rss_mb_10k: round(rss10k / 2 ** 20, 1),
      fill_to_10k_s: round(fillSeconds, 1),
      last_told: { position: second.last.position, waitSeconds: second.last.waitSeconds },
    }
  } finally {
    for (const v of visitors) v.ws?.terminate()
    await kill9(server.child)
    rmSync(dataDir, { recursive: true, force: true })
  }
}
