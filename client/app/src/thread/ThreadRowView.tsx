/**
 * One row of the thread: a day separator, a line of the app's own ("Ana took the chat"), or a
 * message bubble. Every message keeps `data-testid="message"` with its `data-id`, `data-kind`
 * and (bubbles) `data-state`: tests, benchmarks and the agent's own tools find messages by them.
 */
import { For, Show, type Accessor } from 'solid-js'
import type { ChatMessage } from '../../../../shared/protocol.ts'
import type { Conversation } from '../conversation.ts'
import { clockTime } from '../format.ts'
import { DeliveryMark } from './DeliveryMark.tsx'
import { MessageAttachments } from './MessageAttachments.tsx'
import { MessageText } from './MessageText.tsx'
import { dayLabel, type DayRow, type ThreadRow } from './threadRows.ts'
import './botOptions.css'

const isoTime = (at: number) => new Date(at).toISOString()

function DaySeparator(props: { row: DayRow; now: Accessor<number> }) {
  return (
    <div class="day-separator" data-testid="day-separator" data-day={props.row.day}>
      <span>{dayLabel(props.row.at, props.now())}</span>
    </div>
  )
}

/** A line of the app's own: centred and muted, never a bubble. */
function SystemLine(props: { message: ChatMessage }) {
  return (
    <div class="system-line" data-testid="message" data-id={props.message.id} data-kind="system" data-internal={props.message.internal ? 'true' : 'false'}>
      <span class="system-text">{props.message.text}</span>
      <time datetime={isoTime(props.message.at)}>{clockTime(props.message.at)}</time>
    </div>
  )
}

function MessageBubble(props: { message: ChatMessage; conversation: Conversation; me: string }) {
  const state = () => props.conversation.messageState(props.message)
  // `data-state` stays pending/sent; the read receipt is its own attribute and mark.
  const read = () => props.message.kind === 'agent' && state() === 'sent' && props.conversation.isRead(props.message)
  const delivered = () => props.message.kind === 'agent' && state() === 'sent' && props.conversation.isDelivered(props.message)
  const mine = () => props.message.kind === 'agent' && props.message.authorId === props.me
  return (
    <div
      class={`message message-${props.message.kind}`}
      classList={{ mine: mine() }}
      data-testid="message"
      data-id={props.message.id}
      data-kind={props.message.kind}
      data-state={state()}
      data-read={read() ? 'true' : undefined}
    >
      <Show when={!mine()}>
        <span class="message-author">{props.message.authorName}</span>
      </Show>
      <MessageText text={props.message.text} />
      <MessageAttachments message={props.message} conversation={props.conversation} />
      <Show when={props.message.kind === 'bot' && Array.isArray(props.message.buttons) && props.message.buttons.length > 0}>
        {/* What the bot offered the visitor: shown to agents, not clickable. */}
        <ul class="bot-options" data-testid="bot-options" aria-label="Answers offered to the visitor">
          <For each={props.message.buttons}>{(b) => <li class="bot-option">{typeof b?.label === 'string' ? b.label : ''}</li>}</For>
        </ul>
      </Show>
      <span class="message-meta">
        <time datetime={isoTime(props.message.at)}>{clockTime(props.message.at)}</time>
        <Show when={props.message.kind === 'agent'}>
          <DeliveryMark state={read() ? 'read' : delivered() ? 'delivered' : state()} />
        </Show>
      </span>
    </div>
  )
}

/** A row's content never changes kind (messages are immutable), so it is chosen once. */
export function ThreadRowView(props: { row: ThreadRow; conversation: Conversation; me: string; now: Accessor<number>; ref: (el: HTMLLIElement) => void }) {
  const row = props.row
  const content =
    row.kind === 'day' ? (
      <DaySeparator row={row} now={props.now} />
    ) : row.message.kind === 'system' ? (
      <SystemLine message={row.message} />
    ) : (
      <MessageBubble message={row.message} conversation={props.conversation} me={props.me} />
    )
  return (
    <li class="thread-row" data-key={row.key} ref={props.ref}>
      {content}
    </li>
  )
}
