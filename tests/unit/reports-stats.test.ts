import { describe, expect, it } from 'vitest'
import { mean, median, p90, percentile } from '../../shared/reports/stats.ts'

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
