/**
 * The supervisor's views: live production, agents, active conversations, visitors on the site,
 * and period reports. Only agents with the management right (and admins) reach them; their
 * devices alone receive the whole event log, which every view here is computed from.
 */
import { For, Show, type Component } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import { Link, reportsPath, supervisionPath, type SupervisionViewId } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'
import { AgentsBoardView } from './AgentsBoardView.tsx'
import { ConversationsView } from './ConversationsView.tsx'
import { LiveView } from './LiveView.tsx'
import { ReportsView } from './ReportsView.tsx'
import { VisitorsView } from './VisitorsView.tsx'
import './supervision.css'

export type SupervisionTab = SupervisionViewId | 'reports'

const VIEWS: Record<SupervisionTab, Component> = {
  live: LiveView,
  agents: AgentsBoardView,
  conversations: ConversationsView,
  visitors: VisitorsView,
  reports: ReportsView,
}

const TABS: { id: SupervisionTab; label: string; href: string }[] = [
  { id: 'live', label: 'Live', href: supervisionPath('live') },
  { id: 'agents', label: 'Agents', href: supervisionPath('agents') },
  { id: 'conversations', label: 'Conversations', href: supervisionPath('conversations') },
  { id: 'visitors', label: 'Visitors', href: supervisionPath('visitors') },
  { id: 'reports', label: 'Reports', href: reportsPath() },
]

export function SupervisionView(props: { view: SupervisionTab }) {
  const ws = useWorkspace()
  return (
    <section class="supervision" data-testid="supervision" aria-label="Supervision">
      <Show
        when={ws.canSupervise()}
        fallback={
          <p class="supervision-denied" data-testid="supervision-denied" role="alert">
            These views are for supervisors: your account does not have the management right.
          </p>
        }
      >
        {/* Only for those who may use them: nobody else is shown the way in. */}
        <nav class="supervision-tabs" aria-label="Supervision views">
          <For each={TABS}>
            {(t) => (
              <Link href={t.href} class="supervision-tab" data-testid={`supervision-tab-${t.id}`} aria-current={t.id === props.view ? 'page' : undefined}>
                {t.label}
              </Link>
            )}
          </For>
        </nav>
        <div class="supervision-body">
          <Dynamic component={VIEWS[props.view]} />
        </div>
      </Show>
    </section>
  )
}
