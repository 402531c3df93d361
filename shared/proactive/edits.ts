/**
 * The admin's editor of a proactive message: its form's draft (every field as typed), made from a
 * stored message or blank, and turned back into the body the REST API and the settings document
 * take. The checks are schema.ts's, their fields named as the body's paths, which the form's
 * fields carry as their ids.
 */
import { isGroup, type Match, type Presentation, type Rule, type RuleGroup, type RuleOp } from './model.ts'
import type { StoredProactive } from './documents.ts'

export interface RuleDraft {
  field: string
  op: RuleOp
  value: string
}

export interface ProactiveDraft {
  name: string
  siteAll: boolean
  /** One host/path pattern a line. */
  patterns: string
  kind: 'attributes' | 'event'
  match: Match
  rules: RuleDraft[]
  /** Grouped conditions of a stored message (written over REST), kept as they are after the rules. */
  groups: RuleGroup[]
  eventOn: 'click' | 'change' | 'hover' | 'track'
  selector: string
  hoverMs: string
  trackName: string
  fromName: string
  teamId: string | null
  text: string
  presentation: Presentation
  routeKind: 'workspace' | 'team' | 'skill' | 'agent'
  routeId: string
  workingHours: boolean
  agentAvailability: boolean
  slotsLeft: boolean
  per: 'visitor' | 'visit' | 'hours'
  hours: string
  stopAfterReply: boolean
}

export const blankRule = (kind: ProactiveDraft['kind']): RuleDraft => (kind === 'attributes' ? { field: 'url', op: 'contains', value: '' } : { field: 'payload.value', op: '>', value: '' })

export function draftOf(m: StoredProactive | null): ProactiveDraft {
  const onset = m?.onset
  const flat = onset ? (onset.rules as (Rule | RuleGroup)[]).filter((r): r is Rule => !isGroup(r)) : []
  const event = onset?.kind === 'event' ? onset.event : null
  const route = m?.routeTo ?? null
  return {
    name: m?.name ?? '',
    siteAll: m?.site.all ?? true,
    patterns: m?.site.patterns.join('\n') ?? '',
    kind: onset?.kind ?? 'attributes',
    match: onset?.match ?? 'all',
    rules: m ? flat.map((r) => ({ field: r.field, op: r.op, value: r.value === undefined ? '' : String(r.value) })) : [blankRule('attributes')],
    groups: onset?.kind === 'attributes' ? onset.rules.filter(isGroup) : [],
    eventOn: event?.on ?? 'click',
    selector: event && event.on !== 'track' ? event.selector : '',
    hoverMs: event?.on === 'hover' ? String(event.ms) : '500',
    trackName: event?.on === 'track' ? event.name : '',
    fromName: m?.message.fromName ?? '',
    teamId: m?.message.teamId ?? null,
    text: m?.message.text ?? '',
    presentation: m?.message.presentation ?? 'popup',
    routeKind: !route ? 'workspace' : 'teamId' in route ? 'team' : 'skillId' in route ? 'skill' : 'agent',
    routeId: !route ? '' : 'teamId' in route ? route.teamId : 'skillId' in route ? route.skillId : route.agentId,
    workingHours: m?.qualify.workingHours ?? false,
    agentAvailability: m?.qualify.agentAvailability ?? true,
    slotsLeft: m?.qualify.slotsLeft ?? false,
    per: m?.frequency.per ?? 'visitor',
    hours: m?.frequency.per === 'hours' ? String(m.frequency.hours) : '24',
    stopAfterReply: m?.frequency.stopAfterReply ?? true,
  }
}

/** A number as typed ("30", " 2.5 "), or the text itself when it is none (the check then says why). */
const typed = (v: string): string | number => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v.trim())

/** The body the draft stands for, unchecked (schema.ts checks it). */
export function bodyOf(d: ProactiveDraft): unknown {
  const rules = d.rules.map((r) => (r.op === 'isSet' ? { field: r.field.trim(), op: r.op } : { field: r.field.trim(), op: r.op, value: typed(r.value) }))
  const event =
    d.eventOn === 'track' ? { on: 'track', name: d.trackName.trim() } : d.eventOn === 'hover' ? { on: 'hover', selector: d.selector, ms: typed(d.hoverMs) } : { on: d.eventOn, selector: d.selector }
  return {
    name: d.name,
    site: { all: d.siteAll, patterns: d.siteAll ? [] : d.patterns.split('\n').map((p) => p.trim()).filter(Boolean) },
    onset: d.kind === 'attributes' ? { kind: 'attributes', match: d.match, rules: [...rules, ...d.groups] } : { kind: 'event', event, match: d.match, rules },
    message: { fromName: d.fromName, teamId: d.teamId, text: d.text, presentation: d.presentation },
    routeTo: d.routeKind === 'workspace' || !d.routeId ? null : { [`${d.routeKind}Id`]: d.routeId },
    qualify: { workingHours: d.workingHours, agentAvailability: d.agentAvailability, slotsLeft: d.slotsLeft },
    frequency: d.per === 'hours' ? { per: 'hours', hours: typed(d.hours), stopAfterReply: d.stopAfterReply } : { per: d.per, stopAfterReply: d.stopAfterReply },
  }
}
