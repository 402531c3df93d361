import { describe, expect, it } from 'vitest'
import { agentsIn } from '../../sync-server/rooms/RoomAwareness.ts'
import type { RoomManager } from '../../sync-server/rooms/RoomManager.ts'
import { VisitorPresence, type PresenceState } from '../../sync-server/widget/VisitorPresence.ts'

/** A presence over one loaded conversation document, recording what its awareness was told. */
function setup() {
  const shown: PresenceState[] = []
  const published: [string, PresenceState][] = []
  const room = { setVisitorPresence: (s: PresenceState) => shown.push(s) }
  const rooms = { peek: (_ws: string, name: string) => (name === 'conv/c1' ? room : undefined) } as unknown as RoomManager
  const presence = new VisitorPresence(rooms, (_ws, id, state) => published.push([id, state]))
  return { presence, shown, published }
}

const ON = { online: true, typing: false }
const TYPING = { online: true, typing: true }
const OFF = { online: false, typing: false }

describe('VisitorPresence across instances', () => {
  it.each([
    // [steps, shown in the awareness after them, the presence read back]
    ['alone: online then gone', [['local', ON], ['local', OFF]], [ON, OFF], null],
    ['another instance says online', [['b', ON]], [ON], ON],
    ['two tabs on two instances: one leaves, still online', [['local', ON], ['b', ON], ['local', OFF]], [ON], ON],
    ['typing on one, online on the other: typing', [['local', ON], ['b', TYPING]], [ON, TYPING], TYPING],
    ['the same word twice is told once', [['b', ON], ['b', ON]], [ON], ON],
  ] as [string, [string, PresenceState][], PresenceState[], PresenceState | null][])('%s', (_name, steps, shown, after) => {
    const t = setup()
    for (const [who, state] of steps) {
      if (who === 'local') t.presence.set('default', 'c1', state)
      else t.presence.setRemote(who, 'default', 'c1', state)
    }
    expect(t.shown).toEqual(shown)
    expect(t.presence.get('default', 'c1')).toEqual(after)
  })

  it('publishes only its own sockets’ word, and forgets a gone instance’s', () => {
    const t = setup()
    t.presence.set('default', 'c1', ON)
    t.presence.setRemote('b', 'default', 'c1', TYPING)
    t.presence.setRemote('b', 'default', 'c2', ON)
    expect(t.published).toEqual([['c1', ON]])
    t.presence.dropInstance('b')
    expect(t.presence.get('default', 'c1')).toEqual(ON)
    expect(t.presence.get('default', 'c2')).toBeNull()
    expect(t.shown).toEqual([ON, TYPING, ON])
    expect(t.presence.ownEntries()).toEqual([{ workspace: 'default', conversationId: 'c1', state: ON }])
  })
})

describe('agentsIn', () => {
  it.each([
    ['none', [], []],
    ['the server’s own state is not an agent', [[7, { visitor: { online: true } }]], []],
    ['a state without a user is not an agent', [[1, { typing: true }]], []],
    ['one agent, typing', [[1, { user: { id: 'ana', name: 'Ana' }, typing: true }]], [{ agentId: 'ana', name: 'Ana', typing: true }]],
    [
      'two tabs of one agent: typing in either',
      [
        [1, { user: { id: 'ana', name: 'Ana' }, typing: false }],
        [2, { user: { id: 'ana', name: 'Ana' }, typing: true }],
      ],
      [{ agentId: 'ana', name: 'Ana', typing: true }],
    ],
    ['the own client id is skipped', [[9, { user: { id: 'srv', name: 'x' } }]], []],
  ] as [string, [number, unknown][], unknown[]][])('%s', (_name, states, agents) => {
    expect(agentsIn(states, 9)).toEqual(agents)
  })
})
