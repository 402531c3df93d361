/**
 * The widget's embed code and the full-page chat link, to copy; and the workspace's identity
 * secret, fetched on demand (never kept on the device) for sites that tell the widget who their
 * signed-in user is.
 */
import { createSignal, Show } from 'solid-js'
import type { IdentitySecretAnswer } from '../../../../shared/api.ts'
import { useWorkspace } from '../workspace.tsx'
import { chatUrl, embedCode, HASH_EXAMPLE } from './embedCode.ts'

/** How long "Copied" stays beside a copy button. */
const COPIED_MS = 2_000

/** Copies a field's text: the clipboard API when allowed, else the browser's copy of the selection. */
async function copyFrom(el: HTMLTextAreaElement | HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(el.value)
    return true
  } catch {
    // No clipboard API (plain http, a refused permission): select the text so the admin can copy it.
    el.focus()
    el.select()
    try {
      return document.execCommand('copy')
    } catch {
      return false
    }
  }
}

function CopyButton(props: { target: () => HTMLTextAreaElement | HTMLInputElement | undefined; testId: string; label: string }) {
  const [state, setState] = createSignal<'idle' | 'copied' | 'selected'>('idle')
  let timer: ReturnType<typeof setTimeout> | undefined
  return (
    <>
      <button
        type="button"
        class="button"
        data-testid={props.testId}
        aria-label={props.label}
        onClick={async () => {
          const el = props.target()
          if (!el) return
          setState((await copyFrom(el)) ? 'copied' : 'selected')
          clearTimeout(timer)
          timer = setTimeout(() => setState('idle'), COPIED_MS)
        }}
      >
        Copy
      </button>
      <span class="widget-copy-state muted" data-testid={`${props.testId}-state`} role="status">
        {state() === 'copied' ? 'Copied' : state() === 'selected' ? 'Selected: press Ctrl+C (⌘C) to copy' : ''}
      </span>
    </>
  )
}

export function EmbedCode() {
  const ws = useWorkspace()
  const workspace = ws.session.agent.workspace
  const [identity, setIdentity] = createSignal(false)
  const [secret, setSecret] = createSignal<string | null>(null)
  const [secretError, setSecretError] = createSignal<string | null>(null)
  const [loading, setLoading] = createSignal(false)
  const offline = () => ws.connectivity() === 'offline'
  let code: HTMLTextAreaElement | undefined
  let link: HTMLInputElement | undefined

  async function showSecret() {
    setLoading(true)
    setSecretError(null)
    const answer = await ws.api.get<IdentitySecretAnswer>('/api/workspace/identity-secret')
    if (!answer.reached) setSecretError('Showing the secret needs a connection.')
    else if (answer.ok && typeof answer.body?.secret === 'string') setSecret(answer.body.secret)
    else setSecretError(`The server refused: ${answer.error}`)
    setLoading(false)
  }

  return (
    <section class="widget-embed" data-testid="widget-embed" aria-labelledby="widget-embed-title">
      <h3 class="settings-subtitle" id="widget-embed-title">
        Put the chat on your site
      </h3>
      <p class="muted">Paste this before the closing &lt;/body&gt; tag of every page that should show the chat.</p>
      <textarea ref={code} class="widget-code" data-testid="embed-code" readOnly rows={identity() ? 5 : 2} spellcheck={false} aria-label="Embed code" value={embedCode(location.origin, workspace, identity())} />
      <div class="widget-copy-row">
        <CopyButton target={() => code} testId="embed-copy" label="Copy the embed code" />
      </div>
      <label class="routing-check">
        <input type="checkbox" data-testid="embed-identity" checked={identity()} onChange={(e) => setIdentity(e.currentTarget.checked)} />
        My site tells the chat who its signed-in user is
      </label>
      <Show when={identity()}>
        <div class="widget-identity" data-testid="identity-help">
          <p>
            Put your user’s name and email in <code>data-user-name</code> and <code>data-user-email</code>, and in <code>data-user-hash</code> the HMAC-SHA256 of the email
            (trimmed, in lower case), in hex, made with the workspace’s identity secret. The hash proves that your site, not someone typing in the page, says who the visitor is; compute it on your server and
            never put the secret in a page.
          </p>
          <pre class="widget-code-example">{HASH_EXAMPLE}</pre>
          <div class="widget-copy-row">
            <Show
              when={secret()}
              fallback={
                <button type="button" class="button" data-testid="identity-show" disabled={offline() || loading()} onClick={() => void showSecret()}>
                  Show secret
                </button>
              }
            >
              <code class="widget-secret" data-testid="identity-secret">
                {secret()}
              </code>
              <button type="button" class="button button-quiet" data-testid="identity-hide" onClick={() => setSecret(null)}>
                Hide
              </button>
            </Show>
          </div>
          <Show when={offline() && !secret()}>
            <p class="settings-offline" data-testid="identity-offline">
              Showing the secret needs a connection.
            </p>
          </Show>
          <Show when={secretError()}>
            <p class="form-error" data-testid="identity-error" role="alert">
              {secretError()}
            </p>
          </Show>
        </div>
      </Show>

      <h3 class="settings-subtitle">Reactive chat URL</h3>
      <p class="muted">A page with only the chat, for links in emails, social profiles and QR codes.</p>
      <div class="widget-copy-row">
        <input ref={link} class="settings-input settings-grow" data-testid="chat-url" readOnly aria-label="Reactive chat URL" value={chatUrl(location.origin, workspace)} />
        <CopyButton target={() => link} testId="chat-url-copy" label="Copy the chat link" />
      </div>
    </section>
  )
}
