import WebSocket from 'ws'
import { afterEach, expect, it } from 'vitest'
import { login } from '../support/clients.ts'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer | undefined
afterEach(async () => {
  await t?.destroy()
  t = undefined
})

/** A socket whose peer has gone silent: it reads nothing more, so it never answers a close. */
async function silentPeer(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url)
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  ;(ws as unknown as { _socket: { pause(): void } })._socket.pause()
  return ws
}

it('stops promptly even when peers on every socket have gone silent', async () => {
  t = await startServer()
  const { token } = await login(t.url)
  const peers = await Promise.all([
    silentPeer(`${t.wsUrl}/widget/ws`),
    silentPeer(`${t.wsUrl}/api/live?token=${token}&after=0`),
    silentPeer(`${t.wsUrl}/sync/settings?token=${token}`),
  ])
  const started = performance.now()
  await t.stop()
  // Without cutting them, each would hold the shutdown for ws's 30 s closing timeout.
  expect(performance.now() - started).toBeLessThan(5_000)
  for (const p of peers) p.terminate()
  await t.destroy()
  t = undefined
})
