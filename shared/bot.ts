/**
 * The bot that comes before routing: it greets a new widget conversation, asks qualifying
 * questions with buttons, stores the answers on the client card, and hands the conversation to
 * a routing group chosen by the answers. Its configuration is the `bot` map of the `settings`
 * document (one key, `config`, a plain object replaced whole on each edit).
 *
 * Pure: the server and the admin UI call these with plain data. No Yjs import at runtime.
 */
import type * as Y from 'yjs'

/** One button of a question: what the visitor sees (`label`) and what is stored (`value`). */
export interface BotOption {
  label: string
  value: string
}

export interface BotQuestion {
  id: string
  text: string
  /** The client card's custom field the answer is stored under. */
  attribute: string
  /** The buttons; none: any typed text is the answer. */
  options: BotOption[]
}

/** A condition on one answer; a route's conditions must all hold. */
export interface BotCondition {
  attribute: string
  value: string
}

export interface BotRoute {
  when: BotCondition[]
  groupId: string
}

export interface BotConfig {
  enabled: boolean
  greeting: string
  questions: BotQuestion[]
  /** The first route whose conditions all hold chooses the group. */
  routes: BotRoute[]
  /** Where the conversation goes when no route matches; null: the workspace-wide queue. */
  fallbackGroupId: string | null
  /** The bot's last words before an agent takes over. */
  handoffText: string
}

/** Answers of one conversation, by attribute. */
export type BotAnswers = Readonly<Record<string, string>>

/** What the bot does next: ask a question, or hand over to a group (null: the workspace-wide queue). */
export type BotStep = { question: BotQuestion } | { escalate: string | null }

/** How a visitor's reply reads against a question: an answer, or a line asking again. */
export type BotReading = { value: string } | { retry: string }

export const BOT_LIMITS = {
  questions: 20,
  options: 12,
  routes: 50,
  conditions: 10,
  text: 1000,
  label: 80,
  /** A stored answer is a client-card field: held to an attribute's length (see `WidgetDataLimits`). */
  value: 500,
} as const

/** Ids of questions and attributes: the client card's field names. */
export const BOT_ATTRIBUTE = /^[A-Za-z0-9_-]{1,64}$/

export const DEFAULT_BOT_CONFIG: BotConfig = {
  enabled: false,
  greeting: 'Hi! Let me find the right person for you.',
  questions: [],
  routes: [],
  fallbackGroupId: null,
  handoffText: 'Thanks! Someone from our team will be with you shortly.',
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown, fallback: string, max: number) => (typeof v === 'string' ? v.slice(0, max) : fallback)
const list = (v: unknown, max: number) => (Array.isArray(v) ? v.slice(0, max) : [])

function options(v: unknown): BotOption[] {
  const out: BotOption[] = []
  for (const o of list(v, BOT_LIMITS.options)) {
    if (!isObj(o)) continue
    const label = str(o.label, '', BOT_LIMITS.label).trim()
    const value = str(o.value, label, BOT_LIMITS.value).trim() || label
    if (label && !out.some((x) => x.value === value)) out.push({ label, value })
  }
  return out
}

/** Reads a bot configuration from untrusted data, with defaults for what is missing or wrong. */
export function parseBotConfig(v: unknown): BotConfig {
  const d = DEFAULT_BOT_CONFIG
  const o = isObj(v) ? v : {}
  const questions: BotQuestion[] = []
  for (const q of list(o.questions, BOT_LIMITS.questions)) {
    if (!isObj(q) || typeof q.attribute !== 'string' || !BOT_ATTRIBUTE.test(q.attribute)) continue
    // One answer per attribute: a second question storing under the same field could never be asked.
    if (questions.some((x) => x.attribute === q.attribute)) continue
    const text = str(q.text, '', BOT_LIMITS.text).trim()
    if (!text) continue
    const id = typeof q.id === 'string' && BOT_ATTRIBUTE.test(q.id) ? q.id : q.attribute
    questions.push({ id, text, attribute: q.attribute, options: options(q.options) })
  }
  const routes: BotRoute[] = []
  for (const r of list(o.routes, BOT_LIMITS.routes)) {
    if (!isObj(r) || typeof r.groupId !== 'string' || !r.groupId) continue
    const when = list(r.when, BOT_LIMITS.conditions)
      .filter((c): c is Obj => isObj(c) && typeof c.attribute === 'string' && typeof c.value === 'string')
      .map((c) => ({ attribute: c.attribute as string, value: (c.value as string).slice(0, BOT_LIMITS.value) }))
    routes.push({ when, groupId: r.groupId.slice(0, 64) })
  }
  return {
    enabled: o.enabled === true,
    greeting: str(o.greeting, d.greeting, BOT_LIMITS.text),
    questions,
    routes,
    fallbackGroupId: typeof o.fallbackGroupId === 'string' && o.fallbackGroupId ? o.fallbackGroupId.slice(0, 64) : null,
    handoffText: str(o.handoffText, d.handoffText, BOT_LIMITS.text),
  }
}

/** The bot configuration held in a settings document. */
export function readBotConfig(doc: Y.Doc): BotConfig {
  return parseBotConfig(doc.getMap<unknown>('bot').get('config'))
}

/** Replaces the bot configuration of a settings document (whole). */
export function writeBotConfig(doc: Y.Doc, config: BotConfig): void {
  doc.getMap<unknown>('bot').set('config', JSON.parse(JSON.stringify(config)) as unknown)
}

/** Whether a new conversation should meet the bot: enabled and with something to say or ask. */
export function botActive(config: BotConfig): boolean {
  return config.enabled && (config.questions.length > 0 || config.greeting.trim() !== '')
}

/** The first question not answered yet, or the group to hand over to once all are. */
export function nextStep(config: BotConfig, answers: BotAnswers): BotStep {
  const question = config.questions.find((q) => !Object.hasOwn(answers, q.attribute))
  return question ? { question } : { escalate: chooseGroup(config, answers) }
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase()

/**
 * Reads a reply to a question: a button's value (`choice`), else typed text equal to an option's
 * label or value ignoring case; a question without options takes any text.
 */
export function answerOf(question: BotQuestion, input: { text: string; choice?: string | null }): BotReading {
  const text = input.text.trim()
  if (!question.options.length) return text ? { value: text.slice(0, BOT_LIMITS.value) } : { retry: 'Please type your answer.' }
  const byChoice = input.choice != null ? question.options.find((o) => o.value === input.choice) : undefined
  const found = byChoice ?? question.options.find((o) => same(o.label, text)) ?? question.options.find((o) => same(o.value, text))
  if (found) return { value: found.value }
  return { retry: `Please choose one of: ${question.options.map((o) => o.label).join(', ')}.` }
}

/** The group the answers lead to: the first route whose conditions all hold, else the fallback. */
export function chooseGroup(config: BotConfig, answers: BotAnswers): string | null {
  for (const r of config.routes) {
    if (r.when.every((c) => Object.hasOwn(answers, c.attribute) && same(answers[c.attribute]!, c.value))) return r.groupId
  }
  return config.fallbackGroupId
}

/** The first problem of a configuration about to be saved, in the admin's words; null when it can be. */
export function botConfigProblem(config: BotConfig, groupIds: readonly string[]): string | null {
  if (config.greeting.length > BOT_LIMITS.text) return `The greeting has at most ${BOT_LIMITS.text} characters.`
  if (config.handoffText.length > BOT_LIMITS.text) return `The handoff text has at most ${BOT_LIMITS.text} characters.`
  if (config.questions.length > BOT_LIMITS.questions) return `At most ${BOT_LIMITS.questions} questions.`
  if (config.enabled && !config.questions.length && !config.greeting.trim()) return 'Give the bot a greeting or a question.'
  const attributes = new Set<string>()
  for (const [i, q] of config.questions.entries()) {
    const n = `Question ${i + 1}`
    if (!q.text.trim()) return `${n}: write the question.`
    if (q.text.length > BOT_LIMITS.text) return `${n}: at most ${BOT_LIMITS.text} characters.`
    if (!BOT_ATTRIBUTE.test(q.attribute)) return `${n}: the field name uses letters, digits, _ and - only (1–64).`
    if (attributes.has(q.attribute)) return `${n}: another question already stores its answer as “${q.attribute}”.`
    attributes.add(q.attribute)
    if (q.options.length > BOT_LIMITS.options) return `${n}: at most ${BOT_LIMITS.options} buttons.`
    const values = new Set<string>()
    for (const o of q.options) {
      if (!o.label.trim()) return `${n}: every button needs a label.`
      if (o.label.length > BOT_LIMITS.label) return `${n}: a button's label has at most ${BOT_LIMITS.label} characters.`
      const value = (o.value.trim() || o.label.trim()).toLowerCase()
      if (values.has(value)) return `${n}: two buttons have the value “${o.value || o.label}”.`
      values.add(value)
    }
  }
  for (const [i, r] of config.routes.entries()) {
    const n = `Route ${i + 1}`
    if (!groupIds.includes(r.groupId)) return `${n}: choose a group.`
    if (!r.when.length) return `${n}: add a condition.`
    for (const c of r.when) if (!attributes.has(c.attribute)) return `${n}: “${c.attribute}” is not asked by any question.`
  }
  if (config.fallbackGroupId !== null && !groupIds.includes(config.fallbackGroupId)) return 'The fallback group no longer exists.'
  return null
}
