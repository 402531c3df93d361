/**
 * Transfer a conversation to an agent (even one who is away: it waits for them) or to a queue.
 * The agent list comes from the directory cached on this device, so the dialog works offline.
 */
import { createSignal, For, onMount, Show } from 'solid-js'
import type { TransferTarget } from '../../../../shared/commands.ts'
import { useWorkspace } from '../workspace.tsx'
import { Modal } from './Modal.tsx'

/** What the server accepts as a queue (group) id. */
const GROUP_ID = /^[A-Za-z0-9_-]{1,64}$/

export function TransferDialog(props: { currentAssigneeId: string | null; onClose: () => void; onConfirm: (to: TransferTarget, note: string) => void }) {
  const ws = useWorkspace()
  const me = ws.session.agent.id
  const [agentId, setAgentId] = createSignal<string | null>(null)
  const [group, setGroup] = createSignal('')
  const [note, setNote] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const candidates = () => ws.agents().filter((a) => a.id !== me && a.id !== props.currentAssigneeId)

  onMount(() => void ws.refreshAgents())

  const target = (): TransferTarget | null => {
    const g = group().trim()
    if (g) return { groupId: g }
    const a = agentId()
    return a ? { agentId: a } : null
  }

  function confirm() {
    const to = target()
    if (!to) return setError('Choose an agent or enter a queue')
    if ('groupId' in to && !GROUP_ID.test(to.groupId)) return setError('A queue name has letters, digits, - or _ only')
    props.onConfirm(to, note().trim())
  }

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
          <For
            each={candidates()}
            fallback={
              <p class="muted">{ws.connectivity() === 'offline' ? 'The list of agents is not on this device yet.' : 'No other agents.'}</p>
            }
          >
            {(a) => (
              <button
                type="button"
                role="radio"
                class="option"
                aria-checked={agentId() === a.id && !group().trim()}
                data-testid="transfer-agent"
                data-id={a.id}
                onClick={() => {
                  setAgentId(a.id)
                  setGroup('')
                  setError(null)
                }}
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
      <label class="field">
        Or to a queue
        <input
          type="text"
          data-testid="transfer-group"
          placeholder="e.g. billing"
          value={group()}
          maxLength={64}
          autocomplete="off"
          onInput={(e) => {
            setGroup(e.currentTarget.value)
            setError(null)
          }}
        />
      </label>
      <label class="field">
        Note for the next agent (optional)
        <textarea data-testid="transfer-note" rows={2} maxLength={2000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <Show when={error()}>
        <p class="form-error" role="alert">
          {error()}
        </p>
      </Show>
    </Modal>
  )
}
