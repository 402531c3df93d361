/**
 * The client card of a conversation, fetched from the server and kept on the device, so it still
 * shows offline (as last seen). A card never fetched shows nothing until the network is back.
 */
import type { ParleyDb } from './db.ts'
import type { Session } from './session.ts'

export interface ContactCard {
  visitor: { id: string; name: string; email: string; pageUrl: string | null; pageTitle: string | null; firstSeenAt: number; blocked: boolean }
  number: number | null
  channel: string
  totalRequests: number
  requests: { id: string; number: number | null; status: string; createdAt: number; assigneeId: string | null }[]
}

const key = (conversationId: string) => `contact:${conversationId}`

export async function cachedContact(db: ParleyDb, conversationId: string): Promise<ContactCard | null> {
  const row = await db.kv.get(key(conversationId))
  return (row?.value as ContactCard | undefined) ?? null
}

/** Fetches a fresh card and stores it; null when offline or refused (the cached one stays). */
export async function fetchContact(session: Session, db: ParleyDb, conversationId: string): Promise<ContactCard | null> {
  try {
    const res = await fetch(`/api/conversations/${encodeURIComponent(conversationId)}/contact`, {
      headers: { authorization: `Bearer ${session.token}` },
    })
    if (!res.ok) return null
    const card = (await res.json()) as ContactCard
    await db.kv.put({ key: key(conversationId), value: card })
    return card
  } catch {
    return null
  }
}
