import { describe, expect, it } from 'vitest'
import { parseDocName } from '../../shared/documents.ts'
import { documentAccess, maySeeConversation, type Principal } from '../../shared/permissions.ts'

const agent = (over: Partial<Principal> = {}): Principal => ({ id: 'a1', role: 'agent', groups: ['sales'], unassignedQueue: true, ...over })

describe('document names', () => {
  it.each([
    ['settings', { kind: 'settings' }],
    ['templates', { kind: 'templates' }],
    ['conv/abc-1', { kind: 'conversation', conversationId: 'abc-1' }],
    ['conv/abc-1/notes', { kind: 'notes', conversationId: 'abc-1' }],
    ['agent/a1', { kind: 'agent', agentId: 'a1' }],
  ])('%s', (name, ref) => expect(parseDocName(name)).toEqual(ref))

  it.each(['', 'conv', 'conv/', 'conv/a/b', 'conv/../x', 'agent/a/b', 'other', 'conv/a b'])('refuses %j', (name) =>
    expect(parseDocName(name)).toBeNull(),
  )
})

describe('who may see a conversation', () => {
  const table: [string, Principal, { assigneeId: string | null; groupId: string | null } | null, boolean][] = [
    ['the assignee', agent(), { assigneeId: 'a1', groupId: null }, true],
    ['a member of its group', agent(), { assigneeId: 'a2', groupId: 'sales' }, true],
    ['an outsider when it is taken', agent(), { assigneeId: 'a2', groupId: 'support' }, false],
    ['anyone with the unassigned queue when nobody has it', agent(), { assigneeId: null, groupId: null }, true],
    ['nobody without the unassigned queue', agent({ unassignedQueue: false }), { assigneeId: null, groupId: null }, false],
    ['a supervisor, always', agent({ role: 'supervisor', groups: [] }), { assigneeId: 'a2', groupId: 'support' }, true],
    ['an admin, always', agent({ role: 'admin', groups: [] }), { assigneeId: 'a2', groupId: 'x' }, true],
    ['an agent, not an unknown conversation', agent(), null, false],
  ]
  it.each(table)('%s', (_, who, conv, expected) => expect(maySeeConversation(who, conv)).toBe(expected))
})

describe('document access', () => {
  it('lets admins write settings and everyone else read them', () => {
    expect(documentAccess(agent({ role: 'admin' }), { kind: 'settings' }, null)).toBe('write')
    expect(documentAccess(agent(), { kind: 'settings' }, null)).toBe('read')
  })

  it('keeps an agent document to its agent', () => {
    expect(documentAccess(agent(), { kind: 'agent', agentId: 'a1' }, null)).toBe('write')
    expect(documentAccess(agent({ role: 'admin' }), { kind: 'agent', agentId: 'a9' }, null)).toBe('none')
  })

  it('refuses a conversation that does not exist, even to an admin (only the server creates them)', () => {
    expect(documentAccess(agent({ role: 'admin' }), { kind: 'conversation', conversationId: 'x' }, null)).toBe('none')
  })

  it('gives notes the same access as their conversation', () => {
    const conv = { assigneeId: 'a2', groupId: 'support' }
    expect(documentAccess(agent(), { kind: 'notes', conversationId: 'c' }, conv)).toBe('none')
    expect(documentAccess(agent({ groups: ['support'] }), { kind: 'notes', conversationId: 'c' }, conv)).toBe('write')
  })
})
