import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createApi } from '../../client/data/api.ts'

/** A real HTTP server on loopback answering as the test says, recording what it was sent. */
async function serve(answer: (path: string) => { status: number; body?: string; type?: string }) {
  const seen: { method: string; path: string; headers: Record<string, unknown>; body: string }[] = []
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, body })
      const a = answer(req.url!)
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' }).end(a.body)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  servers.push(server)
  return { seen, fetchImpl: ((path: string, init?: RequestInit) => fetch(`${base}${path}`, init)) as typeof fetch }
}
const servers: Server[] = []
afterEach(() => {
  for (const s of servers.splice(0)) s.close()
})

describe('the app’s API client', () => {
  it('sends the token and JSON, and gives back the parsed answer', async () => {
    const { seen, fetchImpl } = await serve(() => ({ status: 201, body: '{"id":"a1"}' }))
    const api = createApi({ token: 't0k' }, { fetchImpl })
    const a = await api.send<{ id: string }>('POST', '/api/agents', { json: { name: 'Ana' }, headers: { 'idempotency-key': 'k1' } })
    expect(a).toEqual({ reached: true, ok: true, status: 201, body: { id: 'a1' }, error: '' })
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/api/agents', body: '{"name":"Ana"}' })
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer t0k', 'content-type': 'application/json', 'idempotency-key': 'k1' })
  })

  it.each([
    ['the server’s sentence', 409, '{"error":"changed meanwhile"}', 'changed meanwhile'],
    ['no sentence', 500, '{}', 'refused (500)'],
    ['not JSON (a proxy’s page)', 502, '<html>bad gateway</html>', 'refused (502)'],
  ])('a refusal carries %s', async (_what, status, body, error) => {
    const { fetchImpl } = await serve(() => ({ status, body }))
    const a = await createApi({ token: 't' }, { fetchImpl }).get('/api/x')
    expect(a).toMatchObject({ reached: true, ok: false, status, error })
  })

  it('signs out on a 401 from any request, and tells an unreached server from a refusal', async () => {
    let out = 0
    const { fetchImpl } = await serve(() => ({ status: 401, body: '{"error":"sign in"}' }))
    const api = createApi({ token: 'old' }, { fetchImpl, onUnauthenticated: () => out++ })
    expect(await api.get('/api/agents')).toMatchObject({ reached: true, status: 401 })
    await api.send('POST', '/api/me/status', { json: { status: 'online' } })
    expect(out).toBe(2)
    const unreached = createApi({ token: 't' }, { fetchImpl: (() => fetch('http://127.0.0.1:1/nothing')) as typeof fetch, onUnauthenticated: () => out++ })
    expect(await unreached.get('/api/agents')).toMatchObject({ reached: false, ok: false, status: 0 })
    expect(out).toBe(2)
  })
})
