import { afterEach, describe, expect, it } from 'vitest'
import { messagesOf } from '../../shared/documents.ts'
import { setOption } from '../../shared/settings.ts'
import { command, createAgent, login, metaWhen, openDoc, Visitor } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'
import { writeSettings } from '../support/settings.ts'
import { setStatus } from '../support/widget.ts'

let t: TestServer
const visitors: Visitor[] = []
afterEach(async () => {
  for (const v of visitors.splice(0)) await v.close()
  await t.destroy()
})

async function chat(text: string): Promise<string> {
  const v = new Visitor(t.wsUrl, { name: text })
  visitors.push(v)
  await v.connect()
  return (await v.say(text)).conversationId
}

const metaOf = (token: string, id: string, until: Parameters<typeof metaWhen>[3]) => metaWhen(t.wsUrl, token, id, until)

describe('a transfer to an agent who is away, with reassignAfterSeconds set', () => {
  it('waits for them: only the chats they held when they left go back to the queue', async () => {
    t = await startServer()
    const admin = await login(t.url)
    const created = await createAgent(t.url, admin.token, { email: 'bo@x.io', name: 'Bo', password: 'password-bo' })
    await writeSettings(t.wsUrl, admin.token, (doc) => setOption(doc, 'reassignAfterSeconds', 2))
    const bo = await login(t.url, { email: 'bo@x.io', password: 'password-bo' })
    await setStatus(t.url, bo.token, 'online')

    const held = await chat('held by Bo')
    expect((await command(t.url, bo.token, held, 'take')).status).toBe(200)
    await setStatus(t.url, bo.token, 'away')

    // While Bo's grace period runs, the admin hands him another chat on purpose.
    const given = await chat('given to Bo')
    await command(t.url, admin.token, given, 'take')
    const moved = await command(t.url, admin.token, given, 'transfer', { to: { agentId: created.body.id! }, note: 'He knows this client' })
    expect(moved.body).toMatchObject({ conversation: { assigneeId: bo.agent.id, status: 'open' } })

    expect(await metaOf(admin.token, held, (m) => m.assigneeId === null)).toMatchObject({ status: 'waiting' })
    // The requeue of `held` ran; the transferred chat is still Bo's.
    expect(await metaOf(admin.token, given, () => true)).toMatchObject({ assigneeId: bo.agent.id, status: 'open' })
    const lines = async (id: string) => {
      const doc = await openDoc(t.wsUrl, `conv/${id}`, admin.token)
      const texts = messagesOf(doc.doc).toArray().filter((m) => m.internal).map((m) => m.text)
      doc.close()
      return texts
    }
    expect(await lines(held)).toContain('Bo went away: the chat is back in the queue')
    expect(await lines(given)).toEqual(['Admin took the chat', 'Admin transferred the chat to Bo. Note: He knows this client'])
  })
})
