/**
 * Results of the inbox search: one line per conversation, with the matching words of its best
 * hit highlighted. The search runs on this device's own index, so it works offline, and it
 * re-runs by itself when new messages arrive.
 */
import { liveQuery } from 'dexie'
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { searchMessages, type SearchResults as Results } from '../../../data/search.ts'
import { snippet } from '../../../data/searchText.ts'
import { createNow, relativeTime } from '../format.ts'
import { conversationPath, Link } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'

/** Pause after the last keystroke before searching: typing stays smooth on a slow phone. */
const SEARCH_DEBOUNCE_MS = 120

export function SearchResults(props: { query: string; selectedId?: string }) {
  const ws = useWorkspace()
  const now = createNow()
  const [results, setResults] = createSignal<Results | null>(null)
  const [debounced, setDebounced] = createSignal(props.query)

  let timer: ReturnType<typeof setTimeout> | undefined
  createEffect(
    on(
      () => props.query,
      (q) => {
        clearTimeout(timer)
        timer = setTimeout(() => setDebounced(q), SEARCH_DEBOUNCE_MS)
      },
      { defer: true },
    ),
  )
  onCleanup(() => clearTimeout(timer))

  createEffect(() => {
    const q = debounced()
    const subscription = liveQuery(async () => {
      const start = performance.now()
      const r = await searchMessages(ws.db, q)
      // A user-timing entry per search: visible in the browser's profiler, read by benchmarks.
      performance.measure('parley:search', { start, detail: { query: q, results: r.results.length, partial: r.partial } })
      return r
    }).subscribe({
      next: (r) => setResults(r),
      error: (err) => console.error('[search]', err),
    })
    onCleanup(() => subscription.unsubscribe())
  })


  return (
    <Show when={results()} fallback={<p class="empty">Searching…</p>}>
      {(r) => (
        <ul class="inbox search-results" data-testid="search-results" aria-label="Search results">
          <For each={r().results} fallback={<li class="empty">No messages or visitors match “{props.query.trim()}”</li>}>
            {(hit) => (
              <li>
                <Link
                  href={conversationPath(hit.conversationId)}
                  class="conversation-row"
                  classList={{ selected: props.selectedId === hit.conversationId }}
                  data-testid="search-result"
                  data-id={hit.conversationId}
                >
                  <span class="row-top">
                    <span class="row-name">{hit.visitorName || 'Visitor'}</span>
                    <time class="row-time" datetime={new Date(hit.best.at).toISOString()}>
                      {relativeTime(hit.best.at, now())}
                    </time>
                  </span>
                  <span class="row-bottom">
                    <span class="row-preview snippet" data-testid="search-snippet">
                      <For each={snippet(hit.best.text, r().query)}>{(part) => (part.hit ? <mark>{part.text}</mark> : part.text)}</For>
                    </span>
                    <Show when={hit.hits > 1}>
                      <span class="muted">+{hit.hits - 1}</span>
                    </Show>
                  </span>
                </Link>
              </li>
            )}
          </For>
          <Show when={r().partial}>
            <li class="empty">Showing the newest matches; add a word to narrow them down.</li>
          </Show>
        </ul>
      )}
    </Show>
  )
}
