import { afterEach, describe, expect, it } from 'vitest'
import type { EventsResponse } from '../../shared/protocol.ts'
import { putEntry, readSettings, type AccessRights, type RoutingGroup } from '../../shared/settings.ts'
import { closeCodeOf, command, createAgent, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

const rights = (r: Partial<AccessRights>): AccessRights => ({ omnichannel: true, unassignedQueue: false, management: false, settings: false, ...r })
const group = (id: string, access: AccessRights): RoutingGroup => ({
  id,
  name: id,
  teamId: null,
  maxConversations: null,
  fullMessage: '',
  assignment: 'manual',
  onlyWhenOnline: false,
  skills: [],
  access,
})

async function setup() {
  t = await startServer()
  const admin = await login(t.url)
  await createAgent(t.url, admin.token, { email: 'bo@x.io', name: 'Bo', password: 'password-bo' })
  const bo = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
  const visitor = new Visitor(t.wsUrl, { name: 'Vi' })
  await visitor.connect()
  const ack = await visitor.say('hello')
  const settings = await openDoc(t.wsUrl, 'settings', admin.token)
  return { admin, bo, visitor, id: ack.conversationId, settings }
}

/** Puts Bo in a group with these rights and waits until the server has the change. */
async function giveBo(s: Awaited<ReturnType<typeof setup>>, access: AccessRights) {
  s.settings.doc.transact(() => {
    putEntry(s.settings.doc, 'groups', group('desk', access))
    putEntry(s.settings.doc, 'members', { agentId: s.bo.agent.id, groups: ['desk'], skills: [], slots: 3 })
  })
  // The admin's own copy round-trips through the server: a second reader sees it once committed.
  const check = await openDoc(t.wsUrl, 'settings', s.admin.token)
  await whenDoc(check.doc, () => readSettings(check.doc).members.some((m) => m.agentId === s.bo.agent.id && m.groups.includes('desk')))
  check.close()
}

async function eventsOf(token: string) {
  const res = await fetch(`${t.url}/api/events?after=0`, { headers: { authorization: `Bearer ${token}` } })
  return ((await res.json()) as EventsResponse).events
}

describe('access rights from the settings document', () => {
  it('keeps an agent in no group on the default rights: the unassigned queue, no settings', async () => {
    const s = await setup()
    const conv = await openDoc(t.wsUrl, `conv/${s.id}`, s.bo.token)
    conv.close()
    // Settings are readable, and a write from a reader closes the socket with 4403.
    const mine = await openDoc(t.wsUrl, 'settings', s.bo.token)
    const closed = new Promise<number>((r) => mine.provider.ws?.addEventListener('close', (e) => r(e.code)))
    mine.doc.getMap('tags').set('t1', { name: 'mine' })
    expect(await closed).toBe(4403)
    mine.close()
    expect(s.settings.doc.getMap('tags').has('t1')).toBe(false)
    await s.visitor.close()
    s.settings.close()
  })

  it('takes the unassigned queue away from a group without that right: no socket, no messages, no take', async () => {
    const s = await setup()
    const open = await openDoc(t.wsUrl, `conv/${s.id}`, s.bo.token)
    const closed = new Promise<number>((r) => open.provider.ws?.addEventListener('close', (e) => r(e.code)))
    await giveBo(s, rights({ unassignedQueue: false }))
    // The socket Bo already had is closed once the change reaches the server.
    expect(await closed).toBe(4403)
    open.close()
    expect(await closeCodeOf(`${t.wsUrl}/sync/conv/${s.id}?token=${s.bo.token}`)).toBe(4403)
    expect((await eventsOf(s.bo.token)).filter((e) => e.type === 'message')).toHaveLength(0)
    expect((await command(t.url, s.bo.token, s.id, 'take')).status).not.toBe(200)
    // A conversation routed to Bo's group is his again.
    expect((await command(t.url, s.admin.token, s.id, 'transfer', { to: { groupId: 'desk' } })).status).toBe(200)
    const again = await openDoc(t.wsUrl, `conv/${s.id}`, s.bo.token)
    again.close()
    await s.visitor.close()
    s.settings.close()
  })

  it('lets a group with the management right see every conversation, and one with the settings right edit settings', async () => {
    const s = await setup()
    await command(t.url, s.admin.token, s.id, 'take')
    expect(await closeCodeOf(`${t.wsUrl}/sync/conv/${s.id}?token=${s.bo.token}`)).toBe(4403)
    await giveBo(s, rights({ management: true, settings: true }))
    const conv = await openDoc(t.wsUrl, `conv/${s.id}`, s.bo.token)
    conv.close()
    expect((await eventsOf(s.bo.token)).some((e) => e.type === 'message')).toBe(true)
    const mine = await openDoc(t.wsUrl, 'settings', s.bo.token)
    mine.doc.getMap('tags').set('t1', { name: 'vip' })
    await whenDoc(s.settings.doc, () => s.settings.doc.getMap('tags').has('t1'))
    mine.close()
    await s.visitor.close()
    s.settings.close()
  })

  it('shuts an agent out of the omnichannel module when their groups do not grant it', async () => {
    const s = await setup()
    await giveBo(s, rights({ omnichannel: false, unassignedQueue: true }))
    expect(await closeCodeOf(`${t.wsUrl}/sync/conv/${s.id}?token=${s.bo.token}`)).toBe(4403)
    expect((await eventsOf(s.bo.token)).filter((e) => e.conversationId)).toHaveLength(0)
    await s.visitor.close()
    s.settings.close()
  })

  it('lists agents with the groups their membership gives them', async () => {
    const s = await setup()
    await giveBo(s, rights({ unassignedQueue: true }))
    const res = await fetch(`${t.url}/api/agents`, { headers: { authorization: `Bearer ${s.admin.token}` } })
    const { agents } = (await res.json()) as { agents: { id: string; groups: string[] }[] }
    expect(agents.find((a) => a.id === s.bo.agent.id)?.groups).toEqual(['desk'])
    await s.visitor.close()
    s.settings.close()
  })
})
