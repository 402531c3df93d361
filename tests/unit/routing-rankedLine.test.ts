import { describe, expect, it } from 'vitest'
import { RankedLine } from '../../shared/routing/rankedLine.ts'
import { prng } from '../support/random.ts'

interface E {
  id: string
  since: number
}
const order = (a: E, b: E) => a.since - b.since || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const e = (id: string, since: number): E => ({ id, since })
const ids = (xs: Iterable<E>) => [...xs].map((x) => x.id)

describe('RankedLine', () => {
  it.each<[string, E[], E, number, string[]]>([
    ['a newcomer at the back is last; nobody ahead moves', [e('a', 1), e('b', 2)], e('c', 3), 3, ['a', 'b', 'c']],
    ['an older one goes ahead of the younger', [e('a', 1), e('b', 5)], e('c', 3), 2, ['a', 'c', 'b']],
    ['the oldest goes first', [e('a', 1), e('b', 2)], e('z', 0), 1, ['z', 'a', 'b']],
    ['ties by id', [e('a', 1), e('c', 1)], e('b', 1), 2, ['a', 'b', 'c']],
    ['into an empty line', [], e('a', 1), 1, ['a']],
  ])('insert: %s', (_, before, x, position, after) => {
    const line = new RankedLine(order)
    for (const y of before) line.insert(y)
    expect(line.insert(x)).toBe(position)
    expect(ids(line)).toEqual(after)
    expect(line.positionOf(x)).toBe(position)
    expect(line.size).toBe(after.length)
  })

  it('remove says the place it left (0 when not there), and those behind move forward', () => {
    const [a, b, c] = [e('a', 1), e('b', 2), e('c', 3)]
    const line = new RankedLine(order)
    for (const x of [c, a, b]) line.insert(x)
    expect(line.remove(b)).toBe(2)
    expect(line.positionOf(c)).toBe(2)
    expect(line.remove(b)).toBe(0)
    expect(line.positionOf(b)).toBe(0)
    expect(line.remove(e('a', 1))).toBe(1) // equal by the order is the same entry
    expect(ids(line)).toEqual(['c'])
  })

  it('reads from any position onward, and by position', () => {
    const line = new RankedLine(order)
    for (let i = 9; i >= 0; i--) line.insert(e(`x${i}`, i))
    expect(ids(line.from(8))).toEqual(['x7', 'x8', 'x9'])
    expect(ids(line.from(1))).toEqual(ids(line))
    expect(ids(line.from(11))).toEqual([])
    expect(line.at(4)?.id).toBe('x3')
    expect(line.at(11)).toBeUndefined()
  })

  it.each([1, 2, 3, 42, 2026])('agrees with a sorted array over random inserts and removes (seed %i)', (seed) => {
    const rand = prng(seed)
    const line = new RankedLine(order)
    let oracle: E[] = []
    const all = Array.from({ length: 300 }, (_, i) => e(`c${i}`, Math.floor(rand() * 40)))
    for (let step = 0; step < 2000; step++) {
      const x = all[Math.floor(rand() * all.length)]!
      const at = oracle.indexOf(x)
      if (at < 0) {
        oracle = [...oracle, x].sort(order)
        expect(line.insert(x)).toBe(oracle.indexOf(x) + 1)
      } else {
        oracle.splice(at, 1)
        expect(line.remove(x)).toBe(at + 1)
      }
      expect(line.size).toBe(oracle.length)
      if (step % 50 === 0) {
        expect(ids(line)).toEqual(ids(oracle))
        for (const [i, y] of oracle.entries()) expect(line.positionOf(y)).toBe(i + 1)
        const from = 1 + Math.floor(rand() * (oracle.length + 1))
        expect(ids(line.from(from))).toEqual(ids(oracle.slice(from - 1)))
      }
    }
  })

  it('stays shallow for a long line built in order (each step is O(log n))', () => {
    const line = new RankedLine(order)
    // 200,000 appends and lookups would take minutes, and overflow the stack, if the tree degenerated into a list.
    for (let i = 0; i < 200_000; i++) line.insert(e(`c${i}`, i))
    expect(line.positionOf(e('c123456', 123456))).toBe(123457)
    expect(line.remove(e('c0', 0))).toBe(1)
    expect(line.at(1)?.id).toBe('c1')
  })
})
