import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { messagesOf } from '../../shared/documents.ts'
import type { ChatMessage } from '../../shared/protocol.ts'
import { login, openDoc, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { setWidgetConfig } from '../support/widget.ts'

interface Received {
  to: string[]
  raw: string
}

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp() {
  const received: Received[] = []
  const waiters: ((m: Received) => void)[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const m = { to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') }
        received.push(m)
        waiters.shift()?.(m)
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    next: () => new Promise<Received>((resolve) => waiters.push(resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Undoes quoted-printable soft line breaks and escapes, enough to search the text. */
const unfold = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))

const answer = (id: string, text: string, authorId: string): ChatMessage => ({ id, clientId: id, kind: 'agent', authorId, authorName: 'Ana', text, at: Date.now() })

let t: TestServer
let smtp: Awaited<ReturnType<typeof startSmtp>>
beforeEach(async () => {
  smtp = await startSmtp()
  t = await startServer({ mail: { smtpUrl: smtp.url, from: 'Shop support <help@shop.test>' } })
})
afterEach(async () => {
  await t.destroy()
  await smtp.close()
})

describe('email notices to visitors who left', () => {
  it('emails the unread answers once after the away time, and nothing to a visitor who is online', async () => {
    const admin = await login(t.url)
    // 0.02 minutes: 1.2 s away.
    await setWidgetConfig(t.wsUrl, admin.token, { emailNotify: { enabled: true, afterMinutes: 0.02 } })

    const present = new Visitor(t.wsUrl, { name: 'Pia', email: 'pia@shop.test' })
    await present.connect()
    const p = await present.say('I am still here')
    const presentDoc = await openDoc(t.wsUrl, `conv/${p.conversationId}`, admin.token)
    const live = present.next((f) => f.type === 'message' && f.message.kind === 'agent')
    messagesOf(presentDoc.doc).push([answer('p-1', 'Seen live', admin.agent.id)])
    await live

    const away = new Visitor(t.wsUrl, { name: 'Vera', email: 'vera@shop.test' }, { url: 'https://shop.test/orders?id=7', title: 'Orders' })
    await away.connect()
    const a = await away.say('Where is my parcel?')
    await away.close()
    const mail = smtp.next()
    const doc = await openDoc(t.wsUrl, `conv/${a.conversationId}`, admin.token)
    messagesOf(doc.doc).push([answer('a-1', 'It left today <b>& arrives Friday</b>', admin.agent.id)])
    messagesOf(doc.doc).push([answer('a-2', 'Tracking: 123', admin.agent.id)])
    const got = await mail
    expect(got.to).toEqual(['vera@shop.test'])
    const text = unfold(got.raw)
    expect(text).toContain('Subject: New reply from Ana')
    expect(text).toContain('Shop support <help@shop.test>')
    expect(text).toContain('2 new replies')
    expect(text).toContain('Ana: It left today <b>& arrives Friday</b>')
    expect(text).toContain('Tracking: 123')
    expect(text).toContain('https://shop.test/orders?id=7')
    // In the HTML part what people typed is text, never markup.
    expect(text).toContain('It left today &lt;b&gt;&amp; arrives Friday&lt;/b&gt;')
    // One email: none for the visitor who was online, none twice for the same away period.
    expect(smtp.received).toHaveLength(1)
    expect(smtp.received.flatMap((m) => m.to)).not.toContain('pia@shop.test')

    presentDoc.close()
    doc.close()
    await present.close()
  })

  it('sends an email owed when the server restarted before it was due, once', async () => {
    const admin = await login(t.url)
    // 0.05 minutes: 3 s away, long enough to stop the server before it is due.
    await setWidgetConfig(t.wsUrl, admin.token, { emailNotify: { enabled: true, afterMinutes: 0.05 } })
    const away = new Visitor(t.wsUrl, { name: 'Vera', email: 'vera@shop.test' })
    await away.connect()
    const a = await away.say('Is it in stock?')
    await away.close()
    const doc = await openDoc(t.wsUrl, `conv/${a.conversationId}`, admin.token)
    messagesOf(doc.doc).push([answer('r-1', 'Yes, two left', admin.agent.id)])
    // The notice is stored before the server goes.
    const store = t.server.store
    for (let i = 0; i < 100 && !(await store.listEmailNotices()).length; i++) await new Promise((r) => setTimeout(r, 50))
    expect((await store.listEmailNotices()).map((n) => n.conversationId)).toEqual([a.conversationId])
    doc.close()
    await t.stop()
    expect(smtp.received).toHaveLength(0)

    t = await startServer({ dataDir: t.dataDir, mail: { smtpUrl: smtp.url, from: 'Shop support <help@shop.test>' } })
    const got = await smtp.next()
    expect(got.to).toEqual(['vera@shop.test'])
    expect(unfold(got.raw)).toContain('Ana: Yes, two left')
    // Sent: no longer owed (forgotten once the SMTP server accepted it), and not sent again.
    for (let i = 0; i < 100 && (await t.server.store.listEmailNotices()).length; i++) await new Promise((r) => setTimeout(r, 50))
    expect(await t.server.store.listEmailNotices()).toEqual([])
    await new Promise((r) => setTimeout(r, 300))
    expect(smtp.received).toHaveLength(1)
  })
})
