/**
 * The workspace's configuration: the `settings` and `templates` documents (DESIGN §3.1).
 *
 * Layout. Each collection is a Y.Map keyed by id whose values are plain objects, replaced whole on
 * every edit (never edited in place), so two admins editing different entries merge cleanly and
 * the last writer wins on the same entry. Workspace options are the keys of the Y.Map `workspace`.
 *
 *   settings:  workspace (options) · teams · groups · skills · members · hours · scripts · tags
 *   templates: templates
 *
 * Readers never trust the document: an entry of the wrong shape is skipped, a missing field takes
 * its default, so an old or damaged document still yields usable settings.
 */
import type * as Y from 'yjs'
import type { Principal } from './permissions.ts'
import type { Role } from './protocol.ts'
import { canonicalTimezone } from './timezone.ts'

export type AssignmentMode = 'manual' | 'roundRobin' | 'leastBusy' | 'longestIdle'
export const ASSIGNMENT_MODES: readonly AssignmentMode[] = ['manual', 'roundRobin', 'leastBusy', 'longestIdle']

/** What the visitor may do when nobody can answer (out of hours, nobody online): write anyway, or fill a request form. */
export type OutOfHoursMode = 'async' | 'requestForm'

export interface WorkspaceOptions {
  /** Forbid going offline while holding open chats. */
  restrictOffline: boolean
  /** Give an agent's chats back to their group once they have been offline or away this long; null: never. */
  reassignAfterSeconds: number | null
  /** Whether agents (not only admins) may add and edit reply templates. */
  agentsEditTemplates: boolean
  /** How conversations of no routing group are handed out; manual: agents take them. */
  defaultAssignment: AssignmentMode
  /** The workspace's IANA timezone (`Europe/Paris`): "today" and the reports' days are its days. */
  timezone: string
}

export interface Team {
  id: string
  name: string
}

/** Rights an agent gets from membership of a routing group (admins have them all). */
export interface AccessRights {
  /** Use the omnichannel module (see and answer conversations). */
  omnichannel: boolean
  /** See and take conversations nobody has taken yet. */
  unassignedQueue: boolean
  /** The supervisor's views: live production, reports, reassigning others' chats. */
  management: boolean
  /** Edit the workspace's settings. */
  settings: boolean
}

export interface RoutingGroup {
  id: string
  name: string
  teamId: string | null
  /** Most conversations the group accepts at once (waiting + open); null: no limit. */
  maxConversations: number | null
  /** Told to the visitor when the group is full. */
  fullMessage: string
  assignment: AssignmentMode
  /** Offer the group to visitors only while one of its agents is online. */
  onlyWhenOnline: boolean
  /** Skills an agent needs to be given this group's conversations automatically. */
  skills: string[]
  access: AccessRights
}

export interface Skill {
  id: string
  name: string
}

/** An agent's place in the routing model. */
export interface Membership {
  agentId: string
  groups: string[]
  skills: string[]
  /** How many chats the agent answers at once. */
  slots: number
}

/** Minutes from midnight, local to the schedule's timezone: `[start, end)`. */
export type Interval = [number, number]
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** A team's working hours. */
export interface WorkingHours {
  /** The team this schedule belongs to (also the entry's key). */
  teamId: string
  /** An IANA timezone, e.g. `Europe/Paris`. */
  timezone: string
  week: Record<Weekday, Interval[]>
  /** Closed days, `YYYY-MM-DD` in the schedule's timezone. */
  holidays: string[]
  outOfHours: OutOfHoursMode
}

/** Sends chats started on matching site pages to a team and group. */
export interface Script {
  id: string
  name: string
  /** Matched against the page URL: equal to it (`full`) or contained in it (`partial`). */
  url: string
  match: 'full' | 'partial'
  teamId: string | null
  groupId: string | null
  /** Offer this route only while one of the group's agents is online. */
  onlyWhenOnline: boolean
  /** Replace the chat with the request form when nobody can answer. */
  requestFormWhenNobody: boolean
  active: boolean
  /** Lower runs first. */
  order: number
}

export interface Tag {
  id: string
  name: string
}

export interface Template {
  id: string
  /** What follows `/` in the composer to find it, e.g. `refund`. */
  tag: string
  title: string
  /** May hold variables: `{visitor.name}`, `{visitor.email}`, `{agent.name}`. */
  text: string
  /** Channels it is offered on; empty: all. */
  channels: string[]
}

export interface Settings {
  workspace: WorkspaceOptions
  teams: Team[]
  groups: RoutingGroup[]
  skills: Skill[]
  members: Membership[]
  hours: WorkingHours[]
  scripts: Script[]
  tags: Tag[]
}

export const DEFAULT_TIMEZONE = 'UTC'
export const DEFAULT_OPTIONS: WorkspaceOptions = {
  restrictOffline: false,
  reassignAfterSeconds: null,
  agentsEditTemplates: false,
  defaultAssignment: 'manual',
  timezone: DEFAULT_TIMEZONE,
}
export const NO_RIGHTS: AccessRights = { omnichannel: false, unassignedQueue: false, management: false, settings: false }
export const AGENT_RIGHTS: AccessRights = { omnichannel: true, unassignedQueue: true, management: false, settings: false }
export const DEFAULT_SLOTS = 5

/** The collections of the `settings` document, by Y.Map name. */
export type Collection = 'teams' | 'groups' | 'skills' | 'members' | 'hours' | 'scripts' | 'tags'
export const COLLECTIONS: readonly Collection[] = ['teams', 'groups', 'skills', 'members', 'hours', 'scripts', 'tags']

// --- reading -------------------------------------------------------------------------------

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown, fallback = '') => (typeof v === 'string' ? v : fallback)
const strOrNull = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null)
const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback)
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null)

function rights(v: unknown): AccessRights {
  const o = isObj(v) ? v : {}
  return {
    omnichannel: bool(o.omnichannel, AGENT_RIGHTS.omnichannel),
    unassignedQueue: bool(o.unassignedQueue, AGENT_RIGHTS.unassignedQueue),
    management: bool(o.management, false),
    settings: bool(o.settings, false),
  }
}

function intervals(v: unknown): Interval[] {
  if (!Array.isArray(v)) return []
  const out: Interval[] = []
  for (const x of v) {
    if (Array.isArray(x) && x.length === 2) {
      const [a, b] = x
      if (typeof a === 'number' && typeof b === 'number' && a >= 0 && b <= 24 * 60 && a < b) out.push([a, b])
    }
  }
  return out.sort((p, q) => p[0] - q[0])
}

const readers: { [K in Collection]: (id: string, o: Obj) => Settings[K][number] | null } = {
  teams: (id, o) => ({ id, name: str(o.name, id) }),
  skills: (id, o) => ({ id, name: str(o.name, id) }),
  tags: (id, o) => (str(o.name) ? { id, name: str(o.name) } : null),
  groups: (id, o) => ({
    id,
    name: str(o.name, id),
    teamId: strOrNull(o.teamId),
    maxConversations: count(o.maxConversations),
    fullMessage: str(o.fullMessage, 'All our agents are busy right now. Please try again a little later.'),
    assignment: ASSIGNMENT_MODES.includes(o.assignment as AssignmentMode) ? (o.assignment as AssignmentMode) : 'manual',
    onlyWhenOnline: bool(o.onlyWhenOnline, false),
    skills: strings(o.skills),
    access: rights(o.access),
  }),
  members: (id, o) => ({ agentId: id, groups: strings(o.groups), skills: strings(o.skills), slots: count(o.slots) ?? DEFAULT_SLOTS }),
  hours: (id, o) => {
    const week = isObj(o.week) ? o.week : {}
    return {
      teamId: id,
      timezone: str(o.timezone, 'UTC') || 'UTC',
      week: Object.fromEntries(WEEKDAYS.map((d) => [d, intervals(week[d])])) as Record<Weekday, Interval[]>,
      holidays: strings(o.holidays).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)),
      outOfHours: o.outOfHours === 'requestForm' ? 'requestForm' : 'async',
    }
  },
  scripts: (id, o) =>
    str(o.url)
      ? {
          id,
          name: str(o.name, id),
          url: str(o.url),
          match: o.match === 'full' ? 'full' : 'partial',
          teamId: strOrNull(o.teamId),
          groupId: strOrNull(o.groupId),
          onlyWhenOnline: bool(o.onlyWhenOnline, false),
          requestFormWhenNobody: bool(o.requestFormWhenNobody, false),
          active: bool(o.active, true),
          order: typeof o.order === 'number' ? o.order : 0,
        }
      : null,
}

/** One collection of the settings document, in a stable order (by name, else id; scripts by `order`). */
export function readCollection<K extends Collection>(doc: Y.Doc, name: K): Settings[K] {
  const out: Settings[K][number][] = []
  doc.getMap<unknown>(name).forEach((value, id) => {
    if (!isObj(value)) return
    const entry = readers[name](id, value)
    if (entry) out.push(entry)
  })
  const key = (e: Obj) => str(e.name, str(e.id, str(e.agentId, str(e.teamId))))
  if (name === 'scripts') (out as Script[]).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id))
  else out.sort((a, b) => key(a as unknown as Obj).localeCompare(key(b as unknown as Obj)))
  return out as Settings[K]
}

export function readOptions(doc: Y.Doc): WorkspaceOptions {
  const m = doc.getMap<unknown>('workspace')
  const grace = m.get('reassignAfterSeconds')
  return {
    restrictOffline: m.get('restrictOffline') === true,
    reassignAfterSeconds: typeof grace === 'number' && grace >= 0 ? grace : null,
    agentsEditTemplates: m.get('agentsEditTemplates') === true,
    defaultAssignment: ASSIGNMENT_MODES.includes(m.get('defaultAssignment') as AssignmentMode) ? (m.get('defaultAssignment') as AssignmentMode) : 'manual',
    timezone: canonicalTimezone(m.get('timezone')) ?? DEFAULT_TIMEZONE,
  }
}

/** The whole settings document as plain data. */
export function readSettings(doc: Y.Doc): Settings {
  return {
    workspace: readOptions(doc),
    teams: readCollection(doc, 'teams'),
    groups: readCollection(doc, 'groups'),
    skills: readCollection(doc, 'skills'),
    members: readCollection(doc, 'members'),
    hours: readCollection(doc, 'hours'),
    scripts: readCollection(doc, 'scripts'),
    tags: readCollection(doc, 'tags'),
  }
}

/** The reply templates of a `templates` document, by tag. */
export function readTemplates(doc: Y.Doc): Template[] {
  const out: Template[] = []
  doc.getMap<unknown>('templates').forEach((v, id) => {
    if (!isObj(v) || !str(v.tag) || !str(v.text)) return
    out.push({ id, tag: str(v.tag), title: str(v.title, str(v.tag)), text: str(v.text), channels: strings(v.channels) })
  })
  return out.sort((a, b) => a.tag.localeCompare(b.tag))
}

// --- writing (admin UI; the server for memberships it creates) --------------------------------

/** The key an entry is stored under. */
const keyOf = (entry: Obj) => str(entry.id, str(entry.agentId, str(entry.teamId)))

/** Adds or replaces one entry of a collection (whole, never edited in place). */
export function putEntry<K extends Collection>(doc: Y.Doc, name: K, entry: Settings[K][number]): void {
  const { ...plain } = entry as unknown as Obj
  const key = keyOf(plain)
  if (!key) throw new Error(`a ${name} entry needs an id`)
  doc.getMap<unknown>(name).set(key, plain)
}

export function removeEntry(doc: Y.Doc, name: Collection, id: string): void {
  doc.getMap<unknown>(name).delete(id)
}

export function setOption<K extends keyof WorkspaceOptions>(doc: Y.Doc, key: K, value: WorkspaceOptions[K]): void {
  doc.getMap<unknown>('workspace').set(key, value)
}

export function putTemplate(doc: Y.Doc, t: Template): void {
  doc.getMap<unknown>('templates').set(t.id, { ...t })
}

export function removeTemplate(doc: Y.Doc, id: string): void {
  doc.getMap<unknown>('templates').delete(id)
}

// --- derived ---------------------------------------------------------------------------------

/** The rights an agent holds through the groups they belong to; admins hold every right. */
export function rightsOf(settings: Pick<Settings, 'groups' | 'members'>, agentId: string, role: string): AccessRights {
  if (role === 'admin') return { omnichannel: true, unassignedQueue: true, management: true, settings: true }
  const m = settings.members.find((x) => x.agentId === agentId)
  const groups = settings.groups.filter((g) => m?.groups.includes(g.id))
  // An agent in no group keeps the default agent's rights (a workspace without groups still works).
  if (!groups.length) return role === 'supervisor' ? { ...AGENT_RIGHTS, management: true } : { ...AGENT_RIGHTS }
  const r = { ...NO_RIGHTS }
  for (const g of groups) for (const k of Object.keys(r) as (keyof AccessRights)[]) r[k] ||= g.access[k]
  if (role === 'supervisor') r.management = true
  return r
}

/**
 * An agent's principal under the workspace's settings: their groups are the union of those given
 * at their creation and their membership in `settings`. The server decides access with it; the
 * app uses it to show only what the server will let the agent reach.
 */
export function principalOf(agent: { id: string; role: Role; groups: readonly string[] }, settings: Settings | null): Principal {
  const member = settings?.members.find((m) => m.agentId === agent.id)
  const groups = [...new Set([...agent.groups, ...(member?.groups ?? [])])]
  const rights = rightsOf({ groups: settings?.groups ?? [], members: [{ agentId: agent.id, groups, skills: [], slots: 0 }] }, agent.id, agent.role)
  return { id: agent.id, role: agent.role, groups, ...rights, templates: rights.settings || settings?.workspace.agentsEditTemplates === true }
}

/** Fills a template's variables; unknown variables stay as typed, so nothing silently disappears. */
export function fillTemplate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/\{([a-z]+\.[a-z]+)\}/gi, (whole, name: string) => {
    const v = vars[name]
    return v === undefined || v === '' ? whole : v
  })
}
