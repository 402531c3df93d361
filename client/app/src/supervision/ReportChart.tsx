/**
 * The report's per-day chart: created and closed conversations as bars, the median wait as a line
 * below, in plain SVG (no chart library to load). Screen readers get a title and a summary, and
 * the same numbers as a table.
 */
import { Index, Show } from 'solid-js'
import type { ReportDay } from '../../../../shared/reports/periodReport.ts'
import { formatDuration } from '../format.ts'
import { MetricCell } from './MetricCell.tsx'
import { dayText } from './reportText.ts'

const WIDTH = 720
const BAR_HEIGHT = 160
const LINE_HEIGHT = 90
const PAD = { left: 64, right: 8, top: 10, bottom: 22 }
/** At most this many day labels on the axis; the others are skipped (the table has them all). */
const MAX_LABELS = 10

const S = 1000
const M = 60 * S
const H = 60 * M
/** Round tops for a duration axis, as a person would label it. */
const DURATION_STEPS = [10 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M, H, 2 * H, 4 * H, 8 * H, 12 * H, 24 * H, 48 * H, 7 * 24 * H, 30 * 24 * H]

/** A round top for a duration axis that holds `max`. */
function niceDuration(max: number): number {
  return DURATION_STEPS.find((s) => s >= max) ?? niceMax(max)
}

/** An axis label for a round duration: "30 s", "5 min", "4 h", "2 d". */
function axisDuration(ms: number): string {
  if (ms < M) return `${Math.round(ms / S)} s`
  if (ms < H) return `${Math.round(ms / M)} min`
  if (ms < 24 * H) return `${Math.round(ms / H)} h`
  return `${Math.round(ms / (24 * H))} d`
}

/** A round top for an axis that holds `max` (1, 2, 5 × 10ⁿ). */
function niceMax(max: number): number {
  if (max <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(max))
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p
  return 10 * p
}

export function ReportChart(props: { days: ReportDay[] }) {
  const n = () => Math.max(1, props.days.length)
  const plotW = WIDTH - PAD.left - PAD.right
  const slot = () => plotW / n()
  const x = (i: number) => PAD.left + i * slot()
  const countMax = () => niceMax(Math.max(0, ...props.days.map((d) => Math.max(d.created, d.closed))))
  const waitMax = () => niceDuration(Math.max(0, ...props.days.map((d) => d.waitMedianMs ?? 0)))
  const barH = (v: number) => ((BAR_HEIGHT - PAD.top - PAD.bottom) * v) / countMax()
  const waitY = (v: number) => PAD.top + (LINE_HEIGHT - PAD.top - PAD.bottom) * (1 - v / waitMax())
  const labelEvery = () => Math.ceil(n() / MAX_LABELS)
  const totals = () => props.days.reduce((a, d) => ({ created: a.created + d.created, closed: a.closed + d.closed }), { created: 0, closed: 0 })
  const linePoints = () =>
    props.days
      .map((d, i) => (d.waitMedianMs === null ? null : `${x(i) + slot() / 2},${waitY(d.waitMedianMs)}`))
      .filter((p): p is string => p !== null)
  const labels = (height: number) => (
    <Index each={props.days}>
      {(d, i) => (
        <Show when={i % labelEvery() === 0}>
          <text class="chart-label" x={x(i) + slot() / 2} y={height - 6} text-anchor="middle">
            {d().day.slice(5)}
          </text>
        </Show>
      )}
    </Index>
  )

  return (
    <div class="report-chart" data-testid="report-chart">
      <svg viewBox={`0 0 ${WIDTH} ${BAR_HEIGHT}`} role="img" aria-labelledby="chart-volume-title chart-volume-desc" class="chart-svg">
        <title id="chart-volume-title">Conversations created and closed per day</title>
        <desc id="chart-volume-desc">
          {props.days.length} days: {totals().created} created, {totals().closed} closed. The table below the chart lists every day.
        </desc>
        <line class="chart-axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={BAR_HEIGHT - PAD.bottom} y2={BAR_HEIGHT - PAD.bottom} />
        <text class="chart-label" x={PAD.left - 6} y={PAD.top + 4} text-anchor="end">
          {countMax()}
        </text>
        <text class="chart-label" x={PAD.left - 6} y={BAR_HEIGHT - PAD.bottom} text-anchor="end">
          0
        </text>
        <Index each={props.days}>
          {(d, i) => {
            const w = () => Math.max(1, slot() / 2 - 2)
            return (
              <g data-day={d().day}>
                <rect class="chart-created" x={x(i) + 1} y={BAR_HEIGHT - PAD.bottom - barH(d().created)} width={w()} height={barH(d().created)}>
                  <title>
                    {dayText(d().day)}: {d().created} created
                  </title>
                </rect>
                <rect class="chart-closed" x={x(i) + 1 + w()} y={BAR_HEIGHT - PAD.bottom - barH(d().closed)} width={w()} height={barH(d().closed)}>
                  <title>
                    {dayText(d().day)}: {d().closed} closed
                  </title>
                </rect>
              </g>
            )
          }}
        </Index>
        {labels(BAR_HEIGHT)}
      </svg>
      <p class="chart-legend" aria-hidden="true">
        <span class="chart-key chart-key-created" /> Created <span class="chart-key chart-key-closed" /> Closed
      </p>

      <svg viewBox={`0 0 ${WIDTH} ${LINE_HEIGHT}`} role="img" aria-labelledby="chart-wait-title" class="chart-svg">
        <title id="chart-wait-title">Median wait per day (days with no first assignment have no point)</title>
        <line class="chart-axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={LINE_HEIGHT - PAD.bottom} y2={LINE_HEIGHT - PAD.bottom} />
        <text class="chart-label" x={PAD.left - 6} y={PAD.top + 4} text-anchor="end">
          {axisDuration(waitMax())}
        </text>
        <polyline class="chart-wait" points={linePoints().join(' ')} />
        <Index each={props.days}>
          {(d, i) => (
            <Show when={d().waitMedianMs !== null}>
              <circle class="chart-wait-point" cx={x(i) + slot() / 2} cy={waitY(d().waitMedianMs!)} r="3">
                <title>
                  {dayText(d().day)}: median wait {formatDuration(d().waitMedianMs)}
                </title>
              </circle>
            </Show>
          )}
        </Index>
        {labels(LINE_HEIGHT)}
      </svg>

      <details class="chart-table">
        <summary>The chart's numbers as a table</summary>
        <div class="table-scroll">
          <table class="supervision-table" data-testid="report-days">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Created</th>
                <th scope="col">Closed</th>
                <th scope="col">Median wait</th>
              </tr>
            </thead>
            <tbody>
              <Index each={props.days}>
                {(d) => (
                  <tr data-day={d().day}>
                    <th scope="row">{dayText(d().day, true)}</th>
                    <MetricCell name="created" value={d().created} text={String(d().created)} />
                    <MetricCell name="closed" value={d().closed} text={String(d().closed)} />
                    <MetricCell name="wait_median_ms" value={d().waitMedianMs} text={formatDuration(d().waitMedianMs)} />
                  </tr>
                )}
              </Index>
            </tbody>
          </table>
        </div>
      </details>
    </div>
  )
}
