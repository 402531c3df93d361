/**
 * Supervision › Live: per routing group and for the workspace-wide queue, what waits now and the
 * longest wait (ticking), what is snoozed, being handled and closed today, and who is signed in.
 * Computed on this device from the event log; offline it keeps the last state with its time.
 */
import { For, Show } from 'solid-js'
import type { LiveRow } from '../../../../shared/reports/live.ts'
import { createNow, formatDuration, SECOND_TICK_MS } from '../format.ts'
import { useWorkspace } from '../workspace.tsx'
import { AsOf } from './AsOf.tsx'
import { createLiveFigures } from './createLiveFigures.ts'
import { MetricCell } from './MetricCell.tsx'

export function LiveView() {
  const ws = useWorkspace()
  const figures = createLiveFigures(() => ws.reports.live(), () => [ws.settings.value(), ws.agents(), ws.timezone()])
  const now = createNow(SECOND_TICK_MS, figures.live)
  // Offline the wait stops at the moment the figures stopped being true.
  const clock = () => (figures.live() ? now() : (figures.asOf() ?? now()))
  return (
    <div class="supervision-live" data-testid="supervision-live">
      <AsOf live={figures.live()} asOf={figures.asOf()} />
      <Show when={figures.error()}>{(e) => <p class="supervision-error" role="alert">Could not compute the live view: {e()}</p>}</Show>
      <Show when={figures.value()} fallback={<p class="empty">Computing…</p>}>
        {(view) => (
          <div class="table-scroll">
            <table class="supervision-table" data-testid="live-table">
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Longest wait</th>
                  <th scope="col">Snoozed</th>
                  <th scope="col">Handling</th>
                  <th scope="col">Closed today</th>
                  <th scope="col">Agents signed in</th>
                </tr>
              </thead>
              <tbody>
                <For each={view().rows}>{(row) => <LiveRowView row={row} clock={clock()} />}</For>
              </tbody>
              <tfoot>
                <LiveRowView row={view().totals} clock={clock()} total />
              </tfoot>
            </table>
          </div>
        )}
      </Show>
    </div>
  )
}

function LiveRowView(props: { row: LiveRow; clock: number; total?: boolean }) {
  const wait = () => (props.row.longestWaitSince === null ? null : Math.max(0, props.clock - props.row.longestWaitSince))
  const a = () => props.row.agents
  return (
    <tr data-group={props.row.key} classList={{ 'live-total': props.total === true }}>
      <th scope="row">{props.row.name}</th>
      <MetricCell name="waiting" value={props.row.waiting} />
      <MetricCell name="longest_wait_ms" value={wait()} text={formatDuration(wait())} />
      <MetricCell name="snoozed" value={props.row.snoozed} />
      <MetricCell name="handling" value={props.row.handling} />
      <MetricCell name="closed_today" value={props.row.closedToday} />
      <MetricCell name="agents_signed_in" value={a().signedIn}>
        {a().signedIn}
        <Show when={a().signedIn > 0}>
          <span class="agent-breakdown">
            {' '}
            ({[a().online && `${a().online} online`, a().away && `${a().away} away`, a().offline && `${a().offline} offline`].filter(Boolean).join(', ')})
          </span>
        </Show>
      </MetricCell>
    </tr>
  )
}
