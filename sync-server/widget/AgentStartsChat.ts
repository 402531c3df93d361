import { appendMessageOnce, conversationDocName, metaOf } from '../../shared/documents.ts'
import { newId } from '../../shared/id.ts'
import { EventType, type ChatMessage } from '../../shared/protocol.ts'
import type { Conversations } from '../Conversations.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { AgentRecord, Store } from '../store/Store.ts'

export interface StartChatDeps {
  store: Store
  rooms: RoomManager
  conversations: Conversations
  now: () => number
}

export interface StartChatResult {
  status: number
  body: Record<string, unknown>
}

/**
 * An agent starts a chat with a visitor (one who engaged, in proactive-without-invite mode): a new
 * conversation assigned to them, opened by their message, which the visitor's widget receives.
 * Idempotent by `clientId` (an outbox sending again gets the same answer); refused with 409 and the
 * conversation's id when the visitor already has an open one. Callers serialize per visitor.
 */
export async function startChat(deps: StartChatDeps, agent: AgentRecord, visitorId: string, clientId: string, text: string): Promise<StartChatResult> {
  const { store, rooms, conversations } = deps
  const workspace = agent.workspace
  const key = `visitor-chat:${visitorId}:${clientId}`
  const prior = await store.getCommandResult(workspace, key)
  if (prior) {
    if (prior.agentId !== agent.id) return { status: 409, body: { error: 'this clientId was used by someone else', reason: 'duplicate key' } }
    return { status: prior.status, body: prior.body as Record<string, unknown> }
  }
  const visitor = await store.getVisitor(workspace, visitorId)
  if (!visitor) return { status: 404, body: { error: 'no such visitor' } }
  if (visitor.blocked) return { status: 409, body: { error: 'the visitor is blocked', reason: 'blocked' } }
  const current = visitor.currentConversationId ? await conversations.get(workspace, visitor.currentConversationId) : null
  if (current && current.status !== 'closed')
    return { status: 409, body: { error: 'the visitor already has an open conversation', reason: 'open conversation', conversationId: current.id } }

  const conversationId = newId()
  const at = deps.now()
  const visitorName = visitor.name || 'Visitor'
  const message: ChatMessage = { id: newId(), clientId, kind: 'agent', authorId: agent.id, authorName: agent.name, text, at }
  const body = { conversation: { id: conversationId, status: 'open', assigneeId: agent.id }, messageId: message.id }
  const room = await rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
  try {
    await room.change(
      (doc) => {
        const meta = metaOf(doc)
        meta.set('id', conversationId)
        meta.set('status', 'open')
        meta.set('channel', 'widget')
        meta.set('visitorId', visitor.id)
        meta.set('visitorName', visitorName)
        meta.set('groupId', null)
        meta.set('assigneeId', agent.id)
        meta.set('createdAt', at)
        meta.set('proactive', true)
        appendMessageOnce(doc, message)
      },
      {
        visitorPatches: [{ id: visitor.id, currentConversationId: conversationId }],
        events: [
          {
            type: EventType.conversationCreated,
            at,
            conversationId,
            data: { visitorId: visitor.id, visitorName, visitorEmail: visitor.email || undefined, channel: 'widget', status: 'open', groupId: null, startedBy: agent.id },
          },
          { type: EventType.assigned, at, conversationId, data: { assigneeId: agent.id, by: agent.id, visitorName } },
        ],
        commandResults: [{ key, agentId: agent.id, status: 201, body }],
      },
      agent.id,
    )
  } finally {
    rooms.release(room)
  }
  return { status: 201, body }
}
