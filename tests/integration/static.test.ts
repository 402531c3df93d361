import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.ts'

let t: TestServer
afterEach(async () => {
  await t.destroy()
})

describe('static files', () => {
  it('revalidates unchanged files with a 304 and serves a changed one again', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'parley-static-'))
    mkdirSync(join(dist, 'widget'))
    mkdirSync(join(dist, 'app'))
    writeFileSync(join(dist, 'widget', 'chat.js'), 'console.log("chat")')
    writeFileSync(join(dist, 'app', 'index.html'), '<!doctype html><title>app</title>')
    t = await startServer({ staticDir: dist })

    const first = await fetch(`${t.url}/widget/chat.js`)
    expect(first.status).toBe(200)
    expect(await first.text()).toBe('console.log("chat")')
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^W\/"/)
    expect(first.headers.get('cache-control')).toBe('no-cache')

    const again = await fetch(`${t.url}/widget/chat.js`, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')

    writeFileSync(join(dist, 'widget', 'chat.js'), 'console.log("chat, version two")')
    const changed = await fetch(`${t.url}/widget/chat.js`, { headers: { 'if-none-match': etag } })
    expect(changed.status).toBe(200)
    expect(await changed.text()).toBe('console.log("chat, version two")')
  })
})
