import { describe, expect, it } from 'vitest'
import { decide, decideWake, MAX_SNOOZE_MS, type Actor, type CommandInput, type CommandState } from '../../shared/commands.ts'

const NOW = 1_800_000_000_000
const names: Record<string, string> = { ana: 'Ana', bo: 'Bo' }
const nameOf = (id: string) => names[id]
const exists = (id: string) => id in names
const agent = (id: string, over: Partial<Actor> = {}): Actor => ({ id, name: names[id] ?? id, role: 'agent', groups: [], unassignedQueue: true, ...over })
const conv = (over: Partial<CommandState> = {}): CommandState => ({ status: 'waiting', assigneeId: null, groupId: null, snoozedUntil: null, ...over })
const run = (input: CommandInput, c: CommandState, who: Actor) => decide(input, c, who, NOW, nameOf, exists)

describe('take', () => {
  it.each([
    ['an unassigned chat', conv(), agent('ana'), { ok: true }],
    ["one's own chat again", conv({ assigneeId: 'ana', status: 'open' }), agent('ana'), { ok: true }],
    ['a chat someone took', conv({ assigneeId: 'bo', status: 'open' }), agent('ana'), { ok: false, status: 409, reason: 'already taken by Bo', assigneeId: 'bo' }],
    ['a closed chat', conv({ status: 'closed' }), agent('ana'), { ok: false, status: 409 }],
    ['a chat of a group one is not in, taken', conv({ assigneeId: 'bo', groupId: 'vip' }), agent('ana', { unassignedQueue: false }), { ok: false, status: 404 }],
  ])('%s', (_, c, who, expected) => expect(run({ command: 'take' }, c, who)).toMatchObject(expected))

  it('assigns, opens and clears a snooze', () => {
    expect(run({ command: 'take' }, conv({ status: 'snoozed', snoozedUntil: NOW + 1 }), agent('ana'))).toMatchObject({
      ok: true,
      patch: { assigneeId: 'ana', status: 'open', snoozedUntil: null },
      line: 'Ana took the chat',
    })
  })
})

describe('transfer, snooze, close, reopen', () => {
  it('transfers to an agent even when they are away, and to a group queue', () => {
    expect(run({ command: 'transfer', to: { agentId: 'bo' } }, conv({ assigneeId: 'ana', status: 'open' }), agent('ana'))).toMatchObject({
      ok: true,
      patch: { assigneeId: 'bo', status: 'open' },
    })
    expect(run({ command: 'transfer', to: { groupId: 'billing' } }, conv({ assigneeId: 'ana', status: 'open' }), agent('ana'))).toMatchObject({
      ok: true,
      patch: { assigneeId: null, groupId: 'billing', status: 'waiting' },
    })
    expect(run({ command: 'transfer', to: { agentId: 'ghost' } }, conv(), agent('ana'))).toMatchObject({ ok: false, status: 400 })
  })

  it('lets only the holder or a manager move a taken chat', () => {
    const taken = conv({ assigneeId: 'bo', status: 'open', groupId: 'sales' })
    expect(run({ command: 'close' }, taken, agent('ana', { groups: ['sales'] }))).toMatchObject({ ok: false, status: 409, reason: 'already taken by Bo' })
    expect(run({ command: 'close' }, taken, agent('ana', { role: 'supervisor' }))).toMatchObject({ ok: true })
  })

  it('snoozes only into the future and at most 90 days ahead', () => {
    const mine = conv({ assigneeId: 'ana', status: 'open' })
    expect(run({ command: 'snooze', until: NOW + 3600_000 }, mine, agent('ana'))).toMatchObject({ ok: true, patch: { status: 'snoozed', snoozedUntil: NOW + 3600_000 } })
    // A chat nobody held becomes the snoozer's, and the event says so.
    expect(run({ command: 'snooze', until: NOW + 3600_000 }, conv(), agent('ana'))).toMatchObject({
      ok: true,
      patch: { assigneeId: 'ana' },
      event: { data: { assigneeId: 'ana', by: 'ana' } },
    })
    expect(run({ command: 'snooze', until: NOW }, mine, agent('ana'))).toMatchObject({ ok: false, status: 400 })
    expect(run({ command: 'snooze', until: NOW + MAX_SNOOZE_MS + 1 }, mine, agent('ana'))).toMatchObject({ ok: false, status: 400 })
  })

  it('closes with clean, unique tags, optionally as a request; reopens only what is closed', () => {
    const mine = conv({ assigneeId: 'ana', status: 'open' })
    expect(run({ command: 'close', tags: [' a ', 'a', '', 'b'], asTicket: true }, mine, agent('ana'))).toMatchObject({
      ok: true,
      patch: { status: 'closed', tags: ['a', 'b'], ticket: true, closedAt: NOW },
    })
    expect(run({ command: 'reopen' }, mine, agent('ana'))).toMatchObject({ ok: false, status: 409 })
    expect(run({ command: 'reopen' }, conv({ status: 'closed' }), agent('ana'))).toMatchObject({ ok: true, patch: { status: 'open', assigneeId: 'ana' } })
  })
})

describe('wake-ups', () => {
  it('returns a snoozed chat to its agent, or to the queue when nobody holds it', () => {
    expect(decideWake(conv({ status: 'snoozed', assigneeId: 'ana' }), 'time')?.patch).toEqual({ status: 'open', snoozedUntil: null })
    expect(decideWake(conv({ status: 'snoozed' }), 'visitor')?.patch).toEqual({ status: 'waiting', snoozedUntil: null })
    expect(decideWake(conv({ status: 'open' }), 'time')).toBeNull()
  })
})
