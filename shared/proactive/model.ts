/**
 * Proactive messages (the admin's Settings › Proactive messages): what starts one (its onset),
 * what it says and where the reply goes, what must hold for it to be sent, and how often. Types
 * only, light enough for the widget's loader, which evaluates onsets itself (rules.ts,
 * selectors.ts); validation of what an admin or an integration sends is schema.ts.
 */

/** Text operators compare without regard to case; numeric ones need numbers on both sides. */
export const TEXT_OPS = ['equals', 'notEquals', 'contains', 'startsWith', 'wildcard'] as const
export const NUMBER_OPS = ['=', '!=', '>', '<', '>=', '<='] as const
export const OPS = [...TEXT_OPS, ...NUMBER_OPS, 'isSet'] as const
export type RuleOp = (typeof OPS)[number]

/**
 * What a rule on visitor attributes may look at: the page (`url`, `title`, `referrer`), time on
 * this page and on the site this visit (s), pages seen this visit, the visit number (1: new),
 * `device` (`mobile` / `desktop`), `language` (the browser's), `utm.<source|medium|campaign|term|content>`
 * and `attr.<name>` (custom attributes set by `Parley.setAttributes`). On a site event's payload:
 * `payload.<field>`, `element.<data-attribute>` or `value`.
 */
export const ATTRIBUTE_FIELDS = ['url', 'title', 'referrer', 'timeOnPage', 'timeOnSite', 'pagesSeen', 'visitNumber', 'device', 'language'] as const
export const UTM_FIELDS = ['source', 'medium', 'campaign', 'term', 'content'] as const

export interface Rule {
  field: string
  op: RuleOp
  /** Absent for `isSet`. */
  value?: string | number
}

export type Match = 'all' | 'any'

/** Rules combined with all / any, one level of groups. */
export interface RuleGroup {
  match: Match
  rules: Rule[]
}

export interface AttributesOnset {
  kind: 'attributes'
  match: Match
  rules: (Rule | RuleGroup)[]
}

export type SiteEvent = { on: 'click' | 'change'; selector: string } | { on: 'hover'; selector: string; ms: number } | { on: 'track'; name: string }

export interface EventOnset {
  kind: 'event'
  event: SiteEvent
  match: Match
  /** On the event's payload, element or value (empty: the event alone). */
  rules: Rule[]
}

export type Onset = AttributesOnset | EventOnset

export type Presentation = 'popup' | 'badge' | 'preview'

export interface ProactiveContent {
  /** Shown as the sender (the company, a person). */
  fromName: string
  /** The team whose look (avatar, name) the message takes; null: the workspace's. */
  teamId: string | null
  /** May use `{name}` when the visitor's name is known. */
  text: string
  presentation: Presentation
}

/** Where the visitor's reply goes; null: the workspace's routing. */
export type RouteTo = { teamId: string } | { skillId: string } | { agentId: string } | null

export interface Qualify {
  /** Within the working hours of the message's team (the workspace's when none). */
  workingHours: boolean
  /** Someone who could take the reply is online. */
  agentAvailability: boolean
  /** One of those has a free slot. */
  slotsLeft: boolean
}

export type Frequency = { per: 'visitor' | 'visit'; stopAfterReply: boolean } | { per: 'hours'; hours: number; stopAfterReply: boolean }

/** Which pages a message runs on: every page, or those whose host and path match a pattern (`*` matches any run). */
export interface SitePatterns {
  all: boolean
  patterns: string[]
}

export type ProactiveStatus = 'draft' | 'live'

export interface ProactiveMessage {
  id: string
  /** Bumped by each save: a write naming an older version is refused (409). */
  version: number
  status: ProactiveStatus
  name: string
  site: SitePatterns
  onset: Onset
  message: ProactiveContent
  routeTo: RouteTo
  qualify: Qualify
  frequency: Frequency
}

/** Why a matched message was not sent (the funnel's "why was it not sent?"). */
export const SUPPRESSION_REASONS = ['out_of_hours', 'no_agents', 'no_slots', 'frequency'] as const
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number]

export const isGroup = (r: Rule | RuleGroup): r is RuleGroup => 'rules' in r
