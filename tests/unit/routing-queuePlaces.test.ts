import { describe, expect, it } from 'vitest'
import { arrive, createDispatcher, dispatch, forget, recordHandling, setSettings, track, updateAgent, type Dispatcher, type TrackedConversation } from '../../shared/routing/dispatcher.ts'
import { shownWait } from '../../shared/routing/queuePositions.ts'
import { placeOf, QueueBoard, type PlaceChange } from '../../shared/routing/queuePlaces.ts'
import type { RoutingSettings } from '../../shared/routing/model.ts'
import { agent, group, member, NOW, positions, settings } from './routingFixtures.ts'
import { prng } from '../support/random.ts'

const MIN = 60_000
const waiting = (id: string, groupId: string | null, since: number, over: Partial<TrackedConversation> = {}): TrackedConversation => ({ id, status: 'waiting', groupId, assigneeId: null, since, ...over })

// Support: Ana (2 slots) and Bo (2 slots), manual, so nothing is served unless a test dispatches a leastBusy group.
const desk = (slots = 2): RoutingSettings =>
  settings({
    groups: [group('support', { assignment: 'manual' }), group('sales'), group('vip', { assignment: 'roundRobin' })],
    members: [member('ana', ['support', 'sales'], { slots }), member('bo', ['support', 'vip'], { slots })],
  })

/** What the naive computation says each waiting visitor should see: `position/shown estimate`. */
const shown = (d: Dispatcher) => new Map(positions(d).map((p) => [p.id, `${p.position}/${shownWait(p.waitSeconds)}`]))
const said = (changes: PlaceChange[]) => new Map(changes.map((c) => [c.id, c.place ? `${c.place.position}/${c.place.waitSeconds}` : null]))

/** A dispatcher with support's line c0…c(n-1), and a board that has told them all once. */
function line(n: number, agents = [agent('ana'), agent('bo', { status: 'offline' })]) {
  const d = createDispatcher({ settings: desk(), agents, conversations: Array.from({ length: n }, (_, i) => waiting(`c${i}`, 'support', NOW + i)) })
  const board = new QueueBoard()
  expect(board.changes(d)).toHaveLength(n)
  return { d, board }
}

describe('QueueBoard: frames only to the visitors whose place or estimate changed', () => {
  it('a new chat at the back of the line tells the newcomer only', () => {
    const { d, board } = line(1000)
    arrive(d, { id: 'new', pageUrl: null, channel: 'widget', target: { groupId: 'support' } }, NOW + 5000)
    // Ana's 2 slots, 5 minutes a chat by default: 2.5 minutes a place; 1,001st in line.
    expect(board.changes(d)).toEqual([{ id: 'new', place: { position: 1001, waitSeconds: Math.round((1001 * 150) / 60) * 60 } }])
    expect(board.changes(d)).toEqual([])
  })

  it('the head of the line served: everyone behind moves forward, and the served one is told they no longer wait', () => {
    const { d, board } = line(5)
    track(d, waiting('c0', 'support', NOW, { status: 'open', assigneeId: 'ana' }))
    const out = board.changes(d)
    expect(out[0]).toEqual({ id: 'c0', place: null })
    expect(out.slice(1).map((c) => [c.id, c.place?.position])).toEqual([['c1', 1], ['c2', 2], ['c3', 3], ['c4', 4]])
  })

  it('one leaving the middle moves only those behind it', () => {
    const { d, board } = line(6)
    forget(d, 'c3')
    expect([...said(board.changes(d))]).toEqual([['c3', null], ['c4', '4/600'], ['c5', '5/780']])
  })

  it('a chat requeued with its old start goes back to its place: those behind it are told, those ahead are not', () => {
    const { d, board } = line(4)
    track(d, waiting('old', 'support', NOW + 1.5, { status: 'open', assigneeId: 'bo' }))
    expect(board.changes(d)).toEqual([])
    track(d, waiting('old', 'support', NOW + 1.5))
    expect([...said(board.changes(d)).keys()]).toEqual(['old', 'c2', 'c3'])
  })

  it('an agent coming online changes every estimate: all are told once, then nothing', () => {
    const { d, board } = line(3)
    updateAgent(d, agent('bo'))
    expect([...said(board.changes(d))]).toEqual([['c0', '1/60'], ['c1', '2/180'], ['c2', '3/240']])
    updateAgent(d, agent('bo'))
    expect(board.changes(d)).toEqual([])
  })

  it('with nobody online the visitors are told their place without an estimate', () => {
    const { d, board } = line(2)
    updateAgent(d, agent('ana', { status: 'away' }))
    expect([...said(board.changes(d))]).toEqual([['c0', '1/null'], ['c1', '2/null']])
  })

  it('a handling time that moves the estimate by seconds tells only those whose minute changed', () => {
    const { d, board } = line(10)
    for (let i = 0; i < 5; i++) recordHandling(d, { groupId: 'support' }, 5 * MIN)
    expect(board.changes(d)).toEqual([]) // the same 5 minutes as the default
    const before = positions(d).map((p) => p.waitSeconds)
    for (let i = 0; i < 6; i++) recordHandling(d, { groupId: 'support' }, 5 * MIN + 12_000)
    // The median is now 5:12, 2:36 a place instead of 2:30: every exact estimate moved…
    expect(positions(d).map((p, i) => p.waitSeconds! - before[i]!)).toEqual([6, 12, 18, 24, 30, 36, 42, 48, 54, 60])
    // …but the minute shown moved only at the 6th (15 → 16), 8th (20 → 21) and 10th (25 → 26) places.
    expect([...said(board.changes(d))]).toEqual([['c5', '6/960'], ['c7', '8/1260'], ['c9', '10/1560']])
  })

  it('serves first the visitor told they are first, when two started waiting at the same moment', () => {
    // Tracked b then a: arrival order and id order disagree, and visitors are numbered by id.
    const s = settings({ groups: [group('sales')], members: [member('ana', ['sales'], { slots: 1 })] })
    const d = createDispatcher({ settings: s, agents: [agent('ana', { status: 'away' })], conversations: [waiting('b', 'sales', NOW), waiting('a', 'sales', NOW)] })
    expect(placeOf(d, 'a')?.position).toBe(1)
    updateAgent(d, agent('ana'))
    expect(dispatch(d, NOW).map((x) => x.conversationId)).toEqual(['a'])
  })

  it('placeOf answers one conversation as positions does, and null when it does not wait', () => {
    const { d } = line(50)
    for (const p of positions(d)) expect(placeOf(d, p.id)).toEqual({ position: p.position, waitSeconds: p.waitSeconds })
    expect(placeOf(d, 'nobody')).toBeNull()
    track(d, waiting('c7', 'support', NOW + 7, { status: 'snoozed', assigneeId: 'ana' }))
    expect(placeOf(d, 'c7')).toBeNull()
  })
})

describe('QueueBoard and placeOf against the naive computation, over random sequences', () => {
  it.each([1, 7, 99, 1234, 31337, 2026])('seed %i', (seed) => {
    const rand = prng(seed)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
    const groups = ['support', 'sales', 'vip', null, 'deleted'] as const
    const statuses = ['online', 'away', 'offline'] as const
    const d = createDispatcher({ settings: desk(), agents: [agent('ana', { status: 'offline' }), agent('bo', { status: 'offline' })], conversations: [] })
    const board = new QueueBoard()
    let told = new Map<string, string>()
    let next = 0
    for (let step = 0; step < 400; step++) {
      const r = rand()
      const id = `c${Math.floor(rand() * (next + 1))}`
      // Starts fall on few distinct times, so ties (ordered by id) are common.
      const since = NOW + Math.floor(rand() * 30)
      if (r < 0.3) arrive(d, { id: `c${next++}`, pageUrl: null, channel: 'widget', target: { groupId: pick(groups) ?? undefined } as never }, since)
      else if (r < 0.45) track(d, waiting(id, pick(groups), since))
      else if (r < 0.55) track(d, waiting(id, pick(groups), since, { status: pick(['open', 'snoozed'] as const), assigneeId: pick(['ana', 'bo']) }))
      else if (r < 0.62) forget(d, id)
      else if (r < 0.72) updateAgent(d, agent(pick(['ana', 'bo', 'cy']), { status: pick(statuses) }))
      else if (r < 0.8) recordHandling(d, { groupId: pick(groups) }, Math.floor(rand() * 20 * MIN))
      else if (r < 0.88) dispatch(d, NOW + 100)
      else if (r < 0.9) setSettings(d, desk(1 + Math.floor(rand() * 3)))
      // Several changes may pile up between two reads, as between two dispatcher runs.
      if (rand() < 0.4) continue
      const expected = shown(d)
      const changes = said(board.changes(d))
      const wanted = new Map<string, string | null>()
      for (const [k, v] of expected) if (told.get(k) !== v) wanted.set(k, v)
      for (const k of told.keys()) if (!expected.has(k)) wanted.set(k, null)
      expect(new Map([...changes].sort())).toEqual(new Map([...wanted].sort()))
      told = expected
      for (const p of positions(d)) expect(placeOf(d, p.id)).toEqual({ position: p.position, waitSeconds: p.waitSeconds })
    }
    board.changes(d)
    expect(board.size).toBe(positions(d).length)
  })
})
