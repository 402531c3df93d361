/**
 * Transfer a conversation to an agent (even one who is away: it waits for them), to a routing
 * group's queue (groups belong to teams), or to whoever has a skill. The agents come from the
 * directory cached on this device and the groups and skills from the settings document, so the
 * dialog works offline.
 */
import { createSignal, For, onMount, Show } from 'solid-js'
import type { TransferTarget } from '../../../../shared/commands.ts'
import { useWorkspace } from '../workspace.tsx'
import { Modal } from './Modal.tsx'

type Choice = { kind: 'agent' | 'group' | 'skill'; id: string } | null

export function TransferDialog(props: {
  currentAssigneeId: string | null
  currentGroupId?: string | null
  onClose: () => void
  onConfirm: (to: TransferTarget, note: string) => void
}) {
  const ws = useWorkspace()
  const me = ws.session.agent.id
  const settings = ws.settings
  const [choice, setChoice] = createSignal<Choice>(null)
  const [note, setNote] = createSignal('')
  const candidates = () => ws.agents().filter((a) => a.id !== me && a.id !== props.currentAssigneeId)
  const groups = () => settings.value()?.groups ?? []
  const skills = () => settings.value()?.skills ?? []
  const teamName = (id: string | null) => (id ? settings.value()?.teams.find((t) => t.id === id)?.name : undefined)

  onMount(() => void ws.refreshAgents())

  const target = (): TransferTarget | null => {
    const c = choice()
    if (!c) return null
    return c.kind === 'agent' ? { agentId: c.id } : c.kind === 'group' ? { groupId: c.id } : { skillId: c.id }
  }
  const isChosen = (kind: NonNullable<Choice>['kind'], id: string) => choice()?.kind === kind && choice()?.id === id

  function confirm() {
    const to = target()
    if (to) props.onConfirm(to, note().trim())
  }

  const offlineNote = (what: string) => (ws.connectivity() === 'offline' ? `The ${what} are not on this device yet.` : `No ${what} yet.`)

  return (
    <Modal
      title="Transfer the chat"
      testId="transfer-dialog"
      onClose={props.onClose}
      onSubmit={confirm}
      footer={
        <button type="submit" class="button button-primary" data-testid="transfer-confirm" disabled={!target()}>
          Transfer
        </button>
      }
    >
      <fieldset class="modal-section">
        <legend>To an agent</legend>
        <div class="option-list" role="radiogroup" aria-label="Agents">
          <For each={candidates()} fallback={<p class="muted">{ws.connectivity() === 'offline' ? 'The list of agents is not on this device yet.' : 'No other agents.'}</p>}>
            {(a) => (
              <button
                type="button"
                role="radio"
                class="option"
                aria-checked={isChosen('agent', a.id)}
                data-testid="transfer-agent"
                data-id={a.id}
                onClick={() => setChoice({ kind: 'agent', id: a.id })}
              >
                <span class="option-name">{a.name}</span>
                <Show when={a.role !== 'agent'}>
                  <span class="muted">{a.role}</span>
                </Show>
              </button>
            )}
          </For>
        </div>
      </fieldset>
      <fieldset class="modal-section">
        <legend>To a group's queue</legend>
        <div class="option-list" role="radiogroup" aria-label="Groups">
          <For each={groups().filter((g) => g.id !== props.currentGroupId)} fallback={<p class="muted">{offlineNote('routing groups')}</p>}>
            {(g) => (
              <button
                type="button"
                role="radio"
                class="option"
                aria-checked={isChosen('group', g.id)}
                data-testid="transfer-group"
                data-id={g.id}
                onClick={() => setChoice({ kind: 'group', id: g.id })}
              >
                <span class="option-name">{g.name}</span>
                <Show when={teamName(g.teamId)}>{(t) => <span class="muted">{t()}</span>}</Show>
              </button>
            )}
          </For>
        </div>
      </fieldset>
      <Show when={skills().length > 0}>
        <fieldset class="modal-section">
          <legend>To someone with a skill</legend>
          <div class="option-list" role="radiogroup" aria-label="Skills">
            <For each={skills()}>
              {(s) => (
                <button
                  type="button"
                  role="radio"
                  class="option"
                  aria-checked={isChosen('skill', s.id)}
                  data-testid="transfer-skill"
                  data-id={s.id}
                  onClick={() => setChoice({ kind: 'skill', id: s.id })}
                >
                  <span class="option-name">{s.name}</span>
                </button>
              )}
            </For>
          </div>
        </fieldset>
      </Show>
      <label class="field">
        Note for the next agent (optional)
        <textarea data-testid="transfer-note" rows={2} maxLength={2000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
    </Modal>
  )
}
