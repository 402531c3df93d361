import type { Page } from '@playwright/test'
import type { WidgetConfig } from '../../shared/widgetConfig.ts'
import { putEntry } from '../../shared/settings.ts'
import { login, openDoc, whenDoc } from '../support/clients.ts'
import type { TestServer } from '../support/server.ts'
import { setWidgetConfig as writeWidget } from '../support/widget.ts'

/** Writes settings › widget as an admin would, and waits until the server holds it. */
export async function setWidgetConfig(parley: TestServer, patch: Parameters<typeof writeWidget>[2]): Promise<WidgetConfig> {
  const { token } = await login(parley.url)
  return writeWidget(parley.wsUrl, token, patch)
}

/**
 * Every frame the page's chat sockets sent or received, parsed. The loader's presence socket (its
 * hello says `presence: true`) is left out: it only tells the server the visitor is on the page.
 */
function chatFrames(page: Page, direction: 'framesent' | 'framereceived'): Array<Record<string, any>> {
  const frames: Array<Record<string, any>> = []
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/widget/ws')) return
    let presence = false
    ws.on('framesent', (f) => {
      try {
        const frame = JSON.parse(String(f.payload))
        if (frame?.type === 'hello' && frame.presence === true) presence = true
        if (!presence && direction === 'framesent') frames.push(frame)
      } catch {
        // not ours
      }
    })
    if (direction === 'framereceived')
      ws.on('framereceived', (f) => {
        try {
          if (!presence) frames.push(JSON.parse(String(f.payload)))
        } catch {
          // not ours
        }
      })
  })
  return frames
}

/** Every frame the page's widget chat sent, parsed. */
export function sentFrames(page: Page): Array<Record<string, any>> {
  return chatFrames(page, 'framesent')
}

/** Every frame the page's widget chat received, parsed. */
export function receivedFrames(page: Page): Array<Record<string, any>> {
  return chatFrames(page, 'framereceived')
}

/**
 * A page of the test's own on the server's origin embedding the widget. Written into a real page of
 * the server (a fulfilled route would count as a public address, and Chromium's local-network checks
 * would then block the widget's socket to 127.0.0.1).
 */
export async function hostPage(page: Page, url: string, opts: { attrs?: string; head?: string; body?: string } = {}): Promise<void> {
  await page.goto(`${url}/healthz`)
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>${opts.head ?? ''}</head><body><main><h1>Shop</h1>${opts.body ?? ''}</main><script src="${url}/widget.js" data-workspace="default" ${opts.attrs ?? ''}></script></body></html>`
  await page.evaluate((h) => {
    document.open()
    document.write(h)
    document.close()
  }, html)
}

/** A routing script for the demo page that shows the request form when nobody is online. */
export async function requestFormWhenNobody(parley: TestServer): Promise<void> {
  const { token } = await login(parley.url)
  const settings = await openDoc(parley.wsUrl, 'settings', token)
  putEntry(settings.doc, 'scripts', {
    id: 'demo',
    name: 'Demo shop',
    url: '/demo',
    match: 'partial',
    teamId: null,
    groupId: null,
    onlyWhenOnline: false,
    requestFormWhenNobody: true,
    active: true,
    order: 0,
  })
  // Read back through a second client: the server has it once another agent's copy does.
  const check = await openDoc(parley.wsUrl, 'settings', token)
  try {
    await whenDoc(check.doc, () => check.doc.getMap('scripts').has('demo'))
  } finally {
    check.close()
    settings.close()
  }
}
