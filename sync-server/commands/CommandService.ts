import type { Logger } from 'pino'
import { decide, decideWake, type CommandInput } from '../../shared/commands.ts'
import { conversationDocName, metaOf, readMeta } from '../../shared/documents.ts'
import { EventType } from '../../shared/protocol.ts'
import type { Conversations } from '../Conversations.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import { principalOf } from '../../shared/settings.ts'
import type { WorkspaceSettings } from '../WorkspaceSettings.ts'
import { StaleStateError, type AgentRecord, type Fence, type Store } from '../store/Store.ts'
import { appendSystemLine, applyPatch } from './patch.ts'

export interface CommandResponse {
  status: number
  body: Record<string, unknown>
}

/**
 * Runs conversation commands with one arbiter: the decision and the change happen in one
 * synchronous step on the loaded document, so of two agents taking a chat at once exactly one
 * wins. The answer is stored with the change under the idempotency key, so a replayed command
 * (an outbox sending again after a lost response) gets the same answer and changes nothing.
 */
export class CommandService {
  private inflight = new Map<string, Promise<CommandResponse>>()

  constructor(
    private store: Store,
    private rooms: RoomManager,
    private conversations: Conversations,
    private settings: WorkspaceSettings,
    private log: Logger,
    private now: () => number,
    /** Which of a team's groups (ids in order) a transfer to the team goes to: the dispatcher's pick. */
    private pickGroup: (workspace: string, groupIds: readonly string[]) => Promise<string | null> = async (_ws, ids) => ids[0] ?? null,
    /** The leader's epoch: the commands only the leader runs (assign, requeue, wake) carry it. */
    private fence: Fence = () => undefined,
  ) {}

  execute(agent: AgentRecord, conversationId: string, input: CommandInput, key: string): Promise<CommandResponse> {
    const k = `${agent.workspace}/${key}`
    const running = this.inflight.get(k)
    if (running) return running
    const p = this.run(agent, conversationId, input, key).finally(() => this.inflight.delete(k))
    this.inflight.set(k, p)
    return p
  }

  private async run(agent: AgentRecord, conversationId: string, input: CommandInput, key: string): Promise<CommandResponse> {
    const ws = agent.workspace
    const prior = await this.store.getCommandResult(ws, key)
    if (prior) {
      if (prior.agentId !== agent.id) return { status: 409, body: { error: 'this idempotency key was used by someone else', reason: 'duplicate key' } }
      return { status: prior.status, body: prior.body as Record<string, unknown> }
    }
    const record = await this.conversations.get(ws, conversationId)
    if (!record) return { status: 404, body: { error: 'no such conversation' } }
    const agents = await this.store.listAgents(ws)
    const names = new Map(agents.map((a) => [a.id, a.name]))
    // Every read happens before the decision: on PostgreSQL each is a real round trip, in which
    // another command on this conversation could run (issue 11 §2 "Commands decide on fresh state").
    const current = await this.settings.get(ws)
    const teamId = input.command === 'transfer' && 'teamId' in input.to ? input.to.teamId : null
    const teamGroups = teamId ? current.groups.filter((g) => g.teamId === teamId) : []
    const teamPick = teamGroups.length ? await this.pickGroup(ws, teamGroups.map((g) => g.id)) : null
    // Blocking writes the visitor's record: read it now, not between deciding and applying.
    const visitor = input.command === 'block' || input.command === 'unblock' ? await this.store.getVisitor(ws, record.visitorId) : null

    const room = await this.rooms.hold(ws, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      // From reading the document to applying the change nothing awaits: the decision and the
      // change are one synchronous step, so of two commands at once the second sees the first.
      const meta = readMeta(room.doc)
      if (!meta) return { status: 404, body: { error: 'no such conversation' } }
      const now = this.now()
      const decision = decide(
        input,
        meta,
        { ...principalOf(agent, current), name: agent.name },
        now,
        (id) => names.get(id),
        (id) => names.has(id),
        {
          groupName: (id) => current.groups.find((g) => g.id === id)?.name,
          skillName: (id) => current.skills.find((s) => s.id === id)?.name,
          teamGroup: (teamId) => {
            const team = current.teams.find((t) => t.id === teamId)
            if (!team) return undefined
            const group = teamGroups.find((g) => g.id === teamPick)
            return group ? { team: team.name, groupId: group.id, group: group.name } : null
          },
        },
      )
      if (!decision.ok) {
        const body = { error: decision.reason, reason: decision.reason, ...(decision.assigneeId !== undefined ? { assigneeId: decision.assigneeId } : {}) }
        // Refusals that depend on the state (409) are part of the command's history; a 404 is not.
        if (decision.status === 409)
          await this.store.commit({ workspace: ws, commandResults: [{ key, agentId: agent.id, status: 409, body }] })
        return { status: decision.status, body }
      }
      const after = { ...meta, ...decision.patch }
      const body = {
        conversation: {
          id: conversationId,
          status: after.status,
          assigneeId: after.assigneeId,
          groupId: after.groupId,
          skillId: after.skillId,
          snoozedUntil: after.snoozedUntil,
          tags: decision.patch.tags ?? null,
          ticket: decision.patch.ticket ?? false,
          visitorBlocked: after.visitorBlocked,
        },
      }
      const blockedVisitor = decision.patch.visitorBlocked !== undefined && visitor?.id === meta.visitorId ? visitor : null
      // An agent acting on a conversation the bot still talks in (taking it, transferring it…) ends the bot's part.
      const stopsBot = metaOf(room.doc).get('bot') === true && input.command !== 'block' && input.command !== 'unblock'
      const committed = room.change(
        (doc) => {
          applyPatch(doc, decision.patch)
          if (stopsBot) metaOf(doc).set('bot', false)
          if (decision.line) appendSystemLine(doc, decision.line, now)
        },
        {
          // A field patch: a writer holding an older copy of the visitor cannot undo it.
          ...(blockedVisitor ? { visitorPatches: [{ id: blockedVisitor.id, blocked: decision.patch.visitorBlocked! }] } : {}),
          // The visitor's name travels with the event: an agent who gains the chat by a transfer
          // may never have received its creation.
          events: [
            { type: decision.event.type, at: now, conversationId, data: { ...decision.event.data, visitorName: meta.visitorName } },
            ...(stopsBot ? [{ type: EventType.botStopped, at: now, conversationId, data: { reason: input.command, by: agent.id } }] : []),
          ],
          commandResults: [{ key, agentId: agent.id, status: 200, body }],
          // Decided on this state: refused whole if another instance changed it first.
          expect: [{ conversationId, status: meta.status, assigneeId: meta.assigneeId }],
        },
        agent.id,
      )
      try {
        await committed
      } catch (err) {
        if (!(err instanceof StaleStateError)) throw err
        // Nothing was stored (the key neither): the agent's app may send it again, decided on what is stored now.
        this.log.info({ workspace: ws, conversationId, command: input.command, agent: agent.id }, 'command refused: the conversation changed meanwhile')
        return { status: 409, body: { error: 'someone changed this conversation at the same moment; look again', reason: 'changed meanwhile' } }
      }
      this.log.info({ workspace: ws, conversationId, command: input.command, agent: agent.id }, 'command applied')
      return { status: 200, body }
    } finally {
      this.rooms.release(room)
    }
  }

  /**
   * Gives a waiting conversation to an agent on the dispatcher's decision. Resolves false when it
   * is no longer waiting for anyone (an agent took it meanwhile): the dispatcher then re-reads it.
   */
  async assign(workspace: string, conversationId: string, agent: { id: string; name: string }, queue: string): Promise<boolean> {
    const room = await this.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = readMeta(room.doc)
      if (!meta || meta.status !== 'waiting' || meta.assigneeId) return false
      const now = this.now()
      const assigned = room.change(
        (doc) => {
          applyPatch(doc, { assigneeId: agent.id, status: 'open' })
          appendSystemLine(doc, `Assigned to ${agent.name}`, now)
        },
        {
          events: [
            { type: EventType.queueLeft, at: now, conversationId, data: { queue, groupId: meta.groupId, reason: 'assigned', waitedMs: now - meta.createdAt } },
            { type: EventType.assigned, at: now, conversationId, data: { assigneeId: agent.id, by: 'dispatcher', visitorName: meta.visitorName } },
          ],
          expect: [{ conversationId, status: meta.status, assigneeId: meta.assigneeId }],
          fence: this.fence(workspace),
        },
      )
      try {
        await assigned
      } catch (err) {
        // An agent on another instance took it first.
        if (err instanceof StaleStateError) return false
        throw err
      }
      this.log.info({ workspace, conversationId, agent: agent.id, queue }, 'assigned by the dispatcher')
      return true
    } finally {
      this.rooms.release(room)
    }
  }

  /**
   * Puts an open conversation back in its queue: its agent has been away or offline past the
   * workspace's grace period. Resolves false when it is no longer theirs.
   */
  async requeue(workspace: string, conversationId: string, fromAgentId: string, why: string): Promise<boolean> {
    const room = await this.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = readMeta(room.doc)
      if (!meta || meta.status !== 'open' || meta.assigneeId !== fromAgentId) return false
      const now = this.now()
      await room.change(
        (doc) => {
          applyPatch(doc, { assigneeId: null, status: 'waiting' })
          appendSystemLine(doc, `${why}: the chat is back in the queue`, now)
        },
        {
          events: [
            { type: EventType.assigned, at: now, conversationId, data: { assigneeId: null, from: fromAgentId, by: 'dispatcher', visitorName: meta.visitorName } },
            { type: EventType.queueJoined, at: now, conversationId, data: { groupId: meta.groupId, reason: 'reassigned' } },
          ],
          fence: this.fence(workspace),
        },
      )
      this.log.info({ workspace, conversationId, from: fromAgentId }, 'back in the queue')
      return true
    } finally {
      this.rooms.release(room)
    }
  }

  /** Wakes a snoozed conversation whose time is up. */
  async wake(workspace: string, conversationId: string): Promise<void> {
    const record = await this.conversations.get(workspace, conversationId)
    if (!record) return
    const room = await this.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      const meta = readMeta(room.doc)
      const wake = meta && decideWake(meta, 'time')
      // Woken earlier (the visitor wrote), or snoozed again for later: nothing to do now.
      if (!meta || !wake || (meta.snoozedUntil ?? 0) > this.now()) return
      const now = this.now()
      await room.change(
        (doc) => {
          applyPatch(doc, wake.patch)
          appendSystemLine(doc, wake.line, now)
        },
        { events: [{ type: EventType.woke, at: now, conversationId, data: { reason: 'time' } }], fence: this.fence(workspace) },
      )
    } finally {
      this.rooms.release(room)
    }
  }
}
