/**
 * The agent's first message to a visitor who is not chatting (an engaged visitor's toast, a row
 * of Supervision › Visitors): sent at once, never queued offline, since the visitor may be gone
 * by the time the network is back; then the new conversation opens.
 */
import { createSignal, Show } from 'solid-js'
import { Limits } from '../../../../shared/protocol.ts'
import { startChatWith } from '../../../data/engage.ts'
import { conversationPath, useRouter } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'
import { Modal } from './Modal.tsx'

/** A dialog asking for the first message; on success it closes and opens the conversation. */
export function StartChatDialog(props: { visitor: { id: string; name: string }; onClose: () => void }) {
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
    const outcome = await startChatWith(ws.api, props.visitor.id, t)
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
