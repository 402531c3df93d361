/**
 * What the connection indicator shows: `online` when the event feed is live, `offline` when the
 * browser has no network (or the feed gave up until it has), `connecting` in between.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js'
import type { FeedState } from './feed.ts'

export type Connectivity = 'online' | 'connecting' | 'offline'

/** Whether the browser reports a network, as a signal; must run inside a reactive owner. */
export function createNavigatorOnline(): Accessor<boolean> {
  const [online, setOnline] = createSignal(typeof navigator === 'undefined' ? true : navigator.onLine !== false)
  const update = () => setOnline(navigator.onLine !== false)
  window.addEventListener('online', update)
  window.addEventListener('offline', update)
  onCleanup(() => {
    window.removeEventListener('online', update)
    window.removeEventListener('offline', update)
  })
  return online
}

/** Combines the browser's network state and the feed socket's state. */
export function connectivityOf(navigatorOnline: boolean, feed: FeedState): Connectivity {
  // An open feed proves the network works, whatever navigator.onLine says (it can lag behind).
  if (feed === 'open') return 'online'
  if (!navigatorOnline) return 'offline'
  return 'connecting'
}

/** The connection state as a signal; must run inside a reactive owner. */
export function createConnectivity(feedState: Accessor<FeedState>): Accessor<Connectivity> {
  const online = createNavigatorOnline()
  return () => connectivityOf(online(), feedState())
}
