/**
 * The Reports view's tables: the per-agent table (each number opens the conversations behind it)
 * and the list of conversations behind a number, each a link to the conversation. Their rows are
 * kept by position (`Index`): each answer of the worker is new objects, and a keyed list would
 * build every row's DOM again for each one.
 */
import { createMemo, For, Index, Show } from 'solid-js'
import { channelLabel } from '../../../../shared/channels.ts'
import { AGENT_METRICS, type AgentMetric, type AgentReportRow, type ReportConversation } from '../../../../shared/reports/periodReport.ts'
import { formatDuration, statusLabel } from '../format.ts'
import { conversationPath, Link } from '../router.tsx'
import { MetricCell } from './MetricCell.tsx'
import { AGENT_METRIC_TEXT, dateTimeText, metricText } from './reportText.ts'

export function AgentTable(props: {
  rows: AgentReportRow[]
  nameOf: (agentId: string) => string
  selected: { agentId: string; metric: AgentMetric } | null
  onDrill: (agentId: string, metric: AgentMetric) => void
}) {
  const sorted = createMemo(() => [...props.rows].sort((a, b) => props.nameOf(a.agentId).localeCompare(props.nameOf(b.agentId))))
  return (
    <Show when={props.rows.length > 0} fallback={<p class="empty">No agent handled a conversation in this period.</p>}>
      <div class="table-scroll">
        <table class="supervision-table report-agents" data-testid="report-agents">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <For each={AGENT_METRICS}>{(m) => <th scope="col">{AGENT_METRIC_TEXT[m].label}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <Index each={sorted()}>
              {(row) => (
                <tr data-agent={row().agentId}>
                  <th scope="row">{props.nameOf(row().agentId)}</th>
                  <For each={AGENT_METRICS}>
                    {(m) => (
                      <MetricCell name={m} value={row().metrics[m]}>
                        <button
                          type="button"
                          class="report-cell-button"
                          aria-pressed={props.selected?.agentId === row().agentId && props.selected.metric === m}
                          aria-label={`${AGENT_METRIC_TEXT[m].label} of ${props.nameOf(row().agentId)}: ${metricText(m, row().metrics[m])}. Show the ${row().counts[m]} conversations`}
                          disabled={row().counts[m] === 0}
                          onClick={() => props.onDrill(row().agentId, m)}
                        >
                          {metricText(m, row().metrics[m])}
                        </button>
                      </MetricCell>
                    )}
                  </For>
                </tr>
              )}
            </Index>
          </tbody>
        </table>
      </div>
    </Show>
  )
}

/** The first rows of a drill-down list (`total` in all); `onMore` asks for the next page. */
export function ConversationList(props: {
  rows: ReportConversation[]
  total: number
  timezone: string
  nameOf: (agentId: string) => string
  groupName: (groupId: string) => string
  onMore: () => void
}) {
  return (
    <Show when={props.total > 0} fallback={<p class="empty" data-testid="report-list-empty">No conversation.</p>}>
      <div class="table-scroll">
        <table class="supervision-table report-list" data-testid="report-list">
          <thead>
            <tr>
              <th scope="col">Conversation</th>
              <th scope="col">Created</th>
              <th scope="col">Channel</th>
              <th scope="col">Group</th>
              <th scope="col">Assignee</th>
              <th scope="col">Status</th>
              <th scope="col">Wait</th>
              <th scope="col">First response</th>
              <th scope="col">Resolution</th>
              <th scope="col">Handling</th>
            </tr>
          </thead>
          <tbody>
            <Index each={props.rows}>
              {(c) => (
                <tr data-conversation={c().id} data-testid="report-list-row">
                  <th scope="row">
                    <Link href={conversationPath(c().id)} data-testid="report-conversation-link">
                      <Show when={c().number !== null}>#{c().number} </Show>
                      {c().visitorName || 'Visitor'}
                    </Link>
                  </th>
                  <td>{dateTimeText(c().createdAt, props.timezone)}</td>
                  <td>{channelLabel(c().channel)}</td>
                  <td>{c().groupId ? props.groupName(c().groupId!) : '—'}</td>
                  <td>{c().assigneeId ? props.nameOf(c().assigneeId!) : 'Unassigned'}</td>
                  <td>
                    {statusLabel(c().status)}
                    <Show when={c().reopened > 0}> (reopened {c().reopened}×)</Show>
                  </td>
                  <MetricCell name="wait_ms" value={c().waitMs} text={formatDuration(c().waitMs)} />
                  <MetricCell name="first_response_ms" value={c().firstResponseMs} text={formatDuration(c().firstResponseMs)} />
                  <MetricCell name="resolution_ms" value={c().resolutionMs} text={formatDuration(c().resolutionMs)} />
                  <MetricCell name="handling_ms" value={c().handlingMs} text={formatDuration(c().handlingMs)} />
                </tr>
              )}
            </Index>
          </tbody>
        </table>
      </div>
      <Show when={props.total > props.rows.length}>
        <button type="button" class="button" data-testid="report-list-more" onClick={() => props.onMore()}>
          Show more ({props.total - props.rows.length} left)
        </button>
      </Show>
    </Show>
  )
}
