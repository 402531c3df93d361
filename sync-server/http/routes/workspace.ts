import type { Accounts } from '../../Accounts.ts'
import { identitySecret } from '../../widget/VisitorIdentity.ts'
import { HttpError, sendJson } from '../respond.ts'
import { route, type Route } from '../router.ts'
import type { IdentitySecretAnswer } from '../../../shared/api.ts'

/** The workspace's own settings that never enter the shared settings document. */
export function workspaceRoutes(deps: { accounts: Accounts }): Route[] {
  return [
    route({
      method: 'GET',
      path: '/api/workspace/identity-secret',
      right: 'admin',
      forbidden: 'only admins see the identity secret',
      async handler({ res, agent: admin }) {
        const ws = await deps.accounts.workspace(admin.workspace)
        if (!ws) throw new HttpError(404, 'no such workspace')
        sendJson(res, 200, { secret: identitySecret(ws.secret) } satisfies IdentitySecretAnswer)
      },
    }),
  ]
}
