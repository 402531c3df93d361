import { channelLabel } from '../../../shared/channels.ts'
import { CommandName, type CommandInput } from '../../../shared/commands.ts'
import { maySeeConversation } from '../../../shared/permissions.ts'
import { commandBodySchemas, describeIssues, idempotencyKeySchema } from '../../../shared/schemas.ts'
import type { CommandService } from '../../commands/CommandService.ts'
import type { Conversations } from '../../Conversations.ts'
import type { AgentRecord, Store } from '../../store/Store.ts'
import type { WorkspaceSettings } from '../../WorkspaceSettings.ts'
import { HttpError, readJson, sendJson } from '../respond.ts'
import { route, type Route } from '../router.ts'
import type { ContactCard } from '../../../shared/api.ts'

const COMMAND_ROUTE = new RegExp(`^/api/conversations/([A-Za-z0-9_-]{1,64})/(${Object.values(CommandName).join('|')})$`)

export interface ConversationRoutesDeps {
  store: Store
  conversations: Conversations
  settings: WorkspaceSettings
  commands: CommandService
}

/** A conversation's contact card, and the commands agents run on conversations (take, close, transfer…). */
export function conversationRoutes(deps: ConversationRoutesDeps): Route[] {
  return [
    route({
      method: 'GET',
      path: /^\/api\/conversations\/([A-Za-z0-9_-]{1,64})\/contact$/,
      right: 'agent',
      handler: async ({ res, params, agent }) => sendJson(res, 200, await contactCard(deps, agent, params[0]!)),
    }),
    route({
      method: 'POST',
      path: COMMAND_ROUTE,
      right: 'agent',
      async handler({ req, res, params, agent }) {
        const key = idempotencyKeySchema.safeParse(req.headers['idempotency-key'])
        if (!key.success) throw new HttpError(400, 'send an Idempotency-Key header (8–128 letters, digits, - or _)')
        const name = params[1] as CommandName
        const body = commandBodySchemas[name].safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        const input = { ...body.data, command: name } as CommandInput
        const result = await deps.commands.execute(agent, params[0]!, input, key.data)
        sendJson(res, result.status, result.body)
      },
    }),
  ]
}

/** The client card of a conversation: who the visitor is, where they came from, their requests. */
async function contactCard(deps: ConversationRoutesDeps, agent: AgentRecord, conversationId: string): Promise<ContactCard> {
  const { store, conversations, settings } = deps
  const who = await settings.principalOf(agent)
  const conv = await conversations.get(agent.workspace, conversationId)
  if (!conv || !maySeeConversation(who, conv)) throw new HttpError(404, 'no such conversation')
  const visitor = await store.getVisitor(agent.workspace, conv.visitorId)
  if (!visitor) throw new HttpError(404, 'no such visitor')
  const all = await store.listConversationsOfVisitor(agent.workspace, visitor.id)
  const requests = await Promise.all(
    all
      .filter((c) => maySeeConversation(who, c))
      .map(async (c) => ({
        id: c.id,
        number: await store.conversationNumber(agent.workspace, c.id),
        status: c.status,
        createdAt: c.createdAt,
        assigneeId: c.assigneeId,
      })),
  )
  return {
    visitor: {
      id: visitor.id,
      name: visitor.name,
      email: visitor.email,
      pageUrl: visitor.pageUrl ?? null,
      pageTitle: visitor.pageTitle ?? null,
      firstSeenAt: visitor.createdAt,
      blocked: visitor.blocked,
      /** Empty when the visitor gave none. */
      phone: visitor.phone ?? '',
      /** Custom fields: pre-chat and request form answers besides name, email and phone, and the site's attributes. */
      fields: visitor.fields ?? {},
      /** The email was proven by the site's identity hash. */
      verified: Boolean(visitor.verifiedEmail),
    },
    number: await store.conversationNumber(agent.workspace, conversationId),
    channel: visitor.channel?.kind ?? 'widget',
    /** The visitor's profile on their messenger (`https://t.me/…`, `https://wa.me/…`); null for the widget. */
    profile: visitor.channel?.profileUrl
      ? { url: visitor.channel.profileUrl, label: visitor.channel.username || channelLabel(visitor.channel.kind) }
      : null,
    totalRequests: all.length,
    requests: requests.sort((a, b) => b.createdAt - a.createdAt),
  }
}
