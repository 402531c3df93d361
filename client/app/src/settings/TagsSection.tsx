/**
 * Settings › Tags: the tags offered when closing a chat. Edits go to the `settings` document, so
 * they work offline and merge on reconnect; renaming or deleting a tag leaves the chats already
 * tagged with it as they are.
 */
import { createSignal, For, Show } from 'solid-js'
import { newId } from '../../../../shared/id.ts'
import { putEntry, removeEntry, type Tag } from '../../../../shared/settings.ts'
import { MAX_TAG_NAME, tagNameProblem } from '../../../../shared/settingsValidation.ts'
import { createKeyedList } from './keyedList.ts'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import './settingsForms.css'

export function TagsSection(props: SectionProps) {
  const tags = createKeyedList(() => props.settings.value()?.tags)
  const editable = () => props.canEdit && props.settings.doc() !== null

  const [name, setName] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  function add(e: SubmitEvent) {
    e.preventDefault()
    const doc = props.settings.doc()
    if (!doc || !props.canEdit) return
    const problem = tagNameProblem(name(), tags())
    if (problem) return setError(problem)
    putEntry(doc, 'tags', { id: newId(), name: name().trim() })
    setName('')
    setError(null)
  }

  return (
    <div class="settings-section" data-testid="settings-tags">
      <div class="settings-heading">
        <h2 class="settings-title">Tags</h2>
        <SyncNote doc={props.settings} />
      </div>
      <p class="muted">Offered when closing a chat. Renaming or deleting a tag leaves the chats already tagged as they are.</p>

      <Show when={props.canEdit}>
        <form class="settings-inline-form" data-testid="tag-form" onSubmit={add} novalidate>
          <label class="field settings-grow">
            New tag
            <input
              data-testid="tag-new-name"
              maxLength={MAX_TAG_NAME}
              autocomplete="off"
              aria-invalid={error() !== null}
              aria-errormessage={error() ? 'tag-form-error' : undefined}
              value={name()}
              onInput={(e) => {
                setName(e.currentTarget.value)
                setError(null)
              }}
            />
          </label>
          <button type="submit" class="button button-primary" data-testid="tag-add" disabled={!editable()}>
            Add tag
          </button>
        </form>
        <Show when={error()}>
          <p class="form-error" id="tag-form-error" data-testid="tag-error" role="alert">
            {error()}
          </p>
        </Show>
      </Show>

      <ul class="settings-list" data-testid="tag-list">
        <For each={tags()} fallback={<li class="muted">No tags yet: the close dialog offers a starter set until you add some.</li>}>
          {(tag) => <TagRow tag={tag} section={props} />}
        </For>
      </ul>
    </div>
  )
}

function TagRow(p: { tag: Tag; section: SectionProps }) {
  const [editing, setEditing] = createSignal(false)
  const [draft, setDraft] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const errorId = `tag-rename-error-${p.tag.id}`

  function save(e: SubmitEvent) {
    e.preventDefault()
    const doc = p.section.settings.doc()
    if (!doc) return
    const problem = tagNameProblem(draft(), p.section.settings.value()?.tags ?? [], p.tag.id)
    if (problem) return setError(problem)
    if (draft().trim() !== p.tag.name) putEntry(doc, 'tags', { id: p.tag.id, name: draft().trim() })
    setEditing(false)
  }

  return (
    <li class="settings-row" data-testid="tag-row" data-tag={p.tag.name}>
      <Show
        when={editing()}
        fallback={
          <>
            <span class="settings-row-main">{p.tag.name}</span>
            <Show when={p.section.canEdit}>
              <button
                type="button"
                class="button button-quiet"
                data-testid="tag-rename"
                aria-label={`Rename ${p.tag.name}`}
                onClick={() => {
                  setDraft(p.tag.name)
                  setError(null)
                  setEditing(true)
                }}
              >
                Rename
              </button>
              <button
                type="button"
                class="button button-quiet settings-danger"
                data-testid="tag-delete"
                aria-label={`Delete ${p.tag.name}`}
                onClick={() => {
                  const doc = p.section.settings.doc()
                  if (doc) removeEntry(doc, 'tags', p.tag.id)
                }}
              >
                Delete
              </button>
            </Show>
          </>
        }
      >
        <form class="settings-inline-form settings-grow" onSubmit={save} novalidate>
          <input
            class="settings-input settings-grow"
            data-testid="tag-rename-input"
            aria-label={`New name for ${p.tag.name}`}
            maxLength={MAX_TAG_NAME}
            aria-invalid={error() !== null}
            aria-errormessage={error() ? errorId : undefined}
            value={draft()}
            ref={(el) => queueMicrotask(() => (el.focus(), el.select()))}
            onInput={(e) => {
              setDraft(e.currentTarget.value)
              setError(null)
            }}
            onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
          />
          <button type="submit" class="button button-primary" data-testid="tag-rename-save">
            Save
          </button>
          <button type="button" class="button button-quiet" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
        <Show when={error()}>
          <p class="form-error settings-row-error" id={errorId} data-testid="tag-error" role="alert">
            {error()}
          </p>
        </Show>
      </Show>
    </li>
  )
}
