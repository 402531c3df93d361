/**
 * Settings › Widget: how the visitors' chat widget looks and behaves, with the real widget beside
 * the form showing the unsaved changes, and the code to put it on a site. The form is checked
 * whole before it is written (nothing invalid reaches the document), then written whole with
 * `writeWidgetConfig` into the `settings` document: saved on this device at once, synced when
 * online. While the form is unchanged it follows the document (another admin's save shows).
 */
import { batch, createEffect, createMemo, createSignal, For, on, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { ACTIVATION_MODES, DEFAULT_WIDGET_CONFIG, publicWidgetConfig, readWidgetConfig, writeWidgetConfig, type ActivationMode, type WidgetColors } from '../../../../shared/widgetConfig.ts'
import {
  DELAY_MAX_SECONDS,
  emptyField,
  moveItem,
  previewConfig,
  widgetConfigFromDraft,
  widgetDraft,
  withStandardId,
  type FieldListKey,
  type WidgetDraft,
} from '../../../../shared/widgetConfigEdits.ts'
import { EmbedCode } from './EmbedCode.tsx'
import { fieldInputId, FormFieldsEditor, type FieldListOps } from './FormFieldsEditor.tsx'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import { kebab, WidgetField, WidgetFormProvider, type WidgetForm } from './WidgetField.tsx'
import { WidgetPreview } from './WidgetPreview.tsx'
import './routing.css'
import './widget.css'

const COLOR_LABELS: Record<keyof WidgetColors, string> = {
  accent: 'Accent (launcher, header, buttons)',
  agentBubble: 'Agent’s messages',
  agentText: 'Agent’s text',
  visitorBubble: 'Visitor’s messages',
  visitorText: 'Visitor’s text',
}
const MODE_LABELS: Record<ActivationMode, { title: string; hint: string }> = {
  reactive: { title: 'Reactive only', hint: 'Visitors open the chat themselves.' },
  proactiveInvite: { title: 'Reactive and proactive, with an invitation', hint: 'After the launch criterion, the widget invites the visitor to chat.' },
  proactiveNoInvite: { title: 'Reactive and proactive, without an invitation', hint: 'After the launch criterion, agents are alerted and may start the chat themselves.' },
}

const json = (d: WidgetDraft) => JSON.stringify(d)

export function WidgetSection(props: SectionProps) {
  // The saved configuration, re-read on every change of the settings document.
  const saved = createMemo(() => {
    void props.settings.value()
    const doc = props.settings.doc()
    return doc ? readWidgetConfig(doc) : null
  })
  const [draft, setDraft] = createStore<WidgetDraft>(widgetDraft(DEFAULT_WIDGET_CONFIG))
  // The saved configuration the form started from: the form is "changed" when it differs from it.
  const [base, setBase] = createSignal(json(widgetDraft(DEFAULT_WIDGET_CONFIG)))
  const [tried, setTried] = createSignal(false)
  const [justSaved, setJustSaved] = createSignal(false)
  const dirty = createMemo(() => json(draft) !== base())
  const [changedElsewhere, setChangedElsewhere] = createSignal(false)

  const load = (d: WidgetDraft) =>
    batch(() => {
      setBase(json(d))
      setDraft(structuredClone(d))
      setChangedElsewhere(false)
    })
  createEffect(
    on(saved, (config) => {
      if (!config) return
      const incoming = widgetDraft(config)
      if (json(incoming) === base()) return
      if (!dirty()) load(incoming)
      else setChangedElsewhere(true)
    }),
  )

  const checked = createMemo(() => widgetConfigFromDraft(draft))
  const errors = () => {
    const c = checked()
    return tried() && !c.ok ? c.errors : {}
  }
  const preview = createMemo(() => publicWidgetConfig(previewConfig(draft)))
  const editable = () => props.canEdit && props.settings.doc() !== null

  function save(e: SubmitEvent) {
    e.preventDefault()
    const doc = props.settings.doc()
    if (!doc || !props.canEdit) return
    setTried(true)
    const c = checked()
    if (!c.ok) {
      setJustSaved(false)
      const first = Object.keys(c.errors)[0]!
      const m = /^(form|requestForm)\.(\d+)\.(\w+)$/.exec(first)
      const id = m ? fieldInputId(m[1] as FieldListKey, Number(m[2]), m[3]!) : `widget-${first.replace(/\./g, '-')}`
      document.getElementById(id)?.focus()
      return
    }
    writeWidgetConfig(doc, c.value)
    load(widgetDraft(c.value))
    setTried(false)
    setJustSaved(true)
  }

  const opsFor = (list: FieldListKey): FieldListOps => ({
    add: () => setDraft(list, 'fields', (l) => [...l, emptyField()]),
    remove: (i) => setDraft(list, 'fields', (l) => l.filter((_, j) => j !== i)),
    move: (i, delta) => setDraft(list, 'fields', (l) => moveItem(l, i, delta)),
    update: (i, patch) => setDraft(list, 'fields', i, (f) => ({ ...f, ...patch })),
    chooseId: (i, id) => setDraft(list, 'fields', i, (f) => (id ? withStandardId(f, id) : { ...f, id: '' })),
  })
  const form: WidgetForm = { errors }
  const edited = () => setJustSaved(false)

  return (
    <div class="settings-section widget-settings routing" data-testid="settings-widget">
      <div class="settings-heading">
        <h2 class="settings-title">Widget</h2>
        <SyncNote doc={props.settings} />
      </div>
      <p class="muted">How the chat looks and starts on your site. The preview shows your changes before you save them.</p>
      <Show when={saved()} fallback={<p class="muted">Loading the settings…</p>}>
        <div class="widget-layout">
          <WidgetFormProvider value={form}>
            <form class="widget-form" data-testid="widget-form" aria-label="Widget settings" onSubmit={save} onInput={edited} onChange={edited} novalidate>
              <fieldset class="settings-fields" disabled={!editable()}>
                <h3 class="settings-subtitle">Look</h3>
                <div class="widget-colors">
                  <For each={Object.keys(COLOR_LABELS) as (keyof WidgetColors)[]}>
                    {(key) => <ColorField name={key} label={COLOR_LABELS[key]} value={draft.colors[key]} onChange={(v) => setDraft('colors', key, v)} />}
                  </For>
                </div>
                <div class="routing-grid">
                  <div class="field">
                    <label for="widget-position">Position</label>
                    <select id="widget-position" class="routing-input" data-testid="widget-position" onChange={(e) => setDraft('position', e.currentTarget.value === 'left' ? 'left' : 'right')}>
                      <option value="right" selected={draft.position === 'right'}>
                        Bottom right
                      </option>
                      <option value="left" selected={draft.position === 'left'}>
                        Bottom left
                      </option>
                    </select>
                  </div>
                  <WidgetField name="launcherText" label="Launcher text" value={draft.launcherText} onInput={(v) => setDraft('launcherText', v)} maxLength={60} />
                </div>
                <label class="routing-check">
                  <input type="checkbox" data-testid="widget-department-enabled" checked={draft.department.enabled} onChange={(e) => setDraft('department', 'enabled', e.currentTarget.checked)} />
                  Show one department name and avatar instead of the agent’s
                </label>
                <Show when={draft.department.enabled}>
                  <div class="routing-grid settings-indent">
                    <WidgetField name="department.name" label="Department name" value={draft.department.name} onInput={(v) => setDraft('department', 'name', v)} maxLength={100} />
                    <WidgetField
                      name="department.avatarUrl"
                      label="Avatar address"
                      value={draft.department.avatarUrl}
                      onInput={(v) => setDraft('department', 'avatarUrl', v)}
                      placeholder="https://example.com/logo.png"
                      hint="Optional; a square image."
                    />
                  </div>
                </Show>

                <h3 class="settings-subtitle">How the chat starts</h3>
                <div class="routing-fieldset" role="radiogroup" aria-label="Activation mode">
                  <For each={ACTIVATION_MODES}>
                    {(mode) => (
                      <label class="widget-radio">
                        <input type="radio" name="widget-mode" value={mode} data-testid={`widget-mode-${mode}`} checked={draft.activation.mode === mode} onChange={() => setDraft('activation', 'mode', mode)} />
                        <span>
                          <strong>{MODE_LABELS[mode].title}</strong>
                          <span class="muted"> — {MODE_LABELS[mode].hint}</span>
                        </span>
                      </label>
                    )}
                  </For>
                </div>
                <Show when={draft.activation.mode !== 'reactive'}>
                  <div class="settings-indent widget-stack">
                    <WidgetField
                      name="activation.delaySeconds"
                      label="Launch criterion: seconds on the page"
                      value={draft.activation.delaySeconds}
                      onInput={(v) => setDraft('activation', 'delaySeconds', v)}
                      inputmode="numeric"
                      hint={`From 0 to ${DELAY_MAX_SECONDS}.`}
                      narrow
                    />
                    <Show when={draft.activation.mode === 'proactiveInvite'}>
                      <label class="routing-check">
                        <input type="checkbox" data-testid="widget-invite-minimised" checked={draft.activation.inviteMinimised} onChange={(e) => setDraft('activation', 'inviteMinimised', e.currentTarget.checked)} />
                        Show the invitation minimised (a bubble by the launcher)
                      </label>
                      <WidgetField name="activation.inviteText" label="Invitation text" value={draft.activation.inviteText} onInput={(v) => setDraft('activation', 'inviteText', v)} multiline maxLength={500} />
                    </Show>
                  </div>
                </Show>

                <h3 class="settings-subtitle">Welcome</h3>
                <WidgetField name="welcomeMessage" label="Welcome message" value={draft.welcomeMessage} onInput={(v) => setDraft('welcomeMessage', v)} multiline maxLength={1000} />

                <h3 class="settings-subtitle">Pre-chat form</h3>
                <label class="routing-check">
                  <input type="checkbox" data-testid="widget-form-enabled" checked={draft.form.enabled} onChange={(e) => setDraft('form', 'enabled', e.currentTarget.checked)} />
                  Ask these questions before the first message
                </label>
                <Show when={draft.form.enabled}>
                  <FormFieldsEditor list="form" label="Pre-chat form fields" fields={draft.form.fields} errors={errors()} ops={opsFor('form')} disabled={!editable()} />
                  <Show when={draft.activation.mode === 'proactiveNoInvite'}>
                    <p class="muted">Chats that agents start are not asked the pre-chat form.</p>
                  </Show>
                </Show>

                <h3 class="settings-subtitle">Request form</h3>
                <p class="muted">Shown instead of the chat when nobody can answer and a script says so.</p>
                <FormFieldsEditor list="requestForm" label="Request form fields" fields={draft.requestForm.fields} errors={errors()} ops={opsFor('requestForm')} disabled={!editable()} />
                <WidgetField name="requestForm.thanks" label="Thanks, once sent" value={draft.requestForm.thanks} onInput={(v) => setDraft('requestForm', 'thanks', v)} multiline maxLength={500} />

                <h3 class="settings-subtitle">Survey when a chat closes</h3>
                <div class="routing-checks">
                  <label class="routing-check">
                    <input type="checkbox" data-testid="widget-survey-csat" checked={draft.survey.csat} onChange={(e) => setDraft('survey', 'csat', e.currentTarget.checked)} />
                    Satisfaction (CSAT, 1–5)
                  </label>
                  <label class="routing-check">
                    <input type="checkbox" data-testid="widget-survey-nps" checked={draft.survey.nps} onChange={(e) => setDraft('survey', 'nps', e.currentTarget.checked)} />
                    Would recommend (NPS, 0–10)
                  </label>
                  <label class="routing-check">
                    <input type="checkbox" data-testid="widget-survey-comment" checked={draft.survey.comment} onChange={(e) => setDraft('survey', 'comment', e.currentTarget.checked)} />
                    A comment
                  </label>
                </div>

                <h3 class="settings-subtitle">Email notifications</h3>
                <label class="routing-check">
                  <input type="checkbox" data-testid="widget-email-enabled" checked={draft.emailNotify.enabled} onChange={(e) => setDraft('emailNotify', 'enabled', e.currentTarget.checked)} />
                  Email an agent’s answer to visitors who left, when they gave an email
                </label>
                <Show when={draft.emailNotify.enabled}>
                  <div class="settings-indent">
                    <WidgetField
                      name="emailNotify.afterMinutes"
                      label="After they have been away (minutes)"
                      value={draft.emailNotify.afterMinutes}
                      onInput={(v) => setDraft('emailNotify', 'afterMinutes', v)}
                      inputmode="numeric"
                      narrow
                    />
                  </div>
                </Show>
              </fieldset>

              <Show when={props.canEdit}>
                <div class="widget-savebar">
                  <Show when={changedElsewhere()}>
                    <p class="muted" data-testid="widget-changed-elsewhere">
                      Another admin saved these settings meanwhile; saving replaces their version, discarding shows it.
                    </p>
                  </Show>
                  <Show when={tried() && !checked().ok}>
                    <p class="form-error" data-testid="widget-error-summary" role="alert">
                      Fix the marked fields; nothing was saved.
                    </p>
                  </Show>
                  <span class="muted" data-testid="widget-form-state">
                    {dirty() ? 'Unsaved changes' : justSaved() ? 'Saved' : ''}
                  </span>
                  <span class="widget-spacer" />
                  <button
                    type="button"
                    class="button button-quiet"
                    data-testid="widget-discard"
                    disabled={!dirty() && !changedElsewhere()}
                    onClick={() => {
                      setTried(false)
                      load(widgetDraft(saved() ?? DEFAULT_WIDGET_CONFIG))
                    }}
                  >
                    Discard changes
                  </button>
                  <button type="submit" class="button button-primary" data-testid="widget-save" disabled={!editable() || !dirty()}>
                    Save
                  </button>
                </div>
              </Show>
            </form>
          </WidgetFormProvider>
          <aside class="widget-preview-pane" aria-label="Preview">
            <WidgetPreview config={preview()} />
          </aside>
        </div>
        <EmbedCode />
      </Show>
    </div>
  )
}

/** A colour as a picker and as hex text, both editing the same value. */
function ColorField(p: { name: keyof WidgetColors; label: string; value: string; onChange: (v: string) => void }) {
  const expanded = () => {
    const v = p.value.trim()
    if (/^#[0-9a-f]{6}$/i.test(v)) return v.toLowerCase()
    if (/^#[0-9a-f]{3}$/i.test(v)) return `#${[...v.slice(1)].map((c) => c + c).join('')}`.toLowerCase()
    return '#000000'
  }
  return (
    <div class="widget-color">
      <input type="color" class="widget-color-picker" data-testid={`widget-color-${kebab(p.name)}`} aria-label={`${p.label}: colour picker`} value={expanded()} onInput={(e) => p.onChange(e.currentTarget.value)} />
      <WidgetField name={`colors.${p.name}`} label={p.label} value={p.value} onInput={p.onChange} maxLength={7} testId={`widget-color-${kebab(p.name)}-hex`} spellcheck={false} narrow />
    </div>
  )
}
