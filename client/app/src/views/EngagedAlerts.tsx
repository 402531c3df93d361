/**
 * Visitors who met the launch criterion (proactive without invitation), as toasts with "Start
 * chat": the agent types the first message and the chat opens. It needs the network at that
 * moment — offline the button says so, and nothing is queued, since the visitor may be gone by the
 * time the network is back.
 */
import { createSignal, For, Show } from 'solid-js'
import { Portal } from 'solid-js/web'
import type { Alert, EngagedVisitor } from '../../../data/alerts.ts'
import { useWorkspace } from '../workspace.tsx'
import { StartChatDialog } from './StartChatDialog.tsx'
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
