/**
 * The REST answers the server sends and the app reads, defined once for both: the server's
 * routes build them (`satisfies`), the app's API client (client/data/api.ts) types what it
 * parses with them. The app still checks what arrives (an older server, a cache): these say
 * what a current server sends.
 */
import type { ChannelConnectionInfo } from './channels.ts'
import type { AgentStatus, Role } from './protocol.ts'

/** Any refusal: a sentence for people. */
export interface ErrorAnswer {
  error: string
}

/** `POST /api/agents` (201), `POST /api/visitors/<id>/chat`'s conversation, and the like. */
export interface CreatedAnswer {
  id: string
}

/** One agent of `GET /api/agents`. */
export interface AgentListing {
  id: string
  name: string
  email: string
  role: Role
  /** The routing groups the workspace's settings give them. */
  groups: string[]
  status: AgentStatus
}

/** `GET /api/agents`. */
export interface AgentsAnswer {
  agents: AgentListing[]
}

/** `GET /api/workspace/identity-secret` (admins). */
export interface IdentitySecretAnswer {
  secret: string
}

/** `GET /api/channels`. */
export interface ChannelsAnswer {
  channels: ChannelConnectionInfo[]
  /** The server's PUBLIC_URL; null when unset (Telegram cannot be connected then). */
  publicUrl: string | null
}

/** `GET /api/conversations/<id>/contact`: the client card. */
export interface ContactCard {
  visitor: {
    id: string
    name: string
    email: string
    /** Empty when the visitor gave none. */
    phone: string
    /** Custom fields (form answers besides name, email and phone; the site's attributes), by key. */
    fields: Record<string, string>
    pageUrl: string | null
    pageTitle: string | null
    firstSeenAt: number
    blocked: boolean
    /** The email was proven by the site's identity hash. */
    verified: boolean
  }
  number: number | null
  channel: string
  /** The visitor's profile on their messenger (`https://t.me/…`, `https://wa.me/…`); null for the widget. */
  profile: { url: string; label: string } | null
  totalRequests: number
  requests: { id: string; number: number | null; status: string; createdAt: number; assigneeId: string | null }[]
}
