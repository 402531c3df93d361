/** The form of one reply template: its shortcut, title, text (with variables) and channels. */
import { createSignal, createUniqueId, Show } from 'solid-js'
import type { Template } from '../../../../shared/settings.ts'
import {
  MAX_TEMPLATE_TAG,
  MAX_TEMPLATE_TEXT,
  MAX_TEMPLATE_TITLE,
  parseChannels,
  templateProblem,
  type TemplateField,
} from '../../../../shared/settingsValidation.ts'
import './settingsForms.css'

export interface TemplateEditorProps {
  /** The template being edited; null for a new one. */
  template: Template | null
  /** Every template, to keep shortcuts unique. */
  templates: readonly Template[]
  onSave: (t: Omit<Template, 'id'>) => void
  onCancel: () => void
}

export function TemplateEditor(props: TemplateEditorProps) {
  // Read once: the form edits its own copy until saved.
  const start = props.template
  const [tag, setTag] = createSignal(start?.tag ?? '')
  const [title, setTitle] = createSignal(start?.title ?? '')
  const [text, setText] = createSignal(start?.text ?? '')
  const [channels, setChannels] = createSignal(start?.channels.join(', ') ?? '')
  const [problem, setProblem] = createSignal<{ field: TemplateField; message: string } | null>(null)
  const uid = createUniqueId()
  const errorId = `template-error-${uid}`
  const hintId = `template-vars-${uid}`
  const invalid = (field: TemplateField) => problem()?.field === field

  function submit(e: SubmitEvent) {
    e.preventDefault()
    const draft = { tag: tag().trim(), title: title().trim(), text: text(), channels: parseChannels(channels()) }
    const p = templateProblem(draft, props.templates, start?.id)
    if (p) {
      setProblem(p)
      ;(e.currentTarget as HTMLFormElement).querySelector<HTMLElement>(`[data-field="${p.field}"]`)?.focus()
      return
    }
    props.onSave({ ...draft, title: draft.title || draft.tag })
  }

  return (
    <form
      class="settings-form template-editor"
      data-testid="template-editor"
      aria-label={start ? `Edit /${start.tag}` : 'New template'}
      onSubmit={submit}
      onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
      novalidate
    >
      <div class="settings-fields">
        <label class="field">
          Shortcut
          <span class="template-tag-input">
            <span aria-hidden="true">/</span>
            <input
              data-testid="template-tag"
              data-field="tag"
            aria-invalid={invalid('tag')}
            aria-errormessage={invalid('tag') ? errorId : undefined}
              maxLength={MAX_TEMPLATE_TAG}
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              ref={(el) => queueMicrotask(() => el.focus())}
              value={tag()}
              onInput={(e) => {
                setTag(e.currentTarget.value)
                setProblem(null)
              }}
            />
          </span>
          <span class="field-hint">Typed after / in a reply: lower-case letters, digits, - and _.</span>
        </label>
        <label class="field">
          Title
          <input
            data-testid="template-title"
            data-field="title"
            aria-invalid={invalid('title')}
            aria-errormessage={invalid('title') ? errorId : undefined}
            maxLength={MAX_TEMPLATE_TITLE}
            placeholder="Shown in the list (optional)"
            value={title()}
            onInput={(e) => {
              setTitle(e.currentTarget.value)
              setProblem(null)
            }}
          />
        </label>
        <label class="field">
          Text
          <textarea
            data-testid="template-text"
            data-field="text"
            aria-invalid={invalid('text')}
            aria-errormessage={invalid('text') ? errorId : undefined}
            rows={5}
            maxLength={MAX_TEMPLATE_TEXT}
            aria-describedby={hintId}
            value={text()}
            onInput={(e) => {
              setText(e.currentTarget.value)
              setProblem(null)
            }}
          />
          <span class="field-hint" id={hintId}>
            Variables filled in when inserted: <code>{'{visitor.name}'}</code>, <code>{'{visitor.email}'}</code>, <code>{'{agent.name}'}</code>. One
            that is not known stays as typed.
          </span>
        </label>
        <label class="field">
          Channels
          <input
            data-testid="template-channels"
            placeholder="Every channel"
            autocomplete="off"
            value={channels()}
            onInput={(e) => setChannels(e.currentTarget.value)}
          />
          <span class="field-hint">Separated by commas, e.g. widget, email. Empty: offered on every channel.</span>
        </label>
      </div>
      <Show when={problem()}>
        {(p) => (
          <p class="form-error" id={errorId} data-testid="template-error" role="alert">
            {p().message}
          </p>
        )}
      </Show>
      <div class="settings-actions">
        <button type="button" class="button button-quiet" data-testid="template-cancel" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="submit" class="button button-primary" data-testid="template-save">
          {start ? 'Save template' : 'Add template'}
        </button>
      </div>
    </form>
  )
}
