import { afterEach, describe, expect, it } from 'vitest'
import type { ToWidget } from '../../shared/protocol.ts'
import { putEntry, setOption, type RoutingGroup } from '../../shared/settings.ts'
import { command, createAgent, login, metaWhen, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { routingGroup, writeSettings } from '../support/settings.ts'
import { eventsOf, setStatus as setAgentStatus } from '../support/widget.ts'

let t: TestServer
const visitors: Visitor[] = []
afterEach(async () => {
  for (const v of visitors.splice(0)) await v.close()
  await t.destroy()
})

const sales = (over: Partial<RoutingGroup> = {}) => routingGroup('sales', { name: 'Sales', fullMessage: 'Sales is busy, try again in a few minutes', ...over })
const setStatus = (token: string, status: 'online' | 'away' | 'offline') => setAgentStatus(t.url, token, status)
const events = (token: string) => eventsOf(t.url, token)

/** A workspace with a Sales group (two agents, one slot each) that the /pricing page routes to. */
async function setup(group: Partial<RoutingGroup> = {}, options: { grace?: number } = {}) {
  t = await startServer()
  const admin = await login(t.url)
  const ids: string[] = []
  for (const n of ['ana', 'bo']) {
    const r = await createAgent(t.url, admin.token, { email: `${n}@x.io`, name: n, password: `password-${n}` })
    ids.push(r.body.id!)
  }
  await writeSettings(t.wsUrl, admin.token, (doc) => {
    putEntry(doc, 'groups', sales(group))
    for (const agentId of ids) putEntry(doc, 'members', { agentId, groups: ['sales'], skills: [], slots: 1 })
    putEntry(doc, 'scripts', { id: 's1', name: 'Pricing', url: '/pricing', match: 'partial', teamId: null, groupId: 'sales', onlyWhenOnline: false, requestFormWhenNobody: false, active: true, order: 0 })
    if (options.grace !== undefined) setOption(doc, 'reassignAfterSeconds', options.grace)
  })
  const ana = await login(t.url, { email: 'ana@x.io', password: 'password-ana' })
  const bo = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
  return { admin, ana, bo }
}

async function visitorOnPricing(name: string) {
  const v = new Visitor(t.wsUrl, { name }, { url: 'https://shop.test/pricing?plan=pro', title: 'Pricing' })
  visitors.push(v)
  await v.connect()
  return v
}

const metaOf = (token: string, id: string, until: Parameters<typeof metaWhen>[3]) => metaWhen(t.wsUrl, token, id, until)

describe('the dispatcher on a real server', () => {
  it('routes by script, assigns round-robin within slots, queues the rest with their place, and serves them when a slot frees', async () => {
    const { admin, ana, bo } = await setup()
    await setStatus(ana.token, 'online')
    await setStatus(bo.token, 'online')

    const v1 = await visitorOnPricing('V1')
    const c1 = (await v1.say('first')).conversationId
    const m1 = await metaOf(admin.token, c1, (m) => m.assigneeId !== null)
    expect(m1).toMatchObject({ groupId: 'sales', status: 'open' })

    const v2 = await visitorOnPricing('V2')
    const c2 = (await v2.say('second')).conversationId
    const m2 = await metaOf(admin.token, c2, (m) => m.assigneeId !== null)
    // Round robin over two agents with one slot each: one chat each.
    expect(new Set([m1.assigneeId, m2.assigneeId])).toEqual(new Set([ana.agent.id, bo.agent.id]))

    const v3 = await visitorOnPricing('V3')
    const queued = v3.next<Extract<ToWidget, { type: 'queue' }>>((f) => f.type === 'queue' && f.position > 0)
    const c3 = (await v3.say('third')).conversationId
    expect((await queued).position).toBe(1)
    expect((await metaOf(admin.token, c3, () => true)).assigneeId).toBeNull()

    // Closing the first chat frees a slot: the third visitor is served and told they no longer wait.
    const served = v3.next<Extract<ToWidget, { type: 'queue' }>>((f) => f.type === 'queue' && f.position === 0)
    const holder = m1.assigneeId === ana.agent.id ? ana : bo
    expect((await command(t.url, holder.token, c1, 'close')).status).toBe(200)
    await served
    expect((await metaOf(admin.token, c3, (m) => m.assigneeId !== null)).assigneeId).toBe(holder.agent.id)

    const log = await events(admin.token)
    const of = (id: string, type: string) => log.filter((e) => e.conversationId === id && e.type === type)
    expect(of(c3, 'conversation.routed')[0]!.data).toMatchObject({ groupId: 'sales', scriptId: 's1', outcome: 'queued' })
    expect(of(c3, 'queue.joined')).toHaveLength(1)
    expect(of(c3, 'queue.left')[0]!.data).toMatchObject({ reason: 'assigned' })
    expect(of(c3, 'conversation.assigned')[0]!.data).toMatchObject({ assigneeId: holder.agent.id, by: 'dispatcher' })
  })

  it('refuses a new chat when the group holds its maximum, with the group’s message', async () => {
    await setup({ maxConversations: 1 })
    const v1 = await visitorOnPricing('V1')
    await v1.say('first')
    const v2 = await visitorOnPricing('V2')
    const refused = v2.next<Extract<ToWidget, { type: 'error' }>>((f) => f.type === 'error')
    v2.ws.send(JSON.stringify({ type: 'message', clientId: 'cfull00001', text: 'me too' }))
    expect(await refused).toMatchObject({ code: 'full', message: 'Sales is busy, try again in a few minutes', clientId: 'cfull00001' })
  })

  it('leaves manual groups to "take the chat", and waits for an agent who comes online', async () => {
    const { admin, ana } = await setup({ assignment: 'manual' })
    await setStatus(ana.token, 'online')
    const v1 = await visitorOnPricing('V1')
    // The place in line is read after the dispatcher's run: had it given the chat away, there would be none.
    const queued = v1.next<Extract<ToWidget, { type: 'queue' }>>((f) => f.type === 'queue' && f.position > 0)
    const c1 = (await v1.say('hello')).conversationId
    expect((await queued).position).toBe(1)
    expect((await metaOf(admin.token, c1, () => true)).assigneeId).toBeNull()
    expect((await command(t.url, ana.token, c1, 'take')).status).toBe(200)
  })

  it('tells waiting visitors their place as it moves: arrivals behind them change nothing they see, the head served moves everyone up', async () => {
    const { admin, ana } = await setup({ assignment: 'manual' })
    await setStatus(ana.token, 'online')
    // The first place may come twice: from the dispatcher, and again with the ack (in case the dispatcher's frame went out before the chat existed).
    const places = (v: Visitor) =>
      v.frames
        .flatMap((f) => (f.type === 'queue' ? [[f.position, f.waitSeconds]] : []))
        .filter((p, i, all) => i === 0 || p.join() !== all[i - 1]!.join())
    const waiting: Visitor[] = []
    const ids: string[] = []
    for (const name of ['V1', 'V2', 'V3']) {
      const v = await visitorOnPricing(name)
      const told = v.next((f) => f.type === 'queue' && f.position > 0)
      ids.push((await v.say(`hello from ${name}`)).conversationId)
      await told
      waiting.push(v)
    }
    // Ana takes the first chat: the two behind move up, and that is the next frame each of them gets.
    const moved = waiting.slice(1).map((v) => v.next((f) => f.type === 'queue'))
    const served = waiting[0]!.next((f) => f.type === 'queue' && f.position === 0)
    expect((await command(t.url, ana.token, ids[0]!, 'take')).status).toBe(200)
    await Promise.all([...moved, served])
    // One slot of Ana's, five minutes a chat by default: five minutes a place.
    expect(places(waiting[1]!)).toEqual([[2, 600], [1, 300]])
    expect(places(waiting[2]!)).toEqual([[3, 900], [2, 600]])
    expect(places(waiting[0]!)).toEqual([[1, 300], [0, null]])
    expect((await metaOf(admin.token, ids[0]!, () => true)).assigneeId).toBe(ana.agent.id)
  })

  it('assigns a chat that waited while everyone was offline as soon as an agent comes online', async () => {
    const { admin, bo } = await setup()
    const v1 = await visitorOnPricing('V1')
    const c1 = (await v1.say('anyone?')).conversationId
    expect((await metaOf(admin.token, c1, () => true)).assigneeId).toBeNull()
    await setStatus(bo.token, 'online')
    expect((await metaOf(admin.token, c1, (m) => m.assigneeId !== null)).assigneeId).toBe(bo.agent.id)
  })

  /** Ana takes a chat, Bo comes online, Ana goes away: the grace period starts. */
  async function anaLeavesAChat(grace: number) {
    const { admin, ana, bo } = await setup({}, { grace })
    await setStatus(ana.token, 'online')
    const v1 = await visitorOnPricing('V1')
    const c1 = (await v1.say('help')).conversationId
    expect((await metaOf(admin.token, c1, (m) => m.assigneeId !== null)).assigneeId).toBe(ana.agent.id)
    await setStatus(bo.token, 'online')
    await setStatus(ana.token, 'away')
    return { admin, bo, c1 }
  }

  it('gives an away agent’s chats back to the queue after the grace period, to a colleague online', async () => {
    const { admin, bo, c1 } = await anaLeavesAChat(1)
    expect((await metaOf(admin.token, c1, (m) => m.assigneeId === bo.agent.id)).status).toBe('open')
    const log = await events(admin.token)
    expect(log.some((e) => e.conversationId === c1 && e.type === 'queue.joined' && e.data.reason === 'reassigned')).toBe(true)
  })

  it('keeps the grace period of an away agent through a restart: their chat still goes back to the queue', async () => {
    const { bo, c1 } = await anaLeavesAChat(2)
    // The server restarts before the grace period is over.
    await t.stop()
    t = await startServer({ dataDir: t.dataDir })
    const again = await login(t.url)
    expect((await metaOf(again.token, c1, (m) => m.assigneeId === bo.agent.id)).status).toBe('open')
    expect((await events(again.token)).some((e) => e.conversationId === c1 && e.type === 'queue.joined' && e.data.reason === 'reassigned')).toBe(true)
  })
})

describe('transfers to a skill', () => {
  it('waits for an agent with the skill and gives it to them, not to others with room', async () => {
    const { admin, ana, bo } = await setup()
    await writeSettings(t.wsUrl, admin.token, (doc) => {
      putEntry(doc, 'skills', { id: 'fr', name: 'French' })
      putEntry(doc, 'members', { agentId: ana.agent.id, groups: ['sales'], skills: [], slots: 2 })
      putEntry(doc, 'members', { agentId: bo.agent.id, groups: ['sales'], skills: ['fr'], slots: 2 })
    })
    await setStatus(ana.token, 'online')
    const v1 = await visitorOnPricing('V1')
    const c1 = (await v1.say('bonjour')).conversationId
    expect((await metaOf(admin.token, c1, (m) => m.assigneeId !== null)).assigneeId).toBe(ana.agent.id)
    // Ana has room but no French: the chat waits for Bo.
    expect((await command(t.url, ana.token, c1, 'transfer', { to: { skillId: 'fr' } })).status).toBe(200)
    expect(await metaOf(admin.token, c1, (m) => m.status === 'waiting')).toMatchObject({ assigneeId: null, skillId: 'fr', groupId: 'sales' })
    await setStatus(bo.token, 'online')
    expect((await metaOf(admin.token, c1, (m) => m.assigneeId !== null)).assigneeId).toBe(bo.agent.id)
  })
})
