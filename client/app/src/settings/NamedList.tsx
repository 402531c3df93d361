/**
 * A list of named entries (teams, skills) to add, rename and remove in place. Each row keeps what
 * is being typed until it is saved, while the rest of the list follows the document.
 */
import { createSignal, For, Show, type Accessor } from 'solid-js'
import { NAME_MAX, nameError } from '../../../../shared/routingEdits.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { createKeyedList } from './keyedList.ts'

interface Named {
  id: string
  name: string
}

export interface NamedListProps {
  /** What one entry is called in sentences: `team`, `skill`. */
  what: string
  /** Prefix of the data-testids: `<prefix>-row`, `<prefix>-name`, `<prefix>-save`, `<prefix>-delete`, `<prefix>-new-name`, `<prefix>-add`. */
  testId: string
  items: Accessor<readonly Named[] | undefined>
  canEdit: boolean
  empty: string
  add(name: string): void
  rename(id: string, name: string): void
  remove(id: string): void
  /** What removing this entry also changes, when it does: asked before removing. */
  removalWarning(id: string): string | null
}

export function NamedList(props: NamedListProps) {
  const items = createKeyedList(() => props.items())
  const [name, setName] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const [confirming, setConfirming] = createSignal<{ id: string; name: string; message: string } | null>(null)
  const errorId = `${props.testId}-new-error`

  function add(e: SubmitEvent) {
    e.preventDefault()
    const problem = nameError(name(), items(), null, props.what)
    if (problem) return setError(problem)
    props.add(name().trim())
    setName('')
    setError(null)
  }

  function askRemove(item: Named) {
    const message = props.removalWarning(item.id)
    if (message) setConfirming({ id: item.id, name: item.name, message })
    else props.remove(item.id)
  }

  return (
    <div class="routing-named">
      <ul class="routing-list" data-testid={`${props.testId}-list`}>
        <For each={items()} fallback={<li class="muted">{props.empty}</li>}>
          {(item) => <NamedRow item={item} list={props} all={items} onRemove={() => askRemove(item)} />}
        </For>
      </ul>
      <Show when={props.canEdit}>
        <form class="routing-inline" onSubmit={add} novalidate>
          <label class="field routing-grow">
            New {props.what}
            <input
              class="routing-input"
              data-testid={`${props.testId}-new-name`}
              maxLength={NAME_MAX}
              autocomplete="off"
              aria-invalid={error() !== null}
              aria-errormessage={error() ? errorId : undefined}
              value={name()}
              onInput={(e) => {
                setName(e.currentTarget.value)
                setError(null)
              }}
            />
          </label>
          <button type="submit" class="button button-primary" data-testid={`${props.testId}-add`}>
            Add {props.what}
          </button>
        </form>
        <Show when={error()}>
          <p class="form-error" id={errorId} data-testid={`${props.testId}-error`} role="alert">
            {error()}
          </p>
        </Show>
      </Show>
      <Show when={confirming()}>
        {(c) => (
          <ConfirmDialog
            title={`Delete the ${props.what} “${c().name}”?`}
            message={c().message}
            confirmLabel={`Delete ${props.what}`}
            onConfirm={() => props.remove(c().id)}
            onClose={() => setConfirming(null)}
          />
        )}
      </Show>
    </div>
  )
}

function NamedRow(p: { item: Named; list: NamedListProps; all: Accessor<readonly Named[]>; onRemove: () => void }) {
  // null: not being edited, the row shows the document's name (and follows another admin's rename).
  const [draft, setDraft] = createSignal<string | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const errorId = `${p.list.testId}-error-${p.item.id}`
  const prefix = p.list.testId

  function save(e: SubmitEvent) {
    e.preventDefault()
    const d = draft()
    if (d === null) return
    const problem = nameError(d, p.all(), p.item.id, p.list.what)
    if (problem) return setError(problem)
    if (d.trim() !== p.item.name) p.list.rename(p.item.id, d.trim())
    setDraft(null)
    setError(null)
  }

  return (
    <li class="routing-row" data-testid={`${prefix}-row`} data-id={p.item.id}>
      <form class="routing-inline" onSubmit={save} novalidate>
        <input
          class="routing-input routing-grow"
          data-testid={`${prefix}-name`}
          aria-label={`Name of the ${p.list.what} ${p.item.name}`}
          maxLength={NAME_MAX}
          autocomplete="off"
          readOnly={!p.list.canEdit}
          aria-invalid={error() !== null}
          aria-errormessage={error() ? errorId : undefined}
          value={draft() ?? p.item.name}
          onInput={(e) => {
            setDraft(e.currentTarget.value)
            setError(null)
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              setDraft(null)
              setError(null)
            }
          }}
        />
        <Show when={p.list.canEdit}>
          <button type="submit" class="button" data-testid={`${prefix}-save`} disabled={draft() === null} aria-label={`Rename the ${p.list.what} ${p.item.name}`}>
            Rename
          </button>
          <button type="button" class="button button-quiet routing-danger" data-testid={`${prefix}-delete`} aria-label={`Delete the ${p.list.what} ${p.item.name}`} onClick={() => p.onRemove()}>
            Delete
          </button>
        </Show>
      </form>
      <Show when={error()}>
        <p class="form-error" id={errorId} data-testid={`${prefix}-error`} role="alert">
          {error()}
        </p>
      </Show>
    </li>
  )
}
