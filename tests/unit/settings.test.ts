import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { documentAccess, maySeeConversation, type Principal } from '../../shared/permissions.ts'
import { fillTemplate, putEntry, readSettings, readTemplates, removeEntry, rightsOf, setOption } from '../../shared/settings.ts'

describe('reading the settings document', () => {
  it('gives an empty document usable defaults', () => {
    const s = readSettings(new Y.Doc())
    expect(s.workspace).toEqual({ restrictOffline: false, reassignAfterSeconds: null, agentsEditTemplates: false, defaultAssignment: 'manual', timezone: 'UTC' })
    expect(s.groups).toEqual([])
  })

  it('reads the workspace timezone in its canonical name, and UTC for one Intl does not accept', () => {
    const doc = new Y.Doc()
    const tz = (v: unknown) => {
      doc.getMap('workspace').set('timezone', v)
      return readSettings(doc).workspace.timezone
    }
    expect(tz('Europe/Paris')).toBe('Europe/Paris')
    expect(tz('america/new_york')).toBe('America/New_York')
    expect(tz('Mars/Olympus_Mons')).toBe('UTC')
    expect(tz('')).toBe('UTC')
    expect(tz(42)).toBe('UTC')
    expect(tz('x'.repeat(500))).toBe('UTC')
    setOption(doc, 'timezone', 'Asia/Tokyo')
    expect(readSettings(doc).workspace.timezone).toBe('Asia/Tokyo')
  })

  it('skips entries of the wrong shape and fills missing fields', () => {
    const doc = new Y.Doc()
    doc.getMap('groups').set('g1', { name: 'Sales', maxConversations: 50, assignment: 'roundRobin' })
    doc.getMap('groups').set('bad', 'not an object')
    doc.getMap('groups').set('g2', { name: 'Billing', maxConversations: -3, assignment: 'whoever' })
    doc.getMap('hours').set('t1', { timezone: 'Europe/Paris', week: { mon: [[540, 1080], [1200, 1100], 'x'] }, holidays: ['2026-12-25', 'xmas'] })
    doc.getMap('scripts').set('s2', { url: '/b', order: 2 })
    doc.getMap('scripts').set('s1', { url: '/a', order: 1 })
    doc.getMap('scripts').set('s0', { order: 0 })
    const s = readSettings(doc)
    expect(s.groups.map((g) => [g.id, g.maxConversations, g.assignment])).toEqual([
      ['g2', null, 'manual'],
      ['g1', 50, 'roundRobin'],
    ])
    expect(s.groups[1]!.access).toEqual({ omnichannel: true, unassignedQueue: true, management: false, settings: false })
    expect(s.hours[0]!.week.mon).toEqual([[540, 1080]])
    expect(s.hours[0]!.week.sun).toEqual([])
    expect(s.hours[0]!.holidays).toEqual(['2026-12-25'])
    expect(s.scripts.map((x) => x.id)).toEqual(['s1', 's2'])
  })

  it('writes whole entries and options', () => {
    const doc = new Y.Doc()
    putEntry(doc, 'tags', { id: 'a', name: 'vip' })
    putEntry(doc, 'members', { agentId: 'ag', groups: ['g'], skills: [], slots: 2 })
    setOption(doc, 'restrictOffline', true)
    expect(readSettings(doc).tags).toEqual([{ id: 'a', name: 'vip' }])
    expect(readSettings(doc).members).toEqual([{ agentId: 'ag', groups: ['g'], skills: [], slots: 2 }])
    expect(readSettings(doc).workspace.restrictOffline).toBe(true)
    removeEntry(doc, 'tags', 'a')
    expect(readSettings(doc).tags).toEqual([])
  })

  it('reads templates sorted by tag and drops those without a tag or text', () => {
    const doc = new Y.Doc()
    doc.getMap('templates').set('2', { tag: 'refund', text: 'We refunded you' })
    doc.getMap('templates').set('1', { tag: 'hello', text: 'Hi {visitor.name}', title: 'Greeting', channels: ['widget', 3] })
    doc.getMap('templates').set('3', { tag: '', text: 'x' })
    expect(readTemplates(doc)).toEqual([
      { id: '1', tag: 'hello', title: 'Greeting', text: 'Hi {visitor.name}', channels: ['widget'] },
      { id: '2', tag: 'refund', title: 'refund', text: 'We refunded you', channels: [] },
    ])
  })
})

describe('rights and templates', () => {
  const group = (id: string, access: Partial<ReturnType<typeof rightsOf>>) => ({
    id,
    name: id,
    teamId: null,
    maxConversations: null,
    fullMessage: '',
    assignment: 'manual' as const,
    onlyWhenOnline: false,
    skills: [],
    access: { omnichannel: false, unassignedQueue: false, management: false, settings: false, ...access },
  })

  it('unions the rights of an agent’s groups; admins hold all; agents in no group keep the defaults', () => {
    const settings = {
      groups: [group('a', { omnichannel: true }), group('b', { unassignedQueue: true })],
      members: [{ agentId: 'x', groups: ['a', 'b'], skills: [], slots: 1 }],
    }
    expect(rightsOf(settings, 'x', 'agent')).toEqual({ omnichannel: true, unassignedQueue: true, management: false, settings: false })
    expect(rightsOf(settings, 'y', 'agent')).toEqual({ omnichannel: true, unassignedQueue: true, management: false, settings: false })
    expect(rightsOf(settings, 'y', 'supervisor').management).toBe(true)
    expect(rightsOf(settings, 'x', 'admin')).toEqual({ omnichannel: true, unassignedQueue: true, management: true, settings: true })
  })

  it('applies the rights in permission decisions', () => {
    const base: Principal = { id: 'x', role: 'agent', groups: [], unassignedQueue: true }
    const unassigned = { assigneeId: null, groupId: null }
    const others = { assigneeId: 'z', groupId: null }
    expect(maySeeConversation({ ...base, omnichannel: false }, unassigned)).toBe(false)
    expect(maySeeConversation({ ...base, management: true }, others)).toBe(true)
    expect(maySeeConversation({ ...base, management: true, omnichannel: false }, others)).toBe(false)
    expect(documentAccess({ ...base, settings: true }, { kind: 'settings' }, null)).toBe('write')
    expect(documentAccess({ ...base, templates: true }, { kind: 'templates' }, null)).toBe('write')
    expect(documentAccess({ ...base, templates: true }, { kind: 'settings' }, null)).toBe('read')
  })

  it('fills known template variables and leaves unknown or empty ones visible', () => {
    expect(fillTemplate('Hi {visitor.name}, I am {agent.name}. {visitor.email} {foo.bar}', { 'visitor.name': 'Ana', 'agent.name': 'Bo', 'visitor.email': '' })).toBe(
      'Hi Ana, I am Bo. {visitor.email} {foo.bar}',
    )
  })
})
