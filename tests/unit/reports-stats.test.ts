import { describe, expect, it } from 'vitest'
import { mean, median, p90, percentile, percentiles } from '../../shared/reports/stats.ts'

describe('nearest-rank order statistics', () => {
  it.each([
    [[], null, null, null],
    [[7], 7, 7, 7],
    [[2, 1], 1, 2, 1.5],
    [[3, 1, 2], 2, 3, 2],
    [[4, 1, 3, 2], 2, 4, 2.5],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 50, 90, 55],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], 60, 100, 60],
    // Numbers, not text: 100 sorts after 9.
    [[100, 9, 10], 10, 100, 119 / 3],
    [[5, 5, 5, 1], 5, 5, 4],
  ])('%j → median %j, p90 %j, mean %j', (values, med, p, avg) => {
    expect(median(values)).toBe(med)
    expect(p90(values)).toBe(p)
    expect(mean(values)).toBe(avg)
  })

  it('is an order statistic: always one of the values, never an average of two', () => {
    const values = [1, 2, 3, 4, 5, 6]
    expect(values).toContain(median(values))
    expect(median(values)).toBe(3)
  })

  it('p100 is the maximum and the smallest rank is 1', () => {
    expect(percentile([3, 1, 2], 100)).toBe(3)
    expect(percentile([3, 1, 2], 0.0001)).toBe(1)
  })

  it.each([0, -1, 101, Number.NaN])('refuses the percentile %j', (p) => {
    expect(() => percentile([1], p)).toThrow(RangeError)
  })

  it('does not reorder its input', () => {
    const values = [3, 1, 2]
    median(values)
    expect(values).toEqual([3, 1, 2])
  })
})

describe('selection agrees with sorting', () => {
  // A small seeded generator: the same cases every run.
  let seed = 7
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
  const cases = Array.from({ length: 200 }, (_, c) => {
    const n = 1 + Math.floor(rand() * 60)
    // Few distinct values in some cases (many ties), wide ranges in others; sorted and reversed runs too.
    const spread = c % 3 === 0 ? 3 : 1e6
    const values = Array.from({ length: n }, () => Math.floor(rand() * spread))
    if (c % 7 === 0) values.sort((a, b) => a - b)
    if (c % 11 === 0) values.sort((a, b) => b - a)
    return values
  })

  it('on 200 seeded arrays, every nearest-rank percentile equals the value at its rank in the sorted array', () => {
    for (const values of cases) {
      const sorted = [...values].sort((a, b) => a - b)
      const at = (p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]
      for (const ps of [[50, 90], [10, 50, 99, 100], [90]]) expect(percentiles(values, ps)).toEqual(ps.map(at))
      expect(median(values)).toBe(at(50))
    }
  })

  it('percentiles asked out of order still come right', () => {
    expect(percentiles([5, 1, 4, 2, 3], [90, 10, 50])).toEqual([5, 1, 3])
  })
})
