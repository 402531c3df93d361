/**
 * Supervision › Reports (`/reports?from=YYYY-MM-DD&to=YYYY-MM-DD&team=…&group=…&channel=…&agent=…&tag=…`):
 * the period's figures (issue 10 §1.5, definitions in shared/reports/periodReport.ts), per agent
 * and per day, computed on this device by the reports worker, so it works offline. Every number
 * opens the conversations behind it (`&drill=<metric>`, with `&drill_agent=<id>` for the agents'
 * table); both CSV files are built in the browser.
 */
import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js'
import { Channel } from '../../../../shared/protocol.ts'
import { channelLabel } from '../../../../shared/channels.ts'
import { agentsCsv, conversationsCsv, csvFileName, type ReportNames } from '../../../../shared/reports/csv.ts'
import { presetRange, PERIOD_PRESETS, type PeriodPreset } from '../../../../shared/reports/period.ts'
import { AGENT_METRICS, REPORT_METRICS, type AgentMetric, type PeriodReport, type ReportMetric, type ReportQuery } from '../../../../shared/reports/periodReport.ts'
import { FILTER_KEYS, parseReportSearch, reportSearch, type FilterKey } from '../../../../shared/reports/reportSearch.ts'
import { reportsPath, useRouter } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'
import { createPeriodReport } from './createPeriodReport.ts'
import { ReportChart } from './ReportChart.tsx'
import { AgentTable, ConversationList } from './ReportLists.tsx'
import { metricValue } from './MetricCell.tsx'
import { AGENT_METRIC_TEXT, dateTimeText, METRIC_TEXT, metricText, TILE_GROUPS } from './reportText.ts'
import './ReportsView.css'

const PRESET_LABELS: Record<PeriodPreset, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  last7: 'Last 7 days',
  last30: 'Last 30 days',
  thisMonth: 'This month',
}

const FILTER_LABELS: Record<FilterKey, { label: string; all: string }> = {
  team: { label: 'Team', all: 'Every team' },
  group: { label: 'Group', all: 'Every group' },
  channel: { label: 'Channel', all: 'Every channel' },
  agent: { label: 'Agent', all: 'Every agent' },
  tag: { label: 'Tag', all: 'Every tag' },
}

/** What the list under the figures shows: the conversations behind one number. */
type Drill = { kind: 'metric'; metric: ReportMetric } | { kind: 'agent'; agentId: string; metric: AgentMetric }

const isMetric = (v: string | null): v is ReportMetric => v !== null && (REPORT_METRICS as readonly string[]).includes(v)
const isAgentMetric = (v: string | null): v is AgentMetric => v !== null && (AGENT_METRICS as readonly string[]).includes(v)

/** Rows of a drill-down list asked for at first, and added by each "Show more". */
const LIST_PAGE = 100

interface Option {
  value: string
  label: string
}

/** Saves `text` as a file through a download link (no server round trip: it works offline). */
function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.style.display = 'none'
  document.body.append(a)
  a.click()
  a.remove()
  // Revoked after the click has been handled: revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

export function ReportsView() {
  const ws = useWorkspace()
  const router = useRouter()
  const settings = () => ws.settings.value()
  const tz = () => ws.timezone()

  const known = createMemo(() => {
    const s = settings()
    return s ? { team: s.teams.map((t) => t.id), group: s.groups.map((g) => g.id) } : {}
  })
  const parsed = createMemo(() => parseReportSearch(router.search(), Date.now(), tz(), known()))
  const query = () => parsed().query
  const params = createMemo(() => new URLSearchParams(router.search()))
  const drill = createMemo<Drill>(() => {
    const p = params()
    const metric = p.get('drill')
    const agentId = p.get('drill_agent')
    if (agentId && isAgentMetric(metric)) return { kind: 'agent', agentId, metric }
    return { kind: 'metric', metric: isMetric(metric) ? metric : 'closed' }
  })

  // The list under the figures carries its first rows only; "Show more" asks for more.
  const [listLimit, setListLimit] = createSignal(LIST_PAGE)
  createEffect(on(drill, () => setListLimit(LIST_PAGE), { defer: true }))
  const asked = createMemo<ReportQuery>(() => {
    const d = drill()
    return { ...query(), list: { metric: d.metric, agentId: d.kind === 'agent' ? d.agentId : null, limit: listLimit() } }
  })
  const state = createPeriodReport(asked)
  const report = () => state.report()

  const nameOf = (id: string) => ws.nameOf(id) ?? 'Unknown agent'
  const teamName = (id: string) => settings()?.teams.find((t) => t.id === id)?.name
  const groupName = (id: string) => settings()?.groups.find((g) => g.id === id)?.name
  const names: ReportNames = { team: teamName, group: groupName, agent: (id) => ws.nameOf(id) }

  /** A change of period or filter replaces the address (Back leaves the view, not the last filter) and closes the drill-down. */
  const setQuery = (q: Partial<ReportQuery>) => router.navigate(reportsPath(reportSearch({ ...query(), ...q })), { replace: true })
  const setPreset = (p: PeriodPreset) => setQuery(presetRange(p, Date.now(), tz()))
  const setFrom = (from: string) => {
    if (!from) return
    setQuery({ from, to: query().to < from ? from : query().to })
  }
  const setTo = (to: string) => {
    if (!to) return
    setQuery({ to, from: query().from > to ? to : query().from })
  }
  /** Opening a list adds to the history: Back closes it. */
  const openDrill = (d: Drill) => {
    const p = new URLSearchParams(reportSearch(query()).slice(1))
    p.set('drill', d.metric)
    if (d.kind === 'agent') p.set('drill_agent', d.agentId)
    router.navigate(reportsPath(p.toString()))
    queueMicrotask(() => document.getElementById('report-list-heading')?.focus())
  }

  const options = createMemo<Record<FilterKey, Option[]>>(() => {
    const s = settings()
    const r = report()
    const q = query()
    const fromReport = (pick: (c: PeriodReport['conversations'][number]) => (string | null)[]) => [...new Set((r?.conversations ?? []).flatMap(pick).filter((v): v is string => !!v))]
    const withChosen = (list: Option[], chosen: string | null, label: (v: string) => string) => (chosen && !list.some((o) => o.value === chosen) ? [...list, { value: chosen, label: label(chosen) }] : list)
    const teams = (s?.teams ?? []).map((t) => ({ value: t.id, label: t.name }))
    const groups = (s?.groups ?? []).map((g) => ({ value: g.id, label: g.teamId && teamName(g.teamId) ? `${g.name} (${teamName(g.teamId)})` : g.name }))
    const channels = [...new Set([...Object.values(Channel), ...fromReport((c) => [c.channel])])].map((c) => ({ value: c, label: channelLabel(c) }))
    const agents = ws
      .agents()
      .map((a) => ({ value: a.id, label: a.name }))
      .sort((a, b) => a.label.localeCompare(b.label))
    const tags = [...new Set([...(s?.tags ?? []).map((t) => t.name), ...fromReport((c) => c.tags)])].sort((a, b) => a.localeCompare(b)).map((t) => ({ value: t, label: t }))
    return {
      team: withChosen(teams, q.team, (v) => v),
      group: withChosen(groups, q.group, (v) => v),
      channel: withChosen(channels, q.channel, channelLabel),
      agent: withChosen(agents, q.agent, nameOf),
      tag: withChosen(tags, q.tag, (v) => v),
    }
  })

  const list = () => report()?.list ?? null
  const drillHeading = () => {
    const d = drill()
    if (d.kind === 'metric') return d.metric === 'closed' ? 'Closed conversations' : `${METRIC_TEXT[d.metric].label}: ${METRIC_TEXT[d.metric].behind.toLowerCase()}`
    return `${nameOf(d.agentId)} · ${AGENT_METRIC_TEXT[d.metric].label}: ${AGENT_METRIC_TEXT[d.metric].behind.toLowerCase()}`
  }

  // The files carry every conversation of the period: asked of the worker when wanted, not with every report.
  const [exporting, setExporting] = createSignal<'conversations' | 'agents' | null>(null)
  const [exportError, setExportError] = createSignal<string | null>(null)
  const exportCsv = async (kind: 'conversations' | 'agents') => {
    if (exporting()) return
    setExporting(kind)
    setExportError(null)
    try {
      const r = (await ws.reports.period({ ...query(), list: null, everything: true })).report
      download(csvFileName(kind, r), kind === 'conversations' ? conversationsCsv(r, names) : agentsCsv(r, names))
    } catch (err) {
      setExportError(err instanceof Error ? err.message : String(err))
    } finally {
      setExporting(null)
    }
  }

  const feedText = () => {
    if (ws.connectivity() !== 'online') return 'offline: new events will be added once the connection is back'
    const c = ws.feed.catchUp()
    if (c && ws.feed.lastSeq() < c.to) return 'still syncing history, figures will grow'
    return 'in step with the server'
  }

  return (
    <div class="reports" data-testid="reports">
      <div class="reports-controls" role="group" aria-label="Period and filters">
        <div class="reports-presets" role="group" aria-label="Period">
          <For each={PERIOD_PRESETS}>
            {(p) => (
              <button type="button" class="button reports-preset" data-testid={`reports-preset-${p}`} aria-pressed={query().preset === p} onClick={() => setPreset(p)}>
                {PRESET_LABELS[p]}
              </button>
            )}
          </For>
          <span class="reports-preset reports-custom" data-testid="reports-preset-custom" data-active={query().preset === 'custom' ? 'true' : 'false'}>
            Custom:
          </span>
          <label class="reports-field">
            <span class="reports-field-label">From</span>
            <input type="date" data-testid="reports-from" value={query().from} max={query().to} onChange={(e) => setFrom(e.currentTarget.value)} />
          </label>
          <label class="reports-field">
            <span class="reports-field-label">To</span>
            <input type="date" data-testid="reports-to" value={query().to} min={query().from} onChange={(e) => setTo(e.currentTarget.value)} />
          </label>
        </div>
        <div class="reports-filters" role="group" aria-label="Filters">
          <For each={FILTER_KEYS}>
            {(key) => (
              <label class="reports-field">
                <span class="reports-field-label">{FILTER_LABELS[key].label}</span>
                <select data-testid={`reports-filter-${key}`} value={query()[key] ?? ''} onChange={(e) => setQuery({ [key]: e.currentTarget.value || null })}>
                  <option value="">{FILTER_LABELS[key].all}</option>
                  <For each={options()[key]}>{(o) => <option value={o.value}>{o.label}</option>}</For>
                </select>
              </label>
            )}
          </For>
        </div>
        <div class="reports-export" role="group" aria-label="Export">
          <button type="button" class="button" data-testid="reports-export-conversations" disabled={exporting() !== null} onClick={() => void exportCsv('conversations')}>
            {exporting() === 'conversations' ? 'Preparing…' : 'Export conversations (CSV)'}
          </button>
          <button type="button" class="button" data-testid="reports-export-agents" disabled={exporting() !== null} onClick={() => void exportCsv('agents')}>
            {exporting() === 'agents' ? 'Preparing…' : 'Export per agent (CSV)'}
          </button>
        </div>
      </div>

      <Show when={parsed().error}>
        {(e) => (
          <p class="reports-problem" role="alert" data-testid="reports-query-problem">
            {e()}
          </p>
        )}
      </Show>

      <p class="reports-status" data-testid="reports-status" role="status" aria-live="polite">
        <Show when={state.current()} fallback={<>Computing the report on this device…</>}>
          Computed on this device from data up to <span data-testid="reports-data-up-to">{state.dataUpTo() !== null ? dateTimeText(state.dataUpTo()!, tz()) : 'no event yet'}</span> ({feedText()}). Days in {tz()}.
          <Show when={state.pending()}> Updating…</Show>
        </Show>
      </p>
      <Show when={exportError()}>
        {(e) => (
          <p class="supervision-error" role="alert">
            Could not export: {e()}
          </p>
        )}
      </Show>
      <Show when={state.error()}>
        {(e) => (
          <p class="supervision-error" role="alert">
            Could not compute the report: {e()}
          </p>
        )}
      </Show>

      <Show when={report()} fallback={<p class="empty" data-testid="reports-loading">Computing…</p>}>
        {(r) => (
          <div class="reports-body" aria-busy={!state.current()} data-testid="reports-body" data-current={state.current() ? 'true' : 'false'}>
            <For each={TILE_GROUPS}>
              {(group) => (
                <section class="reports-tiles" aria-label={group.title}>
                  <h3 class="reports-group-title">{group.title}</h3>
                  <div class="reports-tile-row">
                    <For each={group.metrics}>
                      {(m) => (
                        <button
                          type="button"
                          class="reports-tile"
                          data-metric={m}
                          data-value={metricValue(r().metrics[m])}
                          aria-pressed={drill().kind === 'metric' && drill().metric === m}
                          title={METRIC_TEXT[m].behind}
                          onClick={() => openDrill({ kind: 'metric', metric: m })}
                        >
                          <span class="reports-tile-label">{METRIC_TEXT[m].label}</span>
                          <span class="reports-tile-value">{metricText(m, r().metrics[m])}</span>
                          <span class="reports-tile-count">{r().counts[m]} conv.</span>
                        </button>
                      )}
                    </For>
                  </div>
                </section>
              )}
            </For>

            <section class="reports-section" aria-labelledby="report-chart-heading">
              <h3 id="report-chart-heading" class="reports-group-title">
                Per day
              </h3>
              <ReportChart days={r().days} />
            </section>

            <section class="reports-section" aria-labelledby="report-agents-heading">
              <h3 id="report-agents-heading" class="reports-group-title">
                Per agent
              </h3>
              <AgentTable
                rows={r().agents}
                nameOf={nameOf}
                selected={(() => {
                  const d = drill()
                  return d.kind === 'agent' ? { agentId: d.agentId, metric: d.metric } : null
                })()}
                onDrill={(agentId, metric) => openDrill({ kind: 'agent', agentId, metric })}
              />
            </section>

            <section class="reports-section" aria-labelledby="report-list-heading" data-testid="report-drill" data-drill={drill().metric} data-drill-agent={drill().kind === 'agent' ? (drill() as { agentId: string }).agentId : ''}>
              <h3 id="report-list-heading" class="reports-group-title" tabindex="-1">
                {drillHeading()} <span class="reports-list-count">({list()?.total ?? 0})</span>
              </h3>
              <Show when={drill().kind !== 'metric' || drill().metric !== 'closed'}>
                <button type="button" class="button button-quiet" data-testid="report-drill-close" onClick={() => setQuery({})}>
                  Back to the closed conversations
                </button>
              </Show>
              <ConversationList
                rows={list()?.rows ?? []}
                total={list()?.total ?? 0}
                timezone={r().timezone}
                nameOf={nameOf}
                groupName={(id) => groupName(id) ?? id}
                onMore={() => setListLimit((n) => n + LIST_PAGE)}
              />
            </section>
          </div>
        )}
      </Show>
    </div>
  )
}
