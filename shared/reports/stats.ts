/**
 * Order statistics for the reports (issue 10 §2): exact nearest-rank percentiles over the values
 * counted, never averages of averages (RocketChat#33080 averaged department means).
 */

/** The nearest-rank rank (1-based) of the `p`-th percentile among `n` values. */
function nearestRank(n: number, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`)
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n)))
}

/** Moves the `k`-th smallest (0-based) of `a[lo..hi]` to `a[k]`, smaller ones before it, larger after (Hoare's selection). */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    // Median of three as the pivot keeps sorted and reversed input linear.
    const mid = lo + ((hi - lo) >> 1)
    const x = a[lo]!
    const y = a[mid]!
    const z = a[hi]!
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y
    let i = lo
    let j = hi
    while (i <= j) {
      while (a[i]! < pivot) i++
      while (a[j]! > pivot) j--
      if (i <= j) {
        const t = a[i]!
        a[i] = a[j]!
        a[j] = t
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return
  }
}

/**
 * Several nearest-rank percentiles of the same values at once, in linear time (selection, not a
 * full sort); nulls for no values. `ps` ascending.
 */
export function percentiles(values: readonly number[], ps: readonly number[]): (number | null)[] {
  const n = values.length
  if (n === 0) {
    for (const p of ps) nearestRank(1, p)
    return ps.map(() => null)
  }
  const a = new Float64Array(values)
  let lo = 0
  return ps.map((p) => {
    const k = nearestRank(n, p) - 1
    if (k < lo) lo = 0
    select(a, k, lo, n - 1)
    lo = k
    return a[k]!
  })
}

/** The nearest-rank `p`-th percentile of any values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  return percentiles(values, [p])[0]!
}

/** The nearest-rank median: the value at rank ⌈n/2⌉ (the lower middle of an even count); null for none. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 50)
}

/** The nearest-rank 90th percentile; null for none. */
export function p90(values: readonly number[]): number | null {
  return percentile(values, 90)
}

/** The arithmetic mean; null for none. */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}
