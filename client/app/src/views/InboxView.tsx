/**
 * The inbox: every conversation this device knows, newest activity first, built from the local
 * index (the event log folded into IndexedDB), so it is complete offline and updates live.
 */
import { createComputed, createMemo, createSignal, For, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import type { ConversationRow } from '../../../data/db.ts'
import { createNow, relativeTime, statusLabel } from '../format.ts'
import { createLiveQuery } from '../liveQuery.ts'
import { conversationPath, Link } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'

type Filter = 'all' | 'mine' | 'unassigned'

const FILTERS: { id: Filter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
]

/** One line of the last message, marked when it was the agent's own reply. */
function preview(row: ConversationRow, me: string): string {
  if (!row.lastText) return row.messageCount ? '' : 'No messages yet'
  const text = row.lastText.replace(/\s+/g, ' ').slice(0, 200)
  return row.lastKind === 'agent' && row.lastAuthorId === me ? `You: ${text}` : text
}

export function InboxView(props: { selectedId?: string }) {
  const ws = useWorkspace()
  const me = ws.session.agent.id
  const now = createNow()
  const [filter, setFilter] = createSignal<Filter>('all')
  const rows = createLiveQuery(() => ws.db.conversations.orderBy('lastActivityAt').reverse().toArray())
  const filtered = createMemo(() => {
    const all = rows() ?? []
    switch (filter()) {
      case 'mine':
        return all.filter((r) => r.assigneeId === me)
      case 'unassigned':
        return all.filter((r) => !r.assigneeId && r.status !== 'closed')
      default:
        return all
    }
  })
  // Live queries return fresh objects every time; reconciling by id keeps each row's DOM.
  const [list, setList] = createStore<ConversationRow[]>([])
  createComputed(() => setList(reconcile(filtered(), { key: 'id' })))

  return (
    <section class="inbox-pane" aria-label="Conversations">
      <div class="inbox-filters" role="tablist">
        <For each={FILTERS}>
          {(f) => (
            <button
              type="button"
              role="tab"
              class="filter"
              aria-selected={filter() === f.id}
              data-testid="inbox-filter"
              data-filter={f.id}
              onClick={() => setFilter(f.id)}
            >
              {f.label}
            </button>
          )}
        </For>
      </div>
      <Show when={rows() !== undefined}>
        <ul class="inbox" data-testid="inbox">
          <For
            each={list}
            fallback={<li class="empty">{filter() === 'all' ? 'No conversations yet' : 'Nothing in this list'}</li>}
          >
            {(row) => (
              <li>
                <Link
                  href={conversationPath(row.id)}
                  class="conversation-row"
                  classList={{ selected: props.selectedId === row.id, unread: row.unread > 0 }}
                  data-testid="conversation-row"
                  data-id={row.id}
                  data-status={row.status}
                  data-unread={row.unread > 0 ? 'true' : 'false'}
                  aria-current={props.selectedId === row.id ? 'page' : undefined}
                >
                  <span class="row-top">
                    <Show when={row.unread > 0}>
                      <span class="unread-dot" data-testid="unread-dot" aria-label={`${row.unread} unread`} />
                    </Show>
                    <span class="row-name">{row.visitorName || 'Visitor'}</span>
                    <time class="row-time" datetime={new Date(row.lastActivityAt).toISOString()} title={new Date(row.lastActivityAt).toLocaleString()}>
                      {relativeTime(row.lastActivityAt, now())}
                    </time>
                  </span>
                  <span class="row-bottom">
                    <span class="row-preview">{preview(row, me)}</span>
                    <span class={`status status-${row.status}`}>{statusLabel(row.status)}</span>
                  </span>
                </Link>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  )
}
