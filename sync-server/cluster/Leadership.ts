import pg from 'pg'
import type { Logger } from 'pino'

/** "Parley" in ASCII, then 3: the advisory lock class of workspace leaders (the workspace's hash is the second key). */
const LEADER_LOCK_CLASS = 886003
/** How often an instance that does not lead asks for the lock, and the leader checks it still holds its session. */
export const LEADER_POLL_MS = 1_000
const CONNECT_TIMEOUT_MS = 5_000

export interface LeadershipOptions {
  url: string
  log: Logger
  /** This instance now leads the workspace: start what must run once in the cluster. */
  lead: (workspace: string) => void
  /** It no longer does (its session to PostgreSQL was lost): stop it. */
  lose: (workspace: string) => void
  pollMs?: number
}

/**
 * One leader per workspace among the instances on one PostgreSQL database, for what must run once
 * (the dispatcher's assignments, the snooze clock, owed emails, channel replies owed): the holder
 * of a session-level advisory lock on a connection of its own. When the leader dies its session
 * ends and the lock with it; another instance takes it at its next poll (within a second or two).
 */
export class Leadership {
  private client: pg.Client | null = null
  /** The workspaces led, each with the epoch this instance leads it in. */
  private held = new Map<string, number>()
  private wanted = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private closed = false
  private polling = false

  constructor(private opts: LeadershipOptions) {}

  /** Whether this instance leads the workspace now. */
  leads(workspace: string): boolean {
    return this.held.has(workspace)
  }

  /** The epoch this instance leads the workspace in (what its writes carry as `fence`), or undefined when it does not lead it. */
  epoch(workspace: string): number | undefined {
    return this.held.get(workspace)
  }

  /** Competes for the workspace's leadership from now on. */
  async join(workspace: string): Promise<void> {
    this.wanted.add(workspace)
    await this.poll()
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? LEADER_POLL_MS)
      this.timer.unref()
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client
    const client = new pg.Client({ connectionString: this.opts.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'parley-leader' })
    const lost = (err?: Error) => {
      if (this.client !== client) return
      this.client = null
      client.end().catch(() => {})
      if (!this.closed) this.opts.log.warn({ err: err?.message }, 'lost the connection that holds the leader locks')
      // The locks went with the session: whatever this instance led, it leads no more.
      for (const ws of [...this.held.keys()]) this.dropLead(ws)
    }
    client.on('error', lost)
    client.on('end', () => lost())
    this.client = client
    try {
      await client.connect()
    } catch (err) {
      lost(err as Error)
      throw err
    }
    return client
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return
    this.polling = true
    try {
      const client = await this.connection()
      for (const ws of this.wanted) {
        if (this.held.has(ws)) continue
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS ok', [LEADER_LOCK_CLASS, ws])
        if (!rows[0]?.ok) continue
        // A new epoch before anything is led: from its commit on, the former leader's writes are refused.
        const bumped = await client.query<{ epoch: string }>(
          `INSERT INTO workspace_leaders AS l (workspace, epoch) VALUES ($1, 1)
           ON CONFLICT (workspace) DO UPDATE SET epoch = l.epoch + 1 RETURNING epoch`,
          [ws],
        )
        if (!this.closed && this.client === client) {
          const epoch = Number(bumped.rows[0]!.epoch)
          this.held.set(ws, epoch)
          this.opts.log.info({ workspace: ws, epoch }, 'leading the workspace')
          this.opts.lead(ws)
        }
      }
      // A leader's session that died silently shows here as a failed round trip.
      if (this.held.size) await client.query('SELECT 1')
    } catch (err) {
      if (!this.closed) this.opts.log.debug({ err: (err as Error).message }, 'could not ask for the leader locks; trying again')
    } finally {
      this.polling = false
    }
  }

  private dropLead(ws: string): void {
    if (!this.held.delete(ws)) return
    this.opts.log.warn({ workspace: ws }, 'no longer leading the workspace')
    this.opts.lose(ws)
  }

  /** Gives every lead up (ending the session releases the locks at once, for another instance to take). */
  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearInterval(this.timer)
    const client = this.client
    this.client = null
    this.held.clear()
    await client?.end().catch(() => {})
  }
}
