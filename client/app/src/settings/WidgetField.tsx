/** One labelled text field of the widget form, with its error beside it once the admin tried to save. */
import { createContext, Show, useContext } from 'solid-js'
import type { FieldErrors } from '../../../../shared/routingEdits.ts'

export interface WidgetForm {
  /** The errors to show, by field path (empty until the admin tries to save). */
  errors: () => FieldErrors
}

const WidgetFormContext = createContext<WidgetForm>()
export const WidgetFormProvider = WidgetFormContext.Provider

function useWidgetForm(): WidgetForm {
  const form = useContext(WidgetFormContext)
  if (!form) throw new Error('WidgetField must be used inside <WidgetFormProvider>')
  return form
}

/** `colors.accent` → `colors-accent` (DOM id) and `widget-colors-accent` (test id, kebab-case). */
export const widgetInputId = (name: string) => `widget-${name.replace(/\./g, '-')}`
export const kebab = (name: string) => name.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

export function WidgetField(p: {
  /** The field's path in the configuration, as errors are keyed. */
  name: string
  label: string
  value: string
  onInput: (v: string) => void
  multiline?: boolean
  maxLength?: number
  placeholder?: string
  hint?: string
  inputmode?: 'numeric' | 'text'
  testId?: string
  spellcheck?: boolean
  /** A short value (a number, a colour): the input is not stretched. */
  narrow?: boolean
}) {
  const form = useWidgetForm()
  const id = widgetInputId(p.name)
  const error = () => form.errors()[p.name]
  const described = () => [error() ? `${id}-error` : '', p.hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined
  const cls = p.narrow ? 'routing-input widget-narrow' : 'routing-input'
  const testId = p.testId ?? `widget-${kebab(p.name)}`
  return (
    <div class="field">
      <label for={id}>{p.label}</label>
      <Show
        when={p.multiline}
        fallback={
          <input
            id={id}
            class={cls}
            data-testid={testId}
            maxLength={p.maxLength}
            placeholder={p.placeholder}
            spellcheck={p.spellcheck}
            autocomplete="off"
            inputmode={p.inputmode}
            aria-invalid={error() !== undefined}
            aria-errormessage={error() ? `${id}-error` : undefined}
            aria-describedby={described()}
            value={p.value}
            onInput={(e) => p.onInput(e.currentTarget.value)}
          />
        }
      >
        <textarea
          id={id}
          class={cls}
          data-testid={testId}
          maxLength={p.maxLength}
          placeholder={p.placeholder}
          spellcheck={p.spellcheck}
          rows={3}
          aria-invalid={error() !== undefined}
          aria-errormessage={error() ? `${id}-error` : undefined}
          aria-describedby={described()}
          value={p.value}
          onInput={(e) => p.onInput(e.currentTarget.value)}
        />
      </Show>
      <Show when={p.hint}>
        <span class="field-hint" id={`${id}-hint`}>
          {p.hint}
        </span>
      </Show>
      <Show when={error()}>
        <p class="form-error" id={`${id}-error`} data-testid="widget-error" data-field={p.name} role="alert">
          {error()}
        </p>
      </Show>
    </div>
  )
}
