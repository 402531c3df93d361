import { afterEach, describe, expect, it } from 'vitest'
import { messagesOf, readMeta } from '../../shared/documents.ts'
import { putEntry } from '../../shared/settings.ts'
import { command, createAgent, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { routingGroup, writeSettings } from '../support/settings.ts'
import { eventsOf, setStatus } from '../support/widget.ts'

let t: TestServer
const visitors: Visitor[] = []
afterEach(async () => {
  for (const v of visitors.splice(0)) await v.close()
  await t.destroy()
})

/**
 * A Sales team of two manual groups, Exchanges (listed first; Cy, offline) and Orders (Bo, online),
 * and a Support team with no group.
 */
async function setup() {
  t = await startServer()
  const admin = await login(t.url)
  const bo = (await createAgent(t.url, admin.token, { email: 'bo@x.io', name: 'Bo', password: 'password-bo' })).body.id!
  const cy = (await createAgent(t.url, admin.token, { email: 'cy@x.io', name: 'Cy', password: 'password-cy' })).body.id!
  await writeSettings(t.wsUrl, admin.token, (doc) => {
    putEntry(doc, 'teams', { id: 'sales', name: 'Sales' })
    putEntry(doc, 'teams', { id: 'support', name: 'Support' })
    putEntry(doc, 'groups', routingGroup('exchanges', { name: 'Exchanges', teamId: 'sales', assignment: 'manual' }))
    putEntry(doc, 'groups', routingGroup('orders', { name: 'Orders', teamId: 'sales', assignment: 'manual' }))
    putEntry(doc, 'members', { agentId: cy, groups: ['exchanges'], skills: [], slots: 2 })
    putEntry(doc, 'members', { agentId: bo, groups: ['orders'], skills: [], slots: 2 })
  })
  const boLogin = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
  await setStatus(t.url, boLogin.token, 'online')
  const v = new Visitor(t.wsUrl, { name: 'Vera' })
  visitors.push(v)
  await v.connect()
  const { conversationId } = await v.say('I want to return a parcel')
  return { admin, conversationId }
}

describe('transfer to a team', () => {
  it('goes to the queue of the team’s group someone can serve now, with the team and the group named', async () => {
    const { admin, conversationId } = await setup()
    const res = await command(t.url, admin.token, conversationId, 'transfer', { to: { teamId: 'sales' }, note: 'Wants a refund' })
    expect(res.status).toBe(200)
    // Exchanges is listed first, but nobody of it is online: Orders, where Bo is, can take it now.
    expect(res.body.conversation).toMatchObject({ status: 'waiting', assigneeId: null, groupId: 'orders' })

    const ev = (await eventsOf(t.url, admin.token)).find((e) => e.type === 'conversation.transferred')!
    expect(ev.data).toMatchObject({ toTeamId: 'sales', toGroupId: 'orders', note: 'Wants a refund' })
    const doc = await openDoc(t.wsUrl, `conv/${conversationId}`, admin.token)
    await whenDoc(doc.doc, () => readMeta(doc.doc)?.groupId === 'orders')
    const line = messagesOf(doc.doc).toArray().find((m) => m.kind === 'system' && m.text.includes('Sales team'))
    expect(line?.text).toContain('transferred the chat to the Sales team (Orders queue)')
    doc.close()
  })

  it('with nobody online in the team, it waits in the group listed first', async () => {
    const { admin, conversationId } = await setup()
    const bo = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
    await setStatus(t.url, bo.token, 'offline')
    const res = await command(t.url, admin.token, conversationId, 'transfer', { to: { teamId: 'sales' } })
    expect(res.body.conversation).toMatchObject({ groupId: 'exchanges', status: 'waiting' })
  })

  it('refuses a team that does not exist or has no group, and a malformed target', async () => {
    const { admin, conversationId } = await setup()
    expect((await command(t.url, admin.token, conversationId, 'transfer', { to: { teamId: 'nowhere' } })).body).toMatchObject({ reason: 'no such team' })
    expect((await command(t.url, admin.token, conversationId, 'transfer', { to: { teamId: 'support' } })).body).toMatchObject({ reason: 'the team has no routing group' })
    expect((await command(t.url, admin.token, conversationId, 'transfer', { to: { teamId: '' } })).status).toBe(400)
  })
})
