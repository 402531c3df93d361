/**
 * The admin's form of the widget configuration (settings › widget): the configuration as typed
 * (numbers and select options still text), checked into a `WidgetConfig` before it is written, and
 * a best-effort reading of an unfinished form for the live preview.
 */
import type { Checked, FieldErrors } from './routingEdits.ts'
import {
  ACTIVATION_MODES,
  FORM_FIELD_TYPES,
  parseWidgetConfig,
  type ActivationMode,
  type FormField,
  type FormFieldType,
  type WidgetColors,
  type WidgetConfig,
} from './widgetConfig.ts'

/** Longest launcher text: it sits on one button beside the page's content. */
export const LAUNCHER_TEXT_MAX = 60
export const DEPARTMENT_NAME_MAX = 100
export const AVATAR_URL_MAX = 2048
export const INVITE_TEXT_MAX = 500
export const WELCOME_MAX = 1000
export const THANKS_MAX = 500
export const FIELD_LABEL_MAX = 200
export const FIELD_ID_MAX = 64
export const OPTION_MAX = 200
/** A form longer than this is not a chat's pre-chat form any more. */
export const FIELDS_MAX = 20
export const OPTIONS_MAX = 50
/** The launch criterion's range in seconds: up to an hour on the page. */
export const DELAY_MAX_SECONDS = 3600
/** Email notifications wait up to a week. */
export const AFTER_MAX_MINUTES = 7 * 24 * 60

/** The ids the client card knows by name; any other is a custom field. */
export const STANDARD_FIELD_IDS = ['name', 'email', 'phone'] as const
const FIELD_ID = /^[A-Za-z0-9_-]+$/
const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i

/** One form field as its row in the editor holds it: options one per line. */
export interface FieldDraft {
  id: string
  label: string
  type: FormFieldType
  required: boolean
  options: string
}

export interface WidgetDraft {
  colors: WidgetColors
  position: 'right' | 'left'
  launcherText: string
  department: { enabled: boolean; name: string; avatarUrl: string }
  activation: { mode: ActivationMode; delaySeconds: string; inviteMinimised: boolean; inviteText: string }
  welcomeMessage: string
  form: { enabled: boolean; fields: FieldDraft[] }
  requestForm: { fields: FieldDraft[]; thanks: string }
  survey: { csat: boolean; nps: boolean; comment: boolean }
  emailNotify: { enabled: boolean; afterMinutes: string }
}

export type FieldListKey = 'form' | 'requestForm'

const fieldDraft = (f: FormField): FieldDraft => ({ id: f.id, label: f.label, type: f.type, required: f.required, options: f.options.join('\n') })

/** The form of a saved configuration. */
export function widgetDraft(c: WidgetConfig): WidgetDraft {
  return {
    colors: { ...c.colors },
    position: c.position,
    launcherText: c.launcherText,
    department: { ...c.department },
    activation: { ...c.activation, delaySeconds: String(c.activation.delaySeconds) },
    welcomeMessage: c.welcomeMessage,
    form: { enabled: c.form.enabled, fields: c.form.fields.map(fieldDraft) },
    requestForm: { fields: c.requestForm.fields.map(fieldDraft), thanks: c.requestForm.thanks },
    survey: { ...c.survey },
    emailNotify: { enabled: c.emailNotify.enabled, afterMinutes: String(c.emailNotify.afterMinutes) },
  }
}

/** A new, empty row of a form's editor. */
export const emptyField = (): FieldDraft => ({ id: '', label: '', type: 'text', required: false, options: '' })

/** What choosing a standard id fills in: its usual type, and a label when there is none yet. */
export function withStandardId(f: FieldDraft, id: string): FieldDraft {
  const type: FormFieldType = id === 'email' ? 'email' : id === 'phone' ? 'tel' : id === 'name' ? 'text' : f.type
  const label = f.label.trim() ? f.label : id === 'name' ? 'Name' : id === 'email' ? 'Email' : id === 'phone' ? 'Phone' : f.label
  return { ...f, id, type, label }
}

/** Moves item `i` of a list by `delta` places (clamped); the same list when it cannot move. */
export function moveItem<T>(list: readonly T[], i: number, delta: number): T[] {
  const j = Math.max(0, Math.min(list.length - 1, i + delta))
  if (i < 0 || i >= list.length || i === j) return [...list]
  const out = [...list]
  const [item] = out.splice(i, 1)
  out.splice(j, 0, item!)
  return out
}

/** The choices of a select as typed: one per line, trimmed, blank lines dropped. */
export const optionLines = (text: string): string[] => text.split('\n').map((o) => o.trim()).filter(Boolean)

/** Checks the fields of one form; errors are keyed `<list>.<index>.<id|label|options>` and `<list>` for the list. */
export function checkFields(list: FieldListKey, fields: readonly FieldDraft[], errors: FieldErrors): FormField[] {
  const out: FormField[] = []
  const seen = new Map<string, number>()
  if (fields.length > FIELDS_MAX) errors[list] = `A form has at most ${FIELDS_MAX} fields`
  fields.forEach((f, i) => {
    const at = `${list}.${i}`
    const id = f.id.trim()
    if (!id) errors[`${at}.id`] = 'Give the field an id: name, email, phone, or one of your own'
    else if (!FIELD_ID.test(id)) errors[`${at}.id`] = 'An id uses letters, digits, - and _ only'
    else if (id.length > FIELD_ID_MAX) errors[`${at}.id`] = `An id has at most ${FIELD_ID_MAX} characters`
    else if (seen.has(id)) errors[`${at}.id`] = `Field ${seen.get(id)! + 1} has this id already`
    else seen.set(id, i)
    const label = f.label.trim()
    if (!label) errors[`${at}.label`] = 'Write the question the visitor sees'
    else if (label.length > FIELD_LABEL_MAX) errors[`${at}.label`] = `A label has at most ${FIELD_LABEL_MAX} characters`
    if (!FORM_FIELD_TYPES.includes(f.type)) errors[`${at}.type`] = 'Choose a type'
    const options = f.type === 'select' ? [...new Set(optionLines(f.options))] : []
    if (f.type === 'select') {
      if (options.length === 0) errors[`${at}.options`] = 'A list needs at least one choice, one per line'
      else if (options.length > OPTIONS_MAX) errors[`${at}.options`] = `A list has at most ${OPTIONS_MAX} choices`
      else if (options.some((o) => o.length > OPTION_MAX)) errors[`${at}.options`] = `A choice has at most ${OPTION_MAX} characters`
    }
    out.push({ id, label, type: f.type, required: f.required, options })
  })
  return out
}

/** A whole number in [min, max] as typed, or null. */
function wholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim()
  if (!/^\d+$/.test(t)) return null
  const n = Number(t)
  return n >= min && n <= max ? n : null
}

function tooLong(errors: FieldErrors, key: string, text: string, max: number, what: string) {
  if (text.length > max) errors[key] = `${what} has at most ${max} characters`
}

/** Checks the whole form; errors are keyed by the path of the field (`colors.accent`, `form.0.id`…). */
export function widgetConfigFromDraft(d: WidgetDraft): Checked<WidgetConfig> {
  const errors: FieldErrors = {}
  for (const key of Object.keys(d.colors) as (keyof WidgetColors)[]) {
    if (!HEX.test(d.colors[key].trim())) errors[`colors.${key}`] = 'A colour is written #rrggbb, e.g. #3b5bdb'
  }
  if (d.position !== 'right' && d.position !== 'left') errors.position = 'Choose a side'
  const launcherText = d.launcherText.trim()
  if (!launcherText) errors.launcherText = 'Write the words on the launcher, e.g. “Chat with us”'
  tooLong(errors, 'launcherText', launcherText, LAUNCHER_TEXT_MAX, 'The launcher')

  const depName = d.department.name.trim()
  const avatarUrl = d.department.avatarUrl.trim()
  if (d.department.enabled && !depName) errors['department.name'] = 'Name the department visitors see'
  tooLong(errors, 'department.name', depName, DEPARTMENT_NAME_MAX, 'The name')
  if (avatarUrl && !/^(https?:\/\/\S+|\/\S*)$/.test(avatarUrl)) errors['department.avatarUrl'] = 'An address starting with https:// (or / on this server)'
  tooLong(errors, 'department.avatarUrl', avatarUrl, AVATAR_URL_MAX, 'The address')

  if (!ACTIVATION_MODES.includes(d.activation.mode)) errors['activation.mode'] = 'Choose how the chat starts'
  const delay = wholeNumber(d.activation.delaySeconds, 0, DELAY_MAX_SECONDS)
  if (delay === null) errors['activation.delaySeconds'] = `A whole number of seconds from 0 to ${DELAY_MAX_SECONDS}`
  const inviteText = d.activation.inviteText.trim()
  if (d.activation.mode === 'proactiveInvite' && !inviteText) errors['activation.inviteText'] = 'Write the invitation visitors see'
  tooLong(errors, 'activation.inviteText', inviteText, INVITE_TEXT_MAX, 'The invitation')

  const welcomeMessage = d.welcomeMessage.trim()
  tooLong(errors, 'welcomeMessage', welcomeMessage, WELCOME_MAX, 'The welcome message')

  const formFields = checkFields('form', d.form.fields, errors)
  if (d.form.enabled && formFields.length === 0 && !errors.form) errors.form = 'Add a field, or turn the pre-chat form off'
  const requestFields = checkFields('requestForm', d.requestForm.fields, errors)
  if (!errors.requestForm && !requestFields.some((f) => f.type === 'email'))
    errors.requestForm = 'The request form needs an email field: the answer goes out by email'
  const thanks = d.requestForm.thanks.trim()
  if (!thanks) errors['requestForm.thanks'] = 'Write what visitors read once they sent the form'
  tooLong(errors, 'requestForm.thanks', thanks, THANKS_MAX, 'The thanks')

  const after = wholeNumber(d.emailNotify.afterMinutes, 0, AFTER_MAX_MINUTES)
  if (after === null) errors['emailNotify.afterMinutes'] = `A whole number of minutes from 0 to ${AFTER_MAX_MINUTES}`

  if (Object.keys(errors).length) return { ok: false, errors }
  return {
    ok: true,
    value: {
      colors: Object.fromEntries(Object.entries(d.colors).map(([k, v]) => [k, v.trim().toLowerCase()])) as unknown as WidgetColors,
      position: d.position,
      launcherText,
      department: { enabled: d.department.enabled, name: depName, avatarUrl },
      activation: { mode: d.activation.mode, delaySeconds: delay!, inviteMinimised: d.activation.inviteMinimised, inviteText },
      welcomeMessage,
      form: { enabled: d.form.enabled, fields: formFields },
      requestForm: { fields: requestFields, thanks },
      survey: { ...d.survey },
      emailNotify: { enabled: d.emailNotify.enabled, afterMinutes: after! },
    },
  }
}

/**
 * The configuration an unfinished form stands for, for the live preview: what is valid as typed,
 * the saved value's fallback (the defaults) for the rest. Always a plain object, safe to post.
 */
export function previewConfig(d: WidgetDraft): WidgetConfig {
  const num = (t: string) => (/^\d+$/.test(t.trim()) ? Number(t.trim()) : undefined)
  const fields = (list: readonly FieldDraft[]) =>
    list.map((f) => ({ id: f.id.trim(), label: f.label.trim() || f.id.trim(), type: f.type, required: f.required, options: f.type === 'select' ? optionLines(f.options) : [] }))
  return parseWidgetConfig({
    colors: Object.fromEntries(Object.entries(d.colors).map(([k, v]) => [k, v.trim()])),
    position: d.position,
    launcherText: d.launcherText,
    department: { ...d.department },
    activation: { mode: d.activation.mode, delaySeconds: num(d.activation.delaySeconds), inviteMinimised: d.activation.inviteMinimised, inviteText: d.activation.inviteText },
    welcomeMessage: d.welcomeMessage,
    form: { enabled: d.form.enabled, fields: fields(d.form.fields) },
    requestForm: { fields: fields(d.requestForm.fields), thanks: d.requestForm.thanks },
    survey: { ...d.survey },
    emailNotify: { enabled: d.emailNotify.enabled, afterMinutes: num(d.emailNotify.afterMinutes) },
  })
}

/** Whether two configurations say the same (the form is unchanged from the saved one). */
export const sameConfig = (a: WidgetConfig, b: WidgetConfig): boolean => JSON.stringify(a) === JSON.stringify(b)
