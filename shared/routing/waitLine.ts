/**
 * One queue's waiting line, oldest first: append in O(1) for new arrivals, remove in O(1)
 * (marked, swept later) when a conversation is taken by hand, transferred or closed.
 */

/** What the line orders by; `queued` is cleared on removal. */
export interface InLine {
  since: number
  /** Arrival order at equal `since`. */
  seq: number
  queued: boolean
}

const later = (a: InLine, b: InLine) => a.since > b.since || (a.since === b.since && a.seq > b.seq)

/** Removed entries are swept once they outnumber live ones past this many (sweeping is O(n)). */
const SWEEP_AFTER = 256

export class WaitLine<T extends InLine> {
  private items: T[] = []
  private head = 0
  /** Entries still waiting. */
  live = 0

  /** Puts an entry in its place by `since` (at the end, nearly always). */
  add(x: T): void {
    x.queued = true
    this.live++
    const a = this.items
    if (a.length === this.head || !later(a[a.length - 1]!, x)) {
      a.push(x)
      return
    }
    let lo = this.head, hi = a.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (later(a[mid]!, x)) hi = mid
      else lo = mid + 1
    }
    a.splice(lo, 0, x)
  }

  /** Takes an entry out of the line. */
  remove(x: T): void {
    if (!x.queued) return
    x.queued = false
    this.live--
    const dead = this.items.length - this.head - this.live
    if (dead > SWEEP_AFTER && dead > this.live) {
      this.items = this.items.slice(this.head).filter((y) => y.queued)
      this.head = 0
    }
  }

  /** The oldest entry still waiting. */
  peek(): T | undefined {
    const a = this.items
    while (this.head < a.length && !a[this.head]!.queued) this.head++
    if (this.head > SWEEP_AFTER && this.head * 2 > a.length) {
      this.items = a.slice(this.head)
      this.head = 0
    }
    return this.items[this.head]
  }

  /** The entries still waiting, oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) if (this.items[i]!.queued) yield this.items[i]!
  }
}
