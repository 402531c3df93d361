import { request } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { EventType } from '../../shared/protocol.ts'
import { login } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

/** A server with a backlog: 600 conversations opening, straight into the store. */
async function withBacklog(pageSize?: number) {
  t = await startServer(pageSize ? { liveBacklogPage: pageSize } : {})
  const events = Array.from({ length: 600 }, (_, i) => ({
    type: EventType.conversationCreated,
    at: 1_700_000_000_000 + i,
    conversationId: `c-${i}`,
    data: { visitorId: `v-${i}`, visitorName: `Visitor number ${i}`, channel: 'widget', status: 'waiting' },
  }))
  await t.server.store.commit({ workspace: 'default', events })
  return login(t.url)
}

/** GET with exactly these headers (fetch would ask for gzip and inflate on its own). */
function get(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('compression of the event log', () => {
  it('GET /api/events is gzipped when the client accepts it, and plain otherwise', async () => {
    const admin = await withBacklog()
    const auth = { authorization: `Bearer ${admin.token}` }
    const plain = await get('/api/events?after=0&limit=1000', auth)
    expect(plain.status).toBe(200)
    expect(plain.headers['content-encoding']).toBeUndefined()
    const zipped = await get('/api/events?after=0&limit=1000', { ...auth, 'accept-encoding': 'br, gzip;q=0.8' })
    expect(zipped.headers['content-encoding']).toBe('gzip')
    expect(zipped.headers.vary).toMatch(/accept-encoding/i)
    expect(zipped.body.length).toBeLessThan(plain.body.length / 3)
    expect(JSON.parse(gunzipSync(zipped.body).toString())).toEqual(JSON.parse(plain.body.toString()))
    // `q=0` refuses it.
    const refused = await get('/api/events?after=0&limit=1000', { ...auth, 'accept-encoding': 'gzip;q=0' })
    expect(refused.headers['content-encoding']).toBeUndefined()
  })

  it('/api/live offers permessage-deflate and sends the backlog in frames of the page size, whole', async () => {
    const admin = await withBacklog(250)
    const last = await t.server.store.lastSeq('default')
    const ws = new WebSocket(`${t.wsUrl}/api/live?token=${encodeURIComponent(admin.token)}&after=0`, { perMessageDeflate: true })
    const sizes: number[] = []
    let seqs: number[] = []
    await new Promise<void>((resolve, reject) => {
      ws.on('error', reject)
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; events?: { seq: number }[]; last?: number }
        if (frame.type !== 'events') return
        sizes.push(frame.events!.length)
        seqs = seqs.concat(frame.events!.map((e) => e.seq))
        if (frame.last! >= last) resolve()
      })
    })
    expect(ws.extensions).toMatch(/permessage-deflate/)
    expect(Math.max(...sizes)).toBe(250)
    // Every event of the backlog once, in order (the socket's own opening may log one more after it).
    expect(seqs.filter((s) => s <= last)).toEqual(Array.from({ length: last }, (_, i) => i + 1))
    ws.close()
  })
})
