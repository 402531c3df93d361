/**
 * The agent app in real headless Chromium, driven for the benchmarks: sign-in, cold starts,
 * opening a conversation, searching. Every time is taken inside the page, against the page's own
 * clock (performance.now(), event timestamps), so the round trips between this process and the
 * browser do not count. In-page code is written as strings: the TypeScript runner may add helpers
 * to compiled functions that do not exist in the page.
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { ADMIN } from '../support/server.ts'

/** How Chromium runs here (the same switches as the e2e tests). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    headless: true,
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** A desktop window: the inbox stays beside the open conversation (the split view). */
export const VIEWPORT = { width: 1280, height: 800 }

/** `(fn)(arg)` as an expression for page.evaluate. */
const call = (fn: string, arg: unknown = null) => `(${fn})(${JSON.stringify(arg)})`

/**
 * The cold-start probe, installed before any script of the page runs, active on `/#bench-cold`.
 * After every frame it checks whether the first inbox row is on screen (then it was painted);
 * then it queues an input (focus on the search box) behind whatever the app still has to do,
 * and waits for the frame that shows it: the app is then painted and answering.
 */
export const COLD_START_PROBE = `(() => {
  if (location.hash !== '#bench-cold') return
  const b = (window.__benchCold = { controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller), longTasks: [] })
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) b.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]) }).observe({ type: 'longtask', buffered: true })
  } catch {}
  const afterFrame = (f) => requestAnimationFrame(() => setTimeout(f, 0))
  const rowOnScreen = () => {
    const row = document.querySelector('[data-testid=conversation-row]')
    if (!row) return false
    const r = row.getBoundingClientRect()
    return r.height > 0 && r.top < innerHeight && r.bottom > 0
  }
  const check = () => {
    if (!rowOnScreen()) return afterFrame(check)
    b.rowPainted = performance.now()
    setTimeout(() => {
      const search = document.querySelector('[data-testid=search]')
      search.focus()
      b.focused = document.activeElement === search
      b.inputHandled = performance.now()
      afterFrame(() => {
        b.rows = document.querySelectorAll('[data-testid=conversation-row]').length
        const count = document.querySelector('[data-testid=tab][data-tab="all"] [data-testid=tab-count]')
        b.listed = count ? Number(count.textContent) : -1
        b.ready = performance.now()
      })
    }, 0)
  }
  afterFrame(check)
})()`

export interface ColdStart {
  /** Navigation start → first inbox row painted → an input answered and painted. */
  rowPaintedMs: number
  readyMs: number
  /** Navigation timing: the shell's response (from the service worker) and DOMContentLoaded. */
  responseEndMs: number
  domContentLoadedMs: number
  fcpMs: number
  /** The app's own marks: the tab counts read, the first rows of the list read (NaN when missing). */
  countsReadMs: number
  rowsReadMs: number
  /** Long tasks (> 50 ms) before ready, as [start, duration]. */
  longTasks: [number, number][]
  /** Rows in the DOM (the inbox renders those on screen and a few screens around) and the All tab's count. */
  rows: number
  listed: number
  controlled: boolean
}

/** Opens the app in a new tab of `context` and waits until the inbox is painted and answering. */
export async function coldStart(context: BrowserContext, url: string): Promise<{ page: Page; timing: ColdStart }> {
  const page = await context.newPage()
  await page.goto(`${url}/#bench-cold`, { waitUntil: 'commit' })
  await page.waitForFunction('window.__benchCold && window.__benchCold.ready !== undefined', undefined, { timeout: 60_000, polling: 200 })
  const timing = (await page.evaluate(`(() => {
    const b = window.__benchCold
    const nav = performance.getEntriesByType('navigation')[0]
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]
    const mark = (name) => { const m = performance.getEntriesByName(name)[0]; return m ? m.startTime : NaN }
    if (!b.focused) throw new Error('the search box did not take the focus')
    return {
      rowPaintedMs: b.rowPainted, readyMs: b.ready, responseEndMs: nav ? nav.responseEnd : NaN,
      domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : NaN, fcpMs: fcp ? fcp.startTime : NaN,
      countsReadMs: mark('parley:inbox-counts'), rowsReadMs: mark('parley:inbox-rows'),
      longTasks: b.longTasks.filter(([s]) => s < b.ready), rows: b.rows, listed: b.listed, controlled: b.controlled,
    }
  })()`)) as ColdStart
  return { page, timing }
}

/** Signs the admin in through the login form and waits for the live feed. */
export async function signIn(page: Page, url: string): Promise<{ agentId: string }> {
  await page.goto(url)
  await page.getByTestId('login-email').fill(ADMIN.email)
  await page.getByTestId('login-password').fill(ADMIN.password)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('inbox').waitFor({ timeout: 30_000 })
  await waitOnline(page)
  const agentId = (await page.evaluate(`JSON.parse(localStorage.getItem('parley.session')).agent.id`)) as string
  return { agentId }
}

export async function waitOnline(page: Page): Promise<void> {
  await page.waitForFunction(`(document.querySelector('[data-testid=connection]') || {}).textContent === 'Online'`, undefined, { timeout: 30_000 })
}

/** Makes sure the service worker controls `page` (the app shell is cached: offline starts work). */
export async function whenControlled(page: Page): Promise<void> {
  await page.evaluate(`navigator.serviceWorker.ready.then(() => undefined)`)
  await page.waitForFunction('!!navigator.serviceWorker.controller', undefined, { timeout: 30_000 })
}

/** The number the inbox shows on a tab. */
export async function tabCount(page: Page, tab = 'all'): Promise<number> {
  const text = await page.evaluate(call(`(tab) => {
    const el = document.querySelector('[data-testid=tab][data-tab="' + tab + '"] [data-testid=tab-count]')
    return el ? el.textContent : null
  }`, tab))
  return text === null ? -1 : Number(text)
}

/** Reads one row of the app's IndexedDB directly (a read-only transaction beside Dexie's). */
const IDB_READ = `({ db, store, key, index, sumBytes }) => new Promise((resolve, reject) => {
  const open = indexedDB.open(db)
  open.onerror = () => reject(open.error)
  open.onsuccess = () => {
    const conn = open.result
    if (!conn.objectStoreNames.contains(store)) { conn.close(); return resolve(null) }
    const os = conn.transaction(store, 'readonly').objectStore(store)
    const req = index ? os.index(index).getAll(IDBKeyRange.only(key)) : os.get(key)
    req.onerror = () => { conn.close(); reject(req.error) }
    req.onsuccess = () => {
      conn.close()
      const v = req.result
      resolve(sumBytes ? v.reduce((n, row) => n + (row.u ? row.u.byteLength : 0), 0) : v)
    }
  }
})`

/** The highest event sequence number the app has stored. */
export async function localLastSeq(page: Page, dbName: string): Promise<number> {
  const row = (await page.evaluate(call(IDB_READ, { db: dbName, store: 'kv', key: 'lastSeq' }))) as { value?: number } | null
  return typeof row?.value === 'number' ? row.value : 0
}

/** Where the app's search index stands (searchIndexer.ts): every stored event at or below it is indexed. */
export async function localSearchSeq(page: Page, dbName: string): Promise<number> {
  const row = (await page.evaluate(call(IDB_READ, { db: dbName, store: 'kv', key: 'searchSeq' }))) as { value?: number } | null
  return typeof row?.value === 'number' ? row.value : 0
}

/** Bytes of Yjs updates y-dexie holds for a document. */
export async function storedDocBytes(page: Page, dbName: string, docName: string): Promise<number> {
  return ((await page.evaluate(call(IDB_READ, { db: dbName, store: '$docs.ydoc_updates', key: docName, index: 'k', sumBytes: true }))) as number | null) ?? 0
}

/** Resolves once the main thread has had nothing to do for a moment: the previous step's tail is not measured. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(`new Promise((r) => requestIdleCallback(() => r(), { timeout: 3000 }))`)
}

/**
 * Clicks a conversation in the inbox; resolves with the time from the click (the input event's
 * timestamp) to the first frame that shows the newest message inside the thread's visible area.
 */
export async function openConversation(page: Page, id: string, newestId: string): Promise<{ ms: number; rendered: number }> {
  await page.evaluate(call(`({ newestId }) => {
    window.__benchOpen = new Promise((resolve) => {
      let clickAt = 0
      const shown = () => {
        const el = document.querySelector('[data-testid=thread] [data-testid=message][data-id="' + CSS.escape(newestId) + '"]')
        const thread = document.querySelector('[data-testid=thread]')
        if (!el || !thread) return false
        const r = el.getBoundingClientRect()
        const t = thread.getBoundingClientRect()
        return r.height > 0 && r.top < t.bottom && r.bottom > t.top
      }
      // Checked right after each frame: what is on screen then has been painted.
      const check = () => {
        if (shown()) resolve({ ms: performance.now() - clickAt, rendered: document.querySelectorAll('[data-testid=thread] [data-testid=message]').length })
        else requestAnimationFrame(() => setTimeout(check, 0))
      }
      document.addEventListener('click', (e) => { clickAt = e.timeStamp; requestAnimationFrame(() => setTimeout(check, 0)) }, { capture: true, once: true })
    })
  }`, { newestId }))
  await page.click(`[data-testid=conversation-row][data-id="${id}"]`)
  try {
    return await withTimeout(page.evaluate('window.__benchOpen') as Promise<{ ms: number; rendered: number }>, 30_000, `opening ${id}`)
  } catch (err) {
    throw new Error(`${(err as Error).message}; the page shows ${await threadState(page, newestId)}`)
  }
}

/** What the thread shows, for an error message. */
async function threadState(page: Page, newestId: string): Promise<string> {
  return (await page
    .evaluate(
      call(`(newestId) => {
        const thread = document.querySelector('[data-testid=thread]')
        if (!thread) return 'no thread'
        const msgs = [...thread.querySelectorAll('[data-testid=message]')]
        const last = msgs[msgs.length - 1]
        return JSON.stringify({
          url: location.pathname, count: thread.dataset.count, rendered: msgs.length, newestRendered: msgs.some((m) => m.dataset.id === newestId),
          lastRendered: last && last.dataset.id, scrollTop: thread.scrollTop, scrollHeight: thread.scrollHeight, clientHeight: thread.clientHeight,
          text: thread.textContent.slice(0, 200),
        })
      }`, newestId),
    )
    .catch((err: Error) => `(unreadable: ${err.message})`)) as string
}

/** Back to the inbox, and waits until the thread is gone. */
export async function backToInbox(page: Page): Promise<void> {
  await page.getByTestId('back').click()
  await page.getByTestId('thread').waitFor({ state: 'detached', timeout: 30_000 })
}

export interface SearchSample {
  query: string
  /** The app's own `parley:search` measure: the query through IndexedDB to results in memory. */
  ms: number
  /** From the input event to the first frame after the results arrived (includes the 120 ms debounce). */
  uiMs: number
  results: number
  partial: boolean
}

/** Types a query into the inbox search box and reads the app's measure of that search. */
export async function search(page: Page, query: string): Promise<SearchSample> {
  await page.evaluate(call(`(q) => {
    window.__benchSearch = new Promise((resolve) => {
      const since = performance.now()
      let inputAt = since
      document.querySelector('[data-testid=search]').addEventListener('input', (e) => { inputAt = e.timeStamp }, { capture: true, once: true })
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (e.name !== 'parley:search' || e.startTime < since || !e.detail || e.detail.query !== q) continue
          obs.disconnect()
          requestAnimationFrame(() => setTimeout(() => resolve({ query: q, ms: e.duration, uiMs: performance.now() - inputAt, results: e.detail.results, partial: e.detail.partial }), 0))
          return
        }
      })
      obs.observe({ type: 'measure' })
    })
  }`, query))
  await page.getByTestId('search').fill(query)
  return withTimeout(page.evaluate('window.__benchSearch') as Promise<SearchSample>, 30_000, `search "${query}"`)
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms))),
  ])
}
