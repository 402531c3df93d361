import type { Logger } from 'pino'
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import { connectionsAfter } from '../../shared/reports/agentStates.ts'
import type { Fence, NewEvent, Store } from '../store/Store.ts'

/** Connection events read per page when the server checks at start who the log left signed in. */
const RECOVERY_PAGE = 5000

export interface AgentConnectionsDeps {
  store: Store
  now: () => number
  log: Logger
  /** This server's instance id: every connection event names it, so several instances' connections add up. */
  instance: string
  /** The leader's epoch: signing out a gone instance's agents is the leader's, and carries it. */
  fence?: Fence
}

/**
 * Who is signed in now, from the agents' live app sockets (`/api/live`): an agent's first socket
 * logs `agent.connected`, their last one closing logs `agent.disconnected`, however many tabs and
 * devices come and go in between, on this instance; each event names the instance, so an agent
 * with tabs on two instances is signed in until both are closed. The store keeps commits in call
 * order, so the log's sequence of connects and disconnects is the order they happened in.
 */
export class AgentConnections {
  private counts = new Map<string, number>()
  private closing = false

  constructor(private deps: AgentConnectionsDeps) {}

  /** A live socket of the agent opened. */
  opened(workspace: string, agentId: string): void {
    if (this.closing) return
    const key = `${workspace}/${agentId}`
    const n = (this.counts.get(key) ?? 0) + 1
    this.counts.set(key, n)
    if (n === 1) this.log(workspace, [{ type: EventType.agentConnected, at: this.deps.now(), data: { agentId, instance: this.deps.instance } }])
  }

  /** A live socket of the agent closed (call once per socket that `opened`). */
  closed(workspace: string, agentId: string): void {
    if (this.closing) return
    const key = `${workspace}/${agentId}`
    const n = (this.counts.get(key) ?? 0) - 1
    if (n > 0) return void this.counts.set(key, n)
    this.counts.delete(key)
    this.log(workspace, [{ type: EventType.agentDisconnected, at: this.deps.now(), data: { agentId, instance: this.deps.instance } }])
  }

  /**
   * Events committed anywhere: an agent this instance holds connected, logged disconnected here
   * by another instance that took this one for gone, is logged connected again.
   */
  committed(workspace: string, events: readonly LogEvent[]): void {
    if (this.closing) return
    const again: NewEvent[] = []
    for (const e of events) {
      if (e.type !== EventType.agentDisconnected || e.data.instance !== this.deps.instance || e.data.reason !== 'instance gone') continue
      const agentId = e.data.agentId
      if (typeof agentId === 'string' && this.counts.has(`${workspace}/${agentId}`)) again.push({ type: EventType.agentConnected, at: this.deps.now(), data: { agentId, instance: this.deps.instance } })
    }
    if (again.length) this.log(workspace, again)
  }

  /** The agents with a live socket in a workspace now. */
  connected(workspace: string): string[] {
    const prefix = `${workspace}/`
    return [...this.counts.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length))
  }

  /**
   * Connections the log holds through instances that are gone (`gone(instance)`), logged
   * disconnected once each, so that no supervisor's "signed in now" stays stuck on someone who is
   * gone. Alone, at start, before any socket is let in: every instance is gone (the server
   * crashed, or was killed, with apps open). With several, this instance's own at its start, and,
   * where the workspace leads, those of an instance that went silent.
   */
  async recover(workspace: string, gone: (instance: string) => boolean = () => true, reason: 'restart' | 'instance gone' = 'restart'): Promise<void> {
    const held = new Map<string, string[]>()
    for (let after = 0; ; ) {
      const page = await this.deps.store.readAgentConnectionEvents(workspace, after, RECOVERY_PAGE)
      for (const e of page) if (typeof e.data.agentId === 'string') held.set(e.data.agentId, connectionsAfter(held.get(e.data.agentId) ?? [], e))
      if (page.length < RECOVERY_PAGE) break
      after = page[page.length - 1]!.seq
    }
    const at = this.deps.now()
    const stale: NewEvent[] = []
    for (const [agentId, instances] of held)
      for (const instance of instances) if (gone(instance)) stale.push({ type: EventType.agentDisconnected, at, data: { agentId, instance, reason } })
    if (stale.length) await this.deps.store.commit({ workspace, events: stale, ...(reason === 'instance gone' ? { fence: this.deps.fence?.(workspace) } : {}) })
  }

  /**
   * A graceful stop: everyone still connected is logged disconnected now (not at the next start),
   * and the sockets the stop then closes log nothing more.
   */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    const byWorkspace = new Map<string, NewEvent[]>()
    const at = this.deps.now()
    for (const key of this.counts.keys()) {
      const slash = key.indexOf('/')
      const workspace = key.slice(0, slash)
      const list = byWorkspace.get(workspace) ?? []
      list.push({ type: EventType.agentDisconnected, at, data: { agentId: key.slice(slash + 1), instance: this.deps.instance, reason: 'shutdown' } })
      byWorkspace.set(workspace, list)
    }
    this.counts.clear()
    await Promise.all(
      [...byWorkspace].map(([workspace, events]) =>
        this.deps.store
          .commit({ workspace, events })
          .catch((err) => this.deps.log.warn({ err, workspace }, 'could not record agents disconnected at shutdown')),
      ),
    )
  }

  private log(workspace: string, events: NewEvent[]): void {
    this.deps.store
      .commit({ workspace, events })
      .catch((err) => this.deps.log.warn({ err, workspace }, 'could not record an agent connection'))
  }
}
