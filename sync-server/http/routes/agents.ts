import type { LoginResponse } from '../../../shared/protocol.ts'
import { agentStatusSchema, createAgentSchema, describeIssues, loginSchema } from '../../../shared/schemas.ts'
import { DEFAULT_WORKSPACE, publicAgent, type Accounts } from '../../Accounts.ts'
import { setAgentStatus, type StatusDeps } from '../../AgentStatuses.ts'
import { principalOf } from '../../../shared/settings.ts'
import { TokenBucket } from '../../widget/TokenBucket.ts'
import { HttpError, bearer, readJson, sendJson } from '../respond.ts'
import { route, type Route } from '../router.ts'
import type { AgentListing, AgentsAnswer, CreatedAnswer } from '../../../shared/api.ts'

/** Sign-in attempts per address and account: a burst of 10, then one every 6 s, to slow password guessing. */
const LOGIN_RATE = { burst: 10, perSecond: 1 / 6 }
/** Memory bound on the sign-in limiter: past this many address/account pairs it starts afresh. */
const MAX_LOGIN_BUCKETS = 100_000

export interface AgentRoutesDeps extends StatusDeps {
  accounts: Accounts
}

/** Signing in and out, the agent's own record and status, and the workspace's agents. */
export function agentRoutes(deps: AgentRoutesDeps): Route[] {
  const { accounts, store, settings, now } = deps
  const loginBuckets = new Map<string, TokenBucket>()
  return [
    route({
      method: 'POST',
      path: '/api/login',
      right: 'none',
      async handler({ req, res }) {
        const body = loginSchema.safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        // Per address and account: slows guessing one password without locking out a shared office address.
        const bucketKey = `${req.socket.remoteAddress ?? '?'}|${body.data.email}`
        let bucket = loginBuckets.get(bucketKey)
        if (!bucket) {
          if (loginBuckets.size > MAX_LOGIN_BUCKETS) loginBuckets.clear()
          loginBuckets.set(bucketKey, (bucket = new TokenBucket(LOGIN_RATE.burst, LOGIN_RATE.perSecond, now)))
        }
        if (!bucket.take()) throw new HttpError(429, 'too many sign-in attempts; wait a minute')
        const session = await accounts.login(DEFAULT_WORKSPACE, body.data.email, body.data.password)
        if (!session) throw new HttpError(401, 'wrong email or password')
        const out: LoginResponse = { token: session.token, agent: publicAgent(session.agent) }
        sendJson(res, 200, out)
      },
    }),
    route({
      method: 'POST',
      path: '/api/logout',
      right: 'none',
      async handler({ req, res }) {
        const token = bearer(req)
        if (token) await accounts.logout(token)
        res.writeHead(204).end()
      },
    }),
    route({ method: 'GET', path: '/api/me', right: 'agent', handler: ({ res, agent }) => sendJson(res, 200, publicAgent(agent)) }),
    route({
      method: 'POST',
      path: '/api/me/status',
      right: 'agent',
      async handler({ req, res, agent }) {
        const body = agentStatusSchema.safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        const result = await setAgentStatus(deps, agent, body.data.status)
        sendJson(res, result.status, result.body)
      },
    }),
    route({
      method: 'POST',
      path: '/api/agents',
      right: 'admin',
      forbidden: 'only admins add agents',
      async handler({ req, res, agent: admin }) {
        const body = createAgentSchema.safeParse(await readJson(req))
        if (!body.success) throw new HttpError(400, describeIssues(body.error))
        try {
          const agent = await accounts.createAgent(admin.workspace, body.data)
          sendJson(res, 201, { id: agent.id } satisfies CreatedAnswer)
        } catch (err) {
          if ((err as Error).name === 'ConflictError') throw new HttpError(409, 'an agent with this email exists')
          throw err
        }
      },
    }),
    route({
      method: 'GET',
      path: '/api/agents',
      right: 'agent',
      async handler({ res, agent }) {
        const current = await settings.get(agent.workspace)
        const agents = (await store.listAgents(agent.workspace)).map((a): AgentListing => {
          const who = principalOf(a, current)
          return { id: a.id, name: a.name, email: a.email, role: a.role, groups: [...who.groups], status: a.status }
        })
        sendJson(res, 200, { agents } satisfies AgentsAnswer)
      },
    }),
  ]
}
