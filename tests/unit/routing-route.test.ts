import { describe, expect, it } from 'vitest'
import { routeConversation, scriptMatches, type RouteInput } from '../../shared/routing/route.ts'
import type { AgentState, RoutingSettings } from '../../shared/routing/model.ts'
import { agent, group, hours, member, NOW, script, settings } from './routingFixtures.ts'

// Sales (team eu, office hours, at most 2 conversations) and support; Ana in sales, Bo in support.
const base = settings({
  groups: [group('sales', { teamId: 'eu', maxConversations: 2 }), group('support'), group('vip', { onlyWhenOnline: true })],
  members: [member('ana', ['sales'], { skills: ['fr'] }), member('bo', ['support']), member('cy', ['vip'])],
  hours: [hours('eu', { holidays: ['2026-12-25'] }), hours('night', { days: { mon: [[0, 60]], tue: [], wed: [], thu: [], fri: [] }, outOfHours: 'requestForm' })],
  scripts: [
    script('pricing', 'https://shop.io/pricing', { match: 'full', groupId: 'sales', order: 1 }),
    script('help', '/help', { groupId: 'support', order: 2, requestFormWhenNobody: true }),
    script('shop', 'shop.io', { groupId: 'sales', order: 3 }),
  ],
})
const allOnline = [agent('ana'), agent('bo'), agent('cy', { status: 'away' })]

const route = (over: Partial<RouteInput> & { page?: string } = {}) => {
  const { page, ...rest } = over
  return routeConversation({ settings: base, agents: allOnline, pageUrl: page ?? null, channel: 'widget', load: {}, now: NOW, ...rest })
}
const withScripts = (scripts: RoutingSettings['scripts']) => ({ ...base, scripts })

describe('scripts', () => {
  it.each([
    ['full match', 'https://shop.io/pricing', 'pricing', 'sales'],
    ['full match ignores a trailing slash', 'https://shop.io/pricing/', 'pricing', 'sales'],
    ['full match is not a prefix match', 'https://shop.io/pricing/team', 'shop', 'sales'],
    ['partial match, lower order first', 'https://shop.io/help/returns', 'help', 'support'],
    ['partial match on the host', 'https://shop.io/cart', 'shop', 'sales'],
    ['no match: the workspace-wide queue', 'https://elsewhere.io/', null, null],
  ])('%s', (_, page, scriptId, groupId) => expect(route({ page })).toMatchObject({ scriptId, groupId, outcome: 'queued' }))

  it('runs by ascending order, not by position in the list', () => {
    const scripts = [script('late', 'shop.io', { groupId: 'support', order: 9 }), script('early', 'shop.io', { groupId: 'sales', order: -1 })]
    expect(route({ settings: withScripts(scripts), page: 'https://shop.io/' })).toMatchObject({ scriptId: 'early', groupId: 'sales' })
  })

  it('skips inactive scripts', () => {
    const scripts = [script('off', 'shop.io', { groupId: 'sales', active: false }), script('on', 'shop.io', { groupId: 'support', order: 1 })]
    expect(route({ settings: withScripts(scripts), page: 'https://shop.io/' })).toMatchObject({ scriptId: 'on', groupId: 'support' })
  })

  it('skips an onlyWhenOnline script while nobody of its group is online, and takes it when someone is', () => {
    const scripts = [script('live', 'shop.io', { groupId: 'sales', onlyWhenOnline: true }), script('fallback', 'shop.io', { groupId: 'support', order: 1 })]
    const s = withScripts(scripts)
    expect(route({ settings: s, page: 'https://shop.io/', agents: [agent('ana', { status: 'away' }), agent('bo')] })).toMatchObject({ scriptId: 'fallback' })
    expect(route({ settings: s, page: 'https://shop.io/' })).toMatchObject({ scriptId: 'live', groupId: 'sales' })
  })

  it("skips a script whose group offers itself only while online (the group's own flag)", () => {
    const scripts = [script('vip', 'shop.io', { groupId: 'vip' }), script('fallback', 'shop.io', { groupId: 'support', order: 1 })]
    expect(route({ settings: withScripts(scripts), page: 'https://shop.io/' })).toMatchObject({ scriptId: 'fallback' })
  })

  it('skips a script pointing at a deleted group', () => {
    const scripts = [script('gone', 'shop.io', { groupId: 'deleted' }), script('fallback', 'shop.io', { groupId: 'support', order: 1 })]
    expect(route({ settings: withScripts(scripts), page: 'https://shop.io/' })).toMatchObject({ scriptId: 'fallback' })
  })

  it('applies to widget pages only', () => {
    expect(route({ page: 'https://shop.io/pricing', channel: 'telegram' })).toMatchObject({ scriptId: null, groupId: null })
  })

  it.each([
    [{ url: 'https://a.io/x', match: 'full' as const }, 'https://a.io/x///', true],
    [{ url: 'https://a.io/x/', match: 'full' as const }, 'https://a.io/x', true],
    [{ url: 'https://a.io/x', match: 'full' as const }, 'https://a.io/x?y=1', false],
    [{ url: '/x', match: 'partial' as const }, 'https://a.io/x?y=1', true],
    [{ url: '', match: 'partial' as const }, 'https://a.io/', false],
  ])('matches %j against %s: %s', (s, page, ok) => expect(scriptMatches(s, page)).toBe(ok))
})

describe('outcomes', () => {
  const pricing = 'https://shop.io/pricing'
  it.each<[string, Partial<RouteInput> & { page?: string }, object]>([
    ['a group with room and someone online', { page: pricing }, { groupId: 'sales', teamId: 'eu', outcome: 'queued', requestForm: false }],
    ['a full group (waiting + open reached the maximum)', { page: pricing, load: { sales: 2 } }, { groupId: 'sales', outcome: 'full', message: 'sales is full', requestForm: false }],
    ['full wins over out of hours', { page: pricing, load: { sales: 2 }, now: Date.parse('2026-03-18T20:00Z') }, { outcome: 'full' }],
    ['out of hours in the evening', { page: pricing, now: Date.parse('2026-03-18T20:00Z') }, { groupId: 'sales', outcome: 'outOfHours', requestForm: false }],
    ['out of hours on a holiday', { page: pricing, now: Date.parse('2026-12-25T10:00Z') }, { outcome: 'outOfHours' }],
    ['nobody of the group online', { page: pricing, agents: [agent('ana', { status: 'away' })] }, { groupId: 'sales', outcome: 'noAgents', requestForm: false }],
    ['nobody online, and the script asks for the request form', { page: 'https://x.io/help', agents: [agent('bo', { status: 'offline' })] }, { groupId: 'support', outcome: 'noAgents', requestForm: true }],
    ['the workspace queue with nobody online', { page: 'https://x.io/', agents: [] }, { groupId: null, outcome: 'noAgents' }],
  ])('%s', (_, over, expected) => expect(route(over)).toMatchObject(expected))

  it('takes the team from a script that names no group, and with it the request form out of hours', () => {
    const s = withScripts([script('nights', 'shop.io', { teamId: 'night' })])
    expect(route({ settings: s, page: 'https://shop.io/' })).toMatchObject({ groupId: null, teamId: 'night', outcome: 'outOfHours', requestForm: true })
  })

  it("uses the group's team over the script's", () => {
    const s = withScripts([script('x', 'shop.io', { teamId: 'night', groupId: 'sales' })])
    expect(route({ settings: s, page: 'https://shop.io/' })).toMatchObject({ teamId: 'eu', outcome: 'queued' })
  })
})

describe('explicit targets (proactive messages, transfers)', () => {
  const online: AgentState[] = [agent('ana'), agent('bo')]
  it.each<[string, RouteInput['target'], object]>([
    ['a group, ignoring scripts', { groupId: 'support' }, { groupId: 'support', scriptId: null, outcome: 'queued' }],
    ['a full group', { groupId: 'sales' }, { groupId: 'sales', outcome: 'full' }],
    ['a group with only-when-online and nobody online: still placed, nobody to answer', { groupId: 'vip' }, { groupId: 'vip', outcome: 'noAgents' }],
    ['a deleted group: the workspace-wide queue', { groupId: 'deleted' }, { groupId: null, outcome: 'queued' }],
    ['an agent, whatever their status', { agentId: 'cy' }, { agentId: 'cy', groupId: null, outcome: 'queued' }],
    ['a skill someone online has', { skillId: 'fr' }, { skillId: 'fr', groupId: null, outcome: 'queued' }],
    ['a skill nobody online has', { skillId: 'de' }, { skillId: 'de', outcome: 'noAgents' }],
  ])('%s', (_, target, expected) => expect(route({ target, agents: online, load: { sales: 5 }, page: 'https://shop.io/pricing' })).toMatchObject(expected))
})
