import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { appendMessageOnce, conversationDocName, messagesOf } from '../../shared/documents.ts'
import { Limits, type Attachment, type LogEvent, type ToWidget } from '../../shared/protocol.ts'
import { login, openDoc, Visitor, whenDoc } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')

async function upload(path: string, body: Buffer, headers: Record<string, string>) {
  const res = await fetch(`${t.url}${path}`, { method: 'POST', headers, body: new Uint8Array(body) })
  return { status: res.status, headers: res.headers, body: (await res.json()) as Attachment & { error?: string } }
}

const agentUpload = (token: string, body: Buffer, name: string, type: string) =>
  upload('/api/files', body, { authorization: `Bearer ${token}`, 'content-type': type, 'x-file-name': encodeURIComponent(name) })

const visitorUpload = (token: string, body: Buffer, name: string, type: string) =>
  upload('/widget/files', body, { authorization: `Bearer ${token}`, 'content-type': type, 'x-file-name': encodeURIComponent(name) })

const blobs = () =>
  readdirSync(join(t.dataDir, 'files'))
    .filter((d) => d !== 'tmp')
    .flatMap((d) => readdirSync(join(t.dataDir, 'files', d)))
const temps = () => (existsSync(join(t.dataDir, 'files', 'tmp')) ? readdirSync(join(t.dataDir, 'files', 'tmp')) : [])

/** A raw request, so the test decides when (and whether) the body goes out. */
function rawUpload(path: string, headers: Record<string, string | number>) {
  const url = new URL(path, t.url)
  const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers })
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
  })
  return { req, response }
}

describe('files', () => {
  it('stores an upload once per content, and serves it with safe headers', async () => {
    t = await startServer()
    const { token } = await login(t.url)
    const first = await agentUpload(token, PNG, 'shop window.png', 'image/png')
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ name: 'shop window.png', type: 'image/png', size: PNG.length, url: `/files/${first.body.id}/shop%20window.png` })
    expect(first.body.id).toMatch(/^[A-Za-z0-9_-]{22}$/)

    // The same bytes again, under another name: a new record, the same blob on disk.
    const again = await agentUpload(token, PNG, 'copy.PNG', 'image/png')
    expect(again.status).toBe(201)
    expect(again.body.id).not.toBe(first.body.id)
    const sha = createHash('sha256').update(PNG).digest('hex')
    expect(blobs()).toEqual([sha])
    expect(existsSync(join(t.dataDir, 'files', sha.slice(0, 2), sha))).toBe(true)
    expect(temps()).toEqual([])

    const got = await fetch(`${t.url}${first.body.url}`)
    expect(got.status).toBe(200)
    expect(Buffer.from(await got.arrayBuffer())).toEqual(PNG)
    expect(got.headers.get('content-type')).toBe('image/png')
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="shop window.png"; filename*=UTF-8''shop%20window.png`)
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    expect(got.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(got.headers.get('cache-control')).toContain('immutable')
    // The name in the path is cosmetic: the id decides, the record names it.
    const other = await fetch(`${t.url}/files/${first.body.id}/whatever.html`)
    expect(other.headers.get('content-type')).toBe('image/png')
    expect((await fetch(`${t.url}/files/${first.body.id}/x`, { headers: { 'if-none-match': `"${sha}"` } })).status).toBe(304)
    expect((await fetch(`${t.url}/files/${first.body.id}`, { method: 'HEAD' })).headers.get('content-length')).toBe(String(PNG.length))

    const pdf = await agentUpload(token, PDF, 'Invoice "1042" é.pdf', 'application/pdf')
    const served = await fetch(`${t.url}${pdf.body.url}`)
    expect(served.headers.get('content-disposition')).toBe(`attachment; filename="Invoice _1042_ _.pdf"; filename*=UTF-8''Invoice%20%221042%22%20%C3%A9.pdf`)
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PDF)

    expect((await fetch(`${t.url}/files/AAAAAAAAAAAAAAAAAAAAAA/x.png`)).status).toBe(404)
    expect((await fetch(`${t.url}/files/not-an-id/x.png`)).status).toBe(404)
    expect((await fetch(`${t.url}/files/`)).status).toBe(404)
  })

  it('refuses with 413 past the size limit, said up front or found mid-way, and keeps nothing', async () => {
    t = await startServer()
    const { token } = await login(t.url)
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/zip', 'x-file-name': 'big.zip' }

    // Declared too large: refused before the body is sent.
    const declared = rawUpload('/api/files', { ...headers, 'content-length': Limits.fileBytes + 1 })
    declared.req.flushHeaders()
    const early = await declared.response
    expect(early.status).toBe(413)
    expect(JSON.parse(early.body).error).toMatch(/up to 10 MB/)
    declared.req.destroy()

    // Streamed without a length: refused once it passes the limit, and the client still reads why.
    const streamed = rawUpload('/api/files', { ...headers, 'transfer-encoding': 'chunked' })
    const chunk = Buffer.alloc(256 * 1024, 1)
    for (let sent = 0; sent <= Limits.fileBytes; sent += chunk.length) streamed.req.write(chunk)
    streamed.req.end()
    const late = await streamed.response
    expect(late.status).toBe(413)
    expect(temps()).toEqual([])
    expect(blobs()).toEqual([])

    // Exactly at the limit is fine.
    const atLimit = await agentUpload(token, Buffer.alloc(Limits.fileBytes, 2), 'fits.zip', 'application/zip')
    expect(atLimit.status).toBe(201)
  })

  it('refuses types off the allowlist and images that are not what they say with 415', async () => {
    t = await startServer()
    const { token } = await login(t.url)
    const html = await agentUpload(token, Buffer.from('<script>alert(1)</script>'), 'page.html', 'text/html')
    expect(html.status).toBe(415)
    expect(html.body.error).toMatch(/not accepted.*image.*PDF/)
    const svg = await agentUpload(token, Buffer.from('<svg/>'), 'logo.svg', 'image/svg+xml')
    expect(svg.status).toBe(415)
    const disguised = await agentUpload(token, Buffer.from('<html><script>alert(1)</script></html>'), 'cat.png', 'image/png')
    expect(disguised.status).toBe(415)
    expect(disguised.body.error).toBe('this file is not a PNG image')
    // A generic type is read from the extension; Windows' zip type is folded into the standard one.
    expect((await agentUpload(token, Buffer.from('a,b\n1,2\n'), 'data.csv', 'application/octet-stream')).body.type).toBe('text/csv')
    expect((await agentUpload(token, Buffer.from('PK\x03\x04zip'), 'a.zip', 'application/x-zip-compressed')).body.type).toBe('application/zip')
    expect(blobs()).toHaveLength(2)
    expect(temps()).toEqual([])
  })

  it('refuses missing or wrong tokens with 401, and bad headers or empty bodies with 400', async () => {
    t = await startServer()
    const { token } = await login(t.url)
    expect((await upload('/api/files', PNG, { 'content-type': 'image/png', 'x-file-name': 'a.png' })).status).toBe(401)
    expect((await agentUpload('nope', PNG, 'a.png', 'image/png')).status).toBe(401)
    expect((await visitorUpload('v1.default.someone.forged', PNG, 'a.png', 'image/png')).status).toBe(401)
    expect((await visitorUpload(token, PNG, 'a.png', 'image/png')).status).toBe(401)
    expect((await upload('/widget/files', PNG, { 'content-type': 'image/png', 'x-file-name': 'a.png' })).status).toBe(401)

    expect((await upload('/api/files', PNG, { authorization: `Bearer ${token}`, 'content-type': 'image/png' })).body.error).toMatch(/X-File-Name/)
    expect((await upload('/api/files', PNG, { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-file-name': '%E0%A4%A' })).status).toBe(400)
    expect((await upload('/api/files', PNG, { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-file-name': '..%2F..%2F' })).status).toBe(400)
    expect((await agentUpload(token, Buffer.alloc(0), 'empty.txt', 'text/plain')).body.error).toBe('the file is empty')
    // A path in the name is cut down to the name.
    expect((await agentUpload(token, PNG, '../../etc/passwd.png', 'image/png')).body.name).toBe('passwd.png')
    expect((await fetch(`${t.url}/api/files`)).status).toBe(405)
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200)
  })

  it('removes the temp file of an upload the client abandons mid-body', async () => {
    t = await startServer()
    const { token } = await login(t.url)
    const { req, response } = rawUpload('/api/files', {
      authorization: `Bearer ${token}`,
      'content-type': 'application/pdf',
      'x-file-name': 'half.pdf',
      'content-length': 4 * 1024 * 1024,
    })
    response.catch(() => {})
    req.write(Buffer.alloc(512 * 1024, 3))
    await vi.waitFor(() => expect(temps()).toHaveLength(1))
    req.destroy()
    await vi.waitFor(() => expect(temps()).toEqual([]))
    expect(blobs()).toEqual([])
    expect((await agentUpload(token, PDF, 'whole.pdf', 'application/pdf')).status).toBe(201)
  })

  it('lets a visitor send their own files, never another visitor’s, and agents see them', async () => {
    t = await startServer()
    const ana = new Visitor(t.wsUrl, { name: 'Ana' })
    const bob = new Visitor(t.wsUrl, { name: 'Bob' })
    await ana.connect()
    await bob.connect()
    const { token } = await login(t.url)

    // The preflight the widget's browser sends from the shop's origin.
    const preflight = await fetch(`${t.url}/widget/files`, { method: 'OPTIONS' })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-file-name')

    const photo = await visitorUpload(ana.token!, PNG, 'broken.png', 'image/png')
    expect(photo.status).toBe(201)
    expect(photo.headers.get('access-control-allow-origin')).toBe('*')
    // The token may also come as a query parameter.
    const viaQuery = await upload(`/widget/files?token=${encodeURIComponent(ana.token!)}`, PDF, { 'content-type': 'application/pdf', 'x-file-name': 'receipt.pdf' })
    expect(viaQuery.status).toBe(201)
    const refused = await visitorUpload(ana.token!, Buffer.from('MZ'), 'setup.exe', 'application/x-msdownload')
    expect(refused.status).toBe(415)
    expect(refused.headers.get('access-control-allow-origin')).toBe('*')

    // Bob cannot attach Ana's file, nor an agent's.
    const agentFile = await agentUpload(token, PDF, 'terms.pdf', 'application/pdf')
    for (const id of [photo.body.id, agentFile.body.id, 'AAAAAAAAAAAAAAAAAAAAAA']) {
      const err = bob.next<Extract<ToWidget, { type: 'error' }>>((f) => f.type === 'error')
      bob.ws.send(JSON.stringify({ type: 'message', clientId: `bob-${id.slice(0, 8)}`, text: 'look', attachments: [id] }))
      expect(await err).toMatchObject({ code: 'bad_file', clientId: `bob-${id.slice(0, 8)}` })
    }
    expect(bob.frames.some((f) => f.type === 'ack')).toBe(false)

    // Ana sends hers with no text: the message carries the server's record of each file.
    const incoming = ana.next<Extract<ToWidget, { type: 'message' }>>((f) => f.type === 'message')
    const ack = ana.next<Extract<ToWidget, { type: 'ack' }>>((f) => f.type === 'ack')
    ana.ws.send(JSON.stringify({ type: 'message', clientId: 'ana-photo-1', text: '', attachments: [photo.body.id, viaQuery.body.id] }))
    const { conversationId } = await ack
    const message = (await incoming).message
    expect(message.text).toBe('')
    expect(message.attachments).toEqual([photo.body, viaQuery.body])

    const events = (await (await fetch(`${t.url}/api/events?after=0`, { headers: { authorization: `Bearer ${token}` } })).json()) as { events: LogEvent[] }
    const logged = events.events.find((e) => e.type === 'message' && e.data.clientId === 'ana-photo-1')
    expect(logged?.data.attachments).toEqual([photo.body, viaQuery.body].map(({ url: _url, ...a }) => a))

    const agent = await openDoc(t.wsUrl, conversationDocName(conversationId), token)
    try {
      await whenDoc(agent.doc, () => messagesOf(agent.doc).length === 1)
      expect(messagesOf(agent.doc).get(0).attachments).toEqual([photo.body, viaQuery.body])
    } finally {
      agent.close()
    }
    // A returning visitor finds them in the history.
    await ana.close()
    const welcome = await ana.connect()
    expect(welcome.history[0]!.attachments).toEqual([photo.body, viaQuery.body])
    await ana.close()
    await bob.close()
  })

  it('sends an agent’s files to the visitor as the server recorded them, whatever the message claims', async () => {
    t = await startServer()
    const visitor = new Visitor(t.wsUrl)
    await visitor.connect()
    const { conversationId } = await visitor.say('Can you send the invoice?')
    const { token } = await login(t.url)
    const pdf = await agentUpload(token, PDF, 'invoice.pdf', 'application/pdf')

    const agent = await openDoc(t.wsUrl, conversationDocName(conversationId), token)
    const pushed = visitor.next<Extract<ToWidget, { type: 'message' }>>((f) => f.type === 'message' && f.message.kind === 'agent')
    appendMessageOnce(agent.doc, {
      id: 'm-agent-1',
      clientId: 'c-agent-1',
      kind: 'agent',
      authorId: 'whoever',
      authorName: 'Admin',
      text: 'Here it is',
      at: Date.now(),
      attachments: [
        // Lies about the type, size and link of a real file…
        { id: pdf.body.id, name: 'invoice.html', type: 'text/html', size: 1, url: 'javascript:alert(1)' },
        // …and names a file that does not exist.
        { id: 'BBBBBBBBBBBBBBBBBBBBBB', name: 'ghost.png', type: 'image/png', size: 9, url: '/files/BBBBBBBBBBBBBBBBBBBBBB/ghost.png' },
      ],
    })
    const { message } = await pushed
    expect(message.attachments).toEqual([pdf.body])
    agent.close()
    await visitor.close()
  })
})
