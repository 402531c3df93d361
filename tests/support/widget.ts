import { DEFAULT_WIDGET_CONFIG, readWidgetConfig, writeWidgetConfig, type WidgetConfig } from '../../shared/widgetConfig.ts'
import { openDoc, whenDoc } from './clients.ts'

type Patch = { [K in keyof WidgetConfig]?: Partial<WidgetConfig[K]> | WidgetConfig[K] }

/** Writes the widget configuration as the admin app does, and resolves once the server holds it. */
export async function setWidgetConfig(wsUrl: string, adminToken: string, patch: Patch): Promise<WidgetConfig> {
  const config = { ...DEFAULT_WIDGET_CONFIG } as Record<string, unknown>
  for (const [k, v] of Object.entries(patch)) {
    const base = (DEFAULT_WIDGET_CONFIG as unknown as Record<string, unknown>)[k]
    config[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof base === 'object' ? { ...base, ...v } : v
  }
  const settings = await openDoc(wsUrl, 'settings', adminToken)
  writeWidgetConfig(settings.doc, config as unknown as WidgetConfig)
  // A second reader seeing it means the server committed it (and so reads it too).
  const check = await openDoc(wsUrl, 'settings', adminToken)
  await whenDoc(check.doc, () => JSON.stringify(readWidgetConfig(check.doc)) === JSON.stringify(readWidgetConfig(settings.doc)))
  settings.close()
  check.close()
  return config as unknown as WidgetConfig
}

/** Sets an agent's own status (online, away, offline). */
export async function setStatus(url: string, token: string, status: 'online' | 'away' | 'offline'): Promise<void> {
  const res = await fetch(`${url}/api/me/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ status }),
  })
  if (res.status !== 200) throw new Error(`status ${status} refused: ${res.status} ${await res.text()}`)
}

/** GET or POST as a signed-in agent; resolves with status and JSON body. */
export async function api(url: string, token: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

/** The events logged so far, as an admin reads them. */
export async function eventsOf(url: string, token: string) {
  return (await api(url, token, '/api/events?after=0')).body.events as { seq: number; type: string; conversationId?: string; data: Record<string, any> }[]
}
