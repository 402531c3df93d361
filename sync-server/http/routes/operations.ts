import { DEFAULT_WORKSPACE } from '../../Accounts.ts'
import { metricsAllowed, type Metrics } from '../../metrics/Metrics.ts'
import { readiness } from '../../metrics/Readiness.ts'
import type { Store } from '../../store/Store.ts'
import { HttpError, sendJson } from '../respond.ts'
import { route, type Route } from '../router.ts'

export interface OperationRoutesDeps {
  store: Store
  metrics: Metrics
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string
  /** Whether the start finished (store open, recovery done) and whether a shutdown began. */
  state(): { started: boolean; stopping: boolean; bus?: { ready: boolean } | null }
}

/** For the operator and their load balancer: `/healthz` (the process), `/readyz` (ready to serve), `/metrics` (Prometheus). */
export function operationRoutes(deps: OperationRoutesDeps): Route[] {
  return [
    route({ method: '*', path: '/healthz', right: 'none', handler: ({ res }) => sendJson(res, 200, { ok: true }) }),
    route({
      method: '*',
      path: '/readyz',
      right: 'none',
      async handler({ res }) {
        const r = await readiness({ ...deps.state(), store: deps.store, workspace: DEFAULT_WORKSPACE })
        res.setHeader('cache-control', 'no-store')
        sendJson(res, r.status, r.body)
      },
    }),
    route({
      method: '*',
      path: '/metrics',
      right: 'none',
      async handler({ req, res }) {
        if (!metricsAllowed(deps.metricsToken, req.headers.authorization)) {
          res.setHeader('www-authenticate', 'Bearer')
          throw new HttpError(401, 'metrics need the METRICS_TOKEN')
        }
        const text = await deps.metrics.expose()
        res.writeHead(200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' })
        res.end(text)
      },
    }),
  ]
}
