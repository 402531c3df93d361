import type { FormField } from '../../shared/widgetConfig.ts'

/** Loose on purpose: one @, something on each side, a dot in the domain. The server decides the rest. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/** Longest answer kept per field (the server clips too). */
export const FORM_VALUE_MAX = 1000

/** Problems with the visitor's answers, by field id; empty when the form may be sent. */
export function validateForm(fields: readonly FormField[], values: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const f of fields) {
    const v = (values[f.id] ?? '').trim()
    if (!v) {
      if (f.required) errors[f.id] = `${f.label} is required.`
      continue
    }
    if (f.type === 'email' && !EMAIL.test(v)) errors[f.id] = 'Please enter a valid email address.'
    else if (f.type === 'select' && f.options.length && !f.options.includes(v)) errors[f.id] = `Please choose a ${f.label.toLowerCase()}.`
    else if (v.length > FORM_VALUE_MAX) errors[f.id] = `${f.label} is too long.`
  }
  return errors
}

/** The answers to send: trimmed, only the configured fields, empty ones left out. */
export function formValues(fields: readonly FormField[], values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of fields) {
    const v = (values[f.id] ?? '').trim()
    if (v) out[f.id] = v.slice(0, FORM_VALUE_MAX)
  }
  return out
}
