/**
 * The visitor's presence as the server publishes it in a conversation document's awareness:
 * a state `{ visitor: { online: boolean, typing: boolean } }` that it sets on the visitor's
 * behalf (visitors hold no Yjs document). Pure, so it is tested without a socket.
 */

export interface VisitorPresence {
  online: boolean
  typing: boolean
}

export const NO_VISITOR: VisitorPresence = { online: false, typing: false }

/**
 * What the awareness states say about the visitor: online or typing when any state says so.
 * This device's own state (`ownClientId`) never speaks for the visitor.
 */
export function visitorPresenceOf(states: Iterable<[number, unknown]>, ownClientId?: number): VisitorPresence {
  let online = false
  let typing = false
  for (const [clientId, state] of states) {
    if (clientId === ownClientId || typeof state !== 'object' || state === null) continue
    const visitor = (state as { visitor?: unknown }).visitor
    if (typeof visitor !== 'object' || visitor === null) continue
    const v = visitor as { online?: unknown; typing?: unknown }
    if (v.online === true) online = true
    if (v.typing === true) typing = true
  }
  return { online, typing }
}
