/**
 * Messenger channels (DESIGN §4 "Channels"): which exist, how they are named, and what the admin
 * API says about a connection. Secrets (tokens, app secrets) never appear in these types: they stay
 * on the server (sync-server/channels).
 */
import { Channel } from './protocol.ts'

/** The messengers a workspace can connect (the widget is always there). */
export const ChannelKind = {
  telegram: Channel.telegram,
  whatsapp: Channel.whatsapp,
} as const
export type ChannelKind = (typeof ChannelKind)[keyof typeof ChannelKind]

export const CHANNEL_KINDS: readonly ChannelKind[] = [ChannelKind.telegram, ChannelKind.whatsapp]

export const isChannelKind = (v: unknown): v is ChannelKind => typeof v === 'string' && (CHANNEL_KINDS as readonly string[]).includes(v)

const LABELS: Record<string, string> = {
  widget: 'Chat widget',
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  email: 'Email',
}

/** How a channel is named to people ("Telegram", "WhatsApp", "Chat widget"); an unknown one is capitalised. */
export function channelLabel(channel: string): string {
  return LABELS[channel] ?? (channel ? channel.charAt(0).toUpperCase() + channel.slice(1) : 'Chat widget')
}

/** A connected messenger as admins see it (`GET /api/channels`): never its secrets. */
export interface ChannelConnectionInfo {
  kind: ChannelKind
  connectedAt: number
  /** What identifies the connection to people: the bot's `@username`, or the phone number. */
  name: string
  /** Platform details worth showing (bot id, phone number id…). */
  details: Record<string, string>
  /** Where the platform sends its webhooks; null when `PUBLIC_URL` is not set. */
  webhookUrl: string | null
}

/** The messenger identity of a visitor who wrote from a channel. */
export interface ChannelIdentity {
  kind: ChannelKind
  /** The platform's id of the chat (Telegram chat id, WhatsApp `wa_id`): where replies go. */
  externalId: string
  /** `@username` on Telegram, the phone number on WhatsApp; empty when the platform gives none. */
  username: string
  /** A link to the visitor's profile on the platform (`https://t.me/…`, `https://wa.me/…`); empty when there is none. */
  profileUrl: string
}
