import { describe, expect, it } from 'vitest'
import { candidatesOf, EMPTY_PICK_STATE, pickAgent, type Candidate, type PickState } from '../../shared/routing/assign.ts'
import type { QueueRef } from '../../shared/routing/model.ts'
import type { AssignmentMode, RoutingGroup } from '../../shared/settings.ts'
import { agent, group, hours, member, NOW, settings } from './routingFixtures.ts'

const cand = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  status: 'online',
  openCount: 0,
  slots: 3,
  groups: ['g'],
  skills: [],
  idleSince: 0,
  omnichannel: true,
  unassignedQueue: true,
  ...over,
})
const inG: QueueRef = { groupId: 'g' }
const g = (over: Partial<RoutingGroup> = {}) => group('g', over)
const pick = (cands: Candidate[], over: { conv?: QueueRef; group?: RoutingGroup | null; state?: PickState; now?: number; hours?: Parameters<typeof pickAgent>[5] } = {}) =>
  pickAgent(over.conv ?? inG, over.group === undefined ? g() : over.group, cands, over.state ?? EMPTY_PICK_STATE, over.now ?? NOW, over.hours).agentId

describe('who may be given a conversation', () => {
  it.each<[string, Candidate[], Parameters<typeof pick>[1], string | null]>([
    ['an online agent with room', [cand('ana')], {}, 'ana'],
    ['not an away agent', [cand('ana', { status: 'away' })], {}, null],
    ['not an offline agent', [cand('ana', { status: 'offline' })], {}, null],
    ['not an agent at capacity', [cand('ana', { openCount: 3 }), cand('bo', { openCount: 2 })], {}, 'bo'],
    ['not an agent with no slots at all', [cand('ana', { slots: 0 })], {}, null],
    ['not an agent outside the group', [cand('ana', { groups: ['other'] })], {}, null],
    ['not an agent missing a skill the group requires', [cand('ana'), cand('bo', { skills: ['fr', 'vip'] })], { group: g({ skills: ['fr'] }) }, 'bo'],
    ['not an agent missing the skill the conversation was sent to', [cand('ana'), cand('bo', { skills: ['de'] })], { conv: { groupId: 'g', skillId: 'de' } }, 'bo'],
    ['not an agent without the omnichannel right', [cand('ana', { omnichannel: false })], {}, null],
    ['no group: anyone with the unassigned queue', [cand('ana', { groups: [], unassignedQueue: false }), cand('bo', { groups: [] })], { conv: { groupId: null }, group: null }, 'bo'],
    ['no group, sent to a skill', [cand('ana', { openCount: 0 }), cand('bo', { openCount: 2, skills: ['de'] })], { conv: { groupId: null, skillId: 'de' }, group: null }, 'bo'],
    ['nobody in manual mode', [cand('ana')], { group: g({ assignment: 'manual' }) }, null],
    ["nobody while the group's team is closed", [cand('ana')], { hours: hours('eu'), now: Date.parse('2026-03-18T20:00Z') }, null],
    ["someone while the group's team is open", [cand('ana')], { hours: hours('eu') }, 'ana'],
    ['nobody on a holiday', [cand('ana')], { hours: hours('eu', { holidays: ['2026-03-18'] }) }, null],
  ])('%s', (_, cands, over, expected) => expect(pick(cands, over)).toBe(expected))
})

describe('modes', () => {
  const mode = (assignment: AssignmentMode) => ({ group: g({ assignment }) })
  it.each<[string, AssignmentMode, Candidate[], string]>([
    ['least busy: fewest open chats', 'leastBusy', [cand('ana', { openCount: 2 }), cand('bo', { openCount: 1 }), cand('cy', { openCount: 2 })], 'bo'],
    ['least busy: ties by longest idle', 'leastBusy', [cand('ana', { openCount: 1, idleSince: 50 }), cand('bo', { openCount: 1, idleSince: 10 })], 'bo'],
    ['least busy: then by id', 'leastBusy', [cand('bo', { openCount: 1, idleSince: 10 }), cand('ana', { openCount: 1, idleSince: 10 })], 'ana'],
    ['longest idle: earliest last assignment, whatever the load', 'longestIdle', [cand('ana', { idleSince: 30 }), cand('bo', { idleSince: 20, openCount: 2 })], 'bo'],
    ['longest idle: ties by id', 'longestIdle', [cand('cy', { idleSince: 20 }), cand('bo', { idleSince: 20 })], 'bo'],
  ])('%s', (_, assignment, cands, expected) => expect(pick(cands, mode(assignment))).toBe(expected))

  it('round robin moves on from the last agent served, by id, and wraps round', () => {
    const cands = [cand('cy'), cand('ana'), cand('bo')]
    const rr = g({ assignment: 'roundRobin' })
    let state = EMPTY_PICK_STATE
    const order: (string | null)[] = []
    for (let i = 0; i < 5; i++) {
      const r = pickAgent(inG, rr, cands, state, NOW)
      order.push(r.agentId)
      state = r.state
    }
    expect(order).toEqual(['ana', 'bo', 'cy', 'ana', 'bo'])
    expect(state.cursors).toEqual({ 'g:g': 'bo' })
  })

  it('round robin skips who is busy and carries on when the last one served has left', () => {
    const rr = g({ assignment: 'roundRobin' })
    const state = { cursors: { 'g:g': 'bo' } }
    expect(pickAgent(inG, rr, [cand('ana'), cand('cy', { status: 'away' }), cand('dee')], state, NOW).agentId).toBe('dee')
  })

  it('round robin is fair over 1,000 assignments: each count within one of the others', () => {
    const rr = g({ assignment: 'roundRobin' })
    const ids = ['ana', 'bo', 'cy', 'dee', 'ed', 'fay', 'gus']
    const cands = ids.map((id) => cand(id, { slots: 2 }))
    const given = new Map(ids.map((id) => [id, 0]))
    let state = EMPTY_PICK_STATE
    let seed = 7
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    for (let i = 0; i < 1000; i++) {
      // Agents finish chats at random; whoever has room when their turn comes is served.
      for (const c of cands) if (c.openCount > 0 && random() < 0.7) c.openCount--
      if (cands.every((c) => c.openCount >= c.slots)) for (const c of cands) c.openCount = 0
      const r = pickAgent(inG, rr, cands, state, NOW)
      if (!r.agentId) continue
      state = r.state
      cands.find((c) => c.id === r.agentId)!.openCount++
      given.set(r.agentId, given.get(r.agentId)! + 1)
    }
    const counts = [...given.values()]
    expect(counts.reduce((a, b) => a + b)).toBe(1000)
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
  })

  it('round robin with everyone free hands out exactly evenly (±1)', () => {
    const rr = g({ assignment: 'roundRobin' })
    const cands = ['a', 'b', 'c'].map((id) => cand(id))
    const given: Record<string, number> = {}
    let state = EMPTY_PICK_STATE
    for (let i = 0; i < 1000; i++) {
      const r = pickAgent(inG, rr, cands, state, NOW)
      state = r.state
      given[r.agentId!] = (given[r.agentId!] ?? 0) + 1
    }
    expect(Object.values(given).sort()).toEqual([333, 333, 334])
  })
})

describe('candidatesOf', () => {
  it('joins memberships, presence, loads and rights', () => {
    const s = settings({ groups: [group('g', { access: { omnichannel: true, unassignedQueue: false, management: false, settings: false } })], members: [member('ana', ['g'], { slots: 4, skills: ['fr'] })] })
    expect(candidatesOf(s, [agent('ana', { idleSince: 5 }), agent('new', { status: 'away' })], { ana: 2 })).toEqual([
      { id: 'ana', status: 'online', openCount: 2, slots: 4, groups: ['g'], skills: ['fr'], idleSince: 5, omnichannel: true, unassignedQueue: false },
      { id: 'new', status: 'away', openCount: 0, slots: 5, groups: [], skills: [], idleSince: 0, omnichannel: true, unassignedQueue: true },
    ])
  })
})
