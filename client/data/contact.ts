/**
 * The client card of a conversation, fetched from the server and kept on the device, so it still
 * shows offline (as last seen). A card never fetched shows nothing until the network is back.
 */
import type { ContactCard } from '../../shared/api.ts'
import type { Api } from './api.ts'
import type { ParleyDb } from './db.ts'

export type { ContactCard } from '../../shared/api.ts'

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
  const v = card.visitor as ContactCard['visitor'] & { phone?: unknown; fields?: unknown; verified?: unknown }
  return {
    ...card,
    profile: profileOf(card.profile),
    visitor: { ...v, phone: typeof v.phone === 'string' ? v.phone : '', fields: customFields(v.fields), verified: v.verified === true },
  }
}

export async function cachedContact(db: ParleyDb, conversationId: string): Promise<ContactCard | null> {
  const row = await db.kv.get(key(conversationId))
  const card = row?.value as ContactCard | undefined
  return card?.visitor ? normalise(card) : null
}

/** Fetches a fresh card and stores it; null when offline or refused (the cached one stays). */
export async function fetchContact(api: Api, db: ParleyDb, conversationId: string): Promise<ContactCard | null> {
  const answer = await api.get<ContactCard>(`/api/conversations/${encodeURIComponent(conversationId)}/contact`)
  if (!answer.ok || !answer.body?.visitor) return null
  const card = normalise(answer.body)
  await db.kv.put({ key: key(conversationId), value: card }).catch(() => {})
  return card
}
