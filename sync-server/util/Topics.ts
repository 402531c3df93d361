/**
 * Listeners per topic (a workspace, for the event hub and the site's visitors): subscribe returns
 * the unsubscribe, a topic's set is dropped with its last listener, and publishing to a topic
 * nobody listens to costs one map lookup.
 */
export class Topics<T> {
  private listeners = new Map<string, Set<(value: T) => void>>()

  /** Calls `fn` with every value published to `topic` from now on; returns the unsubscribe. */
  subscribe(topic: string, fn: (value: T) => void): () => void {
    let set = this.listeners.get(topic)
    if (!set) this.listeners.set(topic, (set = new Set()))
    set.add(fn)
    return () => {
      set.delete(fn)
      // Only this set: called twice, a late unsubscribe must not drop a newer set for the topic.
      if (set.size === 0 && this.listeners.get(topic) === set) this.listeners.delete(topic)
    }
  }

  /** Hands `value` to each listener of `topic`. */
  publish(topic: string, value: T): void {
    const set = this.listeners.get(topic)
    if (set) for (const fn of set) fn(value)
  }
}
