import { afterEach, describe, expect, it } from 'vitest'
import { messagesOf, metaOf } from '../../shared/documents.ts'
import type { EventsResponse } from '../../shared/protocol.ts'
import { command, createAgent, login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

async function setup(opts: Parameters<typeof startServer>[0] = {}) {
  t = await startServer(opts)
  const admin = await login(t.url)
  await createAgent(t.url, admin.token, { email: 'bo@x.io', name: 'Bo', password: 'password-bo' })
  const bo = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
  const visitor = new Visitor(t.wsUrl, { name: 'Vi' })
  await visitor.connect()
  const ack = await visitor.say('help please')
  return { admin, bo, visitor, id: ack.conversationId }
}

async function events(token: string) {
  const res = await fetch(`${t.url}/api/events?after=0`, { headers: { authorization: `Bearer ${token}` } })
  return ((await res.json()) as EventsResponse).events
}

describe('commands', () => {
  it('lets exactly one of two agents take a chat at the same instant; the other learns who', async () => {
    const { admin, bo, id, visitor } = await setup()
    const [a, b] = await Promise.all([command(t.url, admin.token, id, 'take'), command(t.url, bo.token, id, 'take')])
    const statuses = [a.status, b.status].sort()
    expect(statuses).toEqual([200, 409])
    const [won, lost] = a.status === 200 ? [a, b] : [b, a]
    const winner = a.status === 200 ? admin.agent : bo.agent
    expect(won.body.conversation).toMatchObject({ status: 'open', assigneeId: winner.id })
    expect(lost.body).toMatchObject({ reason: `already taken by ${winner.name}`, assigneeId: winner.id })
    expect((await events(admin.token)).filter((e) => e.type === 'conversation.assigned')).toHaveLength(1)
    await visitor.close()
  })

  it('keeps exactly one winner when three agents take the same chats at once, twenty times over', async () => {
    const { admin, bo, visitor } = await setup()
    await createAgent(t.url, admin.token, { email: 'cy@x.io', name: 'Cy', password: 'password-cy' })
    const cy = await login(t.url, { email: 'cy@x.io', password: 'password-cy' })
    const racers = [admin, bo, cy]
    const visitors = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const v = new Visitor(t.wsUrl, { name: `V${i}` })
      await v.connect()
      return { v, id: (await v.say(`race ${i}`)).conversationId }
    }))
    for (const { id } of visitors) {
      const answers = await Promise.all(racers.map((r) => command(t.url, r.token, id, 'take')))
      const won = answers.filter((a) => a.status === 200)
      expect(won).toHaveLength(1)
      const winnerId = won[0]!.body.conversation.assigneeId as string
      for (const a of answers.filter((x) => x.status !== 200)) expect(a).toMatchObject({ status: 409, body: { assigneeId: winnerId } })
    }
    const assigned = (await events(admin.token)).filter((e) => e.type === 'conversation.assigned')
    expect(assigned).toHaveLength(20)
    for (const { v } of visitors) await v.close()
    await visitor.close()
  })

  it('decides on fresh state: of two blocks sent at once exactly one wins, ten times over', async () => {
    // Blocking reads the visitor record from the store before applying: on PostgreSQL a real round
    // trip, in which the other block must not decide on the state both saw (issue 11 §2).
    const { admin, visitor } = await setup()
    const ids = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      const v = new Visitor(t.wsUrl, { name: `B${i}` })
      await v.connect()
      const id = (await v.say(`block race ${i}`)).conversationId
      expect((await command(t.url, admin.token, id, 'take')).status).toBe(200)
      return { v, id }
    }))
    for (const { id } of ids) {
      const answers = await Promise.all([command(t.url, admin.token, id, 'block'), command(t.url, admin.token, id, 'block')])
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
      expect(answers.find((a) => a.status === 409)!.body).toMatchObject({ reason: 'the visitor is already blocked' })
    }
    expect((await events(admin.token)).filter((e) => e.type === 'visitor.blocked')).toHaveLength(10)
    for (const { v } of ids) await v.close()
    await visitor.close()
  })

  it('answers a replayed command with the same answer and changes nothing twice', async () => {
    const { admin, id, visitor } = await setup()
    const first = await command(t.url, admin.token, id, 'take', {}, 'replay-key-1')
    const again = await command(t.url, admin.token, id, 'take', {}, 'replay-key-1')
    expect(again).toEqual(first)
    const doc = await openDoc(t.wsUrl, `conv/${id}`, admin.token)
    expect(messagesOf(doc.doc).toArray().filter((m) => m.kind === 'system')).toHaveLength(1)
    doc.close()
    // A refusal is remembered too: the same key keeps its 409 even after the state changes.
    const { bo } = { bo: await login(t.url, { email: 'bo@x.io', password: 'password-bo' }) }
    const refused = await command(t.url, bo.token, id, 'take', {}, 'replay-key-2')
    expect(refused.status).toBe(409)
    await command(t.url, admin.token, id, 'transfer', { to: { agentId: bo.agent.id } })
    expect(await command(t.url, bo.token, id, 'take', {}, 'replay-key-2')).toEqual(refused)
    await visitor.close()
  })

  it('transfers to an agent (who may be away), to a group and to a skill, with a line for agents that the visitor never sees', async () => {
    const { admin, bo, id, visitor } = await setup()
    const settings = await openDoc(t.wsUrl, 'settings', admin.token)
    settings.doc.transact(() => {
      settings.doc.getMap('groups').set('billing', { name: 'Billing' })
      settings.doc.getMap('skills').set('fr', { name: 'French' })
    })
    const check = await openDoc(t.wsUrl, 'settings', admin.token)
    await whenDoc(check.doc, () => check.doc.getMap('skills').has('fr'))
    check.close()
    settings.close()
    await command(t.url, admin.token, id, 'take')
    const moved = await command(t.url, admin.token, id, 'transfer', { to: { agentId: bo.agent.id }, note: 'VIP, be nice' })
    expect(moved).toMatchObject({ status: 200, body: { conversation: { assigneeId: bo.agent.id, status: 'open' } } })
    const ev = (await events(admin.token)).find((e) => e.type === 'conversation.transferred')!
    expect(ev.data).toMatchObject({ from: admin.agent.id, toAgentId: bo.agent.id, note: 'VIP, be nice', by: admin.agent.id })
    const toGroup = await command(t.url, bo.token, id, 'transfer', { to: { groupId: 'billing' } })
    expect(toGroup.body.conversation).toMatchObject({ assigneeId: null, groupId: 'billing', status: 'waiting' })
    expect((await command(t.url, bo.token, id, 'transfer', { to: { agentId: 'nobody' } })).status).toBe(400)
    expect((await command(t.url, admin.token, id, 'transfer', { to: { groupId: 'nowhere' } })).body).toMatchObject({ reason: 'no such group' })
    expect((await command(t.url, admin.token, id, 'transfer', { to: { skillId: 'klingon' } })).body).toMatchObject({ reason: 'no such skill' })
    await command(t.url, admin.token, id, 'take')
    const toSkill = await command(t.url, admin.token, id, 'transfer', { to: { skillId: 'fr' } })
    expect(toSkill.body.conversation).toMatchObject({ assigneeId: null, groupId: 'billing', skillId: 'fr', status: 'waiting' })

    const doc = await openDoc(t.wsUrl, `conv/${id}`, admin.token)
    expect(messagesOf(doc.doc).toArray().filter((m) => m.internal).map((m) => m.text)).toEqual([
      'Admin took the chat',
      'Admin transferred the chat to Bo. Note: VIP, be nice',
      'Bo transferred the chat to the Billing queue',
      'Admin took the chat',
      'Admin transferred the chat to someone with the French skill',
    ])
    doc.close()
    expect(JSON.stringify(visitor.frames)).not.toContain('transferred')
    const back = await new Visitor(t.wsUrl).connect(visitor.token)
    expect(back.history.map((m) => m.text)).toEqual(['help please'])
    await visitor.close()
  })

  it('wakes a snoozed chat when its time is up, and earlier when the visitor writes', async () => {
    const { admin, id, visitor } = await setup()
    await command(t.url, admin.token, id, 'take')
    const snoozed = await command(t.url, admin.token, id, 'snooze', { until: Date.now() + 300 })
    expect(snoozed.body.conversation).toMatchObject({ status: 'snoozed' })
    const doc = await openDoc(t.wsUrl, `conv/${id}`, admin.token)
    await whenDoc(doc.doc, () => metaOf(doc.doc).get('status') === 'open')
    expect(messagesOf(doc.doc).toArray().at(-1)).toMatchObject({ kind: 'system', internal: true, text: 'The snooze ended; the chat is back' })

    await command(t.url, admin.token, id, 'snooze', { until: Date.now() + 3600_000 })
    await whenDoc(doc.doc, () => metaOf(doc.doc).get('status') === 'snoozed')
    await visitor.say('are you there?')
    await whenDoc(doc.doc, () => metaOf(doc.doc).get('status') === 'open')
    const reasons = (await events(admin.token)).filter((e) => e.type === 'conversation.woke').map((e) => e.data.reason)
    expect(reasons).toEqual(['time', 'visitor'])
    expect((await command(t.url, admin.token, id, 'snooze', { until: Date.now() - 1 })).status).toBe(400)
    doc.close()
    await visitor.close()
  })

  it('wakes a snoozed chat on time across a restart', async () => {
    const { admin, id, visitor } = await setup()
    await visitor.close()
    await command(t.url, admin.token, id, 'take')
    await command(t.url, admin.token, id, 'snooze', { until: Date.now() + 1500 })
    await t.stop()
    t = await startServer({ dataDir: t.dataDir })
    await expect.poll(async () => (await t.server.store.getConversation('default', id))?.status, { timeout: 10_000 }).toBe('open')
  })

  it('closes with tags or as a request, opens a new conversation when the visitor writes again, and reopens', async () => {
    const { admin, bo, id, visitor } = await setup()
    await command(t.url, admin.token, id, 'take')
    expect((await command(t.url, bo.token, id, 'close')).body).toMatchObject({ reason: 'already taken by Admin' })
    const closed = await command(t.url, admin.token, id, 'close', { tags: ['shipping', 'shipping', ' vip '], asTicket: true })
    expect(closed.body.conversation).toMatchObject({ status: 'closed', tags: ['shipping', 'vip'], ticket: true })
    expect((await command(t.url, admin.token, id, 'close')).status).toBe(409)
    const next = await visitor.say('one more thing')
    expect(next.conversationId).not.toBe(id)
    expect((await command(t.url, admin.token, id, 'reopen')).body.conversation).toMatchObject({ status: 'open', assigneeId: admin.agent.id })
    await visitor.close()
  })

  it('reverts an agent writing status or assignee into the document directly', async () => {
    const { bo, id, visitor } = await setup()
    const doc = await openDoc(t.wsUrl, `conv/${id}`, bo.token)
    metaOf(doc.doc).set('assigneeId', bo.agent.id)
    metaOf(doc.doc).set('status', 'closed')
    metaOf(doc.doc).set('priority', 'high')
    await whenDoc(doc.doc, () => metaOf(doc.doc).get('status') === 'waiting' && metaOf(doc.doc).get('assigneeId') === null)
    expect(metaOf(doc.doc).get('priority')).toBe('high')
    expect((await t.server.store.getConversation('default', id))?.status).toBe('waiting')
    doc.close()
    await visitor.close()
  })

  it('tells agents who could have taken a chat that it was taken, without showing them its messages', async () => {
    const { admin, bo, id, visitor } = await setup()
    await command(t.url, admin.token, id, 'take')
    await visitor.say('my card number is 4111…')
    const seen = await events(bo.token)
    expect(seen.find((e) => e.type === 'conversation.assigned')?.data).toMatchObject({ assigneeId: admin.agent.id, visitorName: 'Vi' })
    // Message text follows who may see the conversation now: none of it reaches Bo any more.
    expect(seen.filter((e) => e.type === 'message')).toEqual([])
    await visitor.close()
  })

  it('blocks a visitor: their new messages are refused politely and stored nowhere; unblocking lets them write again', async () => {
    const { admin, id, visitor } = await setup()
    const blocked = await command(t.url, admin.token, id, 'block')
    expect(blocked.body.conversation).toMatchObject({ visitorBlocked: true })
    expect((await command(t.url, admin.token, id, 'block')).status).toBe(409)
    const refusal = visitor.next((f) => f.type === 'error')
    visitor.ws.send(JSON.stringify({ type: 'message', clientId: 'blocked-1', text: 'let me in' }))
    expect(await refusal).toMatchObject({ code: 'blocked', clientId: 'blocked-1', message: expect.stringMatching(/^Sorry/) })
    const doc = await openDoc(t.wsUrl, `conv/${id}`, admin.token)
    expect(messagesOf(doc.doc).toArray().some((m) => m.text === 'let me in')).toBe(false)
    expect(metaOf(doc.doc).get('visitorBlocked')).toBe(true)
    doc.close()
    expect((await events(admin.token)).some((e) => e.type === 'visitor.blocked')).toBe(true)
    await command(t.url, admin.token, id, 'unblock')
    expect((await visitor.say('thanks')).conversationId).toBe(id)
    await visitor.close()
  })

  it('logs internal notes with their mentions; the mentioned colleague is told even without access, the visitor never', async () => {
    const { admin, id, visitor } = await setup()
    await createAgent(t.url, admin.token, { email: 'cid@x.io', name: 'Cid', password: 'password-cid', groups: [] })
    const cid = await login(t.url, { email: 'cid@x.io', password: 'password-cid' })
    await command(t.url, admin.token, id, 'take')
    const notes = await openDoc(t.wsUrl, `conv/${id}/notes`, admin.token)
    notes.doc.getArray('notes').push([
      { id: 'note-1', clientId: 'note-1', kind: 'agent', authorId: admin.agent.id, authorName: 'Admin', text: '@Cid can you check the refund?', at: Date.now(), mentions: [cid.agent.id] },
    ])
    await expect.poll(async () => (await events(admin.token)).filter((e) => e.type === 'note').length).toBe(1)
    const forCid = (await events(cid.token)).filter((e) => e.type === 'note')
    expect(forCid.map((e) => e.data)).toEqual([{ noteId: 'note-1', authorId: admin.agent.id, authorName: 'Admin', text: '@Cid can you check the refund?', mentions: [cid.agent.id] }])
    const bo = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
    expect((await events(bo.token)).filter((e) => e.type === 'note')).toEqual([])
    expect(JSON.stringify(visitor.frames)).not.toContain('refund')
    notes.close()
    await visitor.close()
  })

  it('gives the client card: who, from which page, request numbers and earlier requests', async () => {
    const { admin, id, visitor } = await setup()
    await command(t.url, admin.token, id, 'take')
    await command(t.url, admin.token, id, 'close')
    visitor.ws.send(JSON.stringify({ type: 'page', url: 'http://shop.test/checkout', title: 'Checkout' }))
    const second = await visitor.say('another question')
    const res = await fetch(`${t.url}/api/conversations/${second.conversationId}/contact`, { headers: { authorization: `Bearer ${admin.token}` } })
    const card = (await res.json()) as Record<string, any>
    expect(card.visitor).toMatchObject({ name: 'Vi', pageUrl: 'http://shop.test/checkout', pageTitle: 'Checkout', blocked: false })
    expect(card.totalRequests).toBe(2)
    expect(card.requests.map((r: { id: string }) => r.id)).toEqual([second.conversationId, id])
    expect(card.number).toBeGreaterThan(card.requests[1].number)
    const outsider = await fetch(`${t.url}/api/conversations/nope/contact`, { headers: { authorization: `Bearer ${admin.token}` } })
    expect(outsider.status).toBe(404)
    await visitor.close()
  })

  it('refuses bad commands clearly', async () => {
    const { admin, id, visitor } = await setup()
    const noKey = await fetch(`${t.url}/api/conversations/${id}/take`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` }, body: '{}' })
    expect(noKey.status).toBe(400)
    expect((await command(t.url, admin.token, id, 'snooze', { until: 'later' })).status).toBe(400)
    expect((await command(t.url, admin.token, 'no-such-conversation', 'take')).status).toBe(404)
    expect((await command(t.url, 'bad-token', id, 'take')).status).toBe(401)
    await visitor.close()
  })
})

describe('agent status', () => {
  const setStatus = async (token: string, status: string) => {
    const res = await fetch(`${t.url}/api/me/status`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ status }) })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }

  it('sets online, away and offline, logs it, and refuses going offline with open chats when the workspace says so', async () => {
    const { admin, bo, id, visitor } = await setup()
    expect(await setStatus(bo.token, 'online')).toEqual({ status: 200, body: { status: 'online' } })
    expect((await setStatus(bo.token, 'busy')).status).toBe(400)
    const list = await (await fetch(`${t.url}/api/agents`, { headers: { authorization: `Bearer ${bo.token}` } })).json()
    expect(list.agents.find((a: { id: string }) => a.id === bo.agent.id).status).toBe('online')
    expect((await events(admin.token)).filter((e) => e.type === 'agent.status').map((e) => e.data)).toEqual([{ agentId: bo.agent.id, status: 'online' }])

    await command(t.url, bo.token, id, 'take')
    // Allowed while the workspace does not forbid it…
    expect((await setStatus(bo.token, 'offline')).status).toBe(200)
    await setStatus(bo.token, 'online')
    // …refused once the admin turns the option on in the settings document.
    const settings = await openDoc(t.wsUrl, 'settings', admin.token)
    settings.doc.getMap('workspace').set('restrictOffline', true)
    await expect.poll(async () => (await setStatus(bo.token, 'offline')).status).toBe(409)
    const refused = await setStatus(bo.token, 'offline')
    expect(refused.body).toMatchObject({ reason: expect.stringContaining('you still hold 1 open chat'), conversations: [id] })
    expect((await setStatus(bo.token, 'away')).status).toBe(200)
    await command(t.url, bo.token, id, 'close')
    expect((await setStatus(bo.token, 'offline')).status).toBe(200)
    settings.close()
    await visitor.close()
  })
})
