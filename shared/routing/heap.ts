/** A binary min-heap under a comparator: the dispatcher's "who is next" in O(log n). */
export class Heap<T> {
  private items: T[] = []
  constructor(private readonly less: (a: T, b: T) => number) {}

  /** How many entries it holds. */
  get size(): number {
    return this.items.length
  }

  /** The least entry, left in place. */
  peek(): T | undefined {
    return this.items[0]
  }

  /** Adds an entry; O(log n). */
  push(item: T): void {
    const a = this.items
    a.push(item)
    let i = a.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (this.less(a[i]!, a[parent]!) >= 0) break
      ;[a[i], a[parent]] = [a[parent]!, a[i]!]
      i = parent
    }
  }

  /** Takes the least entry out; O(log n). */
  pop(): T | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length && last !== undefined) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r
        if (m === i) break
        ;[a[i], a[m]] = [a[m]!, a[i]!]
        i = m
      }
    }
    return top
  }

  /** Replaces the content (e.g. to drop stale entries); O(n). */
  reset(items: T[]): void {
    this.items = []
    for (const x of items) this.push(x)
  }
}
