import { describe, expect, it } from 'vitest'
import { candidatesOf, EMPTY_PICK_STATE, pickAgent, type PickState } from '../../shared/routing/assign.ts'
import { arrive, createDispatcher, dispatch, forget, recordHandling, removeAgent, setSettings, track, updateAgent, type Dispatcher, type TrackedConversation } from '../../shared/routing/dispatcher.ts'
import { indexSettings, type AgentState, type RoutingSettings } from '../../shared/routing/model.ts'
import { ASSIGNMENT_MODES, type RoutingGroup } from '../../shared/settings.ts'
import { agent, group, hours, member, NOW, positions, script, settings, waitingList } from './routingFixtures.ts'

const waiting = (id: string, groupId: string | null, since: number, over: Partial<TrackedConversation> = {}): TrackedConversation => ({ id, status: 'waiting', groupId, assigneeId: null, since, ...over })
const pairs = (d: Dispatcher, now = NOW) => dispatch(d, now).map((a) => `${a.conversationId}→${a.agentId}`)

// Ana answers sales and support (one chat at a time); Bo support only (two at a time).
const desk = settings({
  groups: [group('sales', { teamId: 'eu', maxConversations: 3 }), group('support'), group('manual', { assignment: 'manual' })],
  members: [member('ana', ['sales', 'support', 'manual'], { slots: 1 }), member('bo', ['support'], { slots: 2 })],
  hours: [hours('eu')],
  scripts: [script('shop', 'shop.io', { groupId: 'sales' })],
})

describe('dispatch', () => {
  it('serves the longest-waiting conversation first, across the queues an agent answers', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana')], conversations: [waiting('s1', 'sales', 20), waiting('h1', 'support', 10)] })
    expect(pairs(d)).toEqual(['h1→ana'])
    expect(waitingList(d).map((w) => w.id)).toEqual(['s1'])
  })

  it('places as many as there are free slots, and no more', () => {
    const convs = ['a', 'b', 'c', 'd', 'e'].map((id, i) => waiting(id, 'support', i))
    const d = createDispatcher({ settings: desk, agents: [agent('ana'), agent('bo')], conversations: convs })
    expect(pairs(d)).toEqual(['a→ana', 'b→bo', 'c→bo'])
    expect(dispatch(d, NOW)).toEqual([])
    expect(positions(d).map((p) => [p.id, p.position])).toEqual([['d', 1], ['e', 2]])
  })

  it('counts conversations already open against the slots', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana'), agent('bo')], conversations: [waiting('o', 'support', 0, { status: 'open', assigneeId: 'ana' }), waiting('w', 'support', 1)] })
    expect(pairs(d)).toEqual(['w→bo'])
  })

  it('does not count snoozed conversations against the slots', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana')], conversations: [waiting('z', 'support', 0, { status: 'snoozed', assigneeId: 'ana' }), waiting('w', 'support', 1)] })
    expect(pairs(d)).toEqual(['w→ana'])
  })

  it('gives nothing to agents away or offline, and serves them when they come back', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana', { status: 'away' }), agent('bo', { status: 'offline' })], conversations: [waiting('w', 'support', 0)] })
    expect(pairs(d)).toEqual([])
    updateAgent(d, agent('bo'))
    expect(pairs(d)).toEqual(['w→bo'])
  })

  it('frees a slot when a conversation closes or is snoozed', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana')], conversations: [waiting('a', 'sales', 0), waiting('b', 'sales', 1), waiting('c', 'sales', 2)] })
    expect(pairs(d)).toEqual(['a→ana'])
    forget(d, 'a')
    expect(pairs(d)).toEqual(['b→ana'])
    track(d, waiting('b', 'sales', 1, { status: 'snoozed', assigneeId: 'ana' }))
    expect(pairs(d)).toEqual(['c→ana'])
  })

  it('drops a conversation from its line when someone takes it by hand', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana', { status: 'away' })], conversations: [waiting('a', 'support', 0), waiting('b', 'support', 1)] })
    track(d, waiting('a', 'support', 0, { status: 'open', assigneeId: 'bo' }))
    expect(positions(d).map((p) => [p.id, p.position])).toEqual([['b', 1]])
  })

  it('never assigns in manual mode, but still gives the visitor a place in line', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana')], conversations: [waiting('m', 'manual', 0)] })
    expect(pairs(d)).toEqual([])
    expect(positions(d)).toMatchObject([{ id: 'm', position: 1, waitSeconds: 300 }])
  })

  it("holds a group's conversations while its team is closed", () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana')], conversations: [waiting('s', 'sales', 0)] })
    expect(pairs(d, Date.parse('2026-03-18T20:00Z'))).toEqual([])
    expect(pairs(d, Date.parse('2026-03-19T08:00Z'))).toEqual(['s→ana'])
  })

  it('keeps lines and round-robin turns across a change of settings', () => {
    const rr = (s: RoutingSettings) => ({ ...s, groups: s.groups.map((g) => (g.id === 'support' ? { ...g, assignment: 'roundRobin' as const } : g)) })
    const d = createDispatcher({ settings: rr(desk), agents: [agent('ana'), agent('bo')], conversations: [waiting('a', 'support', 0)] })
    expect(pairs(d)).toEqual(['a→ana'])
    forget(d, 'a')
    setSettings(d, rr({ ...desk, members: [...desk.members, member('cy', ['support'])] }))
    track(d, waiting('b', 'support', 1))
    updateAgent(d, agent('cy'))
    expect(pairs(d)).toEqual(['b→bo'])
  })
})

describe('agents joining, leaving and changing role', () => {
  const closed = { omnichannel: true, unassignedQueue: false, management: false, settings: false }
  const s = settings({ groups: [group('vip', { access: closed })], members: [member('ana', ['vip'], { slots: 1 }), member('bo', ['vip'], { slots: 1 })] })

  it('gives conversations of no group only to those with the unassigned queue, which admins always have', () => {
    const d = createDispatcher({ settings: s, agents: [agent('ana')], conversations: [waiting('w', null, 0)] })
    expect(pairs(d)).toEqual([])
    updateAgent(d, agent('ana', { role: 'admin' }))
    expect(pairs(d)).toEqual(['w→ana'])
  })

  it('stops giving conversations to an agent who is removed, and starts with one who is added', () => {
    const d = createDispatcher({ settings: s, agents: [agent('ana')], conversations: [waiting('a', 'vip', 0), waiting('b', 'vip', 1)] })
    expect(pairs(d)).toEqual(['a→ana'])
    removeAgent(d, 'ana')
    forget(d, 'a')
    expect(pairs(d)).toEqual([])
    updateAgent(d, agent('bo'))
    expect(pairs(d)).toEqual(['b→bo'])
  })
})

describe('arrive', () => {
  it('routes, queues and then assigns', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana')], conversations: [] })
    expect(arrive(d, { id: 'n', pageUrl: 'https://shop.io/', channel: 'widget' }, NOW)).toMatchObject({ groupId: 'sales', outcome: 'queued' })
    expect(pairs(d)).toEqual(['n→ana'])
  })

  it('refuses a conversation when the group is full, and counts nothing for it', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana')], conversations: [] })
    const outcomes = ['1', '2', '3', '4'].map((id) => arrive(d, { id, pageUrl: 'https://shop.io/', channel: 'widget' }, NOW).outcome)
    expect(outcomes).toEqual(['queued', 'queued', 'queued', 'full'])
    forget(d, '1')
    expect(arrive(d, { id: '5', pageUrl: 'https://shop.io/', channel: 'widget' }, NOW).outcome).toBe('queued')
  })

  it('queues out of hours (the visitor may write; the chat is answered at opening)', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana')], conversations: [] })
    const evening = Date.parse('2026-03-18T20:00Z')
    expect(arrive(d, { id: 'n', pageUrl: 'https://shop.io/', channel: 'widget' }, evening)).toMatchObject({ outcome: 'outOfHours', requestForm: false })
    expect(waitingList(d).map((w) => w.id)).toEqual(['n'])
  })

  it('counts a conversation sent to an agent as theirs at once', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana')], conversations: [waiting('w', 'support', 0)] })
    expect(arrive(d, { id: 'p', pageUrl: null, channel: 'widget', target: { agentId: 'ana' } }, NOW)).toMatchObject({ agentId: 'ana' })
    expect(pairs(d)).toEqual([])
  })

  it('estimates from the recorded handling times and the slots of online agents', () => {
    const d = createDispatcher({ settings: desk, agents: [agent('ana'), agent('bo')], conversations: [] })
    for (let i = 0; i < 5; i++) recordHandling(d, { groupId: 'support' }, 6 * 60_000)
    for (let i = 0; i < 6; i++) arrive(d, { id: `c${i}`, pageUrl: null, channel: 'widget', target: { groupId: 'support' } }, NOW + i)
    expect(pairs(d)).toEqual(['c0→ana', 'c1→bo', 'c2→bo'])
    // 3 slots (ana 1 + bo 2) serve 3 chats every 6 minutes: 2 minutes per place in line.
    expect(positions(d).map((p) => [p.id, p.position, p.waitSeconds])).toEqual([['c3', 1, 120], ['c4', 2, 240], ['c5', 3, 360]])
  })
})

describe('agrees with pickAgent, one placement at a time, over rounds of changes', () => {
  const random = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)

  it.each(Array.from({ length: 30 }, (_, i) => i + 1))('seed %i', (seed) => {
    const rnd = random(seed)
    const pickOf = <T,>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!
    const groups: RoutingGroup[] = Array.from({ length: 4 }, (_, i) =>
      group(`g${i}`, { assignment: pickOf(ASSIGNMENT_MODES.filter((m) => m !== 'manual')), skills: rnd() < 0.3 ? ['fr'] : [], teamId: i === 3 ? 'eu' : null }),
    )
    const ids = Array.from({ length: 12 }, (_, i) => `a${String(i).padStart(2, '0')}`)
    const s = settings({
      groups,
      hours: [hours('eu')],
      members: ids.map((id) => member(id, groups.filter(() => rnd() < 0.4).map((g) => g.id), { slots: 1 + Math.floor(rnd() * 3), skills: rnd() < 0.5 ? ['fr'] : [] })),
    })
    const agents = new Map<string, AgentState>(ids.map((id) => [id, agent(id, { status: rnd() < 0.75 ? 'online' : pickOf(['away', 'offline'] as const), idleSince: Math.floor(rnd() * 5) })]))
    let n = 0
    const newConv = (since: number): TrackedConversation => {
      const groupId = rnd() < 0.15 ? null : pickOf(groups).id
      const open = rnd() < 0.2
      return { id: `c${n++}`, groupId, skillId: rnd() < 0.1 ? 'fr' : null, status: open ? 'open' : 'waiting', assigneeId: open ? pickOf(ids) : null, since }
    }
    // The reference model: the conversations, served oldest first, equal starts by id.
    const convs = new Map<string, TrackedConversation>()
    for (let i = 0; i < 60; i++) {
      const c = newConv(Math.floor(rnd() * 100))
      convs.set(c.id, c)
    }
    const d = createDispatcher({ settings: s, agents: [...agents.values()], conversations: [...convs.values()] })
    const index = indexSettings(s)
    let state: PickState = EMPTY_PICK_STATE
    let placed = 0

    for (let round = 0; round < 4; round++) {
      const now = (round % 2 ? Date.parse('2026-03-18T20:00Z') : NOW) + round
      const got = dispatch(d, now).map((a) => `${a.conversationId}→${a.agentId}`)
      // Every waiting conversation in order, each given by pickAgent over everyone.
      const open: Record<string, number> = {}
      for (const c of convs.values()) if (c.assigneeId && c.status === 'open') open[c.assigneeId] = (open[c.assigneeId] ?? 0) + 1
      const order = [...convs.values()].filter((c) => c.status === 'waiting').sort((x, y) => x.since - y.since || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
      const expected: string[] = []
      for (const c of order) {
        const g = c.groupId ? index.groups.get(c.groupId)! : null
        const r = pickAgent(c, g, candidatesOf(s, [...agents.values()], open), state, now, g?.teamId ? (index.hours.get(g.teamId) ?? null) : null)
        state = r.state
        if (!r.agentId) continue
        open[r.agentId] = (open[r.agentId] ?? 0) + 1
        agents.set(r.agentId, { ...agents.get(r.agentId)!, idleSince: now })
        convs.set(c.id, { ...c, status: 'open', assigneeId: r.agentId })
        expected.push(`${c.id}→${r.agentId}`)
      }
      expect(got).toEqual(expected)
      placed += got.length

      // Between rounds: chats close, agents come and go, visitors arrive.
      for (const c of [...convs.values()]) {
        if (c.status === 'open' && rnd() < 0.3) {
          convs.delete(c.id)
          forget(d, c.id)
        }
      }
      for (let k = 0; k < 3; k++) {
        const a = agents.get(pickOf(ids))!
        const next = { ...a, status: pickOf(['online', 'online', 'away', 'offline'] as const) }
        agents.set(a.id, next)
        updateAgent(d, next)
      }
      for (let k = 0; k < 10; k++) {
        const c = newConv(100 + round * 10 + Math.floor(rnd() * 10))
        convs.set(c.id, c)
        track(d, c)
      }
    }
    expect(placed).toBeGreaterThan(0)
  })
})

describe('round robin through the dispatcher', () => {
  it('is fair over 1,000 assignments: each count within one of the mean', () => {
    const ids = ['ana', 'bo', 'cy', 'dee', 'ed', 'fay', 'gus']
    const s = settings({ groups: [group('rr', { assignment: 'roundRobin' })], members: ids.map((id) => member(id, ['rr'], { slots: 2 })) })
    const d = createDispatcher({ settings: s, agents: ids.map((id) => agent(id)), conversations: [] })
    const given = new Map(ids.map((id) => [id, 0]))
    for (let i = 0; i < 1000; i++) {
      arrive(d, { id: `c${i}`, pageUrl: null, channel: 'widget', target: { groupId: 'rr' } }, NOW + i)
      for (const a of dispatch(d, NOW + i)) {
        given.set(a.agentId, given.get(a.agentId)! + 1)
        // Chats end in varying order, so agents are not all free on their turn.
        if (i % 3 !== 0) forget(d, a.conversationId)
      }
      if (i % 5 === 0) for (const c of [...d.convs.keys()]) forget(d, c)
    }
    const counts = [...given.values()]
    expect(counts.reduce((a, b) => a + b)).toBe(1000)
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
  })
})
