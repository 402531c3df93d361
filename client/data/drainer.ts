/**
 * The loop behind every outbox of the app (commands, held replies with files): take the oldest
 * item, try it, and on a network failure wait with capped backoff and jitter before trying again.
 * It drains again when the outbox changes (in this tab or another), when the browser says it is
 * online, and on `kick()`; one drain runs at a time, and a change during a drain runs another.
 */
import { liveQuery } from 'dexie'
import { coalesced } from './coalesced.ts'

export interface Drainer {
  /** Resets the backoff and drains now (the network is back). */
  kick(): void
  /** Called by a step that could not reach the server: drain again after the next backoff delay. */
  retryLater(): void
  /** Called by a step that reached the server: the next failure starts the backoff from the beginning. */
  reached(): void
  /** Called by a step when the session is no longer valid: stops for good. */
  stop(): void
  close(): void
}

export interface DrainerOptions<T> {
  /** Names the outbox in logs. */
  label: string
  /** The oldest item waiting, if any. */
  next(): Promise<T | undefined>
  /** Tries one item; false when draining must stop for now (it called `retryLater` or `stop`). */
  step(item: T): Promise<boolean>
  /** A query whose result changes when items are added (watched with Dexie's liveQuery). */
  changes(): Promise<unknown>
  /** The wait before retry number `attempt` (0-based): capped, with jitter. */
  delay(attempt: number): number
}

export function createDrainer<T>(opts: DrainerOptions<T>): Drainer {
  let stopped = false
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  const offline = () => typeof navigator !== 'undefined' && navigator.onLine === false

  function clearTimer() {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }

  function retryLater() {
    clearTimer()
    if (stopped) return
    timer = setTimeout(() => {
      timer = null
      drain()
    }, opts.delay(attempt++))
  }

  // One drain at a time; a change during a drain drains again after it.
  const drain = coalesced(async () => {
    try {
      for (;;) {
        if (stopped || offline() || timer !== null) break
        const next = await opts.next()
        if (next === undefined || !(await opts.step(next))) break
      }
    } catch (err) {
      console.error(`[${opts.label}] could not drain`, err)
      retryLater()
    }
  })

  function kick() {
    if (stopped) return
    attempt = 0
    clearTimer()
    drain()
  }

  const subscription = liveQuery(() => opts.changes()).subscribe({
    next: () => {
      if (timer === null) drain()
    },
    error: (err) => console.error(`[${opts.label}] outbox query failed`, err),
  })
  const onOnline = () => kick()
  window.addEventListener('online', onOnline)

  return {
    kick,
    retryLater,
    reached: () => {
      attempt = 0
    },
    stop: () => {
      stopped = true
      clearTimer()
    },
    close() {
      stopped = true
      clearTimer()
      subscription.unsubscribe()
      window.removeEventListener('online', onOnline)
    },
  }
}
