/**
 * Settings › Proactive messages: the list (the first live match wins, so order matters) and the
 * editor. Everything is written to the `settings` document, so it works offline like every setting
 * and reaches the server, and every open page, when the device is back; the REST API
 * (`/api/proactive`) writes the same entries. Loaded with this section only: the checks pull the
 * validator in.
 */
import { createMemo, createSignal, For, Show } from 'solid-js'
import { newId } from '../../../../shared/id.ts'
import { nextOrder, putProactive, readProactive, removeProactive, type StoredProactive } from '../../../../shared/proactive/documents.ts'
import type { ProactiveBody } from '../../../../shared/proactive/schema.ts'
import { useWorkspace } from '../workspace.tsx'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { ProactiveEditor } from './ProactiveEditor.tsx'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import './routing.css'

export default function ProactiveSection(props: SectionProps) {
  const ws = useWorkspace()
  const messages = createMemo(() => {
    props.settings.value()
    const doc = props.settings.doc()
    return doc ? readProactive(doc) : []
  })
  const [search, setSearch] = createSignal('')
  const [editing, setEditing] = createSignal<string | null>(null)
  const [deleting, setDeleting] = createSignal<StoredProactive | null>(null)
  const shown = createMemo(() => {
    const q = search().trim().toLowerCase()
    return q ? messages().filter((m) => m.name.toLowerCase().includes(q)) : messages()
  })
  const doc = () => (props.canEdit ? props.settings.doc() : null)

  /** Writes a message as the editor left it: a new version, with the status asked for. */
  function save(before: StoredProactive | null, body: ProactiveBody, status: StoredProactive['status']) {
    const d = doc()
    if (!d) return
    const id = before?.id ?? newId()
    putProactive(d, { ...body, id, status, version: (before?.version ?? 0) + 1, order: before?.order ?? nextOrder(messages()) })
    setEditing(null)
  }

  function move(m: StoredProactive, by: -1 | 1) {
    const d = doc()
    const list = messages()
    const at = list.findIndex((x) => x.id === m.id)
    const other = list[at + by]
    if (!d || !other) return
    d.transact(() => {
      // Swapped places; equal orders (written elsewhere) are told apart by position first.
      putProactive(d, { ...m, order: at + by, version: m.version + 1 })
      putProactive(d, { ...other, order: at, version: other.version + 1 })
      list.forEach((x, i) => {
        if (x.id !== m.id && x.id !== other.id && x.order !== i) putProactive(d, { ...x, order: i })
      })
    })
  }

  return (
    <div class="settings-section routing" data-testid="settings-proactive">
      <div class="settings-heading">
        <h2 class="settings-title">Proactive messages</h2>
        <SyncNote doc={props.settings} />
      </div>
      <p class="muted">A visitor who meets a message’s rules gets it, when its conditions hold. Messages are tried from the top; the first live match wins.</p>
      <Show when={props.settings.value()} fallback={<p class="muted">Loading the settings…</p>}>
        <div class="routing-toolbar">
          <input class="routing-input" type="search" placeholder="Search by name" aria-label="Search proactive messages" data-testid="proactive-search" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} />
          <Show when={props.canEdit && editing() !== 'new'}>
            <button type="button" class="button button-primary" data-testid="proactive-add" onClick={() => setEditing('new')}>
              Add message
            </button>
          </Show>
        </div>
        <Show when={editing() === 'new'}>
          <ProactiveEditor initial={null} settings={() => props.settings.value()!} agents={ws.agents} onSave={(body, status) => save(null, body, status)} onCancel={() => setEditing(null)} />
        </Show>
        <ol class="routing-list" data-testid="proactive-list">
          <For each={shown()} fallback={<li class="muted">{search().trim() ? 'No message matches.' : 'No proactive messages yet.'}</li>}>
            {(m) => (
              <li class="routing-row routing-row-stack" data-testid="proactive-row" data-id={m.id} data-status={m.status}>
                <Show
                  when={editing() === m.id}
                  fallback={
                    <div class="routing-summary">
                      <div class="routing-summary-main">
                        <strong data-testid="proactive-row-name">{m.name}</strong>
                        <span class="muted" data-testid="proactive-row-text">
                          {m.message.text}
                        </span>
                      </div>
                      <span class={m.status === 'live' ? 'chip chip-live' : 'chip'} data-testid="proactive-row-status">
                        {m.status === 'live' ? 'Live' : 'Draft'}
                      </span>
                      <Show when={props.canEdit}>
                        <button type="button" class="button button-quiet" aria-label={`Move ${m.name} up`} data-testid="proactive-up" disabled={messages()[0]?.id === m.id || !!search().trim()} onClick={() => move(m, -1)}>
                          ↑
                        </button>
                        <button type="button" class="button button-quiet" aria-label={`Move ${m.name} down`} data-testid="proactive-down" disabled={messages().at(-1)?.id === m.id || !!search().trim()} onClick={() => move(m, 1)}>
                          ↓
                        </button>
                        <button type="button" class="button button-quiet" data-testid="proactive-edit" aria-label={`Edit ${m.name}`} onClick={() => setEditing(m.id)}>
                          Edit
                        </button>
                        <button type="button" class="button button-quiet settings-danger" data-testid="proactive-delete" aria-label={`Delete ${m.name}`} onClick={() => setDeleting(m)}>
                          Delete
                        </button>
                      </Show>
                    </div>
                  }
                >
                  <ProactiveEditor initial={m} settings={() => props.settings.value()!} agents={ws.agents} onSave={(body, status) => save(m, body, status)} onCancel={() => setEditing(null)} />
                </Show>
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Show when={deleting()} keyed>
        {(m) => (
          <ConfirmDialog
            title="Delete this message?"
            message={`“${m.name}” stops at once on every page and cannot be brought back.`}
            confirmLabel="Delete"
            onConfirm={() => {
              const d = doc()
              if (d) removeProactive(d, m.id)
            }}
            onClose={() => setDeleting(null)}
          />
        )}
      </Show>
    </div>
  )
}
