/**
 * Visitors who met the launch criterion (proactive without invitation), as toasts with "Start
 * chat": the agent types the first message and the chat opens. It needs the network at that
 * moment — offline the button says so, and nothing is queued, since the visitor may be gone by the
 * time the network is back.
 */
import { createSignal, For, Show } from 'solid-js'
import { Portal } from 'solid-js/web'
import { Limits } from '../../../../shared/protocol.ts'
import type { Alert, EngagedVisitor } from '../../../data/alerts.ts'
import { startChatWith } from '../../../data/engage.ts'
import { conversationPath, useRouter } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'
import { Modal } from './Modal.tsx'
import './EngagedAlerts.css'

export function EngagedAlerts(props: { alerts: Alert[]; dismiss: (seq: number) => void }) {
  const ws = useWorkspace()
  const [starting, setStarting] = createSignal<EngagedVisitor | null>(null)
  const online = () => ws.connectivity() === 'online'
  return (
    <>
      <For each={props.alerts}>
        {(a) => (
          <div class="toast toast-engaged" role="status" data-testid="engaged-alert" data-visitor={a.visitor?.id}>
            <div class="toast-body toast-engaged-body">
              <strong>{a.title}</strong>
              <Show when={a.body}>
                <span>{a.body}</span>
              </Show>
              <div class="toast-engaged-actions">
                <button
                  type="button"
                  class="button button-primary"
                  data-testid="engaged-start"
                  disabled={!online()}
                  onClick={() => {
                    setStarting(a.visitor ?? null)
                    props.dismiss(a.seq)
                  }}
                >
                  Start chat
                </button>
                <Show when={!online()}>
                  <span data-testid="engaged-offline">needs a connection</span>
                </Show>
              </div>
            </div>
            <button type="button" class="button button-quiet" aria-label="Dismiss" onClick={() => props.dismiss(a.seq)}>
              ×
            </button>
          </div>
        )}
      </For>
      <Show when={starting()} keyed>
        {(visitor) => (
          <Portal>
            <StartChatDialog visitor={visitor} onClose={() => setStarting(null)} />
          </Portal>
        )}
      </Show>
    </>
  )
}

function StartChatDialog(props: { visitor: EngagedVisitor; onClose: () => void }) {
  const ws = useWorkspace()
  const router = useRouter()
  const [text, setText] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const online = () => ws.connectivity() === 'online'

  async function send() {
    if (busy()) return
    const t = text().trim()
    if (!t) return setError('Write the first message.')
    setBusy(true)
    setError(null)
    const outcome = await startChatWith(ws.session, props.visitor.id, t)
    setBusy(false)
    switch (outcome.kind) {
      case 'opened':
        props.onClose()
        router.navigate(conversationPath(outcome.conversationId))
        return
      case 'offline':
        return setError('Starting a chat needs a connection; the message was not sent.')
      case 'unauthenticated':
        return setError('Your session has ended: sign in again.')
      case 'refused':
        return setError(outcome.reason)
    }
  }

  return (
    <Modal
      title={`Start a chat with ${props.visitor.name}`}
      testId="engaged-dialog"
      onClose={props.onClose}
      onSubmit={() => void send()}
      footer={
        <button type="submit" class="button button-primary" data-testid="engaged-send" disabled={busy() || !online()}>
          {busy() ? 'Sending…' : 'Send'}
        </button>
      }
    >
      <label class="field">
        First message
        <textarea
          data-testid="engaged-text"
          rows={3}
          maxLength={Limits.messageText}
          value={text()}
          ref={(el) => queueMicrotask(() => el.focus())}
          onInput={(e) => {
            setText(e.currentTarget.value)
            setError(null)
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault()
              void send()
            }
          }}
        />
      </label>
      <Show when={!online()}>
        <p class="form-error" data-testid="engaged-dialog-offline">
          Starting a chat needs a connection.
        </p>
      </Show>
      <Show when={error()}>
        <p class="form-error" data-testid="engaged-error" role="alert">
          {error()}
        </p>
      </Show>
    </Modal>
  )
}
