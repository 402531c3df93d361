import type { EventsResponse } from '../../../shared/protocol.ts'
import type { Conversations } from '../../Conversations.ts'
import { visibleEvents } from '../../events/LiveGateway.ts'
import type { Store } from '../../store/Store.ts'
import type { WorkspaceSettings } from '../../WorkspaceSettings.ts'
import { HttpError } from '../respond.ts'
import { route, type Route } from '../router.ts'
import { sendCompressedJson } from '../sendCompressedJson.ts'

/** Largest page of `GET /api/events`. */
const MAX_EVENTS_PAGE = 5000

export interface EventRoutesDeps {
  store: Store
  conversations: Conversations
  settings: WorkspaceSettings
}

/** The event log read by pages, for an app catching up without the live socket. */
export function eventRoutes(deps: EventRoutesDeps): Route[] {
  return [
    route({
      method: 'GET',
      path: '/api/events',
      right: 'agent',
      async handler({ req, res, url, agent }) {
        const after = Number(url.searchParams.get('after') ?? '0')
        const limit = Number(url.searchParams.get('limit') ?? '1000')
        if (!Number.isSafeInteger(after) || after < 0) throw new HttpError(400, 'after must be a whole number ≥ 0')
        if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_EVENTS_PAGE)
          throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_EVENTS_PAGE}`)
        const page = await deps.store.readEvents(agent.workspace, after, limit)
        const last = page.length ? page[page.length - 1]!.seq : after
        const out: EventsResponse = { events: await visibleEvents(agent, page, deps.conversations, deps.settings), last }
        await sendCompressedJson(req, res, 200, out)
      },
    }),
  ]
}
