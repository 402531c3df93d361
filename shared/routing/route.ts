/**
 * Where a new conversation goes: which group and team, and whether it may wait there (queued),
 * is refused because the group is full, arrives out of hours, or finds nobody online.
 * Pure: settings, agents' presence, group loads and the clock in; a decision out.
 */
import type { RoutingGroup, Script } from '../settings.ts'
import { isOpen } from './hours.ts'
import { indexSettings, poolOfGroup, poolOfSkill, poolsOf, WORKSPACE_POOL, type AgentState, type RoutingIndex, type RoutingSettings } from './model.ts'

/** An explicit destination: a proactive message's routing, or a transfer. */
export type RouteTarget = { groupId: string } | { agentId: string } | { skillId: string }

export type RouteOutcome = 'queued' | 'full' | 'outOfHours' | 'noAgents'

/** Where a conversation goes and what the visitor is told. */
export interface RouteDecision {
  /** The routing group; null: the workspace-wide queue. */
  groupId: string | null
  /** The team whose hours apply (the group's; a script's when it names no group); null: always open. */
  teamId: string | null
  /** Set when sent to a skill: only agents with it may take the conversation. */
  skillId: string | null
  /** Set when sent to one agent: theirs at once, whatever their status (as a transfer to them is). */
  agentId: string | null
  /** The script that placed it, if one did. */
  scriptId: string | null
  /**
   * queued: it waits in its queue for an agent. full: refused, the group holds its maximum;
   * tell the visitor `message`. outOfHours: the team is closed. noAgents: nobody of the group is online.
   * The last two still wait in the queue (the visitor may write and be answered later) unless
   * `requestForm` says to show the request form instead.
   */
  outcome: RouteOutcome
  /** The group's full message, with `full`. */
  message?: string
  /** Replace the chat with the request form (out of hours in `requestForm` mode, or the script says so when nobody is online). */
  requestForm: boolean
}

/** What the router needs to know of the moment. */
export interface RouteContext {
  index: RoutingIndex
  /** Conversations of a group waiting or open now. */
  load(groupId: string): number
  /** Whether an agent of the pool (see `poolOfGroup`, `poolOfSkill`, `WORKSPACE_POOL`) is online. */
  online(pool: string): boolean
  now: number
}

/** The new conversation: where it started and where it was sent, if anywhere. */
export interface RouteRequest {
  /** The page the widget was on; null for other channels. */
  pageUrl: string | null
  /** `widget`, `telegram`, `email`…: scripts apply to the widget's pages only. */
  channel: string
  target?: RouteTarget | null
}

/** Trailing slashes do not make a different page (`/pricing` and `/pricing/`). */
const trimSlashes = (url: string) => url.trim().replace(/\/+$/, '')

// Scripts are plain data replaced whole on edit: trim each one's URL once, not on every visitor.
const trimmed = new WeakMap<Pick<Script, 'url'>, string>()
function wanted(script: Pick<Script, 'url'>): string {
  let want = trimmed.get(script)
  if (want === undefined) trimmed.set(script, (want = trimSlashes(script.url)))
  return want
}

/** Whether a script's URL matches a page: equal ignoring trailing slashes (`full`), or contained in it (`partial`). */
export function scriptMatches(script: Pick<Script, 'url' | 'match'>, pageUrl: string, trimmedPage = trimSlashes(pageUrl)): boolean {
  const want = wanted(script)
  if (!want) return false
  return script.match === 'full' ? trimmedPage === want : pageUrl.includes(want)
}

/** Decides with a prepared context; the dispatcher calls this with its live counters. */
export function decideRoute(ctx: RouteContext, req: RouteRequest): RouteDecision {
  const target = req.target ?? null
  if (target && 'agentId' in target) {
    return { groupId: null, teamId: null, skillId: null, agentId: target.agentId, scriptId: null, outcome: 'queued', requestForm: false }
  }
  if (target && 'skillId' in target) return place(ctx, null, null, target.skillId)
  if (target && 'groupId' in target) {
    // A group deleted since the transfer or message was set up: the workspace-wide queue still answers.
    return place(ctx, ctx.index.groups.get(target.groupId) ?? null, null, null)
  }
  if (req.channel === 'widget' && req.pageUrl) {
    const page = trimSlashes(req.pageUrl)
    for (const script of ctx.index.scripts) {
      if (!scriptMatches(script, req.pageUrl, page)) continue
      const group = script.groupId ? ctx.index.groups.get(script.groupId) : null
      // A script pointing at a deleted group leads nowhere: let the next one decide.
      if (group === undefined) continue
      if ((script.onlyWhenOnline || group?.onlyWhenOnline) && !ctx.online(group ? poolOfGroup(group.id) : WORKSPACE_POOL)) continue
      return place(ctx, group, script, null)
    }
  }
  // Nothing placed it: the workspace-wide queue, which belongs to no team and so keeps no hours.
  return place(ctx, null, null, null)
}

function place(ctx: RouteContext, group: RoutingGroup | null, script: Script | null, skillId: string | null): RouteDecision {
  const teamId = (group ? group.teamId : null) ?? script?.teamId ?? null
  const base = { groupId: group?.id ?? null, teamId, skillId, agentId: null, scriptId: script?.id ?? null }
  // The limit comes first: it caps what a group holds, and out-of-hours conversations wait in it too.
  if (group && group.maxConversations !== null && ctx.load(group.id) >= group.maxConversations) {
    return { ...base, outcome: 'full', message: group.fullMessage, requestForm: false }
  }
  const hours = teamId ? ctx.index.hours.get(teamId) : undefined
  if (hours && !isOpen(hours, ctx.now)) return { ...base, outcome: 'outOfHours', requestForm: hours.outOfHours === 'requestForm' }
  const pool = group ? poolOfGroup(group.id) : skillId ? poolOfSkill(skillId) : WORKSPACE_POOL
  if (!ctx.online(pool)) return { ...base, outcome: 'noAgents', requestForm: script?.requestFormWhenNobody ?? false }
  return { ...base, outcome: 'queued', requestForm: false }
}

/** Everything `routeConversation` reads; plain data. */
export interface RouteInput extends RouteRequest {
  settings: RoutingSettings
  agents: readonly AgentState[]
  /** Conversations waiting or open per group id (missing: none). */
  load: Readonly<Record<string, number>>
  now: number
}

/** Where a new conversation goes (see `RouteDecision`). */
export function routeConversation(input: RouteInput): RouteDecision {
  const index = indexSettings(input.settings)
  let online: Set<string> | null = null
  const ctx: RouteContext = {
    index,
    now: input.now,
    load: (groupId) => input.load[groupId] ?? 0,
    online: (pool) => {
      // Built on first question only: most routes ask once, some never.
      online ??= new Set(input.agents.filter((a) => a.status === 'online').flatMap((a) => poolsOf(index, a)))
      return online.has(pool)
    },
  }
  return decideRoute(ctx, input)
}
