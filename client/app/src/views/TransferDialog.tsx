/**
 * Transfer a conversation to an agent (even one who is away: it waits for them), to a team (the
 * server picks the queue of the team's group that can serve it soonest), to a routing group's
 * queue (groups belong to teams), or to whoever has a skill. The agents come from the
 * directory cached on this device and the groups and skills from the settings document, so the
 * dialog works offline.
 */
import { createSignal, For, onMount, Show } from 'solid-js'
import type { TransferTarget } from '../../../../shared/commands.ts'
import { useWorkspace } from '../workspace.tsx'
import { Modal } from './Modal.tsx'

type Choice = { kind: 'agent' | 'team' | 'group' | 'skill'; id: string } | null

/** One kind of target as a group of radio buttons. */
function OptionList(props: {
  legend: string
  label: string
  testId: string
  items: { id: string; name: string; detail?: string }[]
  empty: string
  chosen: (id: string) => boolean
  choose: (id: string) => void
}) {
  return (
    <fieldset class="modal-section">
      <legend>{props.legend}</legend>
      <div class="option-list" role="radiogroup" aria-label={props.label}>
        <For each={props.items} fallback={<p class="muted">{props.empty}</p>}>
          {(item) => (
            <button type="button" role="radio" class="option" aria-checked={props.chosen(item.id)} data-testid={props.testId} data-id={item.id} onClick={() => props.choose(item.id)}>
              <span class="option-name">{item.name}</span>
              <Show when={item.detail}>{(d) => <span class="muted">{d()}</span>}</Show>
            </button>
          )}
        </For>
      </div>
    </fieldset>
  )
}

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
  /** Teams with at least one group: a team's chats wait in its groups' queues. */
  const teams = () => (settings.value()?.teams ?? []).filter((t) => groups().some((g) => g.teamId === t.id))
  const skills = () => settings.value()?.skills ?? []
  const teamName = (id: string | null) => (id ? settings.value()?.teams.find((t) => t.id === id)?.name : undefined)

  onMount(() => void ws.refreshAgents())

  const target = (): TransferTarget | null => {
    const c = choice()
    if (!c) return null
    switch (c.kind) {
      case 'agent':
        return { agentId: c.id }
      case 'team':
        return { teamId: c.id }
      case 'group':
        return { groupId: c.id }
      case 'skill':
        return { skillId: c.id }
    }
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
      <OptionList
        legend="To an agent"
        label="Agents"
        testId="transfer-agent"
        items={candidates().map((a) => ({ id: a.id, name: a.name, detail: a.role !== 'agent' ? a.role : undefined }))}
        empty={ws.connectivity() === 'offline' ? 'The list of agents is not on this device yet.' : 'No other agents.'}
        chosen={(id) => isChosen('agent', id)}
        choose={(id) => setChoice({ kind: 'agent', id })}
      />
      <Show when={teams().length > 0}>
        <OptionList
          legend="To a team"
          label="Teams"
          testId="transfer-team"
          items={teams().map((t) => {
            const n = groups().filter((g) => g.teamId === t.id).length
            return { id: t.id, name: t.name, detail: n === 1 ? '1 group' : `${n} groups` }
          })}
          empty=""
          chosen={(id) => isChosen('team', id)}
          choose={(id) => setChoice({ kind: 'team', id })}
        />
      </Show>
      <OptionList
        legend="To a group's queue"
        label="Groups"
        testId="transfer-group"
        items={groups()
          .filter((g) => g.id !== props.currentGroupId)
          .map((g) => ({ id: g.id, name: g.name, detail: teamName(g.teamId) }))}
        empty={offlineNote('routing groups')}
        chosen={(id) => isChosen('group', id)}
        choose={(id) => setChoice({ kind: 'group', id })}
      />
      <Show when={skills().length > 0}>
        <OptionList
          legend="To someone with a skill"
          label="Skills"
          testId="transfer-skill"
          items={skills().map((sk) => ({ id: sk.id, name: sk.name }))}
          empty=""
          chosen={(id) => isChosen('skill', id)}
          choose={(id) => setChoice({ kind: 'skill', id })}
        />
      </Show>
      <label class="field">
        Note for the next agent (optional)
        <textarea data-testid="transfer-note" rows={2} maxLength={2000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
    </Modal>
  )
}
