import type { ChannelService } from '../../channels/ChannelService.ts'
import { route, type Route } from '../router.ts'

/**
 * Messengers (DESIGN §4 "Channels"): the platforms' webhooks, and the admin's connections. Both
 * take every method; ChannelService answers the ones it does not (405).
 */
export function channelRoutes(deps: { channels: ChannelService }): Route[] {
  const { channels } = deps
  return [
    route({
      method: '*',
      path: /^\/channels\/([a-z]+)\/([A-Za-z0-9_-]{1,64})\/?$/,
      right: 'none',
      handler: ({ req, res, url, params }) => channels.webhook(params[0]!, params[1]!, req, res, url),
    }),
    route({
      method: '*',
      path: /^\/api\/channels(?:\/([a-z]+))?$/,
      right: 'settings',
      forbidden: 'managing channels needs the settings right',
      handler: ({ req, res, params, agent }) => channels.admin(params[0], agent, req, res),
    }),
  ]
}
