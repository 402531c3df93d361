import type { WidgetHistoryMessage } from '../../shared/protocol.ts'
import type { OutboxItem } from './storage.ts'
import type { ShownMessage } from './view.ts'

/** A message the server stored, as shown. */
export function fromServer(m: WidgetHistoryMessage): ShownMessage {
  return { ...m, pending: false }
}

/** A message waiting in the outbox, shown as pending until its ack. */
export function fromOutbox(item: OutboxItem): ShownMessage {
  return {
    id: '',
    clientId: item.clientId,
    kind: 'visitor',
    authorName: '',
    text: item.text,
    at: item.at,
    conversationId: '',
    pending: true,
    ...(item.attachments ? { attachments: item.attachments } : {}),
  }
}

/** A shown message as the history cache and the host page's events carry it. */
export function toPublic(m: ShownMessage): WidgetHistoryMessage {
  const { pending: _pending, ...shown } = m
  return shown
}
