import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  groupDraft,
  groupFromDraft,
  membershipFromDraft,
  moveScript,
  nameError,
  removeGroup,
  removeSkill,
  removeTeam,
  scriptFromDraft,
  teamUsage,
  type GroupDraft,
  type ScriptDraft,
} from '../../shared/routingEdits.ts'
import { AGENT_RIGHTS, putEntry, readSettings, type RoutingGroup, type Script } from '../../shared/settings.ts'

const group = (over: Partial<RoutingGroup> = {}): RoutingGroup => ({
  id: 'g1',
  name: 'Sales',
  teamId: 't1',
  maxConversations: null,
  fullMessage: 'Busy',
  assignment: 'manual',
  onlyWhenOnline: false,
  skills: [],
  access: { ...AGENT_RIGHTS },
  ...over,
})
const script = (over: Partial<Script> = {}): Script => ({
  id: 's1',
  name: 'Pricing',
  url: '/pricing',
  match: 'partial',
  teamId: null,
  groupId: null,
  onlyWhenOnline: false,
  requestFormWhenNobody: false,
  active: true,
  order: 0,
  ...over,
})

const base = {
  teams: [{ id: 't1', name: 'Europe' }, { id: 't2', name: 'Americas' }],
  skills: [{ id: 'k1', name: 'French' }],
  groups: [group()],
  scripts: [script()],
}

/** A settings document holding two teams, two groups, a skill used everywhere, a member and scripts. */
function seeded(): Y.Doc {
  const doc = new Y.Doc()
  putEntry(doc, 'teams', { id: 't1', name: 'Europe' })
  putEntry(doc, 'teams', { id: 't2', name: 'Americas' })
  putEntry(doc, 'skills', { id: 'k1', name: 'French' })
  putEntry(doc, 'skills', { id: 'k2', name: 'German' })
  putEntry(doc, 'groups', group({ id: 'g1', skills: ['k1', 'k2'] }))
  putEntry(doc, 'groups', group({ id: 'g2', name: 'Support', teamId: 't2', skills: ['k1'] }))
  putEntry(doc, 'members', { agentId: 'a1', groups: ['g1', 'g2'], skills: ['k1'], slots: 3 })
  putEntry(doc, 'hours', { teamId: 't1', timezone: 'Europe/Paris', week: { mon: [[540, 1080]], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, holidays: [], outOfHours: 'async' })
  putEntry(doc, 'scripts', script({ id: 's1', teamId: 't1', groupId: 'g1', order: 0 }))
  putEntry(doc, 'scripts', script({ id: 's2', name: 'Help', url: '/help', teamId: 't2', groupId: 'g2', order: 1 }))
  return doc
}

describe('names', () => {
  it('must be there, short and not taken', () => {
    expect(nameError('  ', [], null, 'team')).toBe('Enter a name for the team')
    expect(nameError('x'.repeat(81), [], null, 'team')).toMatch(/under 80/)
    expect(nameError('europe', base.teams, null, 'team')).toBe('Another team is already called “europe”')
    expect(nameError('Europe', base.teams, 't1', 'team')).toBeNull()
  })
})

describe('a routing group form', () => {
  const form = (over: Partial<GroupDraft> = {}): GroupDraft => ({ ...groupDraft(group({ id: 'g9', name: 'Billing' })), ...over })

  it('becomes a group with a limit, or none', () => {
    const r = groupFromDraft(form({ name: ' Billing ', maxConversations: '50', assignment: 'roundRobin', skills: ['k1', 'gone', 'k1'] }), base)
    expect(r).toEqual({ ok: true, value: group({ id: 'g9', name: 'Billing', maxConversations: 50, assignment: 'roundRobin', skills: ['k1'] }) })
    const none = groupFromDraft(form({ maxConversations: '' }), base)
    expect(none.ok && none.value.maxConversations).toBeNull()
  })

  it('refuses a blank name, a taken name, a bad limit, an unknown team', () => {
    const errors = (over: Partial<GroupDraft>) => {
      const r = groupFromDraft(form(over), base)
      return r.ok ? {} : r.errors
    }
    expect(errors({ name: '' }).name).toBe('Enter a name for the group')
    expect(errors({ name: 'sales' }).name).toMatch(/already called/)
    for (const max of ['0', '-3', '2.5', 'lots', '10001']) expect(errors({ maxConversations: max }).maxConversations).toMatch(/whole number/)
    expect(errors({ maxConversations: '5', fullMessage: ' ' }).fullMessage).toMatch(/Tell visitors/)
    expect(errors({ teamId: 'gone' }).teamId).toMatch(/no longer exists/)
  })
})

describe('a membership form', () => {
  it('keeps known groups and skills, and slots from 1 to 50', () => {
    const ok = membershipFromDraft({ agentId: 'a1', groups: ['g1', 'nope'], skills: ['k1'], slots: '3' }, base)
    expect(ok).toEqual({ ok: true, value: { agentId: 'a1', groups: ['g1'], skills: ['k1'], slots: 3 } })
    for (const slots of ['0', '51', '', '2.5']) expect(membershipFromDraft({ agentId: 'a1', groups: [], skills: [], slots }, base).ok).toBe(false)
  })
})

describe('a script form', () => {
  const form = (over: Partial<ScriptDraft> = {}): ScriptDraft => ({ ...script({ id: 's9', name: 'Checkout', url: '/checkout' }), order: null, ...over })

  it('goes after the other scripts', () => {
    const r = scriptFromDraft(form({ teamId: 't1', groupId: 'g1' }), { ...base, scripts: [script({ order: 4 })] })
    expect(r).toEqual({ ok: true, value: script({ id: 's9', name: 'Checkout', url: '/checkout', teamId: 't1', groupId: 'g1', order: 5 }) })
  })

  it('needs an address, a full one for a full match, and a group of its team', () => {
    const errors = (over: Partial<ScriptDraft>) => {
      const r = scriptFromDraft(form(over), base)
      return r.ok ? {} : r.errors
    }
    expect(errors({ url: '  ' }).url).toMatch(/Enter the address/)
    expect(errors({ url: '/a b' }).url).toMatch(/no spaces/)
    expect(errors({ url: '/pricing', match: 'full' }).url).toMatch(/https:\/\//)
    expect(errors({ url: 'https://shop.test/pricing', match: 'full' }).url).toBeUndefined()
    expect(errors({ teamId: 't2', groupId: 'g1' }).groupId).toBe('This group belongs to another team')
    expect(errors({ groupId: 'gone' }).groupId).toMatch(/no longer exists/)
    expect(errors({ name: '' }).name).toMatch(/Enter a name/)
  })
})

describe('removals clear what refers to the removed entry', () => {
  it('a team: its hours go, its groups and scripts keep going without a team', () => {
    const doc = seeded()
    expect(teamUsage(readSettings(doc), 't1')).toMatchObject({ groups: [{ id: 'g1' }], scripts: [{ id: 's1' }], hours: true })
    let transactions = 0
    doc.on('afterTransaction', () => transactions++)
    removeTeam(doc, 't1')
    expect(transactions).toBe(1)
    const s = readSettings(doc)
    expect(s.teams.map((t) => t.id)).toEqual(['t2'])
    expect(s.hours).toEqual([])
    expect(s.groups.find((g) => g.id === 'g1')?.teamId).toBeNull()
    expect(s.groups.find((g) => g.id === 'g2')?.teamId).toBe('t2')
    expect(s.scripts.map((x) => x.teamId)).toEqual([null, 't2'])
  })

  it('a skill: gone from every group and member, in one transaction', () => {
    const doc = seeded()
    let transactions = 0
    doc.on('afterTransaction', () => transactions++)
    removeSkill(doc, 'k1')
    expect(transactions).toBe(1)
    const s = readSettings(doc)
    expect(s.skills.map((k) => k.id)).toEqual(['k2'])
    expect(s.groups.map((g) => g.skills)).toEqual([['k2'], []])
    expect(s.members[0]?.skills).toEqual([])
  })

  it('a group: its members leave it, its scripts lose it', () => {
    const doc = seeded()
    removeGroup(doc, 'g1')
    const s = readSettings(doc)
    expect(s.groups.map((g) => g.id)).toEqual(['g2'])
    expect(s.members[0]?.groups).toEqual(['g2'])
    expect(s.scripts.map((x) => x.groupId)).toEqual([null, 'g2'])
  })

  it('merges with an edit made elsewhere to another entry, in either order', () => {
    const a = seeded()
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    removeSkill(a, 'k2')
    putEntry(b, 'teams', { id: 't3', name: 'Asia' })
    const ua = Y.encodeStateAsUpdate(a)
    const ub = Y.encodeStateAsUpdate(b)
    Y.applyUpdate(a, ub)
    Y.applyUpdate(b, ua)
    expect(readSettings(a)).toEqual(readSettings(b))
    expect(readSettings(a).groups.find((g) => g.id === 'g1')?.skills).toEqual(['k1'])
    expect(readSettings(a).teams.map((t) => t.id)).toContain('t3')
  })
})

describe('script order', () => {
  it('moves a script up and down, even when orders were equal', () => {
    const doc = new Y.Doc()
    for (const id of ['a', 'b', 'c']) putEntry(doc, 'scripts', script({ id, name: id, order: 7 }))
    const order = () => readSettings(doc).scripts.map((x) => x.id)
    expect(order()).toEqual(['a', 'b', 'c'])
    moveScript(doc, 'c', -1)
    expect(order()).toEqual(['a', 'c', 'b'])
    moveScript(doc, 'a', 1)
    expect(order()).toEqual(['c', 'a', 'b'])
    moveScript(doc, 'c', -1)
    moveScript(doc, 'b', 1)
    expect(order()).toEqual(['c', 'a', 'b'])
    expect(readSettings(doc).scripts.map((x) => x.order)).toEqual([0, 1, 2])
  })
})
