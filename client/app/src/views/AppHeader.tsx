/**
 * The bar on every signed-in screen: the connection, the agent's status, sound, and the agent's
 * menu (who is signed in, notifications, settings, sign-out). On a wide screen the menu's items sit
 * in the bar; on a phone they fold behind one button, so the bar never overflows 375px.
 */
import { createSignal, createUniqueId, For, onCleanup, Show } from 'solid-js'
import './AppHeader.css'
import type { AgentStatus } from '../../../../shared/protocol.ts'
import { useWorkspace } from '../workspace.tsx'
import { Alerts } from './Alerts.tsx'
import { notificationPermission, requestNotificationPermission } from './notificationPermission.ts'
import { conversationPath, Link, settingsPath, supervisionPath } from '../router.tsx'
import { createLiveQuery } from '../liveQuery.ts'
import type { Connectivity } from '../../../data/connectivity.ts'

const LABELS: Record<Connectivity, string> = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline',
}

export function AppHeader(props: { onSignOut: () => void }) {
  const ws = useWorkspace()
  return (
    <header class="app-header">
      <Link href="/" class="brand" data-testid="nav-inbox" aria-label="Parley — conversations">
        Parley
      </Link>
      <span class="connection" data-testid="connection" data-state={ws.connectivity()} role="status" aria-live="polite">
        <span class="connection-dot" aria-hidden="true" />
        {LABELS[ws.connectivity()]}
      </span>
      <label class="status-picker">
        <span class="visually-hidden">Your status</span>
        <select
          data-testid="status-select"
          data-status={ws.agentStatus.status()}
          value={ws.agentStatus.pending() ?? ws.agentStatus.status()}
          onChange={(e) => void ws.agentStatus.set(e.currentTarget.value as AgentStatus)}
        >
          <option value="online">Online</option>
          <option value="away">Away</option>
          <option value="offline">Offline</option>
        </select>
      </label>
      <Show when={ws.agentStatus.pending()}>
        <span class="chip chip-pending" data-testid="status-pending" role="status">
          waiting for the network
        </span>
      </Show>
      <Show when={ws.agentStatus.error()}>
        {(reason) => (
          <div class="status-error" data-testid="status-error" role="alert">
            <div class="status-error-text">
              <span>{reason()[0]!.toUpperCase() + reason().slice(1)}</span>
              <Show when={ws.agentStatus.heldChats().length > 0 ? ws.agentStatus.heldChats() : undefined} keyed>
                {(ids) => <HeldChats ids={ids} onOpen={() => ws.agentStatus.dismissError()} />}
              </Show>
            </div>
            <button type="button" class="button button-quiet" aria-label="Dismiss" onClick={() => ws.agentStatus.dismissError()}>
              ×
            </button>
          </div>
        )}
      </Show>
      <Alerts />
      <AgentMenu onSignOut={props.onSignOut} />
    </header>
  )
}

/** The agent's menu: inline from 720px, a disclosure popup below (see AppHeader.css). */
function AgentMenu(props: { onSignOut: () => void }) {
  const ws = useWorkspace()
  const id = createUniqueId()
  const [open, setOpen] = createSignal(false)
  let root: HTMLDivElement | undefined
  let toggle: HTMLButtonElement | undefined
  const close = (refocus = false) => {
    setOpen(false)
    if (refocus) toggle?.focus()
  }
  // A click or a tap anywhere else, or Escape, folds the menu away.
  const onPointer = (e: PointerEvent) => {
    if (open() && root && !root.contains(e.target as Node)) close()
  }
  const onKey = (e: KeyboardEvent) => {
    if (open() && e.key === 'Escape') close(true)
  }
  document.addEventListener('pointerdown', onPointer)
  document.addEventListener('keydown', onKey)
  onCleanup(() => {
    document.removeEventListener('pointerdown', onPointer)
    document.removeEventListener('keydown', onKey)
  })
  return (
    <div class="agent-menu" ref={root} data-open={open()}>
      <button
        ref={toggle}
        type="button"
        class="button button-quiet agent-menu-toggle"
        data-testid="header-menu"
        aria-expanded={open()}
        aria-controls={id}
        aria-label="Menu"
        title={`${ws.session.agent.name} — menu`}
        onClick={() => setOpen(!open())}
      >
        ☰
      </button>
      <div class="agent-menu-items" id={id} data-testid="header-menu-items" onClick={(e) => (e.target as Element).closest('a, button') && close()}>
        <span class="agent-name" title={ws.session.agent.email}>
          {ws.session.agent.name}
        </span>
        <Show when={notificationPermission() === 'default'}>
          <button type="button" class="button button-quiet" data-testid="enable-notifications" onClick={() => void requestNotificationPermission()}>
            Enable notifications
          </button>
        </Show>
        <Show when={ws.canSupervise()}>
          <Link href={supervisionPath()} class="button button-quiet" data-testid="nav-supervision">
            Supervision
          </Link>
        </Show>
        <Link href={settingsPath()} class="button button-quiet" data-testid="nav-settings">
          Settings
        </Link>
        <button type="button" class="button button-quiet" data-testid="sign-out" onClick={() => props.onSignOut()}>
          Sign out
        </button>
      </div>
    </div>
  )
}

/** The open chats that keep the agent from going offline, by visitor name, each a link to its conversation. */
function HeldChats(props: { ids: string[]; onOpen: () => void }) {
  const ws = useWorkspace()
  // Names from this device's conversation index; one it does not list yet still gets a link.
  const rows = createLiveQuery(() => ws.db.conversations.bulkGet(props.ids))
  const chats = () => props.ids.map((id, i) => ({ id, name: rows()?.[i]?.visitorName || 'Visitor' }))
  return (
    // Opening one is acting on the refusal: the notice goes (it would cover the conversation's header).
    <span class="held-chats" data-testid="held-chats" onClick={(e) => (e.target as Element).closest('a') && props.onOpen()}>
      {'Open: '}
      <For each={chats()}>
        {(c, i) => (
          <>
            {i() > 0 ? ', ' : ''}
            <Link href={conversationPath(c.id)} data-testid="held-chat">
              {c.name}
            </Link>
          </>
        )}
      </For>
    </span>
  )
}
