/**
 * Supervision › Agents: every agent with their status and time in it, active chats against their
 * slots, time since their last reply (ticking), today's first-reply and reply times, closes and
 * transfers. Sortable by any column. Computed on this device; offline it keeps the last state.
 */
import { createMemo, createSignal, For, Show } from 'solid-js'
import type { AgentBoardRow } from '../../../../shared/reports/agentsBoard.ts'
import { capitalize, createNow, formatDuration, SECOND_TICK_MS } from '../format.ts'
import { useWorkspace } from '../workspace.tsx'
import { AsOf } from './AsOf.tsx'
import { createLiveFigures } from './createLiveFigures.ts'
import { MetricCell } from './MetricCell.tsx'

type Column = 'name' | 'status' | 'in_status' | 'active_chats' | 'since_last_reply_ms' | 'frt_today_avg_ms' | 'frt_today_median_ms' | 'reply_today_avg_ms' | 'closed_today' | 'transfers_today'

const COLUMNS: { id: Column; label: string }[] = [
  { id: 'name', label: 'Agent' },
  { id: 'status', label: 'Status' },
  { id: 'in_status', label: 'In status for' },
  { id: 'active_chats', label: 'Active chats' },
  { id: 'since_last_reply_ms', label: 'Since last reply' },
  { id: 'frt_today_avg_ms', label: 'First reply today (avg)' },
  { id: 'frt_today_median_ms', label: 'First reply today (median)' },
  { id: 'reply_today_avg_ms', label: 'Reply time today (avg)' },
  { id: 'closed_today', label: 'Closed today' },
  { id: 'transfers_today', label: 'Transfers today' },
]

const STATUS_ORDER: Record<string, number> = { online: 0, away: 1, offline: 2 }

/** The value a row sorts by in a column at `now` (null sorts last). */
function sortValue(r: AgentBoardRow, c: Column, now: number): string | number | null {
  switch (c) {
    case 'name':
      return r.name.toLocaleLowerCase()
    case 'status':
      return r.status === null ? null : (STATUS_ORDER[r.status] ?? 3) + (r.connected ? 0 : 0.5)
    case 'in_status':
      return r.statusSince === null ? null : now - r.statusSince
    case 'active_chats':
      return r.activeChats
    case 'since_last_reply_ms':
      return r.lastReplyAt === null ? null : now - r.lastReplyAt
    case 'frt_today_avg_ms':
      return r.frtTodayAvgMs
    case 'frt_today_median_ms':
      return r.frtTodayMedianMs
    case 'reply_today_avg_ms':
      return r.replyTodayAvgMs
    case 'closed_today':
      return r.closedToday
    case 'transfers_today':
      return r.transfersToday
  }
}

export function AgentsBoardView() {
  const ws = useWorkspace()
  const figures = createLiveFigures(() => ws.reports.agents(), () => [ws.settings.value(), ws.agents(), ws.timezone()])
  const now = createNow(SECOND_TICK_MS, figures.live)
  const clock = () => (figures.live() ? now() : (figures.asOf() ?? now()))
  const [sort, setSort] = createSignal<{ by: Column; dir: 1 | -1 }>({ by: 'name', dir: 1 })
  const rows = createMemo(() => {
    const list = figures.value() ?? []
    const { by, dir } = sort()
    const t = clock()
    return [...list].sort((a, b) => {
      const va = sortValue(a, by, t)
      const vb = sortValue(b, by, t)
      if (va === vb) return a.name.localeCompare(b.name)
      if (va === null) return 1
      if (vb === null) return -1
      return (va < vb ? -1 : 1) * dir
    })
  })
  const toggle = (c: Column) => setSort((s) => (s.by === c ? { by: c, dir: s.dir === 1 ? -1 : 1 } : { by: c, dir: 1 }))
  return (
    <div class="supervision-agents" data-testid="supervision-agents">
      <AsOf live={figures.live()} asOf={figures.asOf()} />
      <Show when={figures.error()}>{(e) => <p class="supervision-error" role="alert">Could not compute the agents board: {e()}</p>}</Show>
      <Show when={figures.value()} fallback={<p class="empty">Computing…</p>}>
        <div class="table-scroll">
          <table class="supervision-table" data-testid="agents-table">
            <thead>
              <tr>
                <For each={COLUMNS}>
                  {(c) => (
                    <th scope="col" aria-sort={sort().by === c.id ? (sort().dir === 1 ? 'ascending' : 'descending') : 'none'}>
                      <button type="button" class="sort-header" data-testid={`sort-${c.id}`} onClick={() => toggle(c.id)}>
                        {c.label}
                        <span aria-hidden="true">{sort().by === c.id ? (sort().dir === 1 ? ' ▲' : ' ▼') : ''}</span>
                      </button>
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>{(r) => <AgentRowView row={r} clock={clock()} />}</For>
            </tbody>
          </table>
        </div>
      </Show>
    </div>
  )
}

/** Durations go to `data-value` in whole milliseconds (averages are fractional). */
const wholeMs = (ms: number | null): number | null => (ms === null ? null : Math.round(ms))

function AgentRowView(props: { row: AgentBoardRow; clock: number }) {
  const r = () => props.row
  const inStatus = () => (r().statusSince === null ? null : Math.max(0, props.clock - r().statusSince!))
  const sinceReply = () => (r().lastReplyAt === null ? null : Math.max(0, props.clock - r().lastReplyAt!))
  return (
    <tr data-agent={r().agentId}>
      <th scope="row">{r().name}</th>
      <td data-metric="status" data-value={r().status ?? ''} data-connected={r().connected ? 'true' : 'false'}>
        <span class="agent-status-dot" data-status={r().status ?? 'unknown'} aria-hidden="true" />
        {r().status ? capitalize(r().status!) : '—'}
        {r().connected ? '' : ' (not signed in)'}
      </td>
      <MetricCell name="in_status_ms" value={wholeMs(inStatus())} text={formatDuration(inStatus())} />
      <MetricCell name="active_chats" value={r().activeChats}>
        {r().activeChats}
        {r().slots !== null ? ` / ${r().slots}` : ''}
      </MetricCell>
      <MetricCell name="since_last_reply_ms" value={wholeMs(sinceReply())} text={formatDuration(sinceReply())} />
      <MetricCell name="frt_today_avg_ms" value={wholeMs(r().frtTodayAvgMs)} text={formatDuration(r().frtTodayAvgMs)} />
      <MetricCell name="frt_today_median_ms" value={wholeMs(r().frtTodayMedianMs)} text={formatDuration(r().frtTodayMedianMs)} />
      <MetricCell name="reply_today_avg_ms" value={wholeMs(r().replyTodayAvgMs)} text={formatDuration(r().replyTodayAvgMs)} />
      <MetricCell name="closed_today" value={r().closedToday} text={String(r().closedToday)} />
      <MetricCell name="transfers_today" value={r().transfersToday} text={String(r().transfersToday)} />
    </tr>
  )
}
