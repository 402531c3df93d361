/**
 * The inbox: the lists (Unassigned, Mine, All, Snoozed, Closed, one per channel) with live
 * counts, a sort order, and a full-text search over every message this device holds. All of it
 * comes from the local index (the event log folded into IndexedDB), so it is complete offline
 * and updates live.
 */
import { createComputed, createMemo, For, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import type { ConversationRow } from '../../../data/db.ts'
import { countTabs, listRows, SORT_LABELS, SORTS, tabLabel, tabsOf, isSortId } from '../../../data/lists.ts'
import { createNow, relativeTime, statusLabel } from '../format.ts'
import { createLiveQuery } from '../liveQuery.ts'
import { conversationPath, Link } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'
import { SearchResults } from './SearchResults.tsx'

/** One line of the last message, marked when it was the agent's own reply. */
function preview(row: ConversationRow, me: string): string {
  if (!row.lastText) return row.messageCount ? '' : 'No messages yet'
  const text = row.lastText.replace(/\s+/g, ' ').slice(0, 200)
  return row.lastKind === 'agent' && row.lastAuthorId === me ? `You: ${text}` : text
}

const EMPTY_TEXT: Record<string, string> = {
  unassigned: 'Nobody is waiting',
  mine: 'No conversations of yours',
  all: 'No conversations yet',
  snoozed: 'Nothing snoozed',
  closed: 'Nothing closed yet',
}

export function InboxView(props: { selectedId?: string }) {
  const ws = useWorkspace()
  const me = ws.session.agent.id
  const now = createNow()
  const rows = createLiveQuery(() => ws.db.conversations.toArray())
  const tabs = createMemo(() => tabsOf(rows() ?? []), undefined, { equals: (a, b) => a.join() === b.join() })
  const counts = createMemo(() => countTabs(rows() ?? [], tabs(), me))
  // A channel tab whose last conversation went away falls back to All.
  const tab = () => (tabs().includes(ws.inboxTab()) ? ws.inboxTab() : 'all')
  const filtered = createMemo(() => listRows(rows() ?? [], tab(), ws.inboxSort(), me))
  // Live queries return fresh objects every time; reconciling by id keeps each row's DOM.
  const [list, setList] = createStore<ConversationRow[]>([])
  createComputed(() => setList(reconcile(filtered(), { key: 'id' })))

  const searching = () => ws.inboxSearch().trim().length > 0

  return (
    <section class="inbox-pane" aria-label="Conversations">
      <div class="inbox-tools">
        <input
          type="search"
          class="search-input"
          data-testid="search"
          placeholder="Search messages and visitors"
          aria-label="Search messages and visitors"
          value={ws.inboxSearch()}
          onInput={(e) => ws.setInboxSearch(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Escape' && ws.setInboxSearch('')}
        />
        <Show when={!searching()}>
          <select
            class="sort-select"
            data-testid="sort"
            aria-label="Sort by"
            value={ws.inboxSort()}
            onChange={(e) => isSortId(e.currentTarget.value) && ws.setInboxSort(e.currentTarget.value)}
          >
            <For each={SORTS}>{(s) => <option value={s}>{SORT_LABELS[s]}</option>}</For>
          </select>
        </Show>
      </div>
      <Show
        when={!searching()}
        fallback={<SearchResults query={ws.inboxSearch()} selectedId={props.selectedId} />}
      >
        <div class="inbox-tabs" role="tablist" aria-label="Lists">
          <For each={tabs()}>
            {(t) => (
              <button
                type="button"
                role="tab"
                class="filter"
                aria-selected={tab() === t}
                data-testid="tab"
                data-tab={t}
                onClick={() => ws.setInboxTab(t)}
              >
                {tabLabel(t)}
                <span class="tab-count" data-testid="tab-count">
                  {counts().get(t) ?? 0}
                </span>
              </button>
            )}
          </For>
        </div>
        <Show when={rows() !== undefined}>
          <ul class="inbox" data-testid="inbox" data-tab={tab()}>
            <For each={list} fallback={<li class="empty">{EMPTY_TEXT[tab()] ?? 'Nothing in this list'}</li>}>
              {(row) => (
                <li>
                  <Link
                    href={conversationPath(row.id)}
                    class="conversation-row"
                    classList={{ selected: props.selectedId === row.id, unread: row.unread > 0 }}
                    data-testid="conversation-row"
                    data-id={row.id}
                    data-status={row.status}
                    data-assignee={row.assigneeId ?? ''}
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
                      <Show when={row.ticket}>
                        <span class="chip chip-ticket" data-testid="ticket-chip">
                          Request
                        </span>
                      </Show>
                      <span class={`status status-${row.status}`}>{statusLabel(row.status)}</span>
                    </span>
                  </Link>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  )
}
