/**
 * The actions on a conversation — take, transfer, snooze, close, reopen — and what became of
 * them: a chip while a command waits for the network, a banner when the server refused one.
 * Every action is a command queued in the outbox, so each works offline and goes out later.
 */
import { createSignal, For, onCleanup, onMount, Show, type Accessor } from 'solid-js'
import type { CommandInput } from '../../../../shared/commands.ts'
import { COMMAND_LABELS } from '../../../data/commands.ts'
import type { CommandRow, ConversationRow } from '../../../data/db.ts'
import { fromDateTimeLocal, snoozeUntil, toDateTimeLocal, type SnoozePreset } from '../../../data/snooze.ts'
import { createConversationCommands } from '../conversationCommands.ts'
import { capitalize, snoozeEnd } from '../format.ts'
import { useWorkspace } from '../workspace.tsx'
import { CloseDialog } from './CloseDialog.tsx'
import { TransferDialog } from './TransferDialog.tsx'

const HOUR = 3600_000

const PRESETS: { id: SnoozePreset; label: string }[] = [
  { id: '1h', label: 'For 1 hour' },
  { id: '5h', label: 'For 5 hours' },
  { id: 'tomorrow', label: 'Until tomorrow, 9:00' },
]

function SnoozeMenu(props: { onPick: (until: number) => Promise<string | null>; onClose: () => void }) {
  const [custom, setCustom] = createSignal(toDateTimeLocal(Date.now() + HOUR))
  const [error, setError] = createSignal<string | null>(null)
  let el!: HTMLDivElement

  onMount(() => {
    const onDown = (e: PointerEvent) => {
      if (!el.contains(e.target as Node) && !(e.target as Element | null)?.closest?.('[data-testid="action-snooze"]')) props.onClose()
    }
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose()
    document.addEventListener('pointerdown', onDown)
    document.addEventListener('keydown', onKey)
    onCleanup(() => {
      document.removeEventListener('pointerdown', onDown)
      document.removeEventListener('keydown', onKey)
    })
    el.querySelector<HTMLButtonElement>('button')?.focus()
  })

  async function pick(until: number | null) {
    if (until === null) return setError('Enter a date and time')
    const problem = await props.onPick(until)
    if (problem) setError(capitalize(problem))
  }

  return (
    <div class="menu" role="menu" data-testid="snooze-menu" ref={el}>
      <For each={PRESETS}>
        {(p) => (
          <button type="button" role="menuitem" class="menu-item" data-testid={`snooze-${p.id}`} onClick={() => void pick(snoozeUntil(p.id, Date.now()))}>
            {p.label}
            <span class="muted">{snoozeEnd(snoozeUntil(p.id, Date.now()), Date.now())}</span>
          </button>
        )}
      </For>
      <form
        class="menu-custom"
        data-testid="snooze-custom"
        // The shared rules check the time, with words; the browser's own bubble would say less.
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void pick(fromDateTimeLocal(custom()))
        }}
      >
        <label class="field">
          Until
          <input
            type="datetime-local"
            data-testid="snooze-custom-input"
            value={custom()}
            min={toDateTimeLocal(Date.now())}
            onInput={(e) => {
              setCustom(e.currentTarget.value)
              setError(null)
            }}
          />
        </label>
        <button type="submit" class="button" data-testid="snooze-custom-confirm">
          Snooze
        </button>
      </form>
      <Show when={error()}>
        <p class="form-error" role="alert" data-testid="snooze-error">
          {error()}
        </p>
      </Show>
    </div>
  )
}

export function ConversationActions(props: { conversationId: string; row: Accessor<ConversationRow | undefined> }) {
  const ws = useWorkspace()
  const me = ws.session.agent.id
  const commands = createConversationCommands(props.conversationId, props.row)
  const [menu, setMenu] = createSignal<'snooze' | 'transfer' | 'close' | null>(null)

  const status = () => props.row()?.status
  const assignee = () => props.row()?.assigneeId ?? null
  const known = () => props.row() !== undefined
  const closed = () => status() === 'closed'
  const canTake = () => known() && !closed() && assignee() !== me && (assignee() === null || status() === 'waiting')

  // Why the last action was refused before it left this device (the snooze menu shows its own).
  const [problem, setProblem] = createSignal<{ command: CommandInput['command']; reason: string } | null>(null)

  async function issue(input: CommandInput): Promise<string | null> {
    const reason = await commands.issue(input)
    if (!reason) setMenu(null)
    setProblem(reason && input.command !== 'snooze' ? { command: input.command, reason } : null)
    return reason
  }

  // "Sending" only while the network works; after a failed try it is waiting, whatever the socket says.
  const waitingText = (c: CommandRow) => (ws.connectivity() === 'online' && !c.attempts ? 'sending…' : 'waiting for the network')

  return (
    <>
      <div class="actions" role="toolbar" aria-label="Conversation actions">
        <Show when={canTake()}>
          <button
            type="button"
            class="button button-primary"
            data-testid="action-take"
            disabled={commands.isPending('take')}
            onClick={() => void issue({ command: 'take' })}
          >
            Take
          </button>
        </Show>
        <Show when={known() && !closed()}>
          <button type="button" class="button" data-testid="action-transfer" disabled={commands.isPending('transfer')} onClick={() => setMenu('transfer')}>
            Transfer
          </button>
          <div class="menu-anchor">
            <button
              type="button"
              class="button"
              data-testid="action-snooze"
              aria-haspopup="menu"
              aria-expanded={menu() === 'snooze'}
              disabled={commands.isPending('snooze')}
              onClick={() => setMenu((m) => (m === 'snooze' ? null : 'snooze'))}
            >
              Snooze
            </button>
            <Show when={menu() === 'snooze'}>
              <SnoozeMenu onPick={(until) => issue({ command: 'snooze', until })} onClose={() => setMenu(null)} />
            </Show>
          </div>
          <button type="button" class="button" data-testid="action-close" disabled={commands.isPending('close')} onClick={() => setMenu('close')}>
            Close
          </button>
        </Show>
        <Show when={closed()}>
          <button
            type="button"
            class="button"
            data-testid="action-reopen"
            disabled={commands.isPending('reopen')}
            onClick={() => void issue({ command: 'reopen' })}
          >
            Reopen
          </button>
        </Show>
        <Show when={known()}>
          <Show
            when={props.row()?.visitorBlocked}
            fallback={
              <button
                type="button"
                class="button button-quiet"
                data-testid="action-block"
                disabled={commands.isPending('block')}
                onClick={() => {
                  // Blocking is hard to notice from the visitor's side, so ask once.
                  if (window.confirm('Block this visitor? Their new messages will be refused.')) void issue({ command: 'block' })
                }}
              >
                Block visitor
              </button>
            }
          >
            <span class="chip" data-testid="visitor-blocked">
              Blocked
            </span>
            <button type="button" class="button button-quiet" data-testid="action-unblock" disabled={commands.isPending('unblock')} onClick={() => void issue({ command: 'unblock' })}>
              Unblock
            </button>
          </Show>
        </Show>
        <For each={commands.pending()}>
          {(c) => (
            <span class="chip chip-pending" data-testid="command-pending" data-command={c.command} role="status">
              {COMMAND_LABELS[c.command]} — {waitingText(c)}
            </span>
          )}
        </For>
      </div>

      <Show when={problem()}>
        {(p) => (
          <div class="banner banner-rejected" data-testid="command-problem" data-command={p().command} role="alert">
            <span>
              <strong>{COMMAND_LABELS[p().command]} did not go through.</strong> {capitalize(p().reason)}
            </span>
            <button type="button" class="button button-quiet" aria-label="Dismiss" onClick={() => setProblem(null)}>
              ×
            </button>
          </div>
        )}
      </Show>

      <For each={commands.rejected()}>
        {(c) => (
          <div class="banner banner-rejected" data-testid="command-rejected" data-command={c.command} role="alert">
            <span>
              <strong>{COMMAND_LABELS[c.command]} did not go through.</strong> {capitalize(c.reason ?? 'The server refused it')}
            </span>
            <button type="button" class="button button-quiet" data-testid="command-rejected-dismiss" aria-label="Dismiss" onClick={() => void commands.dismiss(c.key)}>
              ×
            </button>
          </div>
        )}
      </For>

      <Show when={menu() === 'transfer'}>
        <TransferDialog
          currentAssigneeId={assignee()}
          currentGroupId={props.row()?.groupId ?? null}
          onClose={() => setMenu(null)}
          onConfirm={(to, note) => void issue({ command: 'transfer', to, ...(note ? { note } : {}) })}
        />
      </Show>
      <Show when={menu() === 'close'}>
        <CloseDialog
          initialTags={props.row()?.tags ?? []}
          onClose={() => setMenu(null)}
          onConfirm={(tags, asTicket) => void issue({ command: 'close', tags, asTicket })}
        />
      </Show>
    </>
  )
}
