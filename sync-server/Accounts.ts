import type { Logger } from 'pino'
import { newId } from '../shared/id.ts'
import type { PublicAgent, Role } from '../shared/protocol.ts'
import { hashPassword, hashToken, newSecret, newSessionToken, verifyPassword } from './auth.ts'
import type { AgentRecord, Store, WorkspaceRecord } from './store/Store.ts'

export const DEFAULT_WORKSPACE = 'default'

/** A password hash of nothing anybody can type, so that an unknown email costs as much as a wrong password. Made on first use: importing starts nothing. */
let dummyHash: Promise<string> | null = null
const dummy = () => (dummyHash ??= hashPassword(newSecret()))

/** Agents, sessions and workspaces: sign-in, tokens that can be revoked, the first start. */
export class Accounts {
  private workspaces = new Map<string, WorkspaceRecord>()

  constructor(
    private store: Store,
    private log: Logger,
    private sessionMs: number,
    private now: () => number,
  ) {}

  /** Creates workspace `default` and its first admin on an empty store. Returns a generated password, if one was made. */
  async bootstrap(adminEmail?: string, adminPassword?: string): Promise<{ email: string; generatedPassword?: string } | null> {
    if (!(await this.store.getWorkspace(DEFAULT_WORKSPACE)))
      await this.store.createWorkspace({ id: DEFAULT_WORKSPACE, secret: newSecret(), createdAt: this.now() })
    if ((await this.store.countAgents(DEFAULT_WORKSPACE)) > 0) return null
    const email = (adminEmail ?? 'admin@localhost').trim().toLowerCase()
    const generatedPassword = adminPassword ? undefined : newSecret().slice(0, 20)
    await this.createAgent(DEFAULT_WORKSPACE, {
      email,
      name: 'Admin',
      password: adminPassword ?? generatedPassword!,
      role: 'admin',
      groups: [],
    })
    this.log.info({ email }, 'created the first admin')
    return { email, generatedPassword }
  }

  async workspace(id: string): Promise<WorkspaceRecord | null> {
    const cached = this.workspaces.get(id)
    if (cached) return cached
    const ws = await this.store.getWorkspace(id)
    if (ws) this.workspaces.set(id, ws)
    return ws
  }

  async createAgent(
    workspace: string,
    input: { email: string; name: string; password: string; role: Role; groups: string[] },
  ): Promise<AgentRecord> {
    const agent: AgentRecord = {
      id: newId(),
      workspace,
      email: input.email,
      name: input.name,
      role: input.role,
      groups: input.groups,
      passwordHash: await hashPassword(input.password),
      createdAt: this.now(),
      status: 'offline',
    }
    await this.store.createAgent(agent)
    return agent
  }

  /** Signs in; null for a wrong email or password (which one is not said). */
  async login(workspace: string, email: string, password: string): Promise<{ token: string; agent: AgentRecord } | null> {
    const agent = await this.store.getAgentByEmail(workspace, email)
    const ok = await verifyPassword(password, agent?.passwordHash ?? (await dummy()))
    if (!agent || !ok) return null
    const { token, tokenHash } = newSessionToken()
    const now = this.now()
    await this.store.createSession({ tokenHash, agentId: agent.id, workspace, createdAt: now, expiresAt: now + this.sessionMs, revoked: false })
    return { token, agent }
  }

  /** The agent a session token belongs to; null when it is unknown, expired or revoked. */
  async authenticate(token: string | null | undefined): Promise<AgentRecord | null> {
    if (!token || token.length > 128) return null
    const session = await this.store.getSession(hashToken(token))
    if (!session || session.revoked || session.expiresAt <= this.now()) return null
    return this.store.getAgent(session.workspace, session.agentId)
  }

  async agent(workspace: string, id: string): Promise<AgentRecord | null> {
    return this.store.getAgent(workspace, id)
  }

  async logout(token: string): Promise<void> {
    await this.store.revokeSession(hashToken(token))
  }
}

/** What other parts may know of an agent. */
export function publicAgent(a: AgentRecord): PublicAgent {
  return { id: a.id, email: a.email, name: a.name, role: a.role, groups: a.groups, workspace: a.workspace, status: a.status }
}

