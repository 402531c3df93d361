/**
 * Settings › Templates: the reply templates agents insert by typing `/shortcut` in a reply. Every
 * agent sees them; admins edit them, and so do agents when the workspace allows it. Edits go to
 * the `templates` document: they work offline and merge on reconnect.
 */
import { createMemo, createSignal, For, Show } from 'solid-js'
import { newId } from '../../../../shared/id.ts'
import { putTemplate, removeTemplate, rightsOf, type Template } from '../../../../shared/settings.ts'
import { searchTemplates } from '../../../../shared/templateSearch.ts'
import { useWorkspace } from '../workspace.tsx'
import { createKeyedList } from './keyedList.ts'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import { TemplateEditor } from './TemplateEditor.tsx'
import './settingsForms.css'

/**
 * Whether this agent may edit templates, as the server decides it: those who edit the settings, and
 * everyone when the workspace lets agents.
 */
function mayEditTemplates(props: SectionProps, me: { id: string; role: string; groups: readonly string[] }): boolean {
  if (props.canEdit) return true
  const s = props.settings.value()
  if (!s) return false
  if (s.workspace.agentsEditTemplates) return true
  // Groups given at the agent's creation count as well as their membership, as on the server.
  const member = s.members.find((m) => m.agentId === me.id)
  const groups = [...new Set([...me.groups, ...(member?.groups ?? [])])]
  return rightsOf({ groups: s.groups, members: [{ agentId: me.id, groups, skills: [], slots: 0 }] }, me.id, me.role).settings
}

export function TemplatesSection(props: SectionProps) {
  const ws = useWorkspace()
  const editor = () => mayEditTemplates(props, ws.session.agent)
  const templates = createKeyedList(() => props.templates.value())
  const canEdit = () => editor() && props.templates.doc() !== null
  const [search, setSearch] = createSignal('')
  const shown = createMemo(() => {
    const q = search().trim()
    return q ? searchTemplates(templates(), q, { limit: Infinity }) : templates()
  })
  /** The template being edited: its id, `new`, or null. */
  const [editing, setEditing] = createSignal<string | null>(null)

  function save(id: string, t: Omit<Template, 'id'>) {
    const doc = props.templates.doc()
    if (!doc) return
    putTemplate(doc, { id, tag: t.tag, title: t.title, text: t.text, channels: [...t.channels] })
    setEditing(null)
  }
  const plain = (t: Template): Template => ({ id: t.id, tag: t.tag, title: t.title, text: t.text, channels: [...t.channels] })

  return (
    <div class="settings-section" data-testid="settings-templates">
      <div class="settings-heading">
        <h2 class="settings-title">Templates</h2>
        <SyncNote doc={props.templates} />
      </div>
      <p class="muted">
        Type <kbd>/</kbd> and a shortcut in a reply to insert one.
        <Show when={!editor()}> Only admins edit them in this workspace.</Show>
      </p>

      <div class="settings-toolbar">
        <input
          class="settings-input settings-grow"
          type="search"
          data-testid="template-search"
          placeholder="Search templates"
          aria-label="Search templates"
          value={search()}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
        <Show when={editor()}>
          <button type="button" class="button button-primary" data-testid="template-new" disabled={!canEdit() || editing() === 'new'} onClick={() => setEditing('new')}>
            New template
          </button>
        </Show>
      </div>

      <Show when={editing() === 'new'}>
        <TemplateEditor template={null} templates={templates()} onSave={(t) => save(newId(), t)} onCancel={() => setEditing(null)} />
      </Show>

      <ul class="settings-list" data-testid="template-list">
        <For
          each={shown()}
          fallback={<li class="muted">{search().trim() ? 'No template matches.' : 'No templates yet.'}</li>}
        >
          {(t) => (
            <li class="settings-row template-row" data-testid="template-row" data-tag={t.tag}>
              <Show
                when={editing() === t.id}
                fallback={
                  <>
                    <div class="settings-row-main">
                      <div class="template-head">
                        <code class="template-tag">/{t.tag}</code>
                        <span class="template-title">{t.title}</span>
                        <Show when={t.channels.length}>
                          <span class="chip">{t.channels.join(', ')}</span>
                        </Show>
                      </div>
                      <p class="template-text" data-testid="template-row-text">
                        {t.text}
                      </p>
                    </div>
                    <Show when={editor()}>
                      <button
                        type="button"
                        class="button button-quiet"
                        data-testid="template-edit"
                        aria-label={`Edit /${t.tag}`}
                        disabled={!canEdit()}
                        onClick={() => setEditing(t.id)}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        class="button button-quiet settings-danger"
                        data-testid="template-delete"
                        aria-label={`Delete /${t.tag}`}
                        disabled={!canEdit()}
                        onClick={() => {
                          const doc = props.templates.doc()
                          if (doc) removeTemplate(doc, t.id)
                          if (editing() === t.id) setEditing(null)
                        }}
                      >
                        Delete
                      </button>
                    </Show>
                  </>
                }
              >
                <TemplateEditor template={plain(t)} templates={templates()} onSave={(next) => save(t.id, next)} onCancel={() => setEditing(null)} />
              </Show>
            </li>
          )}
        </For>
      </ul>
    </div>
  )
}
