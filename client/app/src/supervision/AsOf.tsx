/** The line under a live figure set: "Live", or "As of 14:05 — offline" once the figures stopped moving. */
import { Show } from 'solid-js'
import { clockTime } from '../format.ts'

export function AsOf(props: { live: boolean; asOf: number | null }) {
  return (
    <p class="supervision-asof" data-testid="as-of" data-live={props.live ? 'true' : 'false'} role="status">
      <Show when={!props.live} fallback={<>Live</>}>
        {props.asOf !== null ? `As of ${clockTime(props.asOf)}` : 'Not synced yet'} — waiting for the connection; figures are not moving
      </Show>
    </p>
  )
}
