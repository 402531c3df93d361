import type { FormField } from '../../shared/widgetConfig.ts'
import { validateForm, formValues } from './formValidation.ts'

/**
 * The widget's small forms: pre-chat and request forms, the survey and the invitation. Plain DOM;
 * every label and text from the settings or the server goes through textContent.
 */

let uid = 0
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag)
  if (cls) e.className = cls
  if (text !== undefined) e.textContent = text
  return e
}
const button = (cls: string, text: string, testid: string): HTMLButtonElement => {
  const b = el('button', cls, text)
  b.type = 'button'
  b.setAttribute('data-testid', testid)
  return b
}

/** A form of configured fields: required ones marked with a red asterisk, checked before `onSubmit`. */
export function buildForm(opts: { kind: 'prechat' | 'request'; intro: string; fields: readonly FormField[]; submit: string; onSubmit(values: Record<string, string>): void }): HTMLFormElement {
  const form = el('form', 'form')
  form.noValidate = true
  form.setAttribute('data-testid', `parley-form-${opts.kind}`)
  form.setAttribute('aria-label', opts.kind === 'prechat' ? 'Before we start' : 'Leave us a request')
  if (opts.intro) form.appendChild(el('p', 'form-intro', opts.intro))
  const inputs = new Map<string, { input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement; error: HTMLElement }>()
  for (const f of opts.fields) {
    const id = `parley-f${++uid}`
    const label = el('label', 'field')
    label.htmlFor = id
    const caption = el('span', '', f.label)
    label.appendChild(caption)
    if (f.required) {
      const star = el('span', 'req', '*')
      star.setAttribute('aria-hidden', 'true')
      star.setAttribute('data-testid', 'parley-required')
      caption.appendChild(star)
    }
    let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement
    if (f.type === 'textarea') input = el('textarea')
    else if (f.type === 'select') {
      input = el('select')
      input.appendChild(el('option', '', ''))
      for (const o of f.options) {
        const opt = el('option', '', o)
        opt.value = o
        input.appendChild(opt)
      }
    } else {
      input = el('input')
      input.type = f.type
      if (f.type === 'email') input.autocomplete = 'email'
      else if (f.id === 'name') input.autocomplete = 'name'
      else if (f.type === 'tel') input.autocomplete = 'tel'
    }
    input.id = id
    input.name = f.id
    input.setAttribute('data-testid', `parley-field-${f.id}`)
    if (f.required) input.setAttribute('aria-required', 'true')
    const error = el('p', 'field-error')
    error.id = `${id}-error`
    error.hidden = true
    label.append(input, error)
    form.appendChild(label)
    inputs.set(f.id, { input, error })
  }
  const submit = el('button', 'primary', opts.submit)
  submit.type = 'submit'
  submit.setAttribute('data-testid', 'parley-form-submit')
  form.appendChild(submit)
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const values: Record<string, string> = {}
    for (const [id, { input }] of inputs) values[id] = input.value
    const errors = validateForm(opts.fields, values)
    let first: HTMLElement | null = null
    for (const [id, { input, error }] of inputs) {
      const problem = errors[id]
      error.textContent = problem ?? ''
      error.hidden = !problem
      if (problem) {
        input.setAttribute('aria-invalid', 'true')
        input.setAttribute('aria-describedby', error.id)
        first ??= input
      } else {
        input.removeAttribute('aria-invalid')
        input.removeAttribute('aria-describedby')
      }
    }
    if (first) return first.focus()
    opts.onSubmit(formValues(opts.fields, values))
  })
  return form
}

/** A closing survey: CSAT 1–5 and/or NPS 0–10, an optional comment; `onSubmit` once per kind chosen. */
export function buildSurvey(opts: { csat: boolean; nps: boolean; comment: boolean; onSubmit(r: { csat: number | null; nps: number | null; comment: string }): void }): HTMLElement {
  const box = el('form', 'survey')
  box.setAttribute('data-testid', 'parley-survey')
  box.setAttribute('aria-label', 'Rate this conversation')
  const chosen: { csat: number | null; nps: number | null } = { csat: null, nps: null }
  const scale = (kind: 'csat' | 'nps', legend: string, from: number, to: number, label: (n: number) => string) => {
    const set = el('fieldset')
    set.appendChild(el('legend', '', legend))
    const row = el('div', 'scale')
    const buttons: HTMLButtonElement[] = []
    for (let n = from; n <= to; n++) {
      const b = button('', String(n), `parley-${kind}-${n}`)
      b.setAttribute('aria-label', label(n))
      b.setAttribute('aria-pressed', 'false')
      b.addEventListener('click', () => {
        chosen[kind] = n
        for (const o of buttons) o.setAttribute('aria-pressed', String(o === b))
      })
      buttons.push(b)
      row.appendChild(b)
    }
    set.appendChild(row)
    box.appendChild(set)
  }
  if (opts.csat) scale('csat', 'How would you rate this conversation?', 1, 5, (n) => `${n} of 5 stars`)
  if (opts.nps) scale('nps', 'How likely are you to recommend us to a friend?', 0, 10, (n) => `${n} of 10`)
  const comment = el('textarea')
  if (opts.comment) {
    comment.setAttribute('aria-label', 'Comment (optional)')
    comment.placeholder = 'Anything to add? (optional)'
    comment.setAttribute('data-testid', 'parley-survey-comment')
    box.appendChild(comment)
  }
  const error = el('p', 'field-error')
  error.setAttribute('role', 'alert')
  error.hidden = true
  const submit = el('button', 'primary', 'Send rating')
  submit.type = 'submit'
  submit.setAttribute('data-testid', 'parley-survey-submit')
  box.append(error, submit)
  box.addEventListener('submit', (e) => {
    e.preventDefault()
    if (chosen.csat === null && chosen.nps === null) {
      error.textContent = 'Please choose a score first.'
      error.hidden = false
      return
    }
    submit.disabled = true
    opts.onSubmit({ ...chosen, comment: comment.value.trim().slice(0, 1000) })
  })
  return box
}

/** The proactive invitation: the business's words with accept / refuse; `mini` is the small bubble by the launcher. */
export function buildInvite(opts: { text: string; mini: boolean; onAccept(): void; onRefuse(): void }): HTMLElement {
  const box = el('div', opts.mini ? 'invite mini' : 'invite')
  box.setAttribute('role', 'dialog')
  box.setAttribute('aria-label', 'Invitation to chat')
  box.setAttribute('data-testid', 'parley-invite')
  box.appendChild(el('p', '', opts.text))
  const row = el('div', 'row')
  const accept = button('primary', 'Chat now', 'parley-invite-accept')
  const refuse = button('secondary', 'No, thanks', 'parley-invite-refuse')
  accept.addEventListener('click', () => opts.onAccept())
  refuse.addEventListener('click', () => opts.onRefuse())
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') opts.onRefuse()
  })
  row.append(accept, refuse)
  box.appendChild(row)
  return box
}
