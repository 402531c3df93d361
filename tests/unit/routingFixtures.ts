/** Small readable settings for the routing tests. */
import type { AgentState, RoutingSettings } from '../../shared/routing/model.ts'
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
