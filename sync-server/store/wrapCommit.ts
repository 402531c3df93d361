import type { Commit, Store } from './Store.ts'
import type { LogEvent } from '../../shared/protocol.ts'

/**
 * The store with its `commit` replaced by `commit(c, inner)`; everything else is the store's own
 * method, bound once here. A plain object built once, not a Proxy: every store call on the hot
 * paths would otherwise pay a trap and a fresh bound function.
 */
export function wrapCommit(store: Store, commit: (c: Commit, inner: (c: Commit) => Promise<LogEvent[]>) => Promise<LogEvent[]>): Store {
  const wrapper: Record<string, unknown> = {}
  // The store's methods live on its class's prototypes (or on itself, for a plain object).
  for (let o: object | null = store; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) {
      if (key === 'constructor' || key in wrapper) continue
      const value = (store as unknown as Record<string, unknown>)[key]
      // A field (`kind`) is read through to the store, so it never goes stale; only methods are hot.
      if (typeof value === 'function') wrapper[key] = value.bind(store)
      else Object.defineProperty(wrapper, key, { get: () => (store as unknown as Record<string, unknown>)[key], enumerable: true })
    }
  }
  const inner = (c: Commit) => store.commit(c)
  wrapper.commit = (c: Commit) => commit(c, inner)
  return wrapper as unknown as Store
}
