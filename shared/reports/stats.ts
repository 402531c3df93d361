/**
 * Order statistics for the reports (issue 10 §2): exact nearest-rank percentiles over the values
 * counted, never averages of averages (RocketChat#33080 averaged department means).
 */

/** The values sorted ascending, as a new typed array (numbers compared as numbers, not as text). */
export function sortedValues(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort()
}

/**
 * The nearest-rank `p`-th percentile (0 < p ≤ 100) of values already sorted ascending: the value at
 * rank ⌈p/100 · n⌉; null for no values.
 */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length
  if (n === 0) return null
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`)
  const rank = Math.ceil((p / 100) * n)
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!
}

/** The nearest-rank `p`-th percentile of any values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  return percentileSorted(sortedValues(values), p)
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
