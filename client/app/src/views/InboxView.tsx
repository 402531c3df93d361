/**
 * The inbox: the lists (Unassigned, Mine, All, Snoozed, Closed, one per channel) with live
 * counts, a sort order, and a full-text search over every message this device holds. All of it
 * comes from the local index (the event log folded into IndexedDB), so it is complete offline
 * and updates live.
 */
import { liveQuery } from 'dexie'
import { createEffect, createMemo, createSignal, For, onCleanup, Show } from 'solid-js'
import { readCensus, readListHead, type ListHead } from '../../../data/inboxQueries.ts'
import { FIXED_TABS, isSortId, listRows, SORT_LABELS, SORTS, tabCountsOf, tabLabel, type TabId } from '../../../data/lists.ts'
import { useConversationRows } from '../conversationRows.ts'
import { createNow } from '../format.ts'
import { createLiveQuery } from '../liveQuery.ts'
import { useWorkspace } from '../workspace.tsx'
import { InboxList } from './InboxList.tsx'
import { SearchResults } from './SearchResults.tsx'
import { SyncProgress } from './SyncProgress.tsx'

const EMPTY_TEXT: Record<string, string> = {
  unassigned: 'Nobody is waiting',
  mine: 'No conversations of yours',
  all: 'No conversations yet',
  snoozed: 'Nothing snoozed',
  closed: 'Nothing closed yet',
}

/** Conversations read for the first screen of a list: a few screens' worth, before every row is read. */
const HEAD_ROWS = 60
/** Rows walked at most for them: a sparse list shows what was found until every row is read. */
const HEAD_SCAN = 500

/** Sets a user-timing mark the first time `when` holds; must run inside a reactive owner. */
function markOnce(name: string, when: () => boolean): void {
  let done = false
  createEffect(() => {
    if (done || !when()) return
    done = true
    performance.mark(name)
  })
}

export function InboxView(props: { selectedId?: string }) {
  const ws = useWorkspace()
  const me = ws.session.agent.id
  const now = createNow()
  // The counts come from the index's own counts: no row is read for them.
  const census = createLiveQuery(() => readCensus(ws.db, me))
  const tabCounts = createMemo(() => {
    const c = census()
    return c && tabCountsOf(c)
  })
  const tabs = createMemo((): TabId[] => tabCounts()?.tabs ?? [...FIXED_TABS], undefined, { equals: (a, b) => a.join() === b.join() })
  // A channel tab whose last conversation went away falls back to All.
  const tab = () => (tabs().includes(ws.inboxTab()) ? ws.inboxTab() : 'all')

  // Every row, for every sort and for scrolling far; reading them all takes a while with thousands,
  // so until then the top of the list by activity (read through the activity index) stands in.
  const all = useConversationRows()
  const [head, setHead] = createSignal<ListHead & { tab: TabId }>()
  const counted = createMemo(() => tabCounts() !== undefined)
  const loaded = createMemo(() => all.rows() !== undefined)
  createEffect(() => {
    // After the counts, which tell which tabs exist (the chosen one may be a channel's).
    if (loaded() || ws.inboxSort() !== 'activity' || !counted()) return
    const t = tab()
    const subscription = liveQuery(() => readListHead(ws.db, t, me, HEAD_ROWS, HEAD_SCAN)).subscribe({
      next: (h) => setHead({ ...h, tab: t }),
      error: (err) => console.error('[inbox]', err),
    })
    onCleanup(() => subscription.unsubscribe())
  })
  // Every row is read once the first screen is (small reads queued behind the big one would wait for it).
  createEffect(() => {
    if (head() !== undefined || ws.inboxSort() !== 'activity') all.load()
  })
  const list = createMemo(() => {
    const rows = all.rows()
    if (rows) return listRows(rows, tab(), ws.inboxSort(), me)
    const h = head()
    // A sparse list's walk may end before its first row: that is no reason to say it is empty.
    return h && h.tab === tab() && ws.inboxSort() === 'activity' && (h.rows.length > 0 || !h.partial) ? h.rows : undefined
  })

  // User-timing marks of the first counts, the first rows and every row: visible in the browser's
  // profiler, read by the benchmarks.
  markOnce('parley:inbox-counts', counted)
  markOnce('parley:inbox-rows', () => list() !== undefined)
  markOnce('parley:inbox-all-rows', loaded)

  const searching = () => ws.inboxSearch().trim().length > 0

  return (
    <section class="inbox-pane" aria-label="Conversations">
      <SyncProgress />
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
                  {tabCounts()?.counts.get(t) ?? 0}
                </span>
              </button>
            )}
          </For>
        </div>
        <Show when={list() !== undefined && tabCounts() !== undefined}>
          <InboxList
            rows={list()!}
            tab={tab()}
            sort={ws.inboxSort()}
            selectedId={props.selectedId}
            me={me}
            now={now}
            empty={EMPTY_TEXT[tab()] ?? 'Nothing in this list'}
          />
        </Show>
      </Show>
    </section>
  )
}
