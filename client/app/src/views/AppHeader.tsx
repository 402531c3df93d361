/** The bar on every signed-in screen: who is signed in, the connection, sign-out. */
import { Show } from 'solid-js'
import './AppHeader.css'
import type { AgentStatus } from '../../../../shared/protocol.ts'
import { useWorkspace } from '../workspace.tsx'
import { Alerts } from './Alerts.tsx'
import { Link, settingsPath } from '../router.tsx'
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
      <span class="agent-name" title={ws.session.agent.email}>
        {ws.session.agent.name}
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
            <span>{reason()[0]!.toUpperCase() + reason().slice(1)}</span>
            <button type="button" class="button button-quiet" aria-label="Dismiss" onClick={() => ws.agentStatus.dismissError()}>
              ×
            </button>
          </div>
        )}
      </Show>
      <Alerts />
      <Link href={settingsPath()} class="button button-quiet" data-testid="nav-settings">
        Settings
      </Link>
      <button type="button" class="button button-quiet" data-testid="sign-out" onClick={() => props.onSignOut()}>
        Sign out
      </button>
    </header>
  )
}
