/**
 * A figure in a supervision table: the text a person reads, with the raw number in `data-value`
 * (empty when there is none) and the metric's name in `data-metric`, which tests and exports read.
 */
import type { JSX } from 'solid-js'

/** A number for `data-value`: the raw figure, empty when there is none. */
export const metricValue = (value: number | null | undefined): string => (value === null || value === undefined || !Number.isFinite(value) ? '' : String(value))

/** `text` (or the children) shown; without either, the number in the reader's locale, "—" for none. */
export function MetricCell(props: { name: string; value: number | null | undefined; text?: string; children?: JSX.Element }) {
  return (
    <td data-metric={props.name} data-value={metricValue(props.value)}>
      {props.children ?? props.text ?? (props.value === null || props.value === undefined ? '—' : props.value.toLocaleString())}
    </td>
  )
}
