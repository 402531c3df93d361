import { createHmac } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAgent, login, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { api, setStatus, setWidgetConfig } from '../support/widget.ts'

let t: TestServer
beforeEach(async () => {
  t = await startServer()
})
afterEach(async () => {
  await t.destroy()
})

/** What the site's backend computes for a signed-in user. */
const hashOf = (secret: string, email: string) => createHmac('sha256', secret).update(email.trim().toLowerCase()).digest('hex')

describe('the widget welcome', () => {
  it('carries the public configuration, whether someone is online, the current conversation and the form state', async () => {
    const admin = await login(t.url)
    await setWidgetConfig(t.wsUrl, admin.token, { launcherText: 'Talk to us', survey: { csat: true, nps: true, comment: false } })

    const v = new Visitor(t.wsUrl)
    const w = await v.connect()
    expect(w.config).toMatchObject({ launcherText: 'Talk to us', survey: { csat: true, nps: true, comment: false } })
    // Server-only settings stay on the server.
    expect(w.config).not.toHaveProperty('emailNotify')
    expect(w.availability).toEqual({ online: false, requestForm: false })
    expect(w.current).toBeNull()
    expect(w.formDone).toBe(false)

    const ack = await v.say('hello?')
    await v.close()
    await setStatus(t.url, admin.token, 'online')
    const back = await v.connect()
    expect(back.availability).toEqual({ online: true, requestForm: false })
    expect(back.current).toEqual({ conversationId: ack.conversationId, status: 'waiting' })
    await v.close()
  })
})

describe('identity verification', () => {
  it('gives admins the identity secret, and nobody else', async () => {
    const admin = await login(t.url)
    const created = await createAgent(t.url, admin.token, { email: 'ana@shop.test', name: 'Ana', password: 'long enough pw' })
    expect(created.status).toBe(201)
    const ana = await login(t.url, { email: 'ana@shop.test', password: 'long enough pw' })
    expect((await api(t.url, ana.token, '/api/workspace/identity-secret')).status).toBe(403)
    expect((await fetch(`${t.url}/api/workspace/identity-secret`)).status).toBe(401)
    const { status, body } = await api(t.url, admin.token, '/api/workspace/identity-secret')
    expect(status).toBe(200)
    expect(body.secret).toMatch(/^[0-9a-f]{64}$/)
  })

  it('makes a verified visitor the same person on every device, with their history', async () => {
    const admin = await login(t.url)
    const { secret } = (await api(t.url, admin.token, '/api/workspace/identity-secret')).body as { secret: string }
    const user = { name: 'Vera', email: 'Vera@Shop.test', hash: hashOf(secret, 'vera@shop.test') }

    const laptop = new Visitor(t.wsUrl, user)
    const first = await laptop.connect()
    const ack = await laptop.say('from my laptop')

    // A phone that had chatted anonymously before signing in becomes the verified visitor.
    const phone = new Visitor(t.wsUrl)
    const anonymous = await phone.connect()
    await phone.close()
    ;(phone as unknown as { user: typeof user }).user = user
    const merged = await phone.connect(anonymous.visitorToken)
    expect(merged.visitorId).toBe(first.visitorId)
    expect(merged.visitorToken).not.toBe(anonymous.visitorToken)
    expect(merged.history.map((m) => m.id)).toEqual([ack.id])
    expect(merged.current).toEqual({ conversationId: ack.conversationId, status: 'waiting' })

    // What the phone says reaches the laptop's conversation.
    const echoed = laptop.next((f) => f.type === 'message' && f.message.text === 'and from my phone')
    expect((await phone.say('and from my phone')).conversationId).toBe(ack.conversationId)
    await echoed
    await laptop.close()
    await phone.close()
  })

  it('makes two devices saying hello at the same moment one visitor', async () => {
    const admin = await login(t.url)
    const { secret } = (await api(t.url, admin.token, '/api/workspace/identity-secret')).body as { secret: string }
    const user = { email: 'omar@shop.test', hash: hashOf(secret, 'omar@shop.test') }
    const devices = [new Visitor(t.wsUrl, user), new Visitor(t.wsUrl, user), new Visitor(t.wsUrl, user)]
    const welcomes = await Promise.all(devices.map((d) => d.connect()))
    expect(new Set(welcomes.map((w) => w.visitorId)).size).toBe(1)
    for (const d of devices) await d.close()
  })

  it('never merges on an unverified or wrong-hash email', async () => {
    const admin = await login(t.url)
    const { secret } = (await api(t.url, admin.token, '/api/workspace/identity-secret')).body as { secret: string }
    const real = new Visitor(t.wsUrl, { email: 'vera@shop.test', hash: hashOf(secret, 'vera@shop.test') })
    const w = await real.connect()
    await real.say('my secret order')

    const plain = new Visitor(t.wsUrl, { email: 'vera@shop.test' })
    const p = await plain.connect()
    expect(p.visitorId).not.toBe(w.visitorId)
    expect(p.history).toEqual([])

    const forged = new Visitor(t.wsUrl, { email: 'vera@shop.test', hash: hashOf('guessed secret', 'vera@shop.test') })
    const f = await forged.connect()
    expect(f.visitorId).not.toBe(w.visitorId)
    expect(f.history).toEqual([])
    // Nor is a malformed hash.
    const garbage = new Visitor(t.wsUrl, { email: 'vera@shop.test', hash: 'zz' })
    expect((await garbage.connect()).visitorId).not.toBe(w.visitorId)
    for (const v of [real, plain, forged, garbage]) await v.close()
  })
})
