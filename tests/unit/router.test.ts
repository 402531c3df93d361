import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { HttpError, sendJson } from '../../sync-server/http/respond.ts'
import { createRouter, match, route } from '../../sync-server/http/router.ts'
import type { AgentRecord } from '../../sync-server/store/Store.ts'

const agentOf = (id: string, role: AgentRecord['role']) => ({ id, workspace: 'default', role }) as AgentRecord
const TOKENS: Record<string, AgentRecord> = { ann: agentOf('ann', 'agent'), ada: agentOf('ada', 'admin'), sam: agentOf('sam', 'agent') }

const routes = [
  route({ method: 'GET', path: '/api/open', right: 'none', handler: ({ res, agent }) => sendJson(res, 200, { agent }) }),
  route({ method: 'GET', path: /^\/api\/things\/([a-z]+)(?:\/([0-9]+))?$/, right: 'agent', handler: ({ res, params, agent }) => sendJson(res, 200, { params, by: agent.id }) }),
  route({ method: 'POST', path: '/api/admin', right: 'admin', forbidden: 'only admins press this', handler: ({ res }) => sendJson(res, 200, { ok: true }) }),
  route({ method: 'GET', path: '/api/settings', right: 'settings', handler: ({ res }) => sendJson(res, 200, { ok: true }) }),
  route({ method: 'POST', path: '/thing', right: 'none', handler: ({ res }) => sendJson(res, 201, { first: true }) }),
  route({ method: '*', path: '/thing', right: 'none', handler: () => { throw new HttpError(405, 'POST only', { allow: 'POST' }) } }),
  route({ method: ['GET', 'HEAD'], path: '/boom', right: 'none', handler: () => { throw new Error('a bug') } }),
  route({ method: ['GET', 'HEAD'], path: /^(?!\/api\/)/, right: 'none', handler: ({ res, url }) => sendJson(res, 200, { page: url.pathname }) }),
]

describe('match', () => {
  it('takes the first route whose method and path fit, with the groups as params', () => {
    expect(match(routes, 'GET', '/api/things/cups/12')?.params).toEqual(['cups', '12'])
    expect(match(routes, 'GET', '/api/things/cups')?.params).toEqual(['cups', undefined])
    expect(match(routes, 'POST', '/thing')?.route).toBe(routes[4])
    expect(match(routes, 'DELETE', '/thing')?.route).toBe(routes[5])
    expect(match(routes, 'POST', '/api/open')).toBeNull()
    expect(match(routes, 'GET', '/api/nothing')).toBeNull()
  })
})

describe('createRouter', () => {
  const log = { error: vi.fn() }
  let server: Server
  let base: string
  beforeAll(async () => {
    const listener = createRouter(routes, {
      authenticate: async (token) => (token ? (TOKENS[token] ?? null) : null),
      principalOf: async (a) => ({ id: a.id, role: a.role, groups: [], settings: a.id === 'sam' }) as never,
      log: log as unknown as Logger,
    })
    server = createServer(listener)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((r) => server.close(() => r())))

  const call = async (method: string, path: string, token?: string) => {
    const res = await fetch(base + path, { method, headers: token ? { authorization: `Bearer ${token}` } : {} })
    return { status: res.status, body: method === 'HEAD' ? null : await res.json() }
  }

  it('checks the right before the handler runs', async () => {
    expect(await call('GET', '/api/open')).toEqual({ status: 200, body: { agent: null } })
    expect(await call('GET', '/api/things/cups')).toEqual({ status: 401, body: { error: 'sign in first' } })
    expect(await call('GET', '/api/things/cups', 'nobody')).toEqual({ status: 401, body: { error: 'sign in first' } })
    expect(await call('GET', '/api/things/cups/3', 'ann')).toEqual({ status: 200, body: { params: ['cups', '3'], by: 'ann' } })
    expect(await call('POST', '/api/admin', 'ann')).toEqual({ status: 403, body: { error: 'only admins press this' } })
    expect(await call('POST', '/api/admin', 'ada')).toEqual({ status: 200, body: { ok: true } })
    expect((await call('GET', '/api/settings', 'ann')).status).toBe(403)
    expect((await call('GET', '/api/settings', 'sam')).status).toBe(200)
    expect((await call('GET', '/api/settings', 'ada')).status).toBe(200)
  })

  it('answers what no route takes: 404 naming the route under /api/, elsewhere 405 but for GET and HEAD', async () => {
    expect(await call('DELETE', '/api/open')).toEqual({ status: 404, body: { error: 'no route DELETE /api/open' } })
    expect(await call('GET', '/api/nothing')).toEqual({ status: 404, body: { error: 'no route GET /api/nothing' } })
    expect(await call('POST', '/somewhere')).toEqual({ status: 405, body: { error: 'method not allowed' } })
    expect(await call('GET', '/somewhere')).toEqual({ status: 200, body: { page: '/somewhere' } })
  })

  it('sends an HttpError as JSON with its extra fields, and logs anything else as a 500', async () => {
    expect(await call('POST', '/thing')).toEqual({ status: 201, body: { first: true } })
    expect(await call('PUT', '/thing')).toEqual({ status: 405, body: { error: 'POST only', allow: 'POST' } })
    expect(log.error).not.toHaveBeenCalled()
    expect(await call('GET', '/boom')).toEqual({ status: 500, body: { error: 'internal error' } })
    expect(log.error).toHaveBeenCalledOnce()
    expect(log.error.mock.calls[0]![0]).toMatchObject({ url: '/boom' })
  })
})
