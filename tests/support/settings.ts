import * as Y from 'yjs'
import type { RoutingGroup } from '../../shared/settings.ts'
import { openDoc, whenDoc } from './clients.ts'

/** A routing group with the defaults tests start from: no limit, round robin, the agent's usual rights. */
export const routingGroup = (id: string, over: Partial<RoutingGroup> = {}): RoutingGroup => ({
  id,
  name: id,
  teamId: null,
  maxConversations: null,
  fullMessage: '',
  assignment: 'roundRobin',
  onlyWhenOnline: false,
  skills: [],
  access: { omnichannel: true, unassignedQueue: true, management: false, settings: false },
  ...over,
})

/**
 * Edits the `settings` document as an admin's app does, in one transaction, and resolves once the
 * server holds the edit: a second reader sees the same document.
 */
export async function writeSettings(wsUrl: string, adminToken: string, write: (doc: Y.Doc) => void): Promise<void> {
  const settings = await openDoc(wsUrl, 'settings', adminToken)
  settings.doc.transact(() => write(settings.doc))
  const check = await openDoc(wsUrl, 'settings', adminToken)
  // Everything this writer wrote has reached the second reader.
  const me = settings.doc.clientID
  const same = () => Y.getState(check.doc.store, me) >= Y.getState(settings.doc.store, me)
  try {
    await whenDoc(check.doc, same)
  } finally {
    check.close()
    settings.close()
  }
}
