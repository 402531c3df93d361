/**
 * The agent app in real Chromium against a real server (the `npm run build` output in dist/):
 * a cold start offline with 10,000 conversations on the device, opening a conversation of 5,000
 * messages, and local full-text search over 100,000 messages. Each figure has a baseline from the
 * same run: the same operation with 10 conversations, on a 10-message conversation, over 1,000
 * messages. The data is generated here and pulled by the app through its live feed, as in production.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Page } from '@playwright/test'
import { login } from '../support/clients.ts'
import { copyBuild, DIST } from './buildCopy.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { searchQueries } from './appData.ts'
import { prng } from '../support/random.ts'
import {
  backToInbox,
  COLD_START_PROBE,
  coldStart,
  launchChromium,
  localLastSeq,
  localSearchSeq,
  openConversation,
  search,
  settle,
  signIn,
  storedDocBytes,
  tabCount,
  VIEWPORT,
  waitOnline,
  whenControlled,
  type ColdStart,
  type SearchSample,
} from './appBrowser.ts'
import { realConversation, seedHistory, type RealConversation } from './appSeed.ts'
import { quantile, round } from './stats.ts'

export const APP_BUDGET = { cold_start_offline_ms: 1000, open_5k_messages_ms: 300, search_100k_p95_ms: 100 }

export interface AppOptions {
  /** Cold starts (and conversation opens) per measured state. */
  runs: number
  conversations: number
  messages: number
  /** Messages of the long conversation. */
  longMessages: number
  log: (msg: string) => void
}

const DIST_APP = join(DIST, 'app')
const DAY = 86_400_000
/** The small state the baselines are measured on. */
const SMALL = { conversations: 10, messages: 1000 }
const SHORT_MESSAGES = 10
/** Longest wait for the app to pull the whole log: a first sync of 100,000 messages is not instant. */
const INGEST_TIMEOUT_MS = 240_000
/** Lower bound on the bytes of a stored conversation document per message: proof that y-dexie holds the synced copy. */
const MIN_DOC_BYTES_PER_MESSAGE = 50

const median = (xs: number[]) => round(quantile(xs, 0.5))

export async function measureApp(o: AppOptions) {
  if (!existsSync(join(DIST_APP, 'index.html')) || !existsSync(join(DIST_APP, 'sw.js')))
    throw new Error(`app bench: ${DIST_APP} is missing or incomplete; run \`npm run build\` first`)
  const { log } = o
  const closers: (() => Promise<unknown>)[] = []
  try {
    const { staticDir, build } = copyBuild(closers)
    log(`app: testing the build ${build.join(', ')}`)
    const parley = await startServer({ staticDir })
    closers.push(() => parley.destroy())
    const store = parley.server.store
    const rand = prng(20_240_601)
    const now = Date.now()

    log(`app: seeding ${SMALL.conversations} conversations, ${SMALL.messages} messages…`)
    const small = await seedHistory(store, { prefix: 'small', ...SMALL, fromAt: now - 40 * DAY, toAt: now - 35 * DAY, rand })
    const queries = [...new Set(searchQueries(prng(7), small.orderNumbers))]

    const browser = await launchChromium()
    closers.push(() => browser.close())
    const context = await browser.newContext({ viewport: VIEWPORT })
    closers.push(() => context.close())
    await context.addInitScript(COLD_START_PROBE)
    // The app's own errors explain a failed or odd measurement; offline fetch failures are expected noise.
    context.on('weberror', (e) => log(`app: page error: ${e.error().message}`))
    context.on('page', (p) =>
      p.on('console', (m) => {
        if (m.type() === 'error' && !m.text().includes('net::ERR_')) log(`app: console error: ${m.text().slice(0, 300)}`)
      }),
    )

    const page = await context.newPage()
    const { agentId } = await signIn(page, parley.url)
    const b: Bench = { url: parley.url, context, dbName: `parley-default-${agentId}`, runs: o.runs }
    await whenControlled(page)
    await waitSynced(page, b.dbName, parley, SMALL.conversations, log)
    await page.close()

    // ---- baselines: 10 conversations, 1,000 messages (offline) ----
    log(`app: ${o.runs} cold starts offline with ${SMALL.conversations} conversations; ${queries.length} searches over ${SMALL.messages} messages…`)
    let smallSearch: SearchSample[] = []
    const smallStarts = await offline(b, () =>
      coldStarts(b, SMALL.conversations, async (p, i) => {
        if (i === o.runs - 1) smallSearch = await runSearches(p, queries)
      }),
    )

    // ---- two real conversations, opened once online so that y-dexie stores their documents ----
    log(`app: a ${o.longMessages}-message and a ${SHORT_MESSAGES}-message conversation through the widget and y-websocket…`)
    const agent = await login(parley.url)
    const who = { token: agent.token, id: agent.agent.id, name: agent.agent.name }
    const long = await realConversation(parley, who, o.longMessages, rand)
    const short = await realConversation(parley, who, SHORT_MESSAGES, rand)
    await onlinePage(b, parley, SMALL.conversations + 2, log, async (p) => {
      for (const c of [long, short]) {
        await openConversation(p, c.id, c.newestId)
        await waitFor(async () => (await storedDocBytes(p, b.dbName, `conv/${c.id}`)) >= c.messages * MIN_DOC_BYTES_PER_MESSAGE, 60_000, `document conv/${c.id} stored`)
        await backToInbox(p)
        await settle(p)
      }
    })
    log(`app: opening them offline ×${o.runs}, ${SMALL.conversations + 2} conversations in the inbox…`)
    const smallInboxOpens = { long: [] as number[], short: [] as number[] }
    await offline(b, () => coldStarts(b, SMALL.conversations + 2, (p, i) => openBoth(p, i, long, short, smallInboxOpens)))

    // ---- the device full: 10,000 conversations, 100,000 messages ----
    const bulk = {
      conversations: o.conversations - SMALL.conversations - 2,
      messages: o.messages - SMALL.messages - long.messages - short.messages,
    }
    log(`app: seeding ${bulk.conversations} conversations, ${bulk.messages} messages…`)
    await seedHistory(store, { prefix: 'seed', ...bulk, fromAt: now - 30 * DAY, toAt: now - 2 * 3600_000, rand })
    const ingestStart = performance.now()
    await onlinePage(b, parley, o.conversations, log)
    const ingestMs = performance.now() - ingestStart
    log(`app: the app pulled the log (${o.messages} messages) in ${Math.round(ingestMs)} ms`)

    log(`app: offline ×${o.runs}: cold start with ${o.conversations} conversations, open the ${long.messages}- and ${short.messages}-message conversations; then ${queries.length} searches…`)
    const opens = { long: [] as number[], short: [] as number[] }
    let bigSearch: SearchSample[] = []
    const bigStarts = await offline(b, () =>
      coldStarts(b, o.conversations, async (p, i) => {
        await openBoth(p, i, long, short, opens)
        if (i === o.runs - 1) bigSearch = await runSearches(p, queries)
      }),
    )

    const ready = (xs: ColdStart[]) => xs.map((s) => s.readyMs)
    const longTaskMs = (xs: ColdStart[]) => xs.map((s) => s.longTasks.reduce((n, [, d]) => n + d, 0))
    const searchMs = (xs: SearchSample[]) => xs.map((s) => s.ms)
    const coldStartMs = median(ready(bigStarts))
    const open5k = median(opens.long)
    const searchP95 = round(quantile(searchMs(bigSearch), 0.95))
    const baselineSearchP95 = round(quantile(searchMs(smallSearch), 0.95))
    return {
      build: build.join(' '),
      conversations: o.conversations,
      messages: o.messages,
      runs: o.runs,
      ingest_ms: Math.round(ingestMs),

      cold_start_offline_ms: coldStartMs,
      baseline_cold_start_offline_ms: median(ready(smallStarts)),
      cold_start_vs_baseline: round(coldStartMs / median(ready(smallStarts))),
      cold_start_detail: {
        first_row_painted_ms: median(bigStarts.map((s) => s.rowPaintedMs)),
        shell_response_end_ms: median(bigStarts.map((s) => s.responseEndMs)),
        dom_content_loaded_ms: median(bigStarts.map((s) => s.domContentLoadedMs)),
        first_contentful_paint_ms: median(bigStarts.map((s) => s.fcpMs)),
        counts_read_ms: median(bigStarts.map((s) => s.countsReadMs)),
        first_rows_read_ms: median(bigStarts.map((s) => s.rowsReadMs)),
        long_tasks_ms: median(longTaskMs(bigStarts)),
        longest_task_ms: median(bigStarts.map((s) => Math.max(0, ...s.longTasks.map(([, d]) => d)))),
        // The inbox is windowed: a few screens of rows are in the DOM, not every conversation.
        rows_rendered: bigStarts[0]!.rows,
        baseline_first_row_painted_ms: median(smallStarts.map((s) => s.rowPaintedMs)),
        baseline_dom_content_loaded_ms: median(smallStarts.map((s) => s.domContentLoadedMs)),
        baseline_first_rows_read_ms: median(smallStarts.map((s) => s.rowsReadMs)),
        baseline_long_tasks_ms: median(longTaskMs(smallStarts)),
      },

      open_5k_messages_ms: open5k,
      baseline_open_10_messages_ms: median(opens.short),
      open_5k_vs_baseline: round(open5k / median(opens.short)),
      open_5k_messages_small_inbox_ms: median(smallInboxOpens.long),
      open_10_messages_small_inbox_ms: median(smallInboxOpens.short),
      open_mode: `offline, desktop split view, first open after a cold start; ${o.conversations} conversations in the inbox (small_inbox: ${SMALL.conversations + 2})`,

      search_100k_p50_ms: round(quantile(searchMs(bigSearch), 0.5)),
      search_100k_p95_ms: searchP95,
      baseline_search_1k_p50_ms: round(quantile(searchMs(smallSearch), 0.5)),
      baseline_search_1k_p95_ms: baselineSearchP95,
      search_p95_vs_baseline: round(searchP95 / baselineSearchP95),
      search_100k_max_ms: round(Math.max(...searchMs(bigSearch))),
      search_100k_partial: bigSearch.filter((s) => s.partial).length,
      search_100k_ui_p95_ms: round(quantile(bigSearch.map((s) => s.uiMs), 0.95)),
      baseline_search_1k_ui_p95_ms: round(quantile(smallSearch.map((s) => s.uiMs), 0.95)),
      search_queries: bigSearch.length,
      search_slowest: [...bigSearch].sort((a, b) => b.ms - a.ms).slice(0, 3).map((s) => ({ query: s.query, ms: round(s.ms), results: s.results, partial: s.partial })),
    }
  } finally {
    for (const close of closers.reverse()) await close().catch((err) => log(`app: cleanup failed: ${String(err)}`))
  }
}

interface Bench {
  url: string
  context: BrowserContext
  dbName: string
  runs: number
}

/** Runs `f` with the network off. */
async function offline<T>(b: Bench, f: () => Promise<T>): Promise<T> {
  await b.context.setOffline(true)
  try {
    return await f()
  } finally {
    await b.context.setOffline(false)
  }
}

/** `b.runs` cold starts, each in a new tab; `then` gets each tab, settled, before it is closed. */
async function coldStarts(b: Bench, conversations: number, then?: (page: Page, run: number) => Promise<void>): Promise<ColdStart[]> {
  const out: ColdStart[] = []
  for (let i = 0; i < b.runs; i++) {
    const { page, timing } = await coldStart(b.context, b.url)
    try {
      out.push(checkStart(timing, conversations))
      if (then) {
        await settle(page)
        await then(page, i)
      }
    } finally {
      await page.close()
    }
  }
  return out
}

/** Opens the app online until it has the server's whole log; `then` gets the tab before it is closed. */
async function onlinePage(b: Bench, parley: TestServer, conversations: number, log: (m: string) => void, then?: (page: Page) => Promise<void>): Promise<void> {
  const page = await b.context.newPage()
  try {
    await page.goto(b.url)
    await waitOnline(page)
    await waitSynced(page, b.dbName, parley, conversations, log)
    if (then) {
      await settle(page)
      await then(page)
    }
  } finally {
    await page.close()
  }
}

/** Opens both conversations from the inbox (alternating which goes first, so that neither always gets the warmer start). */
async function openBoth(page: Page, run: number, long: RealConversation, short: RealConversation, into: { long: number[]; short: number[] }): Promise<void> {
  for (const which of run % 2 ? (['short', 'long'] as const) : (['long', 'short'] as const)) {
    const c = which === 'long' ? long : short
    const r = await openConversation(page, c.id, c.newestId)
    if (r.rendered < 1) throw new Error(`conversation ${c.id} showed no messages`)
    into[which].push(r.ms)
    await backToInbox(page)
    await settle(page)
  }
}

/** A cold start must have been served by the service worker and list every conversation. */
function checkStart(t: ColdStart, conversations: number): ColdStart {
  if (!t.controlled) throw new Error('cold start: the page was not controlled by the service worker')
  if (t.listed !== conversations) throw new Error(`cold start: the All tab counts ${t.listed} conversations, expected ${conversations}`)
  return t
}

async function runSearches(page: Page, queries: string[]): Promise<SearchSample[]> {
  const out: SearchSample[] = []
  for (const q of queries) out.push(await search(page, q))
  await page.getByTestId('search').fill('')
  return out
}

/** Waits until the app has stored (and indexed for search) every event of the server's log and the inbox counts them. */
async function waitSynced(page: Page, dbName: string, parley: TestServer, conversations: number, log: (m: string) => void): Promise<void> {
  const target = await parley.server.store.lastSeq('default')
  let lastLog = performance.now()
  await waitFor(
    async () => {
      const seq = await localLastSeq(page, dbName)
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now()
        log(`app:   … ${seq} of ${target} events stored`)
      }
      // The search index follows the log in the app's worker: searches below are measured on a whole index.
      return seq >= target && (await localSearchSeq(page, dbName)) >= target && (await tabCount(page, 'all')) === conversations
    },
    INGEST_TIMEOUT_MS,
    `the app to store ${target} events and list ${conversations} conversations`,
  )
}

/** Polls `check` until it holds (a benchmark may poll; it measures inside the page, not here). */
async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`app bench: timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
