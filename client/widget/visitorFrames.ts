import type { FromWidget, WidgetHello } from '../../shared/protocol.ts'
import type { EmbedConfig } from './config.ts'
import type { OutboxItem } from './storage.ts'

/**
 * Field lengths the server's hello/page schema accepts (shared/schemas.ts, which the widget
 * cannot import without bundling zod). A long tracking URL must be clipped, not refuse the hello.
 */
const MAX_URL = 2048
const MAX_TITLE = 512
const MAX_NAME = 200
const MAX_EMAIL = 320
const MAX_HASH = 128

/** The page the visitor is on, clipped to what the server accepts. */
export function currentPage(): { url: string; title: string } {
  return { url: location.href.slice(0, MAX_URL), title: document.title.slice(0, MAX_TITLE) }
}

/** The first frame on every socket: who the visitor is and where they are. */
export function helloFrame(config: EmbedConfig, visitorToken: string | null): WidgetHello {
  const hello: WidgetHello = {
    type: 'hello',
    workspace: config.workspace,
    visitorToken,
    // Where the visitor came from: the supervisors' visitors list shows it.
    page: { ...currentPage(), ...(document.referrer ? { referrer: document.referrer.slice(0, MAX_URL) } : {}) },
  }
  const { userName, userEmail, userHash } = config
  if (userName || userEmail) {
    hello.user = {}
    if (userName) hello.user.name = userName.slice(0, MAX_NAME)
    if (userEmail) hello.user.email = userEmail.slice(0, MAX_EMAIL)
    if (userHash) hello.user.hash = userHash.slice(0, MAX_HASH)
  }
  return hello
}

/** The host page's attributes for the visitor, as strings of bounded length and number. */
export function attributesFrame(values: Record<string, string>): FromWidget {
  const clean: Record<string, string> = {}
  for (const [k, v] of Object.entries(values).slice(0, 50)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') clean[k.slice(0, 64)] = String(v).slice(0, 1000)
  }
  return { type: 'attributes', values: clean }
}

/** A page event the host tracks, its payload bounded like attributes. */
export function trackFrame(name: string, payload?: Record<string, string | number | boolean>): FromWidget {
  const frame: FromWidget = { type: 'track', name: name.slice(0, 100) }
  if (payload && typeof payload === 'object') {
    const clean: Record<string, string | number | boolean> = {}
    for (const [k, v] of Object.entries(payload).slice(0, 50)) {
      if (typeof v === 'string') clean[k.slice(0, 64)] = v.slice(0, 1000)
      else if (typeof v === 'number' || typeof v === 'boolean') clean[k.slice(0, 64)] = v
    }
    frame.payload = clean
  }
  return frame
}

/** The frame that sends an outbox item; sent again with the same client id until acknowledged. */
export function messageFrame(item: OutboxItem): FromWidget {
  const frame: FromWidget = { type: 'message', clientId: item.clientId, text: item.text }
  if (item.attachments && item.attachments.length) frame.attachments = item.attachments.map((a) => a.id)
  if (typeof item.choice === 'string') frame.choice = item.choice
  return frame
}
