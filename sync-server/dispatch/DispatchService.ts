import type { Logger } from 'pino'
import { EventType, type LogEvent } from '../../shared/protocol.ts'
import {
  arrive,
  createDispatcher,
  dispatch,
  forget,
  previewRoute,
  recordHandling,
  setSettings,
  track,
  updateAgent,
  type Dispatcher,
  type TrackedConversation,
} from '../../shared/routing/dispatcher.ts'
import { shownWait } from '../../shared/routing/queuePositions.ts'
import { placeOf, QueueBoard } from '../../shared/routing/queuePlaces.ts'
import type { RouteDecision, RouteRequest } from '../../shared/routing/route.ts'
import type { CommandService } from '../commands/CommandService.ts'
import type { EventHub } from '../events/EventHub.ts'
import type { AgentRecord, ConversationRecord, Store } from '../store/Store.ts'
import type { WorkspaceSettings } from '../WorkspaceSettings.ts'

/**
 * How often waiting queues are looked at again without any change: a team's hours open, and the
 * wait estimates shown to visitors age. A minute is finer than any working-hours boundary.
 */
const TICK_MS = 30_000

export interface DispatchDeps {
  store: Store
  settings: WorkspaceSettings
  hub: EventHub
  now: () => number
  log: Logger
  /** Tells a waiting visitor their place in line (null when they no longer wait). */
  queueChanged: (workspace: string, conversationId: string, place: { position: number; waitSeconds: number | null } | null) => void
  /**
   * Whether this instance gives the workspace's chats to agents (its leader, Leadership.ts; always,
   * on a single instance). The others follow the same queues, for places in line, and assign nothing.
   */
  leads?: (workspace: string) => boolean
}

interface Workspace {
  id: string
  d: Dispatcher
  names: Map<string, string>
  /** When each open conversation was given to its agent, for handling times. */
  openedAt: Map<string, number>
  /** What each waiting visitor was last told, to send only changes. */
  board: QueueBoard
  /** Agents' reassignment timers (away or offline past the grace period). */
  graces: Map<string, NodeJS.Timeout>
  /** Chats transferred to an agent while their grace period runs: a colleague chose them, so they wait for them. */
  givenWhileAway: Map<string, Set<string>>
  scheduled: boolean
  running: Promise<void>
  stop: () => void
}

const tracked = (r: ConversationRecord): TrackedConversation => ({
  id: r.id,
  status: r.status as TrackedConversation['status'],
  groupId: r.groupId,
  skillId: r.skillId ?? null,
  assigneeId: r.assigneeId,
  since: r.createdAt,
})

/**
 * Runs the pure dispatcher (shared/routing) for each workspace: feeds it the facts (settings,
 * agents' statuses, conversation records), applies its assignments as server commands that
 * record events, and tells waiting visitors their position and estimated wait.
 */
export class DispatchService {
  private workspaces = new Map<string, Promise<Workspace>>()
  private ticker: NodeJS.Timeout | null = null
  private closed = false
  private commands: CommandService | null = null

  constructor(private deps: DispatchDeps) {}

  /** The command service that applies assignments (built after the dispatcher, which routes for the widget). */
  bind(commands: CommandService): void {
    this.commands = commands
  }

  /** Loads a workspace now (others load on first use), and starts the periodic look at every loaded workspace's queues. */
  start(workspace: string): void {
    void this.load(workspace).catch((err) => this.deps.log.error({ err, workspace }, 'dispatcher could not load'))
    if (this.ticker || this.closed) return
    this.ticker = setInterval(() => {
      for (const p of this.workspaces.values()) void p.then((w) => this.schedule(w)).catch(() => {})
    }, TICK_MS)
    this.ticker.unref()
  }

  close(): void {
    this.closed = true
    if (this.ticker) clearInterval(this.ticker)
    for (const p of this.workspaces.values()) void p.then((w) => w.stop()).catch(() => {})
    this.workspaces.clear()
  }

  /**
   * This instance has just become the workspace's leader (or, alone, has started): the queues are
   * looked at now, and every agent away or offline who holds open chats has a grace period running
   * (the timers of a former leader or of this server before its restart are gone; each runs whole
   * from now). Read from what the dispatcher was built from, not the store again.
   */
  lead(workspace: string): void {
    void this.load(workspace)
      .then((w) => {
        for (const { state, open } of w.d.agents.values()) if (open > 0 && state.status !== 'online' && !w.graces.has(state.id)) this.graceFor(w, state)
        this.schedule(w)
      })
      .catch((err) => this.deps.log.error({ err, workspace }, 'dispatcher could not load'))
  }

  private leads(workspace: string): boolean {
    return this.deps.leads?.(workspace) ?? true
  }

  /** Conversations waiting in each queue of each loaded workspace (the metrics). */
  async queueSizes(): Promise<Array<{ workspace: string; queue: string; waiting: number }>> {
    const loaded = await Promise.all([...this.workspaces.values()].map((p) => p.catch(() => null)))
    return loaded.flatMap((w) => (w ? [...w.d.queues.values()].map((q) => ({ workspace: w.id, queue: q.key, waiting: q.waiting.size })) : []))
  }

  /** Routes a new conversation before it is created; it then waits in its queue (unless refused). */
  async route(workspace: string, conversationId: string, req: RouteRequest): Promise<RouteDecision> {
    const w = await this.load(workspace)
    const decision = arrive(w.d, { ...req, id: conversationId }, this.deps.now())
    this.schedule(w)
    return decision
  }

  /**
   * What a visitor on this page would meet now: `online` when someone who could take the chat is
   * online and within hours (even if their group is full), `requestForm` when routing would show the
   * request form instead of the chat.
   */
  async availability(workspace: string, pageUrl: string | null): Promise<{ online: boolean; requestForm: boolean }> {
    const w = await this.load(workspace)
    const d = previewRoute(w.d, { pageUrl, channel: 'widget' }, this.deps.now())
    return { online: d.outcome === 'queued' || d.outcome === 'full', requestForm: d.requestForm }
  }

  /**
   * Which of a team's groups (in the order the settings list them) a chat transferred to the team
   * goes to: the first whose agents could take it now, else the first with room and within hours,
   * else the first with room, else the first.
   */
  async pickGroup(workspace: string, groupIds: readonly string[]): Promise<string | null> {
    if (!groupIds.length) return null
    const w = await this.load(workspace)
    const now = this.deps.now()
    const outcomes = groupIds.map((groupId) => previewRoute(w.d, { pageUrl: null, channel: 'widget', target: { groupId } }, now).outcome)
    for (const wanted of ['queued', 'noAgents', 'outOfHours'] as const) {
      const i = outcomes.indexOf(wanted)
      if (i >= 0) return groupIds[i]!
    }
    return groupIds[0]!
  }

  /** Where a waiting conversation stands now; null when it is not waiting (or not known yet). */
  async placeOf(workspace: string, conversationId: string): Promise<{ position: number; waitSeconds: number | null } | null> {
    const w = await this.load(workspace)
    const p = placeOf(w.d, conversationId)
    return p ? { position: p.position, waitSeconds: shownWait(p.waitSeconds) } : null
  }

  /** A conversation's record changed (created, taken, transferred, snoozed, closed…). */
  conversationChanged(record: ConversationRecord): void {
    if (this.closed) return
    void this.load(record.workspace)
      .then((w) => {
        const prev = w.d.convs.get(record.id)
        if (record.status === 'open' && record.assigneeId && !w.openedAt.has(record.id)) w.openedAt.set(record.id, this.deps.now())
        if (record.status === 'closed' && prev) {
          const opened = w.openedAt.get(record.id)
          if (opened !== undefined) recordHandling(w.d, { groupId: record.groupId }, this.deps.now() - opened)
          w.openedAt.delete(record.id)
        }
        // The bot still talks with the visitor: it queues the conversation itself when it hands over.
        if (record.bot && record.status === 'waiting' && !record.assigneeId) forget(w.d, record.id)
        else track(w.d, tracked(record))
        this.schedule(w)
      })
      .catch((err) => this.deps.log.error({ err }, 'dispatcher could not take a conversation change'))
  }

  // ---- internals ---------------------------------------------------------------------------

  private load(workspace: string): Promise<Workspace> {
    let p = this.workspaces.get(workspace)
    if (!p) {
      p = this.build(workspace)
      p.catch(() => this.workspaces.delete(workspace))
      this.workspaces.set(workspace, p)
    }
    return p
  }

  private async build(workspace: string): Promise<Workspace> {
    const { store, settings, hub } = this.deps
    const current = await settings.get(workspace)
    const agents = await store.listAgents(workspace)
    const convs = await store.listActiveConversations(workspace)
    const d = createDispatcher({
      settings: current,
      agents: agents.map((a) => ({ id: a.id, role: a.role, status: a.status, idleSince: 0 })),
      // Those the bot still talks in are queued by the bot when it hands over, not before.
      conversations: convs.filter((r) => !(r.bot && r.status === 'waiting' && !r.assigneeId)).map(tracked),
    })
    const w: Workspace = {
      id: workspace,
      d,
      names: new Map(agents.map((a) => [a.id, a.name])),
      openedAt: new Map(),
      board: new QueueBoard(),
      graces: new Map(),
      givenWhileAway: new Map(),
      scheduled: false,
      running: Promise.resolve(),
      stop: () => {},
    }
    const offSettings = settings.onChange((ws, next, changed) => {
      // The widget's and the bot's texts live in the same document: only a change routing reads rebuilds the queues.
      if (ws !== workspace || !changed.routing) return
      setSettings(w.d, next)
      this.schedule(w)
    })
    const offEvents = hub.subscribe(workspace, (events) => this.onEvents(w, events))
    w.stop = () => {
      offSettings()
      offEvents()
      for (const t of w.graces.values()) clearTimeout(t)
    }
    this.schedule(w)
    return w
  }

  private onEvents(w: Workspace, events: LogEvent[]): void {
    for (const e of events) {
      const to = e.data.toAgentId
      if (e.type === EventType.transferred && typeof to === 'string' && e.conversationId && w.graces.has(to)) {
        w.givenWhileAway.set(to, (w.givenWhileAway.get(to) ?? new Set()).add(e.conversationId))
        continue
      }
      if (e.type !== EventType.agentStatus || typeof e.data.agentId !== 'string') continue
      void this.deps.store
        .getAgent(w.id, e.data.agentId)
        .then((a) => a && this.takeAgent(w, a))
        .catch((err) => this.deps.log.error({ err }, 'dispatcher could not read an agent'))
    }
  }

  private takeAgent(w: Workspace, agent: AgentRecord): void {
    w.names.set(agent.id, agent.name)
    updateAgent(w.d, { id: agent.id, role: agent.role, status: agent.status, idleSince: 0 })
    this.graceFor(w, agent)
    this.schedule(w)
  }

  /**
   * Gives an away or offline agent's chats back to their queues once the workspace's grace period
   * is over: the chats they held when they left, not those a colleague transferred to them since
   * (an explicit transfer waits for its agent).
   */
  private graceFor(w: Workspace, agent: Pick<AgentRecord, 'id' | 'status'>): void {
    clearTimeout(w.graces.get(agent.id))
    w.graces.delete(agent.id)
    w.givenWhileAway.delete(agent.id)
    const grace = this.deps.settings.peek(w.id)?.workspace.reassignAfterSeconds
    if (agent.status === 'online' || grace === null || grace === undefined) return
    const timer = setTimeout(() => {
      w.graces.delete(agent.id)
      void this.requeueHeld(w, agent.id).catch((err) => this.deps.log.error({ err }, 'could not reassign'))
    }, grace * 1000)
    timer.unref()
    w.graces.set(agent.id, timer)
  }

  private async requeueHeld(w: Workspace, agentId: string): Promise<void> {
    const agent = await this.deps.store.getAgent(w.id, agentId)
    if (!agent || agent.status === 'online' || this.closed || !this.leads(w.id)) return
    const given = w.givenWhileAway.get(agentId)
    w.givenWhileAway.delete(agentId)
    for (const c of await this.deps.store.listHeldConversations(w.id, agentId)) {
      if (c.status === 'open' && !given?.has(c.id)) await this.commands?.requeue(w.id, c.id, agentId, `${agent.name} went ${agent.status}`)
    }
  }

  /** Runs the dispatcher once after the current burst of changes (coalesced). */
  private schedule(w: Workspace): void {
    if (w.scheduled || this.closed) return
    w.scheduled = true
    setImmediate(() => {
      w.scheduled = false
      w.running = w.running.then(() => this.run(w)).catch((err) => this.deps.log.error({ err, workspace: w.id }, 'dispatch failed'))
    })
  }

  private async run(w: Workspace): Promise<void> {
    if (this.closed) return
    if (!this.commands) return
    if (!this.leads(w.id)) return this.tell(w)
    const made = dispatch(w.d, this.deps.now())
    for (const a of made) {
      const ok = await this.commands.assign(w.id, a.conversationId, { id: a.agentId, name: w.names.get(a.agentId) ?? 'an agent' }, a.queue)
      // Assigned: its record's change tells the dispatcher (and starts its handling time).
      if (ok) continue
      // Someone took it first, or it closed, or it was never created: take it as it really is.
      const record = await this.deps.store.getConversation(w.id, a.conversationId)
      if (record) track(w.d, tracked(record))
      else forget(w.d, a.conversationId)
    }
    this.tell(w)
  }

  /**
   * Sends each waiting visitor their position and wait when what they see changed, and a last word
   * to those no longer waiting; reads only the places that moved (a new chat at the back of a line
   * of 10,000 tells one visitor, not 10,000).
   */
  private tell(w: Workspace): void {
    for (const { id, place } of w.board.changes(w.d)) this.deps.queueChanged(w.id, id, place)
  }
}
