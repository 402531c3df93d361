import { describeIssues, startChatSchema } from '../../../shared/schemas.ts'
import type { AgentRecord } from '../../store/Store.ts'
import type { StartChatResult } from '../../widget/AgentStartsChat.ts'
import { HttpError, readJson, sendJson } from '../respond.ts'
import { route, type Route } from '../router.ts'

export interface VisitorRoutesDeps {
  /** An agent opens a chat with a visitor on the site (the widget's path). */
  startChat(agent: AgentRecord, visitorId: string, clientId: string, text: string): Promise<StartChatResult>
}

/** What agents do to visitors over HTTP (watching them is the `/api/visitors/live` socket). */
export function visitorRoutes(deps: VisitorRoutesDeps): Route[] {
  return [
    route({
      method: 'POST',
      path: /^\/api\/visitors\/([A-Za-z0-9_-]{1,64})\/chat$/,
      right: 'agent',
      async handler({ req, res, params, agent }) {
        const body = startChatSchema.safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        const result = await deps.startChat(agent, params[0]!, body.data.clientId, body.data.text)
        sendJson(res, result.status, result.body)
      },
    }),
  ]
}
