/**
 * The workspace's messenger connections as the server has them (`/api/channels`). Connecting needs
 * the server (it checks the credentials with the platform), so none of this works offline; the
 * list shows what was last fetched.
 */
import { isChannelKind, type ChannelConnectionInfo, type ChannelKind } from '../../../../shared/channels.ts'
import type { Session } from '../../../data/session.ts'

export interface ChannelList {
  channels: ChannelConnectionInfo[]
  /** The server's PUBLIC_URL; null when unset (Telegram cannot be connected then). */
  publicUrl: string | null
}

/** What a connect or disconnect came to: done, or the sentence to show beside the form. */
export type ChannelResult = { ok: true } | { ok: false; error: string }

const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** The connections now; null when offline or refused. */
export async function fetchChannels(session: Session): Promise<ChannelList | null> {
  if (navigator.onLine === false) return null
  try {
    const res = await fetch('/api/channels', { headers: { authorization: `Bearer ${session.token}` } })
    if (!res.ok) return null
    const body = (await res.json()) as { channels?: unknown; publicUrl?: unknown }
    const channels: ChannelConnectionInfo[] = []
    for (const c of Array.isArray(body.channels) ? (body.channels as Record<string, unknown>[]) : []) {
      if (!isChannelKind(c?.kind)) continue
      const details = typeof c.details === 'object' && c.details !== null ? Object.fromEntries(Object.entries(c.details).map(([k, v]) => [k, str(v)])) : {}
      channels.push({ kind: c.kind, name: str(c.name), details, connectedAt: typeof c.connectedAt === 'number' ? c.connectedAt : 0, webhookUrl: str(c.webhookUrl) || null })
    }
    return { channels, publicUrl: str(body.publicUrl) || null }
  } catch {
    return null
  }
}

async function call(session: Session, method: 'PUT' | 'DELETE', kind: ChannelKind, body?: unknown): Promise<ChannelResult> {
  if (navigator.onLine === false) return { ok: false, error: 'Connecting a channel needs the network.' }
  let res: Response
  try {
    res = await fetch(`/api/channels/${kind}`, {
      method,
      headers: { authorization: `Bearer ${session.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
  } catch {
    return { ok: false, error: 'The server could not be reached; try again when you are online.' }
  }
  if (res.ok) return { ok: true }
  const answer = (await res.json().catch(() => ({}))) as { error?: unknown }
  const detail = str(answer.error) || `the server answered ${res.status}`
  if (res.status === 403) return { ok: false, error: 'Managing channels needs the settings right.' }
  // 400: our input; 422: the platform's own words about the credentials; 502: it could not be asked.
  return { ok: false, error: detail.charAt(0).toUpperCase() + detail.slice(1) }
}

/** Connects Telegram with a bot token (`{token}`) or WhatsApp with its four fields; never throws. */
export const connectChannel = (session: Session, kind: ChannelKind, fields: Record<string, string>) => call(session, 'PUT', kind, fields)

export const disconnectChannel = (session: Session, kind: ChannelKind) => call(session, 'DELETE', kind)
