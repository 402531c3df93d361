/**
 * How far an agent's reply has got: `pending` (in the local document, waiting for the network),
 * `sent` (the server committed it and logged its event), `delivered` (handed to an open widget of
 * the visitor; `Conversation.isDelivered`), `read` (the visitor's widget sent a read receipt up to
 * it; see `Conversation.isRead`).
 */
import type { JSX } from 'solid-js'
import type { MessageState } from '../conversation.ts'

export type DeliveryState = MessageState | 'delivered' | 'read'

const Clock = () => (
  <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" class="mark-icon">
    <circle cx="8" cy="8" r="6.25" fill="none" stroke="currentColor" stroke-width="1.5" />
    <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
  </svg>
)

const Check = () => (
  <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" class="mark-icon">
    <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
  </svg>
)

const DoubleCheck = () => (
  <svg viewBox="0 0 20 16" width="17" height="14" aria-hidden="true" class="mark-icon">
    <path d="M1.5 8.5l3 3 7-7M8.5 11.5l7-7" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
  </svg>
)

const MARKS: Record<DeliveryState, { label: string; icon: () => JSX.Element }> = {
  pending: { label: 'Waiting to send — goes out when the connection is back', icon: Clock },
  sent: { label: 'Sent', icon: Check },
  delivered: { label: 'Delivered', icon: DoubleCheck },
  read: { label: 'Read', icon: DoubleCheck },
}

export function DeliveryMark(props: { state: DeliveryState }) {
  const mark = () => MARKS[props.state]
  return (
    <span class="message-state" data-testid="delivery-state" data-state={props.state} title={mark().label} role="img" aria-label={mark().label}>
      {mark().icon()}
    </span>
  )
}
