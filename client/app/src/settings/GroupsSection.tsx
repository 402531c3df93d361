/**
 * Settings › Teams & groups: the teams, and the routing groups chats wait in — their limit, how
 * chats are assigned, the skills they need and the rights their members get. Every edit goes to
 * the `settings` document: it works offline and merges on reconnect.
 */
import { createMemo, createSignal, For, Show, untrack } from 'solid-js'
import { newId } from '../../../../shared/id.ts'
import { groupDraft, removeGroup, removeTeam, teamUsage } from '../../../../shared/routingEdits.ts'
import { AGENT_RIGHTS, putEntry, type RoutingGroup } from '../../../../shared/settings.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { ASSIGNMENT_LABELS, GroupEditor } from './GroupEditor.tsx'
import { createKeyedList } from './keyedList.ts'
import { NamedList } from './NamedList.tsx'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import './routing.css'

/** What a new group tells visitors once it is full (the admin may change it). */
const DEFAULT_FULL_MESSAGE = 'All our agents are busy right now. Please try again a little later.'

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`

export function GroupsSection(props: SectionProps) {
  const settings = () => props.settings.value()
  const doc = () => props.settings.doc()

  function teamWarning(teamId: string): string | null {
    const s = settings()
    if (!s) return null
    const use = teamUsage(s, teamId)
    const parts = [
      use.groups.length ? `${plural(use.groups.length, 'group')} (${use.groups.map((g) => g.name).join(', ')}) will have no team` : '',
      use.scripts.length ? `${plural(use.scripts.length, 'script')} will route to no team` : '',
      use.hours ? 'its working hours will be deleted' : '',
    ].filter(Boolean)
    return parts.length ? `${parts.join('; ')}.` : null
  }

  return (
    <div class="settings-section routing" data-testid="settings-groups">
      <div class="settings-heading">
        <h2 class="settings-title">Teams & groups</h2>
        <SyncNote doc={props.settings} />
      </div>
      <Show when={settings()} fallback={<p class="muted">Loading the settings…</p>}>
        <section class="routing-block" aria-labelledby="routing-teams-title">
          <h3 id="routing-teams-title" class="routing-subtitle">
            Teams
          </h3>
          <p class="muted">A team has its own working hours; scripts send chats to a team and one of its groups.</p>
          <NamedList
            what="team"
            testId="team"
            items={() => settings()?.teams}
            canEdit={props.canEdit}
            empty="No teams yet."
            add={(name) => doc() && putEntry(doc()!, 'teams', { id: newId(), name })}
            rename={(id, name) => doc() && putEntry(doc()!, 'teams', { id, name })}
            remove={(id) => doc() && removeTeam(doc()!, id)}
            removalWarning={teamWarning}
          />
        </section>
        <Groups {...props} />
      </Show>
    </div>
  )
}

function Groups(props: SectionProps) {
  const settings = () => props.settings.value()!
  const groups = createKeyedList(() => props.settings.value()?.groups)
  /** The group being edited: its id, `new`, or nobody. */
  const [editing, setEditing] = createSignal<string | null>(null)
  const [confirming, setConfirming] = createSignal<{ group: RoutingGroup; message: string } | null>(null)
  // Keyed on `editing` alone: a change of the document must not reset the form being typed in.
  const newDraft = createMemo(() =>
    editing() === 'new'
      ? untrack(() => groupDraft({
          id: newId(),
          name: '',
          teamId: settings().teams.length === 1 ? settings().teams[0]!.id : null,
          maxConversations: null,
          fullMessage: DEFAULT_FULL_MESSAGE,
          assignment: 'manual',
          onlyWhenOnline: false,
          skills: [],
          access: { ...AGENT_RIGHTS },
        }))
      : null,
  )

  function save(g: RoutingGroup) {
    const doc = props.settings.doc()
    if (!doc || !props.canEdit) return
    putEntry(doc, 'groups', g)
    setEditing(null)
  }

  function askRemove(g: RoutingGroup) {
    const doc = props.settings.doc()
    if (!doc) return
    const members = settings().members.filter((m) => m.groups.includes(g.id)).length
    const scripts = settings().scripts.filter((x) => x.groupId === g.id).length
    const parts = [members ? `${plural(members, 'agent')} will leave it` : '', scripts ? `${plural(scripts, 'script')} will route to no group` : ''].filter(Boolean)
    if (parts.length) setConfirming({ group: { ...g }, message: `${parts.join('; ')}.` })
    else removeGroup(doc, g.id)
  }

  const teamName = (id: string | null) => (id ? (settings().teams.find((t) => t.id === id)?.name ?? 'Unknown team') : 'No team')
  const skillNames = (ids: readonly string[]) => ids.map((id) => settings().skills.find((k) => k.id === id)?.name).filter(Boolean).join(', ')

  return (
    <section class="routing-block" aria-labelledby="routing-groups-title">
      <div class="routing-block-head">
        <h3 id="routing-groups-title" class="routing-subtitle">
          Routing groups
        </h3>
        <Show when={props.canEdit && editing() !== 'new'}>
          <button type="button" class="button button-primary" data-testid="group-add" onClick={() => setEditing('new')}>
            New group
          </button>
        </Show>
      </div>
      <p class="muted">Chats wait in a group until one of its agents answers. Agents join groups under Members.</p>
      <Show when={newDraft()} keyed>
        {(initial) => <GroupEditor initial={initial} settings={settings} isNew onSave={save} onCancel={() => setEditing(null)} />}
      </Show>
      <ul class="routing-list">
        <For each={groups()} fallback={<li class="muted">No routing groups yet.</li>}>
          {(g) => (
            <li class="routing-row routing-row-stack" data-testid="group-row" data-id={g.id}>
              <Show
                when={editing() === g.id}
                fallback={
                  <div class="routing-summary">
                    <div class="routing-summary-main">
                      <strong data-testid="group-row-name">{g.name}</strong>
                      <span class="muted" data-testid="group-row-facts">
                        {teamName(g.teamId)} · {g.maxConversations === null ? 'no limit' : `at most ${g.maxConversations}`} · {ASSIGNMENT_LABELS[g.assignment]}
                        {g.onlyWhenOnline ? ' · only when online' : ''}
                        {g.skills.length ? ` · needs ${skillNames(g.skills)}` : ''}
                      </span>
                    </div>
                    <Show when={props.canEdit}>
                      <button type="button" class="button" data-testid="group-edit" aria-label={`Edit the group ${g.name}`} onClick={() => setEditing(g.id)}>
                        Edit
                      </button>
                      <button type="button" class="button button-quiet routing-danger" data-testid="group-delete" aria-label={`Delete the group ${g.name}`} onClick={() => askRemove(g)}>
                        Delete
                      </button>
                    </Show>
                  </div>
                }
              >
                <GroupEditor initial={groupDraft(g)} settings={settings} isNew={false} onSave={save} onCancel={() => setEditing(null)} />
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={confirming()}>
        {(c) => (
          <ConfirmDialog
            title={`Delete the group “${c().group.name}”?`}
            message={c().message}
            confirmLabel="Delete group"
            onConfirm={() => {
              const doc = props.settings.doc()
              if (doc) removeGroup(doc, c().group.id)
            }}
            onClose={() => setConfirming(null)}
          />
        )}
      </Show>
    </section>
  )
}
