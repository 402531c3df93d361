/**
 * The state of a settings editor's form: its own copy of the draft, the check that turns it into
 * what is saved, and the errors shown beside the fields. Errors appear once a save was tried and
 * then follow the typing, so the admin sees them clear; a refused save takes them to the first
 * field that needs them.
 */
import { createSignal, Show, type JSX } from 'solid-js'
import { createStore, type SetStoreFunction, type Store } from 'solid-js/store'
import type { Checked, FieldErrors } from '../../../../shared/routingEdits.ts'

export interface DraftForm<D extends object> {
  draft: Store<D>
  setDraft: SetStoreFunction<D>
  /** Sets one field of the draft (and re-checks it once a save was tried). */
  edit<K extends keyof D>(key: K, value: D[K]): void
  errors: () => FieldErrors
  /** The element id of a field (`<prefix>-<field>`), which the first error focuses. */
  id(field: string): string
  bad(field: string): boolean
  /** The id of a field's error, for `aria-describedby`, while it has one. */
  errorOf(field: string): string | undefined
  /** A field's error, when it has one. */
  FieldError(p: { field: string }): JSX.Element
  onSubmit(e: SubmitEvent): void
}

export function createDraftForm<D extends object, V>(o: {
  /** Copied: another admin's edit of the same entry shows after Cancel, not in the middle of typing. */
  initial: D
  /** Prefix of the fields' ids, unique on the page. */
  idPrefix: string
  /** `data-testid` of the error paragraphs. */
  errorTestId: string
  check: (draft: D) => Checked<V>
  onSave: (value: V) => void
}): DraftForm<D> {
  const [draft, setDraft] = createStore<D>(structuredClone(o.initial))
  const [errors, setErrors] = createSignal<FieldErrors>({})
  const [tried, setTried] = createSignal(false)
  const id = (field: string) => `${o.idPrefix}-${field}`
  const bad = (field: string) => errors()[field] !== undefined

  return {
    draft,
    setDraft,
    edit(key, value) {
      ;(setDraft as (k: typeof key, v: typeof value) => void)(key, value)
      if (!tried()) return
      const r = o.check(draft)
      setErrors(r.ok ? {} : r.errors)
    },
    errors,
    id,
    bad,
    errorOf: (field) => (bad(field) ? id(`${field}-error`) : undefined),
    FieldError: (p) => (
      <Show when={errors()[p.field]}>
        <p class="form-error" id={id(`${p.field}-error`)} data-testid={o.errorTestId} data-field={p.field} role="alert">
          {errors()[p.field]}
        </p>
      </Show>
    ),
    onSubmit(e) {
      e.preventDefault()
      setTried(true)
      const r = o.check(draft)
      if (!r.ok) {
        setErrors(r.errors)
        const first = Object.keys(r.errors)[0]
        if (first) document.getElementById(id(first))?.focus()
        return
      }
      o.onSave(r.value)
    },
  }
}
