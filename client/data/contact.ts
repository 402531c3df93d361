/**
 * The client card of a conversation, fetched from the server and kept on the device, so it still
 * shows offline (as last seen). A card never fetched shows nothing until the network is back.
 */
import type { ParleyDb } from './db.ts'
import type { Session } from './session.ts'

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
  }
  number: number | null
  channel: string
  /** The visitor's profile on their messenger (`https://t.me/…`, `https://wa.me/…`); null for the widget. */
  profile: { url: string; label: string } | null
  totalRequests: number
  requests: { id: string; number: number | null; status: string; createdAt: number; assigneeId: string | null }[]
}

const key = (conversationId: string) => `contact:${conversationId}`

/** Custom fields as shown: string values only (the card is data from the network, or cached from an older server). */
function customFields(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {}
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

/** A messenger profile link, only when it is a web link (the card is data from the network). */
function profileOf(v: unknown): ContactCard['profile'] {
  const p = v as { url?: unknown; label?: unknown } | null | undefined
  if (typeof p?.url !== 'string' || !/^https:\/\//.test(p.url)) return null
  return { url: p.url, label: typeof p.label === 'string' && p.label ? p.label : p.url }
}

/** A card as stored or received, with phone and fields present whatever server or cache it came from. */
function normalise(card: ContactCard): ContactCard {
  const v = card.visitor as ContactCard['visitor'] & { phone?: unknown; fields?: unknown }
  return { ...card, profile: profileOf(card.profile), visitor: { ...v, phone: typeof v.phone === 'string' ? v.phone : '', fields: customFields(v.fields) } }
}

export async function cachedContact(db: ParleyDb, conversationId: string): Promise<ContactCard | null> {
  const row = await db.kv.get(key(conversationId))
  const card = row?.value as ContactCard | undefined
  return card?.visitor ? normalise(card) : null
}

/** Fetches a fresh card and stores it; null when offline or refused (the cached one stays). */
export async function fetchContact(session: Session, db: ParleyDb, conversationId: string): Promise<ContactCard | null> {
  try {
    const res = await fetch(`/api/conversations/${encodeURIComponent(conversationId)}/contact`, {
      headers: { authorization: `Bearer ${session.token}` },
    })
    if (!res.ok) return null
    const card = normalise((await res.json()) as ContactCard)
    await db.kv.put({ key: key(conversationId), value: card })
    return card
  } catch {
    return null
  }
}
