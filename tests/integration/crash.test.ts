import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ChatMessage, ToLive, ToWidget } from '../../shared/protocol.ts'
import { login, openDoc, Visitor } from '../support/clients.ts'
import { kill9, spawnServer } from '../support/process.ts'
import { messagesOf } from '../../shared/documents.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('kill -9', () => {
  it('loses no acknowledged message, from a visitor or an agent, and both sides carry on', async () => {
    let server = await spawnServer(dataDir)
    const { token, agent } = await login(server.url)
    const visitor = new Visitor(server.wsUrl, { name: 'Crash Test' })
    await visitor.connect()
    const first = await visitor.say('first')
    const conv = `conv/${first.conversationId}`
    const agentDoc = await openDoc(server.wsUrl, conv, token)

    // The agent's "ack" is the event the server logs once it has committed the message.
    const committedByAgent = new Set<string>()
    const live = new WebSocket(`${server.wsUrl}/api/live?token=${token}`)
    live.on('message', (d) => {
      const f = JSON.parse(String(d)) as ToLive
      if (f.type === 'events') for (const e of f.events) if (e.type === 'message' && e.data.kind === 'agent') committedByAgent.add(e.data.messageId as string)
    })
    live.on('error', () => {})
    await new Promise((r) => live.once('open', r))

    const acked = new Map<string, string>() // clientId → message id
    visitor.ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as ToWidget
      if (f.type === 'ack') acked.set(f.clientId, f.id)
    })
    visitor.ws.on('error', () => {})
    const sent: string[] = []
    // A burst the rate limit allows, with the agent typing at the same time; kill once some are acknowledged.
    for (let i = 0; i < 35; i++) {
      const clientId = `crash-client-${i}`
      sent.push(clientId)
      visitor.ws.send(JSON.stringify({ type: 'message', clientId, text: `visitor ${i}` }))
      const m: ChatMessage = { id: `agent-msg-${i}`, clientId: `agent-client-${i}`, kind: 'agent', authorId: agent.id, authorName: 'Admin', text: `agent ${i}`, at: Date.now() }
      messagesOf(agentDoc.doc).push([m])
    }
    const deadline = Date.now() + 10_000
    while (acked.size < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1))
    await kill9(server.child)
    expect(acked.size).toBeGreaterThan(0)
    if (process.env.CRASH_DEBUG) console.log(`killed with ${acked.size}/${sent.length} visitor acks and ${committedByAgent.size}/35 agent commits`)
    const ackedNow = new Map(acked)
    const agentCommitted = new Set(committedByAgent)
    agentDoc.close()
    live.close()

    server = await spawnServer(dataDir)
    try {
      const back = new Visitor(server.wsUrl)
      const welcome = await back.connect(visitor.token)
      const ids = new Set(welcome.history.map((m) => m.id))
      for (const [clientId, id] of ackedNow) expect(ids, `acknowledged ${clientId}`).toContain(id)
      for (const id of agentCommitted) expect(ids, `committed agent message ${id}`).toContain(id)

      // The widget resends what was not acknowledged, with the same clientIds: each lands exactly once.
      for (const clientId of sent) await back.say(`visitor ${clientId.split('-').pop()}`, clientId)
      const again = await new Visitor(server.wsUrl).connect(visitor.token)
      const visitorTexts = again.history.filter((m) => m.kind === 'visitor').map((m) => m.text)
      expect(visitorTexts).toEqual(['first', ...sent.map((_, i) => `visitor ${i}`)])
      // And the agent's own replica syncs what the server missed, once.
      const { token: t2 } = await login(server.url)
      const fresh = await openDoc(server.wsUrl, conv, t2)
      const ids2 = messagesOf(fresh.doc).toArray().map((m) => m.id)
      expect(new Set(ids2).size).toBe(ids2.length)
      fresh.close()
      await back.close()
    } finally {
      await kill9(server.child)
    }
  }, 90_000)
})
