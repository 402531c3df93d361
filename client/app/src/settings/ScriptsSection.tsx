/**
 * Settings › Scripts: routing rules from the site's pages to a team and group, tried in order;
 * each can be switched off without being deleted. Edits go to the `settings` document.
 */
import { createMemo, createSignal, For, Show, untrack } from 'solid-js'
import { newId } from '../../../../shared/id.ts'
import { moveScript, type ScriptDraft } from '../../../../shared/routingEdits.ts'
import { putEntry, removeEntry, type Script } from '../../../../shared/settings.ts'
import { createKeyedList } from './keyedList.ts'
import { ScriptEditor } from './ScriptEditor.tsx'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import './routing.css'

export function ScriptsSection(props: SectionProps) {
  const settings = () => props.settings.value()!
  const scripts = createKeyedList(() => props.settings.value()?.scripts)
  const [editing, setEditing] = createSignal<string | null>(null)
  const newDraft = createMemo(() =>
    editing() === 'new'
      ? untrack((): ScriptDraft => ({
          id: newId(),
          name: '',
          url: '',
          match: 'partial',
          teamId: null,
          groupId: null,
          onlyWhenOnline: false,
          requestFormWhenNobody: false,
          active: true,
          order: null,
        }))
      : null,
  )
  const doc = () => (props.canEdit ? props.settings.doc() : null)

  function save(s: Script) {
    const d = doc()
    if (!d) return
    putEntry(d, 'scripts', s)
    setEditing(null)
  }

  const teamName = (id: string | null) => (id ? (settings().teams.find((t) => t.id === id)?.name ?? 'unknown team') : 'any team')
  const groupName = (id: string | null) => (id ? (settings().groups.find((g) => g.id === id)?.name ?? 'unknown group') : 'any group')

  return (
    <div class="settings-section routing" data-testid="settings-scripts">
      <div class="settings-heading">
        <h2 class="settings-title">Scripts</h2>
        <SyncNote doc={props.settings} />
      </div>
      <p class="muted">A chat started on a matching page goes to the script’s team and group. Scripts are tried from the top; the first active match wins.</p>
      <Show when={props.settings.value()} fallback={<p class="muted">Loading the settings…</p>}>
        <Show when={props.canEdit && editing() !== 'new'}>
          <button type="button" class="button button-primary" data-testid="script-add" onClick={() => setEditing('new')}>
            New script
          </button>
        </Show>
        <Show when={newDraft()} keyed>
          {(initial) => <ScriptEditor initial={initial} settings={settings} isNew onSave={save} onCancel={() => setEditing(null)} />}
        </Show>
        <ol class="routing-list">
          <For each={scripts()} fallback={<li class="muted">No scripts yet: chats go to the workspace’s default queue.</li>}>
            {(s, i) => (
              <li class="routing-row routing-row-stack" data-testid="script-row" data-id={s.id} data-active={String(s.active)}>
                <Show
                  when={editing() === s.id}
                  fallback={
                    <div class="routing-summary">
                      <div class="routing-summary-main">
                        <strong data-testid="script-row-name">{s.name}</strong>
                        <span class="muted" data-testid="script-row-facts">
                          address {s.match === 'full' ? 'is' : 'contains'} “{s.url}” → {teamName(s.teamId)}, {groupName(s.groupId)}
                          {s.onlyWhenOnline ? ' · only when online' : ''}
                          {s.requestFormWhenNobody ? ' · request form when nobody' : ''}
                        </span>
                      </div>
                      <label class="routing-check">
                        <input
                          type="checkbox"
                          data-testid="script-active"
                          checked={s.active}
                          disabled={!props.canEdit}
                          onChange={(e) => {
                            const d = doc()
                            if (d) putEntry(d, 'scripts', { ...s, active: e.currentTarget.checked })
                          }}
                        />
                        Active
                      </label>
                      <Show when={props.canEdit}>
                        <button type="button" class="button button-quiet" data-testid="script-up" aria-label={`Move ${s.name} up`} disabled={i() === 0} onClick={() => doc() && moveScript(doc()!, s.id, -1)}>
                          ↑
                        </button>
                        <button
                          type="button"
                          class="button button-quiet"
                          data-testid="script-down"
                          aria-label={`Move ${s.name} down`}
                          disabled={i() === scripts().length - 1}
                          onClick={() => doc() && moveScript(doc()!, s.id, 1)}
                        >
                          ↓
                        </button>
                        <button type="button" class="button" data-testid="script-edit" aria-label={`Edit the script ${s.name}`} onClick={() => setEditing(s.id)}>
                          Edit
                        </button>
                        <button type="button" class="button button-quiet routing-danger" data-testid="script-delete" aria-label={`Delete the script ${s.name}`} onClick={() => doc() && removeEntry(doc()!, 'scripts', s.id)}>
                          Delete
                        </button>
                      </Show>
                    </div>
                  }
                >
                  <ScriptEditor initial={{ ...s }} settings={settings} isNew={false} onSave={save} onCancel={() => setEditing(null)} />
                </Show>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </div>
  )
}
