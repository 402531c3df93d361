/** The bar on every signed-in screen: who is signed in, the connection, sign-out. */
import { useWorkspace } from '../workspace.tsx'
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
      <span class="brand">Parley</span>
      <span class="connection" data-testid="connection" data-state={ws.connectivity()} role="status" aria-live="polite">
        <span class="connection-dot" aria-hidden="true" />
        {LABELS[ws.connectivity()]}
      </span>
      <span class="agent-name" title={ws.session.agent.email}>
        {ws.session.agent.name}
      </span>
      <button type="button" class="button button-quiet" data-testid="sign-out" onClick={() => props.onSignOut()}>
        Sign out
      </button>
    </header>
  )
}
