/**
 * The live preview: the real widget on the demo page, in a frame, shown the form's current
 * (unsaved) configuration. The widget in preview mode takes `{type: 'parley:preview', config}`
 * from its parent window, so the frame is sent the configuration after it loads and on every
 * change; a widget that says `parley:preview-ready` (its script loads asynchronously) is sent it
 * again; buttons ask it to open the chat box or show the invitation. The frame is same-origin, and messages name that origin as their only recipient.
 */
import { createEffect, createSignal, onCleanup, Show } from 'solid-js'
import type { PublicWidgetConfig } from '../../../../shared/widgetConfig.ts'
import { useWorkspace } from '../workspace.tsx'

export const PREVIEW_MESSAGE = 'parley:preview'
export const PREVIEW_READY_MESSAGE = 'parley:preview-ready'

export function WidgetPreview(props: { config: PublicWidgetConfig }) {
  const ws = useWorkspace()
  let frame: HTMLIFrameElement | undefined
  // Offline, the demo page cannot load; a frame loaded before keeps working (the preview is local).
  const [loaded, setLoaded] = createSignal(false)
  const [generation, setGeneration] = createSignal(0)
  const offline = () => ws.connectivity() === 'offline'
  const src = () => `/demo?preview=1&workspace=${encodeURIComponent(ws.session.agent.workspace)}`

  /** `open` opens or closes the chat box; `invite` shows the proactive invitation. */
  const send = (extra: { open?: boolean; invite?: true } = {}) =>
    frame?.contentWindow?.postMessage({ type: PREVIEW_MESSAGE, config: props.config, ...extra }, location.origin)
  createEffect(() => {
    // Reading the config here makes every change of the form post it again.
    void props.config
    send()
  })
  const onMessage = (e: MessageEvent) => {
    if (e.origin === location.origin && e.source === frame?.contentWindow && (e.data as { type?: unknown } | null)?.type === PREVIEW_READY_MESSAGE) send()
  }
  window.addEventListener('message', onMessage)
  onCleanup(() => window.removeEventListener('message', onMessage))

  return (
    <div class="widget-preview">
      <div class="widget-preview-head">
        <h3 class="settings-subtitle">Preview</h3>
        <button
          type="button"
          class="button button-quiet"
          data-testid="widget-preview-reload"
          disabled={offline()}
          onClick={() => {
            setLoaded(false)
            setGeneration((g) => g + 1)
          }}
        >
          Reload
        </button>
      </div>
      <Show
        when={loaded() || !offline()}
        fallback={
          <p class="widget-preview-offline" data-testid="widget-preview-offline">
            The preview needs a connection; your changes are kept and shown once you are back online.
          </p>
        }
      >
        <Show when={generation() + 1} keyed>
          {(key) => (
            <iframe
              ref={frame}
              class="widget-preview-frame"
              data-testid="widget-preview"
              data-generation={key}
              title="Preview of the chat widget"
              src={src()}
              onLoad={() => {
                setLoaded(true)
                send()
              }}
            />
          )}
        </Show>
      </Show>
      <div class="widget-copy-row">
        <button type="button" class="button button-quiet" data-testid="widget-preview-open" disabled={!loaded()} onClick={() => send({ open: true })}>
          Open the chat
        </button>
        <button type="button" class="button button-quiet" data-testid="widget-preview-close" disabled={!loaded()} onClick={() => send({ open: false })}>
          Close it
        </button>
        <Show when={props.config.activation.mode === 'proactiveInvite'}>
          <button type="button" class="button button-quiet" data-testid="widget-preview-invite" disabled={!loaded()} onClick={() => send({ invite: true })}>
            Show the invitation
          </button>
        </Show>
      </div>
      <p class="muted">Your unsaved changes show here at once; visitors see them once you save.</p>
    </div>
  )
}
