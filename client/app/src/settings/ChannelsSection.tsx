/**
 * Settings › Channels: the messengers connected to the workspace, and connecting Telegram and
 * WhatsApp. The server keeps the credentials (they never reach this page again) and checks them
 * with the platform, so connecting needs the network: offline, the forms are disabled and say so.
 */
import { createEffect, createSignal, For, on, Show } from 'solid-js'
import { channelLabel, type ChannelConnectionInfo, type ChannelKind } from '../../../../shared/channels.ts'
import { useWorkspace } from '../workspace.tsx'
import { connectChannel, disconnectChannel, fetchChannels, type ChannelList } from './channelConnections.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import type { SectionProps } from './sections.ts'
import './settingsForms.css'

const OFFLINE_NOTE = 'Connecting a channel needs the network.'

const WHATSAPP_FIELDS = [
  { id: 'phoneNumberId', label: 'Phone number id', hint: 'WhatsApp › API setup in your Meta app', type: 'text' },
  { id: 'accessToken', label: 'Access token', hint: 'A system user’s permanent token', type: 'password' },
  { id: 'appSecret', label: 'App secret', hint: 'App settings › Basic', type: 'password' },
  { id: 'verifyToken', label: 'Verify token', hint: 'Any phrase of 8+ characters; enter the same in the webhook settings', type: 'text' },
] as const

const when = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function ChannelsSection(_props: SectionProps) {
  const ws = useWorkspace()
  const offline = () => ws.connectivity() === 'offline'
  const [list, setList] = createSignal<ChannelList | null>(null)
  const [loaded, setLoaded] = createSignal(false)
  const reload = async () => {
    const fresh = await fetchChannels(ws.api)
    if (fresh) setList(fresh)
    setLoaded(true)
  }
  createEffect(
    on(ws.connectivity, (c) => {
      if (c === 'online') void reload()
    }),
  )
  const connection = (kind: ChannelKind) => list()?.channels.find((c) => c.kind === kind) ?? null

  // ---- forms ----
  const [token, setToken] = createSignal('')
  const [wa, setWa] = createSignal<Record<string, string>>({})
  const [busy, setBusy] = createSignal<ChannelKind | null>(null)
  const [errors, setErrors] = createSignal<Partial<Record<ChannelKind, string>>>({})
  const [done, setDone] = createSignal<string | null>(null)
  const [confirming, setConfirming] = createSignal<ChannelConnectionInfo | null>(null)

  async function connect(kind: ChannelKind, fields: Record<string, string>) {
    if (busy() || offline()) return
    setBusy(kind)
    setErrors((e) => ({ ...e, [kind]: undefined }))
    setDone(null)
    const result = await connectChannel(ws.api, kind, fields)
    setBusy(null)
    if (!result.ok) return setErrors((e) => ({ ...e, [kind]: result.error }))
    if (kind === 'telegram') setToken('')
    else setWa({})
    setDone(`${channelLabel(kind)} is connected.`)
    await reload()
  }

  async function disconnect(c: ChannelConnectionInfo) {
    setDone(null)
    const result = await disconnectChannel(ws.api, c.kind)
    if (!result.ok) return setErrors((e) => ({ ...e, [c.kind]: result.error }))
    setDone(`${channelLabel(c.kind)} is disconnected.`)
    await reload()
  }

  const offlineNote = (id: string) => (
    <Show when={offline()}>
      <p class="settings-offline" id={id} data-testid="channel-offline" role="status">
        {OFFLINE_NOTE}
      </p>
    </Show>
  )
  const errorOf = (kind: ChannelKind) => (
    <Show when={errors()[kind]}>
      {(message) => (
        <p class="form-error" id={`channel-${kind}-error`} data-testid={`channel-${kind}-error`} role="alert">
          {message()}
        </p>
      )}
    </Show>
  )

  return (
    <div class="settings-section" data-testid="settings-channels">
      <h2 class="settings-title">Channels</h2>
      <p class="muted">Visitors can also write from these messengers; their chats arrive in the inbox like the widget’s, in a tab of their own.</p>

      <h3 class="settings-subtitle">Connected</h3>
      <Show when={offline() && list()}>
        <p class="muted">As last seen online.</p>
      </Show>
      <ul class="settings-list" data-testid="channel-list">
        <For
          each={list()?.channels ?? []}
          fallback={<li class="muted">{loaded() || !offline() ? 'No messenger is connected yet.' : 'The list shows when you are back online.'}</li>}
        >
          {(c) => (
            <li class="settings-row" data-testid="channel-row" data-kind={c.kind}>
              <span class="settings-row-main">
                <strong>{channelLabel(c.kind)}</strong> · <span data-testid="channel-row-name">{c.name}</span>
                <span class="field-hint">
                  Connected {when(c.connectedAt)}
                  <Show when={c.kind === 'whatsapp' && c.webhookUrl}> · callback URL {c.webhookUrl}</Show>
                </span>
              </span>
              <button type="button" class="button settings-danger" data-testid="channel-disconnect" disabled={offline()} onClick={() => setConfirming(c)}>
                Disconnect
              </button>
            </li>
          )}
        </For>
      </ul>
      <Show when={done()}>
        {(message) => (
          <p class="settings-done" data-testid="channel-done" role="status">
            {message()}
          </p>
        )}
      </Show>

      <form
        class="settings-form"
        data-testid="telegram-form"
        aria-describedby="telegram-note"
        onSubmit={(e) => {
          e.preventDefault()
          void connect('telegram', { token: token().trim() })
        }}
      >
        <h3 class="settings-subtitle">{connection('telegram') ? 'Telegram: connect another bot' : 'Connect Telegram'}</h3>
        {offlineNote('telegram-note')}
        <Show when={!offline() && list() && !list()!.publicUrl}>
          <p class="settings-offline" data-testid="channel-public-url">
            Telegram sends messages to this server’s public address: set PUBLIC_URL on the server first.
          </p>
        </Show>
        <fieldset class="settings-fields" disabled={offline() || busy() !== null}>
          <label class="field">
            Bot token
            <input
              data-testid="telegram-token"
              type="password"
              required
              autocomplete="off"
              spellcheck={false}
              aria-invalid={Boolean(errors().telegram)}
              aria-errormessage={errors().telegram ? 'channel-telegram-error' : undefined}
              value={token()}
              onInput={(e) => setToken(e.currentTarget.value)}
            />
            <span class="field-hint">From @BotFather, like 123456789:AAE…</span>
          </label>
          <div class="settings-actions">
            <button type="submit" class="button button-primary" data-testid="telegram-connect">
              {busy() === 'telegram' ? 'Connecting…' : 'Connect Telegram'}
            </button>
          </div>
        </fieldset>
        {errorOf('telegram')}
      </form>

      <form
        class="settings-form"
        data-testid="whatsapp-form"
        aria-describedby="whatsapp-note"
        onSubmit={(e) => {
          e.preventDefault()
          const v = wa()
          void connect('whatsapp', Object.fromEntries(WHATSAPP_FIELDS.map((f) => [f.id, (v[f.id] ?? '').trim()])))
        }}
      >
        <h3 class="settings-subtitle">{connection('whatsapp') ? 'WhatsApp: connect another number' : 'Connect WhatsApp'}</h3>
        {offlineNote('whatsapp-note')}
        <fieldset class="settings-fields" disabled={offline() || busy() !== null}>
          <For each={WHATSAPP_FIELDS}>
            {(f) => (
              <label class="field">
                {f.label}
                <input
                  data-testid={`whatsapp-${f.id}`}
                  type={f.type}
                  required
                  autocomplete="off"
                  spellcheck={false}
                  aria-invalid={Boolean(errors().whatsapp)}
                  aria-errormessage={errors().whatsapp ? 'channel-whatsapp-error' : undefined}
                  value={wa()[f.id] ?? ''}
                  onInput={(e) => {
                    const value = e.currentTarget.value
                    setWa((w) => ({ ...w, [f.id]: value }))
                  }}
                />
                <span class="field-hint">{f.hint}</span>
              </label>
            )}
          </For>
          <div class="settings-actions">
            <button type="submit" class="button button-primary" data-testid="whatsapp-connect">
              {busy() === 'whatsapp' ? 'Connecting…' : 'Connect WhatsApp'}
            </button>
          </div>
        </fieldset>
        {errorOf('whatsapp')}
      </form>

      <Show when={confirming()}>
        {(c) => (
          <ConfirmDialog
            title={`Disconnect ${channelLabel(c().kind)}?`}
            message={`Messages sent to ${c().name} will no longer reach the inbox, and replies to its chats will wait until it is connected again.`}
            confirmLabel="Disconnect"
            onConfirm={() => void disconnect(c())}
            onClose={() => setConfirming(null)}
          />
        )}
      </Show>
    </div>
  )
}
