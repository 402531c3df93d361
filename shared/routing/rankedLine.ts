/**
 * A sorted line that knows each entry's place: insert, remove and "what is x's position" in
 * O(log n), and iteration from any position onward. A treap (a binary search tree balanced by
 * random priorities) whose nodes count their subtree, so the position is the count of what
 * lies before.
 *
 * What a join or a leave changes is the point: when x joins at position p, the entries behind it
 * (p+1 onward) each move back one place and nobody ahead of it moves; when x leaves from p, those
 * from p onward (renumbered) each move forward one. Either way the places that changed are a
 * suffix, from p: the caller re-reads `from(p)` and nothing before it.
 */

interface Node<T> {
  item: T
  priority: number
  size: number
  left: Node<T> | null
  right: Node<T> | null
}

const sizeOf = (n: Node<unknown> | null) => (n ? n.size : 0)

function resize(n: Node<unknown>): void {
  n.size = 1 + sizeOf(n.left) + sizeOf(n.right)
}

export class RankedLine<T> {
  private root: Node<T> | null = null
  /** xorshift32 state: priorities need only be independent of the keys, so a fixed seed keeps runs reproducible. */
  private seed = 0x9e3779b9

  /** `order` must be a strict total order over the entries (ties broken, e.g. by id). */
  constructor(private readonly order: (a: T, b: T) => number) {}

  /** How many entries the line holds. */
  get size(): number {
    return sizeOf(this.root)
  }

  /** Puts an entry in its place; returns its position (1 = first). Everyone from position + 1 on moved back one. */
  insert(item: T): number {
    const [before, after] = this.split(this.root, item, false)
    const position = sizeOf(before) + 1
    const node: Node<T> = { item, priority: this.random(), size: 1, left: null, right: null }
    this.root = this.merge(this.merge(before, node), after)
    return position
  }

  /** Takes an entry out; returns the position it had (0 when it was not in the line). Everyone from that position on moved forward one. */
  remove(item: T): number {
    const [before, rest] = this.split(this.root, item, false)
    const [found, after] = this.split(rest, item, true)
    const position = found ? sizeOf(before) + 1 : 0
    this.root = this.merge(before, after)
    return position
  }

  /** The position of an entry (1 = first), 0 when it is not in the line. */
  positionOf(item: T): number {
    let n = this.root
    let ahead = 0
    while (n) {
      const c = this.order(item, n.item)
      if (c === 0) return ahead + sizeOf(n.left) + 1
      if (c < 0) n = n.left
      else {
        ahead += sizeOf(n.left) + 1
        n = n.right
      }
    }
    return 0
  }

  /** The entry at a position (1 = first), if any. */
  at(position: number): T | undefined {
    let n = this.root
    let k = position - 1
    while (n) {
      const l = sizeOf(n.left)
      if (k < l) n = n.left
      else if (k === l) return n.item
      else {
        k -= l + 1
        n = n.right
      }
    }
    return undefined
  }

  /** The entries from a position (1 = first) to the end, in order. */
  *from(position: number): IterableIterator<T> {
    // The path to the start position, keeping the nodes still to come (those we went left of).
    const stack: Node<T>[] = []
    let n = this.root
    let k = Math.max(0, position - 1)
    while (n) {
      const l = sizeOf(n.left)
      if (k < l) {
        stack.push(n)
        n = n.left
      } else if (k === l) {
        stack.push(n)
        break
      } else {
        k -= l + 1
        n = n.right
      }
    }
    while (stack.length) {
      const top = stack.pop()!
      yield top.item
      for (let m = top.right; m; m = m.left) stack.push(m)
    }
  }

  /** Every entry, in order. */
  [Symbol.iterator](): IterableIterator<T> {
    return this.from(1)
  }

  /** Splits a subtree into the entries before `item` and the rest; with `inclusive`, `item` itself goes to the first part. */
  private split(n: Node<T> | null, item: T, inclusive: boolean): [Node<T> | null, Node<T> | null] {
    if (!n) return [null, null]
    const c = this.order(n.item, item)
    if (c < 0 || (inclusive && c === 0)) {
      const [l, r] = this.split(n.right, item, inclusive)
      n.right = l
      resize(n)
      return [n, r]
    }
    const [l, r] = this.split(n.left, item, inclusive)
    n.left = r
    resize(n)
    return [l, n]
  }

  /** Joins two subtrees, every entry of `a` before every entry of `b`. */
  private merge(a: Node<T> | null, b: Node<T> | null): Node<T> | null {
    if (!a) return b
    if (!b) return a
    if (a.priority > b.priority) {
      a.right = this.merge(a.right, b)
      resize(a)
      return a
    }
    b.left = this.merge(a, b.left)
    resize(b)
    return b
  }

  private random(): number {
    let x = this.seed
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.seed = x >>> 0
    return this.seed
  }
}
