/** Dexie live queries as Solid signals. */
import { liveQuery } from 'dexie'
import { createSignal, onCleanup, type Accessor } from 'solid-js'

/**
 * Runs a Dexie query and re-runs it whenever the tables it read change (in this tab or another).
 * The signal is undefined until the first result. Must run inside a reactive owner.
 */
export function createLiveQuery<T>(querier: () => T | Promise<T>): Accessor<T | undefined> {
  const [value, setValue] = createSignal<T | undefined>(undefined, { equals: false })
  const subscription = liveQuery(querier).subscribe({
    next: (v) => setValue(() => v),
    error: (err) => console.error('[liveQuery]', err),
  })
  onCleanup(() => subscription.unsubscribe())
  return value
}
