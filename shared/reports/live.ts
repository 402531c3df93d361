/**
 * The live production view (issue 10 §1.1): per routing group and for the workspace-wide queue,
 * what waits, what is snoozed, what is being handled, what closed today and who is signed in.
 * Pure: facts, agents' states, the settings and a clock in; rows out.
 */
import { ConversationStatus } from '../protocol.ts'
import type { AgentState } from './agentStates.ts'
import type { ConversationFact } from './facts.ts'
import { dayKey, startOfDay } from './period.ts'

/** The row key of the workspace-wide queue (conversations of no routing group). */
export const WORKSPACE_ROW = 'workspace'

export interface LiveAgents {
  /** Agents with a live app connection now. */
  signedIn: number
  online: number
  away: number
  offline: number
}

export interface LiveRow {
  /** A group's id, or `WORKSPACE_ROW`. */
  key: string
  name: string
  waiting: number
  /** Since when the longest current wait runs (epoch ms; null when nobody waits), so the view can tick. */
  longestWaitSince: number | null
  snoozed: number
  /** Open and assigned. */
  handling: number
  /** Closed since the start of today in the workspace's timezone (and still closed). */
  closedToday: number
  agents: LiveAgents
}

export interface LiveView {
  rows: LiveRow[]
  totals: LiveRow
}

export interface LiveContext {
  groups: readonly { id: string; name: string }[]
  members: readonly { agentId: string; groups: readonly string[] }[]
  /** Every agent of the workspace with what the directory says of their status. */
  agents: readonly { id: string; groups?: readonly string[] }[]
  timezone: string
  now: number
}

const emptyRow = (key: string, name: string): LiveRow => ({
  key,
  name,
  waiting: 0,
  longestWaitSince: null,
  snoozed: 0,
  handling: 0,
  closedToday: 0,
  agents: { signedIn: 0, online: 0, away: 0, offline: 0 },
})

/** The start of the workspace's today (epoch ms). */
export function startOfToday(now: number, tz: string): number {
  return startOfDay(dayKey(now, tz), tz)
}

/** Since when a waiting conversation waits: its current queue join, else its first, else its creation. */
export const waitingSince = (f: ConversationFact): number => f.queuedSince ?? f.firstQueuedAt ?? f.createdAt

function addConversation(row: LiveRow, f: ConversationFact, todayStart: number): void {
  switch (f.status) {
    case ConversationStatus.waiting: {
      row.waiting++
      const since = waitingSince(f)
      if (row.longestWaitSince === null || since < row.longestWaitSince) row.longestWaitSince = since
      break
    }
    case ConversationStatus.snoozed:
      row.snoozed++
      break
    case ConversationStatus.open:
      if (f.assigneeId) row.handling++
      break
    case ConversationStatus.closed:
      if (f.closedAt !== null && f.closedAt >= todayStart) row.closedToday++
      break
  }
}

function addAgent(row: LiveRow, state: AgentState | undefined): void {
  if (!state?.connected) return
  row.agents.signedIn++
  row.agents[state.status ?? 'online']++
}

/** The live view now. Agents count in every group they belong to; the workspace row counts those in none. */
export function computeLive(facts: Iterable<ConversationFact>, states: ReadonlyMap<string, AgentState>, ctx: LiveContext): LiveView {
  const todayStart = startOfToday(ctx.now, ctx.timezone)
  const rows = new Map<string, LiveRow>()
  for (const g of ctx.groups) rows.set(g.id, emptyRow(g.id, g.name))
  const workspace = emptyRow(WORKSPACE_ROW, 'Workspace queue')
  const totals = emptyRow('total', 'Total')
  for (const f of facts) {
    addConversation(rows.get(f.groupId ?? '') ?? workspace, f, todayStart)
    addConversation(totals, f, todayStart)
  }
  const membership = new Map<string, Set<string>>()
  for (const a of ctx.agents) membership.set(a.id, new Set(a.groups ?? []))
  for (const m of ctx.members) {
    const set = membership.get(m.agentId) ?? new Set<string>()
    for (const g of m.groups) set.add(g)
    membership.set(m.agentId, set)
  }
  for (const [agentId, groups] of membership) {
    const state = states.get(agentId)
    addAgent(totals, state)
    const known = [...groups].filter((g) => rows.has(g))
    if (!known.length) addAgent(workspace, state)
    for (const g of known) addAgent(rows.get(g)!, state)
  }
  return { rows: [...rows.values(), workspace], totals }
}
