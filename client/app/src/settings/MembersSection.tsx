/**
 * Settings › Members: each agent's place in the routing model — the groups they answer for, their
 * skills and how many chats they take at once. One entry per agent in the `settings` document's
 * `members`, written whole when the row is saved; the agents come from the directory this device
 * has cached, so the page works offline.
 */
import { createSignal, For, onMount, Show } from 'solid-js'
import { MAX_SLOTS, MIN_SLOTS, membershipDraft, membershipFromDraft, type MembershipDraft } from '../../../../shared/routingEdits.ts'
import { DEFAULT_SLOTS, putEntry, type Membership } from '../../../../shared/settings.ts'
import type { AgentInfo } from '../../../data/agents.ts'
import { useWorkspace } from '../workspace.tsx'
import { createKeyedList } from './keyedList.ts'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import './routing.css'

const ROLE_LABELS: Record<string, string> = { agent: 'Agent', supervisor: 'Supervisor', admin: 'Admin' }

export function MembersSection(props: SectionProps) {
  const ws = useWorkspace()
  const agents = createKeyedList(() => ws.agents())
  onMount(() => void ws.refreshAgents())
  return (
    <div class="settings-section routing" data-testid="settings-members">
      <div class="settings-heading">
        <h2 class="settings-title">Members</h2>
        <SyncNote doc={props.settings} />
      </div>
      <p class="muted">Which groups each agent answers for, their skills, and how many chats they take at once.</p>
      <Show when={props.settings.value()} fallback={<p class="muted">Loading the settings…</p>}>
        <ul class="routing-list">
          <For
            each={agents()}
            fallback={<li class="muted">{ws.connectivity() === 'offline' ? 'The list of agents is not on this device yet.' : 'No agents yet.'}</li>}
          >
            {(a) => <MemberRow agent={a} section={props} />}
          </For>
        </ul>
      </Show>
    </div>
  )
}

function MemberRow(p: { agent: AgentInfo; section: SectionProps }) {
  const settings = () => p.section.settings.value()!
  const saved = (): Membership => settings().members.find((m) => m.agentId === p.agent.id) ?? { agentId: p.agent.id, groups: [], skills: [], slots: DEFAULT_SLOTS }
  // null: nothing typed, the row shows the document (and follows another admin's change).
  const [draft, setDraft] = createSignal<MembershipDraft | null>(null)
  const [error, setError] = createSignal<string | null>(null)
  const [justSaved, setJustSaved] = createSignal(false)
  const shown = () => draft() ?? membershipDraft(saved())
  const id = (what: string) => `member-${p.agent.id}-${what}`

  const edit = (change: Partial<MembershipDraft>) => {
    setDraft({ ...shown(), ...change })
    setError(null)
    setJustSaved(false)
  }
  const toggle = (list: readonly string[], value: string, on: boolean) => (on ? [...list.filter((x) => x !== value), value] : list.filter((x) => x !== value))

  function save(e: SubmitEvent) {
    e.preventDefault()
    const d = draft()
    const doc = p.section.settings.doc()
    if (!d || !doc || !p.section.canEdit) return
    const r = membershipFromDraft(d, settings())
    if (!r.ok) return setError(r.errors.slots ?? Object.values(r.errors)[0] ?? 'Check this row')
    putEntry(doc, 'members', r.value)
    setDraft(null)
    setJustSaved(true)
  }

  return (
    <li class="routing-row routing-row-stack" data-testid="member-row" data-agent={p.agent.id}>
      <form class="routing-member" onSubmit={save} novalidate aria-label={`Routing of ${p.agent.name}`}>
        <div class="routing-member-who">
          <strong>{p.agent.name}</strong>
          <span class="muted">{ROLE_LABELS[p.agent.role] ?? p.agent.role}</span>
        </div>
        <fieldset class="routing-fieldset">
          <legend>Groups</legend>
          <div class="routing-checks">
            <For each={settings().groups} fallback={<span class="muted">No groups yet.</span>}>
              {(g) => (
                <label class="routing-check">
                  <input
                    type="checkbox"
                    data-testid="member-group"
                    data-id={g.id}
                    checked={shown().groups.includes(g.id)}
                    onChange={(e) => edit({ groups: toggle(shown().groups, g.id, e.currentTarget.checked) })}
                  />
                  {g.name}
                </label>
              )}
            </For>
          </div>
        </fieldset>
        <fieldset class="routing-fieldset">
          <legend>Skills</legend>
          <div class="routing-checks">
            <For each={settings().skills} fallback={<span class="muted">No skills yet.</span>}>
              {(k) => (
                <label class="routing-check">
                  <input
                    type="checkbox"
                    data-testid="member-skill"
                    data-id={k.id}
                    checked={shown().skills.includes(k.id)}
                    onChange={(e) => edit({ skills: toggle(shown().skills, k.id, e.currentTarget.checked) })}
                  />
                  {k.name}
                </label>
              )}
            </For>
          </div>
        </fieldset>
        <div class="field routing-slots">
          <label for={id('slots')}>Chats at once</label>
          <input
            id={id('slots')}
            class="routing-input"
            data-testid="member-slots"
            type="number"
            inputMode="numeric"
            min={MIN_SLOTS}
            max={MAX_SLOTS}
            step="1"
            value={shown().slots}
            aria-invalid={error() !== null}
            aria-errormessage={error() ? id('error') : undefined}
            onInput={(e) => edit({ slots: e.currentTarget.value })}
          />
        </div>
        <Show when={p.section.canEdit}>
          <div class="routing-actions">
            <Show when={justSaved() && !draft()}>
              <span class="muted" role="status" data-testid="member-saved">
                Saved
              </span>
            </Show>
            <Show when={draft()}>
              <button type="button" class="button button-quiet" data-testid="member-cancel" onClick={() => (setDraft(null), setError(null))}>
                Cancel
              </button>
            </Show>
            <button type="submit" class="button button-primary" data-testid="member-save" disabled={!draft()} aria-label={`Save the routing of ${p.agent.name}`}>
              Save
            </button>
          </div>
        </Show>
      </form>
      <Show when={error()}>
        <p class="form-error" id={id('error')} data-testid="member-error" role="alert">
          {error()}
        </p>
      </Show>
    </li>
  )
}
