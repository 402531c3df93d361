import { describe, expect, it } from 'vitest'
import { bodyOf, commandBackoff, outcomeOf, precheck } from '../../client/data/commands.ts'
import { SOCKET_BACKOFF_MAX_MS as COMMAND_BACKOFF_MAX_MS } from '../../client/data/reconnectingSocket.ts'
import type { ConversationRow } from '../../client/data/db.ts'
import { fromDateTimeLocal, snoozeUntil, toDateTimeLocal, tomorrowAt } from '../../client/data/snooze.ts'

const actor = { id: 'ana', name: 'Ana', role: 'agent' as const, groups: [], unassignedQueue: true }
const row = (over: Partial<ConversationRow> = {}): ConversationRow => ({
  id: 'c1',
  visitorName: 'Olga',
  channel: 'widget',
  status: 'open',
  assigneeId: 'ana',
  lastText: '',
  lastKind: null,
  lastActivityAt: 0,
  createdAt: 0,
  messageCount: 0,
  unread: 0,
  ...over,
})

describe('command outbox rules', () => {
  it('reads server answers: done, refused with the server’s words, retry, signed out', () => {
    expect(outcomeOf(200, { conversation: {} })).toEqual({ kind: 'done' })
    expect(outcomeOf(409, { error: 'already taken by Ana', reason: 'already taken by Ana', assigneeId: 'a' })).toEqual({ kind: 'rejected', reason: 'already taken by Ana' })
    expect(outcomeOf(404, { error: 'no such conversation' })).toEqual({ kind: 'rejected', reason: 'no such conversation' })
    expect(outcomeOf(403, null)).toEqual({ kind: 'rejected', reason: 'refused (403)' })
    expect(outcomeOf(401, { error: 'sign in first' })).toEqual({ kind: 'unauthenticated' })
    for (const s of [408, 429, 500, 502, 503]) expect(outcomeOf(s, null)).toEqual({ kind: 'retry' })
  })

  it('backs off exponentially with jitter, capped', () => {
    expect(commandBackoff(0, () => 0)).toBe(500)
    expect(commandBackoff(0, () => 1)).toBe(1000)
    expect(commandBackoff(3, () => 1)).toBe(8000)
    expect(commandBackoff(50, () => 1)).toBe(COMMAND_BACKOFF_MAX_MS)
    expect(commandBackoff(50, () => 0)).toBe(COMMAND_BACKOFF_MAX_MS / 2)
  })

  it('sends the body without the command name', () => {
    expect(bodyOf({ command: 'transfer', to: { agentId: 'bo' }, note: 'vip' })).toEqual({ to: { agentId: 'bo' }, note: 'vip' })
    expect(bodyOf({ command: 'take' })).toEqual({})
  })

  it('refuses bad input at once, and leaves races to the server', () => {
    const now = 1_000_000
    expect(precheck({ command: 'snooze', until: now - 1 }, row(), actor, now)).toBe('snooze until a time in the future')
    expect(precheck({ command: 'snooze', until: now + 3600_000 }, row(), actor, now)).toBeNull()
    // Someone else holds it, as far as this device knows: the server decides.
    expect(precheck({ command: 'take' }, row({ assigneeId: 'bo' }), actor, now)).toBeNull()
    expect(precheck({ command: 'take' }, undefined, actor, now)).toBeNull()
  })
})

describe('snooze times', () => {
  it('offers an hour, five hours, and tomorrow at 9:00 local time', () => {
    const now = new Date(2026, 2, 28, 22, 15).getTime()
    expect(snoozeUntil('1h', now)).toBe(now + 3600_000)
    expect(snoozeUntil('5h', now)).toBe(now + 5 * 3600_000)
    const t = new Date(tomorrowAt(now))
    expect([t.getFullYear(), t.getMonth(), t.getDate(), t.getHours(), t.getMinutes()]).toEqual([2026, 2, 29, 9, 0])
    // Across the end of a month and a year.
    const nye = new Date(tomorrowAt(new Date(2026, 11, 31, 8).getTime()))
    expect([nye.getFullYear(), nye.getMonth(), nye.getDate(), nye.getHours()]).toEqual([2027, 0, 1, 9])
  })

  it('round-trips datetime-local values and rejects impossible dates', () => {
    const at = new Date(2026, 4, 7, 14, 30).getTime()
    expect(toDateTimeLocal(at)).toBe('2026-05-07T14:30')
    expect(fromDateTimeLocal('2026-05-07T14:30')).toBe(at)
    expect(fromDateTimeLocal('2026-02-31T10:00')).toBeNull()
    expect(fromDateTimeLocal('')).toBeNull()
    expect(fromDateTimeLocal('tomorrow')).toBeNull()
  })
})
