/**
 * How the visitor widget looks and behaves: the `widget` map of the `settings` document (one key,
 * `config`, holding a plain object replaced whole on each edit). The server sends the public part
 * to every widget in its welcome frame; what only the server needs (email notifications) stays out.
 *
 * This file is imported by the widget: keep it free of dependencies (no Yjs import at runtime).
 */
import type * as Y from 'yjs'

export type ActivationMode = 'reactive' | 'proactiveInvite' | 'proactiveNoInvite'
export const ACTIVATION_MODES: readonly ActivationMode[] = ['reactive', 'proactiveInvite', 'proactiveNoInvite']

export type FormFieldType = 'text' | 'email' | 'tel' | 'textarea' | 'select'
export const FORM_FIELD_TYPES: readonly FormFieldType[] = ['text', 'email', 'tel', 'textarea', 'select']

/** One field of the pre-chat (data-collection) form or of the request form. */
export interface FormField {
  /** The key the answer is stored under on the client card: `name`, `email`, `phone`, or a custom one. */
  id: string
  label: string
  type: FormFieldType
  required: boolean
  /** The choices of a `select`. */
  options: string[]
}

export interface WidgetColors {
  /** Launcher, header and buttons. */
  accent: string
  agentBubble: string
  agentText: string
  visitorBubble: string
  visitorText: string
}

export interface WidgetConfig {
  colors: WidgetColors
  position: 'right' | 'left'
  /** The launcher's words, e.g. "Chat with us". */
  launcherText: string
  /** Show one department name and avatar instead of each agent's. */
  department: { enabled: boolean; name: string; avatarUrl: string }
  activation: {
    mode: ActivationMode
    /** The launch criterion: seconds on the page before the invitation (or the agents' alert). */
    delaySeconds: number
    /** Show the invitation as a small bubble by the launcher rather than the open box. */
    inviteMinimised: boolean
    inviteText: string
  }
  /** The first line a visitor sees, from the business. */
  welcomeMessage: string
  /** The pre-chat form, asked before the first message (not in proactive-without-invite mode). */
  form: { enabled: boolean; fields: FormField[] }
  /** The request form, shown instead of the chat when routing says so (nobody online, out of hours). */
  requestForm: { fields: FormField[]; thanks: string }
  /** Asked when a conversation closes. */
  survey: { csat: boolean; nps: boolean; comment: boolean }
  /** Email the visitor an agent's answer when they have been away this long and gave an email. */
  emailNotify: { enabled: boolean; afterMinutes: number }
}

/** What the widget receives: everything but server-only settings. */
export type PublicWidgetConfig = Omit<WidgetConfig, 'emailNotify'>

export const DEFAULT_WIDGET_CONFIG: WidgetConfig = {
  colors: { accent: '#3b5bdb', agentBubble: '#f1f3f5', agentText: '#1d2230', visitorBubble: '#3b5bdb', visitorText: '#ffffff' },
  position: 'right',
  launcherText: 'Chat with us',
  department: { enabled: false, name: '', avatarUrl: '' },
  activation: { mode: 'reactive', delaySeconds: 30, inviteMinimised: false, inviteText: 'Hi! Can we help you with anything?' },
  welcomeMessage: "Hi there! Leave us a message and we'll get back to you as soon as possible.",
  form: {
    enabled: false,
    fields: [
      { id: 'name', label: 'Name', type: 'text', required: true, options: [] },
      { id: 'email', label: 'Email', type: 'email', required: true, options: [] },
    ],
  },
  requestForm: {
    fields: [
      { id: 'name', label: 'Name', type: 'text', required: true, options: [] },
      { id: 'email', label: 'Email', type: 'email', required: true, options: [] },
      { id: 'message', label: 'How can we help?', type: 'textarea', required: true, options: [] },
    ],
    thanks: "Thanks! We'll answer by email as soon as we can.",
  },
  survey: { csat: true, nps: false, comment: true },
  emailNotify: { enabled: true, afterMinutes: 10 },
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown, fallback: string, max = 2000) => (typeof v === 'string' ? v.slice(0, max) : fallback)
const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback)
/** A CSS colour the widget may use safely: #rgb or #rrggbb only (nothing that could inject CSS). */
const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i
const color = (v: unknown, fallback: string) => (typeof v === 'string' && COLOR.test(v) ? v : fallback)
const FIELD_ID = /^[A-Za-z0-9_-]{1,64}$/

function fields(v: unknown, fallback: FormField[]): FormField[] {
  if (!Array.isArray(v)) return fallback
  const out: FormField[] = []
  const seen = new Set<string>()
  for (const f of v) {
    if (!isObj(f) || typeof f.id !== 'string' || !FIELD_ID.test(f.id) || seen.has(f.id)) continue
    seen.add(f.id)
    const type = FORM_FIELD_TYPES.includes(f.type as FormFieldType) ? (f.type as FormFieldType) : 'text'
    const options = Array.isArray(f.options) ? f.options.filter((o): o is string => typeof o === 'string').map((o) => o.slice(0, 200)) : []
    out.push({ id: f.id, label: str(f.label, f.id, 200), type, required: bool(f.required, false), options })
  }
  return out
}

/** Reads a widget configuration from untrusted data, with defaults for what is missing or wrong. */
export function parseWidgetConfig(v: unknown): WidgetConfig {
  const d = DEFAULT_WIDGET_CONFIG
  const o = isObj(v) ? v : {}
  const c = isObj(o.colors) ? o.colors : {}
  const dep = isObj(o.department) ? o.department : {}
  const act = isObj(o.activation) ? o.activation : {}
  const form = isObj(o.form) ? o.form : {}
  const req = isObj(o.requestForm) ? o.requestForm : {}
  const survey = isObj(o.survey) ? o.survey : {}
  const mail = isObj(o.emailNotify) ? o.emailNotify : {}
  const delay = typeof act.delaySeconds === 'number' && act.delaySeconds >= 0 && act.delaySeconds <= 3600 ? Math.round(act.delaySeconds) : d.activation.delaySeconds
  const after = typeof mail.afterMinutes === 'number' && mail.afterMinutes >= 0 && mail.afterMinutes <= 7 * 24 * 60 ? mail.afterMinutes : d.emailNotify.afterMinutes
  const avatar = str(dep.avatarUrl, '', 2048)
  return {
    colors: {
      accent: color(c.accent, d.colors.accent),
      agentBubble: color(c.agentBubble, d.colors.agentBubble),
      agentText: color(c.agentText, d.colors.agentText),
      visitorBubble: color(c.visitorBubble, d.colors.visitorBubble),
      visitorText: color(c.visitorText, d.colors.visitorText),
    },
    position: o.position === 'left' ? 'left' : 'right',
    launcherText: str(o.launcherText, d.launcherText, 60),
    department: { enabled: bool(dep.enabled, false), name: str(dep.name, '', 100), avatarUrl: /^(https?:\/\/|\/)/.test(avatar) ? avatar : '' },
    activation: {
      mode: ACTIVATION_MODES.includes(act.mode as ActivationMode) ? (act.mode as ActivationMode) : d.activation.mode,
      delaySeconds: delay,
      inviteMinimised: bool(act.inviteMinimised, d.activation.inviteMinimised),
      inviteText: str(act.inviteText, d.activation.inviteText, 500),
    },
    welcomeMessage: str(o.welcomeMessage, d.welcomeMessage, 1000),
    form: { enabled: bool(form.enabled, d.form.enabled), fields: fields(form.fields, d.form.fields) },
    requestForm: { fields: fields(req.fields, d.requestForm.fields), thanks: str(req.thanks, d.requestForm.thanks, 500) },
    survey: { csat: bool(survey.csat, d.survey.csat), nps: bool(survey.nps, d.survey.nps), comment: bool(survey.comment, d.survey.comment) },
    emailNotify: { enabled: bool(mail.enabled, d.emailNotify.enabled), afterMinutes: after },
  }
}

/** The widget configuration held in a settings document. */
export function readWidgetConfig(doc: Y.Doc): WidgetConfig {
  return parseWidgetConfig(doc.getMap<unknown>('widget').get('config'))
}

/** Replaces the widget configuration of a settings document (whole). */
export function writeWidgetConfig(doc: Y.Doc, config: WidgetConfig): void {
  doc.getMap<unknown>('widget').set('config', JSON.parse(JSON.stringify(config)) as unknown)
}

/** The part of the configuration the widget receives. */
export function publicWidgetConfig(config: WidgetConfig): PublicWidgetConfig {
  const { emailNotify: _server, ...visible } = config
  return visible
}
