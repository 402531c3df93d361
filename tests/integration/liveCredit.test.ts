import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { EventType } from '../../shared/protocol.ts'
import { login } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

const PAGE = 5
const WINDOW = 10

/** A server with 60 events of backlog, frames of 5, and a credit window of 10 events. */
async function withBacklog() {
  t = await startServer({ liveBacklogPage: PAGE, liveCreditEvents: WINDOW })
  const events = Array.from({ length: 60 }, (_, i) => ({
    type: EventType.conversationCreated,
    at: 1_700_000_000_000 + i,
    conversationId: `c-${i}`,
    data: { visitorId: `v-${i}`, visitorName: `Visitor ${i}`, channel: 'widget', status: 'waiting' },
  }))
  await t.server.store.commit({ workspace: 'default', events })
  return login(t.url)
}

/** A live socket that keeps every events frame it receives. */
async function liveSocket(token: string, query = '&credit=1') {
  const ws = new WebSocket(`${t.wsUrl}/api/live?token=${encodeURIComponent(token)}&after=0${query}`)
  const frames: { events: { seq: number }[]; last: number }[] = []
  const waiters: (() => void)[] = []
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as { type: string; events: { seq: number }[]; last: number }
    if (f.type === 'events') frames.push(f)
    for (const w of waiters.splice(0)) w()
  })
  await once(ws, 'open')
  const framesReach = async (n: number) => {
    while (frames.length < n) await new Promise<void>((r) => waiters.push(r))
  }
  /** A ping's pong: the server has handled everything sent before it, and anything it was free to send went first. */
  const settled = async () => {
    for (let i = 0; i < 2; i++) {
      ws.ping()
      await once(ws, 'pong')
    }
  }
  return { ws, frames, framesReach, settled }
}

describe('the live backlog waits for a crediting app', () => {
  it('runs at most the window ahead of what the app stored, and resumes on each acknowledgement', async () => {
    const admin = await withBacklog()
    const live = await liveSocket(admin.token)

    // 0, 5 and 10 events ahead are within the window: three frames, then the backlog waits.
    await live.framesReach(3)
    await live.settled()
    expect(live.frames.map((f) => f.last)).toEqual([5, 10, 15])

    // Stored up to 5: 15 − 5 = 10 is within the window again, one frame more.
    live.ws.send(JSON.stringify({ type: 'stored', last: 5 }))
    await live.framesReach(4)
    await live.settled()
    expect(live.frames).toHaveLength(4)

    // An acknowledgement of what was never sent counts only up to what was.
    live.ws.send(JSON.stringify({ type: 'stored', last: 1_000_000 }))
    await live.framesReach(5)

    // Acknowledging each frame as it is stored brings the whole log, every event once (the
    // socket's own opening, agent.connected, included).
    let acked = 0
    const last = async () => t.server.store.lastSeq('default')
    while (live.frames[live.frames.length - 1]!.last < (await last())) {
      for (; acked < live.frames.length; acked++) live.ws.send(JSON.stringify({ type: 'stored', last: live.frames[acked]!.last }))
      await live.framesReach(live.frames.length + 1)
    }
    const seqs = live.frames.flatMap((f) => f.events.map((e) => e.seq))
    expect(seqs).toEqual(Array.from({ length: await last() }, (_, i) => i + 1))
    live.ws.close()
  })

  it('sends an app that does not credit the whole backlog at once', async () => {
    const admin = await withBacklog()
    const backlog = await t.server.store.lastSeq('default')
    const live = await liveSocket(admin.token, '')
    // Every frame of the backlog comes without a word from the app.
    await live.framesReach(backlog / PAGE)
    expect(live.frames.slice(0, backlog / PAGE).map((f) => f.last)).toEqual(Array.from({ length: backlog / PAGE }, (_, i) => (i + 1) * PAGE))
    live.ws.close()
  })

  it('closes with 4400 on anything but an acknowledgement', async () => {
    const admin = await withBacklog()
    for (const garbage of ['not json', JSON.stringify({ type: 'stored', last: -1 }), JSON.stringify({ type: 'events', events: [] }), 'x'.repeat(1000)]) {
      const live = await liveSocket(admin.token)
      const closed = once(live.ws, 'close')
      live.ws.send(garbage)
      const [code] = (await closed) as [number]
      expect(code).toBe(4400)
    }
    // The server is still serving.
    const again = await liveSocket(admin.token)
    await again.framesReach(1)
    again.ws.close()
  })
})
