/**
 * The agents board (issue 10 §1.2): each agent's status and time in it, active chats against
 * their slots, the time since their last reply, and today's first-reply and reply times, closes and
 * transfers. "Today" is the workspace's day (its timezone). Pure.
 */
import { ConversationStatus, type AgentStatus } from '../protocol.ts'
import type { AgentState } from './agentStates.ts'
import type { ConversationFact } from './facts.ts'
import { startOfToday } from './live.ts'
import { mean, median } from './stats.ts'

export interface AgentBoardRow {
  agentId: string
  name: string
  /** The log's word, else the directory's; null when neither knows. */
  status: AgentStatus | null
  /** Since when the status holds (null: not in this device's log). */
  statusSince: number | null
  /** A live app connection now. */
  connected: boolean
  /** Open conversations assigned to them. */
  activeChats: number
  /** Chats they answer at once (Settings › Members); null when not set. */
  slots: number | null
  /** Their latest reply to a visitor (epoch ms), for "since last reply". */
  lastReplyAt: number | null
  /** First responses they gave today: from the conversation's creation to their reply. */
  frtTodayAvgMs: number | null
  frtTodayMedianMs: number | null
  /** Their replies today that answered a waiting visitor: from the oldest unanswered visitor message. */
  replyTodayAvgMs: number | null
  /** Conversations they closed today (and still closed). */
  closedToday: number
  /** Conversations transferred away from them today. */
  transfersToday: number
}

export interface AgentsBoardContext {
  agents: readonly { id: string; name: string; status?: AgentStatus | null }[]
  members: readonly { agentId: string; slots: number }[]
  timezone: string
  now: number
}

interface Tally {
  active: number
  lastReplyAt: number | null
  frt: number[]
  replies: number[]
  closed: number
  transfers: number
}

/** Every agent's row of the board now. */
export function computeAgentsBoard(facts: Iterable<ConversationFact>, states: ReadonlyMap<string, AgentState>, ctx: AgentsBoardContext): AgentBoardRow[] {
  const today = startOfToday(ctx.now, ctx.timezone)
  const tallies = new Map<string, Tally>()
  const tally = (id: string) => {
    let t = tallies.get(id)
    if (!t) tallies.set(id, (t = { active: 0, lastReplyAt: null, frt: [], replies: [], closed: 0, transfers: 0 }))
    return t
  }
  for (const f of facts) {
    if (f.status === ConversationStatus.open && f.assigneeId) tally(f.assigneeId).active++
    if (f.firstResponderId && f.firstResponseAt !== null && f.firstResponseAt >= today) tally(f.firstResponderId).frt.push(f.firstResponseAt - f.createdAt)
    for (const r of f.replies) {
      const t = tally(r.agentId)
      if (t.lastReplyAt === null || r.at > t.lastReplyAt) t.lastReplyAt = r.at
      if (r.at >= today && r.waitedMs !== null) t.replies.push(r.waitedMs)
    }
    if (f.status === ConversationStatus.closed && f.closedBy && f.closedAt !== null && f.closedAt >= today) tally(f.closedBy).closed++
    for (const tr of f.transfers) if (tr.at >= today && tr.fromAgentId) tally(tr.fromAgentId).transfers++
  }
  const slots = new Map(ctx.members.map((m) => [m.agentId, m.slots]))
  return ctx.agents.map((a) => {
    const t = tallies.get(a.id)
    const state = states.get(a.id)
    return {
      agentId: a.id,
      name: a.name,
      status: state?.status ?? a.status ?? null,
      statusSince: state?.statusSince ?? null,
      connected: state?.connected ?? false,
      activeChats: t?.active ?? 0,
      slots: slots.get(a.id) ?? null,
      lastReplyAt: t?.lastReplyAt ?? null,
      frtTodayAvgMs: t ? mean(t.frt) : null,
      frtTodayMedianMs: t ? median(t.frt) : null,
      replyTodayAvgMs: t ? mean(t.replies) : null,
      closedToday: t?.closed ?? 0,
      transfersToday: t?.transfers ?? 0,
    }
  })
}
