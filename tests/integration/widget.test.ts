import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Limits, type ToWidget } from '../../shared/protocol.ts'
import { login, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

/** A raw widget socket that records frames and its close code. */
async function raw(url: string) {
  const ws = new WebSocket(`${url}/widget/ws`)
  const frames: ToWidget[] = []
  const waiting: ((f: ToWidget) => void)[] = []
  ws.on('message', (d) => {
    const f = JSON.parse(String(d)) as ToWidget
    frames.push(f)
    waiting.shift()?.(f)
  })
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)))
  await new Promise((r) => ws.once('open', r))
  return {
    ws,
    frames,
    closed,
    next: () => new Promise<ToWidget>((r) => waiting.push(r)),
    send: (data: string | Buffer) => ws.send(data),
  }
}

describe('widget protocol errors', () => {
  it('answers each kind of bad frame with a clear error and keeps the socket', async () => {
    t = await startServer()
    const s = await raw(t.wsUrl)
    s.send('{not json')
    expect(await s.next()).toMatchObject({ type: 'error', code: 'bad_request', message: 'Frames must be JSON.' })
    s.send(JSON.stringify({ type: 'launch-missiles' }))
    expect(await s.next()).toMatchObject({ type: 'error', code: 'unknown_type' })
    s.send(Buffer.from([1, 2, 3]))
    expect(await s.next()).toMatchObject({ type: 'error', code: 'bad_request', message: 'Frames must be JSON text.' })
    s.send(JSON.stringify({ type: 'hello', workspace: 'default' }))
    expect(await s.next()).toMatchObject({ type: 'error', code: 'bad_request', message: expect.stringContaining('visitorToken') })
    s.send(JSON.stringify({ type: 'hello', workspace: 'default', visitorToken: null }))
    expect(await s.next()).toMatchObject({ type: 'welcome' })
    s.send(JSON.stringify({ type: 'message', clientId: 'abcdefgh-1', text: 'x'.repeat(Limits.messageText + 1) }))
    expect(await s.next()).toMatchObject({ type: 'error', code: 'bad_request', message: expect.stringContaining('longer than') })
    s.send(JSON.stringify({ type: 'message', clientId: 'abcdefgh-2', text: 'y'.repeat(Limits.widgetFrame) }))
    expect(await s.next()).toMatchObject({ type: 'error', code: 'too_large' })
    // Still usable.
    s.send(JSON.stringify({ type: 'message', clientId: 'abcdefgh-3', text: 'a real one' }))
    const frames = await Promise.all([s.next(), s.next()])
    expect(frames.map((f) => f.type).sort()).toEqual(['ack', 'message'])
    s.ws.close()
  })

  it('requires hello first, and refuses unknown workspaces', async () => {
    t = await startServer()
    const early = await raw(t.wsUrl)
    early.send(JSON.stringify({ type: 'message', clientId: 'abcdefgh-1', text: 'hi' }))
    expect(await early.next()).toMatchObject({ type: 'error', code: 'hello_required' })
    expect(await early.closed).toBe(4401)

    const wrong = await raw(t.wsUrl)
    wrong.send(JSON.stringify({ type: 'hello', workspace: 'elsewhere', visitorToken: null }))
    expect(await wrong.next()).toMatchObject({ type: 'error', code: 'unknown_workspace' })
    expect(await wrong.closed).toBe(4400)
  })

  it('cuts off a flood with 4429 and a friendly error, and the visitor can come back', async () => {
    t = await startServer()
    const v = new Visitor(t.wsUrl)
    await v.connect()
    const closed = new Promise<number>((r) => v.ws.once('close', (code) => r(code)))
    for (let i = 0; i < 200; i++) v.ws.send(JSON.stringify({ type: 'typing' }))
    expect(await closed).toBe(4429)
    expect(v.frames.some((f) => f.type === 'error' && f.code === 'too_many')).toBe(true)
    await v.connect()
    expect((await v.say('back again')).id).toBeTruthy()
    await v.close()
  })
})

describe('first start', () => {
  it('creates the admin with a generated password once, and never again', async () => {
    t = await startServer({ adminEmail: undefined, adminPassword: undefined })
    const first = t.server.firstAdmin!
    expect(first.email).toBe('admin@localhost')
    expect(first.generatedPassword).toMatch(/^.{16,}$/)
    const session = await login(t.url, { email: first.email, password: first.generatedPassword! })
    expect(session.agent).toMatchObject({ role: 'admin', workspace: 'default' })
    await t.stop()
    t = await startServer({ dataDir: t.dataDir, adminEmail: undefined, adminPassword: undefined })
    expect(t.server.firstAdmin).toBeNull()
    await login(t.url, { email: first.email, password: first.generatedPassword! })
  })
})
