/**
 * The fields of a widget form (pre-chat or request form): add, remove, reorder; each with its id
 * (name, email, phone — what the client card knows — or one of the admin's own), question, type,
 * whether it must be answered, and the choices of a list.
 */
import { For, Show } from 'solid-js'
import type { FieldErrors } from '../../../../shared/routingEdits.ts'
import type { FormFieldType } from '../../../../shared/widgetConfig.ts'
import { FIELD_ID_MAX, FIELD_LABEL_MAX, FIELDS_MAX, STANDARD_FIELD_IDS, type FieldDraft, type FieldListKey } from '../../../../shared/widgetConfigEdits.ts'

const TYPE_LABELS: Record<FormFieldType, string> = {
  text: 'Short text',
  email: 'Email',
  tel: 'Phone number',
  textarea: 'Long text',
  select: 'List of choices',
}
const ID_LABELS: Record<string, string> = { name: 'Name', email: 'Email', phone: 'Phone' }
const CUSTOM = '__custom'
const isStandard = (id: string) => (STANDARD_FIELD_IDS as readonly string[]).includes(id)

export interface FieldListOps {
  add(): void
  remove(i: number): void
  move(i: number, delta: number): void
  update(i: number, patch: Partial<FieldDraft>): void
  /** Chooses a standard id (filling its type and label) or a custom one. */
  chooseId(i: number, id: string): void
}

/** The DOM id of one input of one row, also used to focus the first invalid one. */
export const fieldInputId = (list: FieldListKey, i: number, part: string) => `widget-${list}-${i}-${part}`

export function FormFieldsEditor(props: { list: FieldListKey; label: string; fields: FieldDraft[]; errors: FieldErrors; ops: FieldListOps; disabled: boolean }) {
  const err = (i: number, part: string) => props.errors[`${props.list}.${i}.${part}`]
  const errId = (i: number, part: string) => (err(i, part) ? fieldInputId(props.list, i, `${part}-error`) : undefined)
  const FieldError = (p: { i: number; part: string }) => (
    <Show when={err(p.i, p.part)}>
      <p class="form-error" id={fieldInputId(props.list, p.i, `${p.part}-error`)} data-testid="widget-error" data-field={`${props.list}.${p.i}.${p.part}`} role="alert">
        {err(p.i, p.part)}
      </p>
    </Show>
  )

  return (
    <div class="widget-fields" data-testid={`widget-${props.list}-fields`}>
      <ol class="widget-field-list" aria-label={props.label}>
        <For each={props.fields} fallback={<li class="muted">No fields.</li>}>
          {(f, i) => (
            <li class="widget-field" data-testid="widget-field" data-index={i()}>
              <div class="widget-field-grid">
                <div class="field">
                  <label for={fieldInputId(props.list, i(), 'kind')}>Saved as</label>
                  <select
                    id={fieldInputId(props.list, i(), 'kind')}
                    class="routing-input"
                    data-testid="field-id-kind"
                    onChange={(e) => props.ops.chooseId(i(), e.currentTarget.value === CUSTOM ? '' : e.currentTarget.value)}
                  >
                    <For each={[...STANDARD_FIELD_IDS]}>
                      {(id) => (
                        <option value={id} selected={f.id === id}>
                          {ID_LABELS[id]}
                        </option>
                      )}
                    </For>
                    <option value={CUSTOM} selected={!isStandard(f.id)}>
                      Custom field…
                    </option>
                  </select>
                </div>
                <Show when={!isStandard(f.id)}>
                  <div class="field">
                    <label for={fieldInputId(props.list, i(), 'id')}>Field id</label>
                    <input
                      id={fieldInputId(props.list, i(), 'id')}
                      class="routing-input"
                      data-testid="field-id"
                      maxLength={FIELD_ID_MAX}
                      autocomplete="off"
                      spellcheck={false}
                      placeholder="order_number"
                      value={f.id}
                      onInput={(e) => props.ops.update(i(), { id: e.currentTarget.value })}
                      aria-invalid={err(i(), 'id') !== undefined}
                      aria-errormessage={errId(i(), 'id')}
                    />
                    <FieldError i={i()} part="id" />
                  </div>
                </Show>
                <Show when={isStandard(f.id) && err(i(), 'id')}>
                  <FieldError i={i()} part="id" />
                </Show>
                <div class="field widget-field-label">
                  <label for={fieldInputId(props.list, i(), 'label')}>Question</label>
                  <input
                    id={fieldInputId(props.list, i(), 'label')}
                    class="routing-input"
                    data-testid="field-label"
                    maxLength={FIELD_LABEL_MAX}
                    autocomplete="off"
                    value={f.label}
                    onInput={(e) => props.ops.update(i(), { label: e.currentTarget.value })}
                    aria-invalid={err(i(), 'label') !== undefined}
                    aria-errormessage={errId(i(), 'label')}
                  />
                  <FieldError i={i()} part="label" />
                </div>
                <div class="field">
                  <label for={fieldInputId(props.list, i(), 'type')}>Type</label>
                  <select id={fieldInputId(props.list, i(), 'type')} class="routing-input" data-testid="field-type" onChange={(e) => props.ops.update(i(), { type: e.currentTarget.value as FormFieldType })}>
                    <For each={Object.keys(TYPE_LABELS) as FormFieldType[]}>
                      {(t) => (
                        <option value={t} selected={f.type === t}>
                          {TYPE_LABELS[t]}
                        </option>
                      )}
                    </For>
                  </select>
                </div>
              </div>
              <Show when={f.type === 'select'}>
                <div class="field">
                  <label for={fieldInputId(props.list, i(), 'options')}>Choices, one per line</label>
                  <textarea
                    id={fieldInputId(props.list, i(), 'options')}
                    class="routing-input"
                    data-testid="field-options"
                    rows={3}
                    value={f.options}
                    onInput={(e) => props.ops.update(i(), { options: e.currentTarget.value })}
                    aria-invalid={err(i(), 'options') !== undefined}
                    aria-errormessage={errId(i(), 'options')}
                  />
                  <FieldError i={i()} part="options" />
                </div>
              </Show>
              <div class="widget-field-actions">
                <label class="routing-check">
                  <input type="checkbox" data-testid="field-required" checked={f.required} onChange={(e) => props.ops.update(i(), { required: e.currentTarget.checked })} />
                  Required
                </label>
                <span class="widget-spacer" />
                <button type="button" class="button button-quiet" data-testid="field-up" aria-label={`Move ${f.label || 'this field'} up`} disabled={props.disabled || i() === 0} onClick={() => props.ops.move(i(), -1)}>
                  ↑
                </button>
                <button
                  type="button"
                  class="button button-quiet"
                  data-testid="field-down"
                  aria-label={`Move ${f.label || 'this field'} down`}
                  disabled={props.disabled || i() === props.fields.length - 1}
                  onClick={() => props.ops.move(i(), 1)}
                >
                  ↓
                </button>
                <button type="button" class="button button-quiet routing-danger" data-testid="field-remove" aria-label={`Remove ${f.label || 'this field'}`} disabled={props.disabled} onClick={() => props.ops.remove(i())}>
                  Remove
                </button>
              </div>
            </li>
          )}
        </For>
      </ol>
      <Show when={props.errors[props.list]}>
        <p class="form-error" data-testid="widget-error" data-field={props.list} role="alert">
          {props.errors[props.list]}
        </p>
      </Show>
      <button type="button" class="button" data-testid={`widget-${props.list}-add`} disabled={props.disabled || props.fields.length >= FIELDS_MAX} onClick={() => props.ops.add()}>
        Add a field
      </button>
    </div>
  )
}
