import * as Y from 'yjs'
import type { LoginResponse } from '../../shared/protocol.ts'
import { putEntry, type RoutingGroup } from '../../shared/settings.ts'
import { createAgent, login, openDoc, whenDoc } from './clients.ts'
import { setStatus } from './widget.ts'

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

/**
 * Someone for the dispatcher to assign to: a new agent, online, the only member of one routing
 * group, and a script sending chats started on pages whose address contains `/<path>` to it.
 * Written as an admin on the server at `url`; resolves with the agent's session.
 */
export async function agentOnDuty(server: { url: string; wsUrl: string }, adminToken: string, o: { email: string; name: string; group: string; path: string; slots?: number }): Promise<LoginResponse> {
  const password = `${o.group} password`
  const created = await createAgent(server.url, adminToken, { email: o.email, name: o.name, password })
  if (!created.body.id) throw new Error(`could not create ${o.email}: ${created.body.error}`)
  await writeSettings(server.wsUrl, adminToken, (doc) => {
    putEntry(doc, 'groups', routingGroup(o.group))
    putEntry(doc, 'members', { agentId: created.body.id!, groups: [o.group], skills: [], slots: o.slots ?? 5 })
    putEntry(doc, 'scripts', { id: o.group, name: o.group, url: `/${o.path}`, match: 'partial', teamId: null, groupId: o.group, onlyWhenOnline: false, requestFormWhenNobody: false, active: true, order: 0 })
  })
  const agent = await login(server.url, { email: o.email, password })
  await setStatus(server.url, agent.token, 'online')
  return agent
}
