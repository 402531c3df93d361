import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger } from 'pino'
import type { Principal } from '../../shared/permissions.ts'
import type { AgentRecord } from '../store/Store.ts'
import { HttpError, bearer, sendJson } from './respond.ts'

/**
 * What a route needs from the caller, checked before its handler runs:
 * `none` anyone; `agent` a signed-in agent (401 otherwise); `admin` an admin;
 * `settings` an admin or an agent holding the settings right (403 otherwise).
 */
export type Right = 'none' | 'agent' | 'admin' | 'settings'

/** `*` matches every method: the handler answers the ones it does not take itself (with its own 405). */
export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | '*'

export interface RouteRequest<R extends Right = Right> {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  /** A RegExp path's capture groups, in order (an optional group that did not match is undefined). */
  params: readonly (string | undefined)[]
  /** The caller, checked against the route's right; null on `none` routes. */
  agent: R extends 'none' ? null : AgentRecord
}

export interface Route<R extends Right = Right> {
  method: Method | readonly Method[]
  /** An exact path, or a RegExp over the whole path whose groups become `params`. */
  path: string | RegExp
  right: R
  /** The 403 message when the caller lacks the right (`admin`, `settings`). */
  forbidden?: string
  handler(r: RouteRequest<R>): Promise<void> | void
}

/** Declares one route; the right narrows what its handler is given. */
export function route<R extends Right>(r: Route<R>): Route {
  return r as Route
}

export interface RouterDeps {
  authenticate(token: string | null): Promise<AgentRecord | null>
  principalOf(agent: AgentRecord): Promise<Principal>
  log: Logger
}

const DEFAULT_FORBIDDEN: Record<Right, string> = {
  none: '',
  agent: '',
  admin: 'only admins may do this',
  settings: 'this needs the settings right',
}

/** The first route whose method and path fit, with the path's params; null when none does. */
export function match(routes: readonly Route[], method: string, path: string): { route: Route; params: (string | undefined)[] } | null {
  for (const r of routes) {
    const methods: readonly Method[] = typeof r.method === 'string' ? [r.method] : r.method
    if (!methods.includes('*') && !methods.includes(method as Method)) continue
    if (typeof r.path === 'string') {
      if (r.path === path) return { route: r, params: [] }
      continue
    }
    const m = r.path.exec(path)
    if (m) return { route: r, params: m.slice(1) }
  }
  return null
}

/** What a request no route takes gets: the API says which route it lacks; elsewhere only GET and HEAD exist. */
function unmatched(method: string, path: string): HttpError {
  if (path.startsWith('/api/')) return new HttpError(404, `no route ${method} ${path}`)
  if (method !== 'GET' && method !== 'HEAD') return new HttpError(405, 'method not allowed')
  return new HttpError(404, 'not found')
}

/**
 * The HTTP server's request listener over a route table, tried in order. Errors are answered here,
 * in one place: an HttpError as its JSON `{error}`, anything else logged and a 500; once the headers
 * are sent, the connection is cut instead.
 */
export function createRouter(routes: readonly Route[], deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  async function rightOf(r: Route, req: IncomingMessage): Promise<AgentRecord | null> {
    if (r.right === 'none') return null
    const agent = await deps.authenticate(bearer(req))
    if (!agent) throw new HttpError(401, 'sign in first')
    if (r.right === 'admin' && agent.role !== 'admin') throw new HttpError(403, r.forbidden ?? DEFAULT_FORBIDDEN.admin)
    if (r.right === 'settings') {
      const who = await deps.principalOf(agent)
      if (who.role !== 'admin' && who.settings !== true) throw new HttpError(403, r.forbidden ?? DEFAULT_FORBIDDEN.settings)
    }
    return agent
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const method = req.method ?? 'GET'
    const found = match(routes, method, url.pathname)
    if (!found) throw unmatched(method, url.pathname)
    const agent = await rightOf(found.route, req)
    await found.route.handler({ req, res, url, params: found.params, agent })
  }

  return (req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent) return res.destroy()
      if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message, ...err.extra })
      deps.log.error({ err, url: req.url }, 'request failed')
      sendJson(res, 500, { error: 'internal error' })
    })
  }
}
