/**
 * Waiting visitors' places, kept up to date at the cost of what changed: a conversation's place
 * in O(log n), and after a burst of changes only the visitors whose place or estimate changed.
 *
 * The figures are those of `queuePositions`, which reads every waiting conversation: each
 * queue keeps its line by `since` (ties by id) in a `RankedLine`, the order it is served in,
 * and remembers the first position that moved since it was last read; a join or a leave moves
 * only those behind it. An estimate is position × (median handling time ÷ capacity): when the
 * per-place figure changes (an agent comes or goes, a chat closes), the whole queue is read again,
 * and the board still tells only those whose shown estimate (`shownWait`) changed.
 */
import type { Dispatcher } from './dispatcher.ts'
import { capacityOf, type QueueRec } from './dispatchQueues.ts'
import { handlingTime, HANDLING_SAMPLES, shownWait } from './queuePositions.ts'

/** A waiting visitor's place in line, as the widget's `queue` frame carries it. */
export interface Place {
  /** 1 for the next to be served. */
  position: number
  /** Estimated seconds until an agent takes it; null when nobody is online to take it. */
  waitSeconds: number | null
}

/** What to tell one visitor: their new place, or null when they no longer wait. */
export interface PlaceChange {
  id: string
  place: Place | null
}

/** The wait per place of a queue (ms), null when nobody online serves it; cached until the figures it reads change. */
function perPlaceMs(d: Dispatcher, q: QueueRec): number | null {
  const cache = d.perPlace
  if (cache.version !== d.statsVersion) {
    cache.version = d.statsVersion
    cache.byQueue.clear()
    cache.pooled = null
  }
  const known = cache.byQueue.get(q.key)
  if (known !== undefined) return known
  const capacity = capacityOf(q)
  let ms: number | null = null
  if (capacity > 0) {
    cache.pooled ??= [...d.history.values()].flatMap((xs) => xs.slice(-HANDLING_SAMPLES))
    ms = handlingTime({ handling: { [q.key]: d.history.get(q.key) ?? [] } }, q.key, cache.pooled) / capacity
  }
  cache.byQueue.set(q.key, ms)
  return ms
}

const estimate = (position: number, perPlace: number | null) => (perPlace === null ? null : Math.round((position * perPlace) / 1000))

/** Where a conversation waits now (exact estimate, as `positions` gives it); null when it is not waiting. O(log n). */
export function placeOf(d: Dispatcher, conversationId: string): Place | null {
  const c = d.convs.get(conversationId)
  if (!c?.queued || !c.line) return null
  const position = c.line.waiting.positionOf(c)
  return position ? { position, waitSeconds: estimate(position, perPlaceMs(d, c.line)) } : null
}

/**
 * What each waiting visitor was last told, and what to tell them next: `changes` reads only the
 * queues' moved suffixes (all of a queue whose per-place figure changed) and returns a change per
 * visitor whose shown place differs from what they were told, and a null for each visitor told a
 * place who no longer waits. Estimates are rounded as `shownWait` says.
 */
export class QueueBoard {
  /** `position/shown estimate` last told, per waiting conversation. */
  private told = new Map<string, string>()
  /** The per-place figure each queue's visitors were told with. */
  private rates = new Map<string, number | null>()

  /** How many visitors hold a told place (for tests and metrics). */
  get size(): number {
    return this.told.size
  }

  /** The changes since the last call, and the dispatcher's marks cleared. */
  changes(d: Dispatcher): PlaceChange[] {
    const out: PlaceChange[] = []
    for (const id of d.left) {
      // Waiting again (transferred, requeued): its queue has it among the moved places.
      if (d.convs.get(id)?.queued) continue
      if (this.told.delete(id)) out.push({ id, place: null })
    }
    d.left.clear()
    for (const q of d.queues.values()) {
      if (q.waiting.size === 0) {
        q.changedFrom = Infinity
        continue
      }
      const rate = perPlaceMs(d, q)
      let from = q.changedFrom
      if (this.rates.get(q.key) !== rate) {
        this.rates.set(q.key, rate)
        from = 1
      }
      q.changedFrom = Infinity
      if (from > q.waiting.size) continue
      let position = from
      for (const c of q.waiting.from(from)) {
        const waitSeconds = shownWait(estimate(position, rate))
        const said = `${position}/${waitSeconds}`
        if (this.told.get(c.id) !== said) {
          this.told.set(c.id, said)
          out.push({ id: c.id, place: { position, waitSeconds } })
        }
        position++
      }
    }
    return out
  }
}
