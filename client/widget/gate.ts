import type { PublicWidgetConfig } from '../../shared/widgetConfig.ts'
import { buildForm } from './panels.ts'

/**
 * What stands in place of the composer: the request form when nobody can answer and the
 * workspace wants requests, the thanks once a request is sent, the pre-chat form before a first
 * conversation, or nothing.
 */
export type Gate = 'request' | 'prechat' | 'thanks' | 'none'

export interface GateState {
  /** Whether an agent can answer now, and whether the workspace takes requests when none can. */
  online: boolean
  requestForm: boolean
  requestSent: boolean
  /** Whether the visitor answered the pre-chat form. */
  formDone: boolean
  /** Whether there are messages on screen already. */
  chatting: boolean
}

/** The gate the visitor should see now. */
export function chooseGate(look: PublicWidgetConfig, s: GateState): Gate {
  return s.requestSent
    ? 'thanks'
    : !s.online && s.requestForm && !s.chatting && look.requestForm.fields.length
      ? 'request'
      : look.form.enabled && look.form.fields.length && !s.formDone && !s.chatting && look.activation.mode !== 'proactiveNoInvite'
        ? 'prechat'
        : 'none'
}

/** The line above the conversation when nobody can answer and no request form is offered. */
export function gateNotice(online: boolean, requestForm: boolean): string | null {
  return !online && !requestForm ? "Nobody is available right now. Leave a message and we'll answer here as soon as we can." : null
}

/** The element standing for `gate`, or null for none; `onSubmit` is told which form was answered. */
export function gateSlot(
  gate: Gate,
  look: PublicWidgetConfig,
  onSubmit: (kind: 'prechat' | 'request', fields: Record<string, string>) => void,
): HTMLElement | null {
  if (gate === 'thanks') {
    const thanks = document.createElement('p')
    thanks.className = 'thanks'
    thanks.setAttribute('role', 'status')
    thanks.setAttribute('data-testid', 'parley-thanks')
    thanks.textContent = look.requestForm.thanks
    return thanks
  }
  if (gate === 'request')
    return buildForm({
      kind: 'request',
      intro: "Nobody is available right now. Leave us your request and we'll get back to you.",
      fields: look.requestForm.fields,
      submit: 'Send request',
      onSubmit: (fields) => onSubmit('request', fields),
    })
  if (gate === 'prechat')
    return buildForm({
      kind: 'prechat',
      intro: 'Please tell us a little about yourself before we start.',
      fields: look.form.fields,
      submit: 'Start chat',
      onSubmit: (fields) => onSubmit('prechat', fields),
    })
  return null
}
