/**
 * Queue positions and wait estimates for the visitors still waiting.
 *
 * Estimate for the conversation at position p of a queue:
 *
 *     wait = p × H / C
 *
 * H is the median handling time (assignment → close) of the queue's last `HANDLING_SAMPLES`
 * conversations; C the capacity serving it: the slots of its online agents. Each slot frees up
 * about once per H, so C slots serve C conversations per H, and the p-th in line waits about
 * p/C of H. The median, not the mean: one chat left open over lunch would skew a mean for hours.
 * Fallbacks: with fewer than `MIN_SAMPLES` for the queue, the median of every queue's samples;
 * with fewer than that too, `DEFAULT_HANDLING_MS`. With nobody online (C = 0) there is no
 * honest estimate: `waitSeconds` is null and the visitor is told their position only.
 */

/** Enough recent conversations for a steady median, few enough to follow the day's mix. */
export const HANDLING_SAMPLES = 50
/** Below this many a queue's own median is noise; the workspace's stands in. */
export const MIN_SAMPLES = 5
/** A typical live chat, for a workspace with no history yet. */
export const DEFAULT_HANDLING_MS = 5 * 60_000

/** A conversation waiting for an agent. */
export interface WaitingConversation {
  id: string
  /** The queue it waits in (`queueKeyOf`). */
  queue: string
  /** When it started waiting; the queue's order (ties by id). */
  since: number
}

/** What the estimate reads, per queue key. */
export interface QueueStats {
  /** Recent handling durations in ms, oldest first. */
  handling: Readonly<Record<string, readonly number[]>>
  /** Slots of the online agents who can take the queue's conversations. */
  capacity: Readonly<Record<string, number>>
}

/** A waiting visitor's place in line. */
export interface QueuePosition {
  id: string
  queue: string
  /** 1 for the next to be served. */
  position: number
  /** Estimated seconds until an agent takes it; null when nobody is online to take it. */
  waitSeconds: number | null
}

/** The median of numbers (0 for none). */
export function median(xs: readonly number[]): number {
  if (!xs.length) return 0
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** The handling time the estimate uses for one queue (see the fallbacks above). */
export function handlingTime(stats: Pick<QueueStats, 'handling'>, queue: string, pooled?: readonly number[]): number {
  const own = (stats.handling[queue] ?? []).slice(-HANDLING_SAMPLES)
  if (own.length >= MIN_SAMPLES) return median(own)
  const all = pooled ?? Object.values(stats.handling).flatMap((xs) => xs.slice(-HANDLING_SAMPLES))
  return all.length >= MIN_SAMPLES ? median(all) : DEFAULT_HANDLING_MS
}

/** Position and estimated wait of every waiting conversation, each within its own queue. */
export function queuePositions(waiting: readonly WaitingConversation[], stats: QueueStats): QueuePosition[] {
  const byQueue = new Map<string, WaitingConversation[]>()
  for (const w of waiting) {
    let list = byQueue.get(w.queue)
    if (!list) byQueue.set(w.queue, (list = []))
    list.push(w)
  }
  let pooled: number[] | undefined
  const out: QueuePosition[] = []
  for (const [queue, list] of byQueue) {
    // Usually already in order (the dispatcher lists queues in order), which the sort finds in one pass.
    list.sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    const capacity = stats.capacity[queue] ?? 0
    let perPlaceMs = 0
    if (capacity > 0) {
      pooled ??= Object.values(stats.handling).flatMap((xs) => xs.slice(-HANDLING_SAMPLES))
      perPlaceMs = handlingTime(stats, queue, pooled) / capacity
    }
    list.forEach((w, i) => {
      const position = i + 1
      out.push({ id: w.id, queue, position, waitSeconds: capacity > 0 ? Math.round((position * perPlaceMs) / 1000) : null })
    })
  }
  return out
}

/**
 * The estimate as a visitor is told it: whole minutes from a minute on, as the widget shows it
 * ("about 3 minutes"), seconds below. A median that moves by a few seconds then changes what
 * thousands of waiting visitors read only where the minute they see changes, and only they are
 * sent a frame.
 */
export function shownWait(seconds: number | null): number | null {
  return seconds === null || seconds < 60 ? seconds : Math.round(seconds / 60) * 60
}
