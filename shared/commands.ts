/**
 * Conversation commands: state changes that need one arbiter (DESIGN §4). The rules are pure:
 * given the conversation as it is, who asks and the time, they say what changes or why not.
 * The server runs them on the loaded document; the app runs them to show the likely outcome
 * while a command waits in the outbox.
 */
import { maySeeConversation, type Principal } from './permissions.ts'
import { EventType, type ConversationStatus } from './protocol.ts'

export const CommandName = {
  take: 'take',
  transfer: 'transfer',
  snooze: 'snooze',
  close: 'close',
  reopen: 'reopen',
  block: 'block',
  unblock: 'unblock',
} as const
export type CommandName = (typeof CommandName)[keyof typeof CommandName]

/**
 * An agent (even one away: it waits for them), a routing group's queue, a team (the queue of one
 * of its groups, the one that can serve it soonest), or whoever has a skill.
 */
export type TransferTarget = { agentId: string } | { groupId: string } | { teamId: string } | { skillId: string }

/** The body of `POST /api/conversations/<id>/<command>`, besides `idempotencyKey`. */
export type CommandInput =
  | { command: 'take' }
  | { command: 'transfer'; to: TransferTarget; note?: string }
  | { command: 'snooze'; until: number }
  | { command: 'close'; tags?: string[]; asTicket?: boolean }
  | { command: 'reopen' }
  | { command: 'block' }
  | { command: 'unblock' }

/** The meta fields only the server writes; an agent's direct write to them is reverted. */
export const SERVER_OWNED_META = [
  'id',
  'status',
  'assigneeId',
  'groupId',
  'skillId',
  'visitorId',
  'channel',
  'createdAt',
  'snoozedUntil',
  'closedAt',
  'ticket',
  'bot',
  'botAnswers',
  'visitorReadUpTo',
  'visitorDeliveredUpTo',
  'visitorReadAt',
  'visitorBlocked',
  // The visitor's rating, written by the server from the widget.
  'csat',
  'nps',
  'ratingComment',
  'ratedAt',
  // A survey the visitor is owed (they were away when the conversation closed).
  'surveyOwed',
] as const

/** What the rules read of a conversation. */
export interface CommandState {
  status: ConversationStatus
  assigneeId: string | null
  groupId: string | null
  snoozedUntil: number | null
  visitorBlocked?: boolean
}

export interface Actor extends Principal {
  name: string
}

export type MetaPatch = Partial<{
  status: ConversationStatus
  assigneeId: string | null
  groupId: string | null
  skillId: string | null
  snoozedUntil: number | null
  closedAt: number | null
  tags: string[]
  ticket: boolean
  visitorBlocked: boolean
}>

export type Decision =
  | {
      ok: true
      patch: MetaPatch
      event: { type: (typeof EventType)[keyof typeof EventType]; data: Record<string, unknown> }
      /** A line in the thread for agents. */
      line?: string
    }
  | { ok: false; status: 400 | 403 | 404 | 409; reason: string; assigneeId?: string | null }

/** The longest snooze: past that it is a ticket, not a snooze. */
export const MAX_SNOOZE_MS = 90 * 24 * 3600_000

/** Formats a time for a thread line, in the server's words (the app shows local time itself). */
const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC'

/** A transfer's thread line with its note, if any: the line is internal, so the note reaches the next agent and never the visitor. */
export const withNote = (line: string, note: string | undefined) => (note ? `${line}. Note: ${note}` : line)

/**
 * Decides a command. `nameOf` gives agents' display names, for reasons people can read;
 * `agentExists` tells whether a transfer target is an agent of the workspace.
 */
export function decide(
  input: CommandInput,
  conv: CommandState,
  actor: Actor,
  now: number,
  nameOf: (agentId: string) => string | undefined,
  agentExists: (agentId: string) => boolean,
  /**
   * The workspace's groups, teams and skills by id, when known: unknown targets are refused, known
   * ones named. `teamGroup` says which group of a team a transfer to it goes to (null: the team
   * has none).
   */
  places?: {
    groupName(id: string): string | undefined
    skillName(id: string): string | undefined
    teamGroup(teamId: string): { team: string; groupId: string; group: string } | null | undefined
  },
): Decision {
  const takenBy = () => `already taken by ${nameOf(conv.assigneeId!) ?? 'another agent'}`
  if (!maySeeConversation(actor, conv)) {
    // Someone who could have taken it, had nobody else, learns who did (the loser of a race);
    // anyone else learns nothing about it.
    const couldHaveTaken = conv.assigneeId !== null && maySeeConversation(actor, { assigneeId: null, groupId: conv.groupId })
    return couldHaveTaken
      ? { ok: false, status: 409, reason: takenBy(), assigneeId: conv.assigneeId }
      : { ok: false, status: 404, reason: 'no such conversation' }
  }
  const manager = actor.role === 'admin' || actor.role === 'supervisor'
  const holder = conv.assigneeId === null || conv.assigneeId === actor.id || manager

  switch (input.command) {
    case 'take': {
      if (conv.status === 'closed') return { ok: false, status: 409, reason: 'the conversation is closed', assigneeId: conv.assigneeId }
      if (conv.assigneeId && conv.assigneeId !== actor.id) return { ok: false, status: 409, reason: takenBy(), assigneeId: conv.assigneeId }
      return {
        ok: true,
        patch: { assigneeId: actor.id, status: 'open', snoozedUntil: null },
        event: { type: EventType.assigned, data: { assigneeId: actor.id, by: actor.id } },
        line: `${actor.name} took the chat`,
      }
    }
    case 'transfer': {
      if (!holder) return { ok: false, status: 409, reason: takenBy(), assigneeId: conv.assigneeId }
      if (conv.status === 'closed') return { ok: false, status: 409, reason: 'the conversation is closed', assigneeId: conv.assigneeId }
      const note = input.note?.trim() || undefined
      if ('agentId' in input.to) {
        const to = input.to.agentId
        if (!agentExists(to)) return { ok: false, status: 400, reason: 'no such agent' }
        return {
          ok: true,
          // Even to an agent who is away: it waits for them.
          patch: { assigneeId: to, status: 'open', snoozedUntil: null, skillId: null },
          event: { type: EventType.transferred, data: { from: conv.assigneeId, toAgentId: to, by: actor.id, note } },
          line: withNote(`${actor.name} transferred the chat to ${nameOf(to) ?? 'another agent'}`, note),
        }
      }
      if ('skillId' in input.to) {
        const skillId = input.to.skillId
        const skill = places ? places.skillName(skillId) : skillId
        if (skill === undefined) return { ok: false, status: 400, reason: 'no such skill' }
        return {
          ok: true,
          // It waits in its group's queue for someone with the skill.
          patch: { assigneeId: null, skillId, status: 'waiting', snoozedUntil: null },
          event: { type: EventType.transferred, data: { from: conv.assigneeId, toSkillId: skillId, toGroupId: conv.groupId, by: actor.id, note } },
          line: withNote(`${actor.name} transferred the chat to someone with the ${skill} skill`, note),
        }
      }
      if ('teamId' in input.to) {
        const teamId = input.to.teamId
        // Without the workspace's places (the app's prediction) only the outcome is known: it waits.
        if (!places) return { ok: true, patch: { assigneeId: null, skillId: null, status: 'waiting', snoozedUntil: null }, event: { type: EventType.transferred, data: { from: conv.assigneeId, toTeamId: teamId, by: actor.id, note } } }
        const placed = places.teamGroup(teamId)
        if (placed === undefined) return { ok: false, status: 400, reason: 'no such team' }
        if (placed === null) return { ok: false, status: 400, reason: 'the team has no routing group' }
        return {
          ok: true,
          patch: { assigneeId: null, groupId: placed.groupId, skillId: null, status: 'waiting', snoozedUntil: null },
          event: { type: EventType.transferred, data: { from: conv.assigneeId, toTeamId: teamId, toGroupId: placed.groupId, by: actor.id, note } },
          line: withNote(`${actor.name} transferred the chat to the ${placed.team} team (${placed.group} queue)`, note),
        }
      }
      const groupId = input.to.groupId
      const group = places ? places.groupName(groupId) : groupId
      if (group === undefined) return { ok: false, status: 400, reason: 'no such group' }
      return {
        ok: true,
        patch: { assigneeId: null, groupId, skillId: null, status: 'waiting', snoozedUntil: null },
        event: { type: EventType.transferred, data: { from: conv.assigneeId, toGroupId: groupId, by: actor.id, note } },
        line: withNote(`${actor.name} transferred the chat to the ${group} queue`, note),
      }
    }
    case 'snooze': {
      if (!holder) return { ok: false, status: 409, reason: takenBy(), assigneeId: conv.assigneeId }
      if (conv.status === 'closed') return { ok: false, status: 409, reason: 'the conversation is closed', assigneeId: conv.assigneeId }
      if (!Number.isFinite(input.until) || input.until <= now) return { ok: false, status: 400, reason: 'snooze until a time in the future' }
      if (input.until - now > MAX_SNOOZE_MS) return { ok: false, status: 400, reason: 'snooze for 90 days at most' }
      return {
        ok: true,
        patch: { status: 'snoozed', snoozedUntil: input.until, assigneeId: conv.assigneeId ?? actor.id },
        // The holder travels with the event: snoozing a chat nobody held makes the snoozer its holder.
        event: { type: EventType.snoozed, data: { until: input.until, by: actor.id, assigneeId: conv.assigneeId ?? actor.id } },
        line: `${actor.name} snoozed the chat until ${when(input.until)}`,
      }
    }
    case 'close': {
      if (!holder) return { ok: false, status: 409, reason: takenBy(), assigneeId: conv.assigneeId }
      if (conv.status === 'closed') return { ok: false, status: 409, reason: 'the conversation is already closed', assigneeId: conv.assigneeId }
      const tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))]
      return {
        ok: true,
        patch: { status: 'closed', closedAt: now, snoozedUntil: null, tags, ...(input.asTicket ? { ticket: true } : {}) },
        event: { type: EventType.closed, data: { tags, asTicket: Boolean(input.asTicket), by: actor.id } },
        line: input.asTicket ? `${actor.name} closed the chat and opened it as a request` : `${actor.name} closed the chat`,
      }
    }
    case 'block':
    case 'unblock': {
      const block = input.command === 'block'
      if (!holder) return { ok: false, status: 409, reason: takenBy(), assigneeId: conv.assigneeId }
      if (Boolean(conv.visitorBlocked) === block)
        return { ok: false, status: 409, reason: block ? 'the visitor is already blocked' : 'the visitor is not blocked' }
      return {
        ok: true,
        patch: { visitorBlocked: block },
        event: { type: block ? EventType.visitorBlocked : EventType.visitorUnblocked, data: { by: actor.id } },
        line: block ? `${actor.name} blocked the visitor` : `${actor.name} unblocked the visitor`,
      }
    }
    case 'reopen': {
      if (conv.status !== 'closed') return { ok: false, status: 409, reason: 'the conversation is not closed', assigneeId: conv.assigneeId }
      return {
        ok: true,
        patch: { status: 'open', assigneeId: conv.assigneeId ?? actor.id, closedAt: null },
        event: { type: EventType.reopened, data: { by: actor.id } },
        line: `${actor.name} reopened the chat`,
      }
    }
  }
}

/** The wake-up of a snoozed conversation: when its time is up, or when the visitor writes. */
export function decideWake(conv: CommandState, reason: 'time' | 'visitor'): { patch: MetaPatch; line: string } | null {
  if (conv.status !== 'snoozed') return null
  return {
    patch: { status: conv.assigneeId ? 'open' : 'waiting', snoozedUntil: null },
    line: reason === 'time' ? 'The snooze ended; the chat is back' : 'The visitor wrote, so the chat woke up from its snooze',
  }
}
