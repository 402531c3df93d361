/**
 * Figures the reports worker computes that follow the event feed: asked again whenever this
 * device stores new events (at most one question in flight, the last change always answered), and
 * frozen with the moment they were last true once the connection is gone, so a view can say
 * "as of 14:05" instead of inventing numbers.
 */
import { createEffect, createSignal, on, type Accessor } from 'solid-js'
import { useWorkspace } from '../workspace.tsx'
import { coalesced } from '../../../data/coalesced.ts'
import { lastEvent } from '../../../data/eventLog.ts'

export interface LiveFigures<T> {
  value: Accessor<T | undefined>
  error: Accessor<string | null>
  /** Whether the device is in step with the server now (the figures move and tick). */
  live: Accessor<boolean>
  /** When the figures were last known to be current: now while live, the moment the connection went otherwise. */
  asOf: Accessor<number | null>
}

/** Recomputes `ask` on every stored event and on `deps` changes; must run inside a reactive owner. */
export function createLiveFigures<T>(ask: () => Promise<T>, deps: () => unknown = () => undefined): LiveFigures<T> {
  const ws = useWorkspace()
  const [value, setValue] = createSignal<T | undefined>(undefined, { equals: false })
  const [error, setError] = createSignal<string | null>(null)
  const [asOf, setAsOf] = createSignal<number | null>(null)
  const live = () => ws.connectivity() === 'online'
  const run = coalesced(async () => {
    const wasLive = live()
    try {
      const next = await ask()
      setValue(() => next)
      setError(null)
      if (wasLive && live()) setAsOf(Date.now())
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  })

  // Opened offline: the figures are as true as the newest event this device holds.
  void lastEvent(ws.db)
    .then((e) => {
      if (e && asOf() === null) setAsOf(e.at)
    })
    .catch(() => {})
  createEffect(on([ws.feed.lastSeq, deps], () => run()))
  // The moment the connection goes, what we hold was true until now.
  createEffect(
    on(live, (isLive, was) => {
      if (was && !isLive) setAsOf(Date.now())
      if (isLive) run()
    }),
  )
  return { value, error, live, asOf }
}
