import { afterEach, describe, expect, it } from 'vitest'
import { putProactive, readProactive } from '../../shared/proactive/documents.ts'
import { createAgent, login, openDoc, whenDoc } from '../support/clients.ts'
import { SALES_INVITATION } from '../support/proactive.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { writeSettings } from '../support/settings.ts'

let t: TestServer
afterEach(async () => {
  await t?.destroy()
})

const example = SALES_INVITATION

async function call(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, any> }
}

describe('proactive messages over REST', () => {
  it('creates, reads, edits, publishes, un-publishes and deletes a message, each a new version, a stale one refused', async () => {
    t = await startServer()
    const { token } = await login(t.url)
    const created = await call('POST', '/api/proactive', token, example)
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ id: expect.any(String), version: 1, status: 'draft' })
    const id = created.body.id as string

    const listed = await call('GET', '/api/proactive', token)
    expect(listed.body.messages).toHaveLength(1)
    expect(listed.body.messages[0]).toMatchObject({ id, name: 'Sales invitation', status: 'draft', version: 1, site: { all: true }, routeTo: { teamId: 'sales' } })
    expect((await call('GET', `/api/proactive/${id}`, token)).body).toMatchObject({ id, onset: { rules: [{ field: 'url' }, { field: 'timeOnPage', value: 30 }] } })

    const edited = await call('PUT', `/api/proactive/${id}`, token, { ...example, name: 'Sales, pricing page', version: 1 })
    expect(edited).toEqual({ status: 200, body: { id, version: 2, status: 'draft' } })
    const stale = await call('PUT', `/api/proactive/${id}`, token, { ...example, name: 'Lost edit', version: 1 })
    expect(stale.status).toBe(409)
    expect(stale.body.error).toMatch(/changed meanwhile.*version 2/)
    expect((await call('GET', `/api/proactive/${id}`, token)).body.name).toBe('Sales, pricing page')

    expect(await call('POST', `/api/proactive/${id}/publish`, token)).toEqual({ status: 200, body: { id, version: 3, status: 'live' } })
    expect((await call('POST', `/api/proactive/${id}/publish`, token)).body).toEqual({ id, version: 3, status: 'live' })
    expect((await call('POST', `/api/proactive/${id}/unpublish`, token, { version: 2 })).status).toBe(409)
    expect(await call('POST', `/api/proactive/${id}/unpublish`, token, { version: 3 })).toEqual({ status: 200, body: { id, version: 4, status: 'draft' } })
    // An edit keeps the status it had.
    await call('POST', `/api/proactive/${id}/publish`, token)
    expect((await call('PUT', `/api/proactive/${id}`, token, example)).body).toEqual({ id, version: 6, status: 'live' })

    expect((await call('DELETE', `/api/proactive/${id}`, token)).status).toBe(204)
    expect((await call('GET', `/api/proactive/${id}`, token)).status).toBe(404)
    expect((await call('DELETE', `/api/proactive/${id}`, token)).status).toBe(404)
    expect((await call('GET', '/api/proactive', token)).body.messages).toEqual([])
  })

  it('is one model with the settings document: what REST writes the editor reads, and the other way round', async () => {
    t = await startServer()
    const { token } = await login(t.url)
    const { id } = (await call('POST', '/api/proactive', token, example)).body as { id: string }
    const settings = await openDoc(t.wsUrl, 'settings', token)
    await whenDoc(settings.doc, () => readProactive(settings.doc).some((m) => m.id === id))
    expect(readProactive(settings.doc)[0]).toMatchObject({ id, name: 'Sales invitation', status: 'draft', order: 0 })
    settings.close()

    // Written in the document (the admin's editor, offline, synced later), listed by REST in its place.
    await writeSettings(t.wsUrl, token, (doc) => {
      const [first] = readProactive(doc)
      putProactive(doc, { ...first!, id: 'from-editor', name: 'Cart offer', order: -1, status: 'live', version: 1 })
      // An entry that does not check is left out, not an error.
      doc.getMap('proactive').set('broken', { name: 42 })
    })
    const listed = (await call('GET', '/api/proactive', token)).body.messages as { id: string; status: string }[]
    expect(listed.map((m) => [m.id, m.status])).toEqual([
      ['from-editor', 'live'],
      [id, 'draft'],
    ])
  })

  it('gives the widget’s loader the live messages only, in the list’s order, without what the server alone decides on', async () => {
    t = await startServer()
    const { token } = await login(t.url)
    const config = async () => ((await (await fetch(`${t.url}/widget/config`)).json()) as { proactive: Record<string, unknown>[] }).proactive
    expect(await config()).toEqual([])
    const a = (await call('POST', '/api/proactive', token, example)).body.id as string
    const b = (await call('POST', '/api/proactive', token, { ...example, name: 'Second', message: { text: 'Still looking?' } })).body.id as string
    expect(await config()).toEqual([])
    await call('POST', `/api/proactive/${b}/publish`, token)
    await call('POST', `/api/proactive/${a}/publish`, token)
    const live = await config()
    expect(live.map((m) => m.id)).toEqual([a, b])
    expect(live[0]).toEqual({ id: a, site: { all: true, patterns: [] }, onset: example.onset, message: example.message })
    // Un-published: gone from the next page load's config.
    await call('POST', `/api/proactive/${a}/unpublish`, token)
    expect((await config()).map((m) => m.id)).toEqual([b])
  })

  it('refuses bad input with the reason, unknown ids with 404, and callers without the settings right', async () => {
    t = await startServer()
    const { token } = await login(t.url)
    const bad = await call('POST', '/api/proactive', token, { ...example, onset: { kind: 'event', event: { on: 'click', selector: 'button:hover' } } })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/onset\.event\.selector: pseudo-classes/)
    expect((await call('POST', '/api/proactive', token, { ...example, name: '' })).body.error).toMatch(/^name: give the message a name/)
    expect((await call('POST', '/api/proactive', token, { ...example, onset: { kind: 'attributes', rules: [{ field: 'timeOnPage', op: '>', value: 'soon' }] } })).body.error).toMatch(/compares numbers/)
    const raw = await fetch(`${t.url}/api/proactive`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{not json' })
    expect(raw.status).toBe(400)
    expect((await fetch(`${t.url}/api/proactive`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: 'x' })).status).toBe(415)
    expect((await call('PUT', '/api/proactive/nope', token, example)).status).toBe(404)
    expect((await call('POST', '/api/proactive/nope/publish', token)).status).toBe(404)
    expect((await call('PUT', '/api/proactive/nope', token, { ...example, version: 'one' })).status).toBe(404)
    expect((await call('PATCH', '/api/proactive', token, {})).status).toBe(405)
    expect((await call('GET', '/api/proactive', null)).status).toBe(401)

    await createAgent(t.url, token, { email: 'ana@shop.test', name: 'Ana', password: 'ana password 1' })
    const ana = await login(t.url, { email: 'ana@shop.test', password: 'ana password 1' })
    expect((await call('GET', '/api/proactive', ana.token)).status).toBe(403)
    expect((await call('POST', '/api/proactive', ana.token, example)).status).toBe(403)
    // Nothing was stored by any of it.
    expect((await call('GET', '/api/proactive', token)).body.messages).toEqual([])
  })
})
