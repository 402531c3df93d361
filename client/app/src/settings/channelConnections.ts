/**
 * The workspace's messenger connections as the server has them (`/api/channels`). Connecting needs
 * the server (it checks the credentials with the platform), so none of this works offline; the
 * list shows what was last fetched.
 */
import { isChannelKind, type ChannelConnectionInfo, type ChannelKind } from '../../../../shared/channels.ts'
import type { ChannelsAnswer } from '../../../../shared/api.ts'
import type { Api } from '../../../data/api.ts'

export interface ChannelList {
  channels: ChannelConnectionInfo[]
  /** The server's PUBLIC_URL; null when unset (Telegram cannot be connected then). */
  publicUrl: string | null
}

/** What a connect or disconnect came to: done, or the sentence to show beside the form. */
export type ChannelResult = { ok: true } | { ok: false; error: string }

const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** The connections now; null when offline or refused. */
export async function fetchChannels(api: Api): Promise<ChannelList | null> {
  if (navigator.onLine === false) return null
  const answer = await api.get<ChannelsAnswer>('/api/channels')
  if (!answer.ok || !answer.body) return null
  {
    const body = answer.body as { channels?: unknown; publicUrl?: unknown }
    const channels: ChannelConnectionInfo[] = []
    for (const c of Array.isArray(body.channels) ? (body.channels as Record<string, unknown>[]) : []) {
      if (!isChannelKind(c?.kind)) continue
      const details = typeof c.details === 'object' && c.details !== null ? Object.fromEntries(Object.entries(c.details).map(([k, v]) => [k, str(v)])) : {}
      channels.push({ kind: c.kind, name: str(c.name), details, connectedAt: typeof c.connectedAt === 'number' ? c.connectedAt : 0, webhookUrl: str(c.webhookUrl) || null })
    }
    return { channels, publicUrl: str(body.publicUrl) || null }
  }
}

async function call(api: Api, method: 'PUT' | 'DELETE', kind: ChannelKind, body?: unknown): Promise<ChannelResult> {
  if (navigator.onLine === false) return { ok: false, error: 'Connecting a channel needs the network.' }
  const answer = await api.send(method, `/api/channels/${kind}`, body ? { json: body } : {})
  if (!answer.reached) return { ok: false, error: 'The server could not be reached; try again when you are online.' }
  if (answer.ok) return { ok: true }
  const detail = answer.error
  if (answer.status === 403) return { ok: false, error: 'Managing channels needs the settings right.' }
  // 400: our input; 422: the platform's own words about the credentials; 502: it could not be asked.
  return { ok: false, error: detail.charAt(0).toUpperCase() + detail.slice(1) }
}

/** Connects Telegram with a bot token (`{token}`) or WhatsApp with its four fields; never throws. */
export const connectChannel = (api: Api, kind: ChannelKind, fields: Record<string, string>) => call(api, 'PUT', kind, fields)

export const disconnectChannel = (api: Api, kind: ChannelKind) => call(api, 'DELETE', kind)
