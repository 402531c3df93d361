/**
 * The admin's edits of the routing model (teams, routing groups, skills, memberships, scripts):
 * forms checked into entries of the settings document, and removals that also clear what refers
 * to the removed entry, in one transaction so that no replica ever sees a dangling reference.
 */
import type * as Y from 'yjs'
import {
  ASSIGNMENT_MODES,
  putEntry,
  readCollection,
  removeEntry,
  type AccessRights,
  type AssignmentMode,
  type Membership,
  type RoutingGroup,
  type Script,
  type Settings,
} from './settings.ts'

/** Longest name of a team, group, skill or script: it has to fit in a list row and a picker. */
export const NAME_MAX = 80
/** Largest waiting-list limit of a group; past it "no limit" is what is meant. */
export const MAX_CONVERSATIONS_LIMIT = 10_000
/** Longest "group is full" message: it is shown in the widget's small box. */
export const FULL_MESSAGE_MAX = 500
/** Chats an agent may answer at once. */
export const MIN_SLOTS = 1
export const MAX_SLOTS = 50
/** Longest script URL, as browsers commonly cap addresses. */
export const URL_MAX = 2000

/** A form's errors by field name; empty when the form is valid. */
export type FieldErrors = Record<string, string>
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

const checked = <T>(errors: FieldErrors, value: () => T): Checked<T> => (Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: value() })

/** Why `name` cannot name an entry among `others` (blank, too long, taken); null when it can. */
export function nameError(name: string, others: readonly { id: string; name: string }[], selfId: string | null, what: string): string | null {
  const n = name.trim()
  if (!n) return `Enter a name for the ${what}`
  if (n.length > NAME_MAX) return `Keep the name under ${NAME_MAX} characters`
  const lower = n.toLocaleLowerCase()
  if (others.some((o) => o.id !== selfId && o.name.trim().toLocaleLowerCase() === lower)) return `Another ${what} is already called “${n}”`
  return null
}

// --- routing groups ----------------------------------------------------------------------------

/** A routing group as its form holds it: the limit still as typed. */
export interface GroupDraft {
  id: string
  name: string
  teamId: string | null
  maxConversations: string
  fullMessage: string
  assignment: AssignmentMode
  onlyWhenOnline: boolean
  skills: string[]
  access: AccessRights
}

/** The form of a saved (or new) group. */
export const groupDraft = (g: RoutingGroup): GroupDraft => ({
  ...g,
  skills: [...g.skills],
  access: { ...g.access },
  maxConversations: g.maxConversations === null ? '' : String(g.maxConversations),
})

/** Checks a group's form against the settings it will join. */
export function groupFromDraft(d: GroupDraft, s: Pick<Settings, 'groups' | 'teams' | 'skills'>): Checked<RoutingGroup> {
  const errors: FieldErrors = {}
  const name = nameError(d.name, s.groups, d.id, 'group')
  if (name) errors.name = name
  if (d.teamId !== null && !s.teams.some((t) => t.id === d.teamId)) errors.teamId = 'That team no longer exists'
  const maxText = d.maxConversations.trim()
  const max = maxText === '' ? null : Number(maxText)
  if (max !== null && (!/^\d+$/.test(maxText) || max < 1 || max > MAX_CONVERSATIONS_LIMIT))
    errors.maxConversations = `A whole number from 1 to ${MAX_CONVERSATIONS_LIMIT}, or empty for no limit`
  if (d.fullMessage.trim().length > FULL_MESSAGE_MAX) errors.fullMessage = `Keep the message under ${FULL_MESSAGE_MAX} characters`
  if (max !== null && !d.fullMessage.trim()) errors.fullMessage = 'Tell visitors what to do when the group is full'
  if (!ASSIGNMENT_MODES.includes(d.assignment)) errors.assignment = 'Choose how chats are assigned'
  return checked(errors, () => ({
    id: d.id,
    name: d.name.trim(),
    teamId: d.teamId,
    maxConversations: max,
    fullMessage: d.fullMessage.trim(),
    assignment: d.assignment,
    onlyWhenOnline: d.onlyWhenOnline,
    // A skill removed meanwhile (by another admin) is dropped rather than refused.
    skills: d.skills.filter((id, i, all) => s.skills.some((k) => k.id === id) && all.indexOf(id) === i),
    access: { ...d.access },
  }))
}

// --- memberships -------------------------------------------------------------------------------

export interface MembershipDraft {
  agentId: string
  groups: string[]
  skills: string[]
  slots: string
}

/** The form of an agent's saved membership. */
export const membershipDraft = (m: Membership): MembershipDraft => ({ ...m, groups: [...m.groups], skills: [...m.skills], slots: String(m.slots) })

/** Checks an agent's groups, skills and slots. */
export function membershipFromDraft(d: MembershipDraft, s: Pick<Settings, 'groups' | 'skills'>): Checked<Membership> {
  const errors: FieldErrors = {}
  const text = d.slots.trim()
  const slots = Number(text)
  if (!/^\d+$/.test(text) || slots < MIN_SLOTS || slots > MAX_SLOTS) errors.slots = `A whole number from ${MIN_SLOTS} to ${MAX_SLOTS}`
  const known = (ids: string[], list: readonly { id: string }[]) => ids.filter((id, i) => list.some((x) => x.id === id) && ids.indexOf(id) === i)
  return checked(errors, () => ({ agentId: d.agentId, groups: known(d.groups, s.groups), skills: known(d.skills, s.skills), slots }))
}

// --- scripts -----------------------------------------------------------------------------------

/** A script as its form holds it; `order` is null until a new script is placed after the others. */
export type ScriptDraft = Omit<Script, 'order'> & { order: number | null }

/** Checks a script's form; a new one (order null) goes after the others. */
export function scriptFromDraft(d: ScriptDraft, s: Pick<Settings, 'groups' | 'teams' | 'scripts'>): Checked<Script> {
  const errors: FieldErrors = {}
  const name = nameError(d.name, s.scripts, d.id, 'script')
  if (name) errors.name = name
  const url = d.url.trim()
  if (!url) errors.url = 'Enter the address, or the part of it, that this script matches'
  else if (url.length > URL_MAX) errors.url = `Keep the address under ${URL_MAX} characters`
  else if (/\s/.test(url)) errors.url = 'An address has no spaces'
  else if (d.match === 'full' && !/^https?:\/\/[^/]+/i.test(url)) errors.url = 'A full match compares the whole address: start it with https://'
  if (d.teamId !== null && !s.teams.some((t) => t.id === d.teamId)) errors.teamId = 'That team no longer exists'
  const group = d.groupId === null ? null : s.groups.find((g) => g.id === d.groupId)
  if (group === undefined) errors.groupId = 'That group no longer exists'
  else if (group && d.teamId !== null && group.teamId !== null && group.teamId !== d.teamId) errors.groupId = 'This group belongs to another team'
  return checked(errors, () => ({
    id: d.id,
    name: d.name.trim(),
    url,
    match: d.match,
    teamId: d.teamId,
    groupId: d.groupId,
    onlyWhenOnline: d.onlyWhenOnline,
    requestFormWhenNobody: d.requestFormWhenNobody,
    active: d.active,
    order: d.order ?? s.scripts.reduce((max, x) => Math.max(max, x.order + 1), 0),
  }))
}

/** Moves a script one place up (-1) or down (+1) in the order scripts are tried. */
export function moveScript(doc: Y.Doc, id: string, delta: -1 | 1): void {
  doc.transact(() => {
    const list = readCollection(doc, 'scripts')
    const from = list.findIndex((x) => x.id === id)
    const to = from + delta
    if (from < 0 || to < 0 || to >= list.length) return
    ;[list[from], list[to]] = [list[to]!, list[from]!]
    // Renumber rather than swap: scripts written with equal orders would not move otherwise.
    list.forEach((x, order) => {
      if (x.order !== order) putEntry(doc, 'scripts', { ...x, order })
    })
  })
}

// --- removals ----------------------------------------------------------------------------------

/** What refers to a team: the groups and scripts routed to it, and whether it has working hours. */
export function teamUsage(s: Pick<Settings, 'groups' | 'scripts' | 'hours'>, teamId: string) {
  return {
    groups: s.groups.filter((g) => g.teamId === teamId),
    scripts: s.scripts.filter((x) => x.teamId === teamId),
    hours: s.hours.some((h) => h.teamId === teamId),
  }
}

/** Removes a team, its working hours, and the team of the groups and scripts that named it. */
export function removeTeam(doc: Y.Doc, teamId: string): void {
  doc.transact(() => {
    removeEntry(doc, 'teams', teamId)
    removeEntry(doc, 'hours', teamId)
    for (const g of readCollection(doc, 'groups')) if (g.teamId === teamId) putEntry(doc, 'groups', { ...g, teamId: null })
    for (const x of readCollection(doc, 'scripts')) if (x.teamId === teamId) putEntry(doc, 'scripts', { ...x, teamId: null })
  })
}

/** Removes a routing group, its members' membership of it, and the group of the scripts that named it. */
export function removeGroup(doc: Y.Doc, groupId: string): void {
  doc.transact(() => {
    removeEntry(doc, 'groups', groupId)
    for (const m of readCollection(doc, 'members')) if (m.groups.includes(groupId)) putEntry(doc, 'members', { ...m, groups: m.groups.filter((g) => g !== groupId) })
    for (const x of readCollection(doc, 'scripts')) if (x.groupId === groupId) putEntry(doc, 'scripts', { ...x, groupId: null })
  })
}

/** Removes a skill from the workspace, from the groups that require it and from the agents who have it. */
export function removeSkill(doc: Y.Doc, skillId: string): void {
  doc.transact(() => {
    removeEntry(doc, 'skills', skillId)
    for (const g of readCollection(doc, 'groups')) if (g.skills.includes(skillId)) putEntry(doc, 'groups', { ...g, skills: g.skills.filter((k) => k !== skillId) })
    for (const m of readCollection(doc, 'members')) if (m.skills.includes(skillId)) putEntry(doc, 'members', { ...m, skills: m.skills.filter((k) => k !== skillId) })
  })
}
