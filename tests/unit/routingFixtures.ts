/** Small readable settings for the routing tests. */
import type { Dispatcher } from '../../shared/routing/dispatcher.ts'
import type { AgentState, RoutingSettings } from '../../shared/routing/model.ts'
import { queuePositions, type QueuePosition, type WaitingConversation } from '../../shared/routing/queuePositions.ts'
import { AGENT_RIGHTS, type Interval, type Membership, type RoutingGroup, type Script, type Weekday, type WorkingHours } from '../../shared/settings.ts'

/** Wednesday 2026-03-18, 10:00 in Paris (09:00 UTC). */
export const NOW = Date.parse('2026-03-18T09:00:00Z')

export const group = (id: string, over: Partial<RoutingGroup> = {}): RoutingGroup => ({
  id,
  name: id,
  teamId: null,
  maxConversations: null,
  fullMessage: `${id} is full`,
  assignment: 'leastBusy',
  onlyWhenOnline: false,
  skills: [],
  access: { ...AGENT_RIGHTS },
  ...over,
})

export const member = (agentId: string, groups: string[], over: Partial<Membership> = {}): Membership => ({ agentId, groups, skills: [], slots: 3, ...over })

export const script = (id: string, url: string, over: Partial<Script> = {}): Script => ({
  id,
  name: id,
  url,
  match: 'partial',
  teamId: null,
  groupId: null,
  onlyWhenOnline: false,
  requestFormWhenNobody: false,
  active: true,
  order: 0,
  ...over,
})

const NO_HOURS: Record<Weekday, Interval[]> = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }
const NINE_TO_SIX: Interval[] = [[9 * 60, 18 * 60]]

/** Weekdays 9:00–18:00 in Paris unless told otherwise. */
export const hours = (teamId: string, over: Partial<WorkingHours> & { days?: Partial<Record<Weekday, Interval[]>> } = {}): WorkingHours => {
  const { days, ...rest } = over
  return {
    teamId,
    timezone: 'Europe/Paris',
    week: { ...NO_HOURS, mon: NINE_TO_SIX, tue: NINE_TO_SIX, wed: NINE_TO_SIX, thu: NINE_TO_SIX, fri: NINE_TO_SIX, ...days },
    holidays: [],
    outOfHours: 'async',
    ...rest,
  }
}

export const settings = (over: Partial<RoutingSettings> = {}): RoutingSettings => ({ groups: [], members: [], hours: [], scripts: [], ...over })

export const agent = (id: string, over: Partial<AgentState> = {}): AgentState => ({ id, status: 'online', idleSince: 0, ...over })

/** Every conversation waiting for an agent, read from the dispatcher's records (not its lines): the tests' oracle. */
export function waitingList(d: Dispatcher): WaitingConversation[] {
  return [...d.convs.values()].filter((c) => c.queued && c.line).map((c) => ({ id: c.id, queue: c.line!.key, since: c.since }))
}

/** Queue position and estimated wait of every waiting conversation, recomputed from scratch by `queuePositions`: what the dispatcher's lines and `queuePlaces` must agree with. */
export function positions(d: Dispatcher): QueuePosition[] {
  const waiting = waitingList(d)
  const capacity: Record<string, number> = {}
  for (const q of d.queues.values()) {
    if (!waiting.some((w) => w.queue === q.key)) continue
    capacity[q.key] = q.members.filter((a) => a.state.status === 'online').reduce((n, a) => n + a.slots, 0)
  }
  return queuePositions(waiting, { handling: Object.fromEntries(d.history), capacity })
}
