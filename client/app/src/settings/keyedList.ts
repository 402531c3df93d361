/**
 * A list read afresh from a document on every change, kept as a store patched by id: the rows of
 * unchanged entries stay mounted, so an edit in progress survives another admin's change elsewhere.
 */
import { createComputed, type Accessor } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'

export function createKeyedList<T extends { id: string }>(source: Accessor<readonly T[] | undefined>): Accessor<T[]> {
  const [list, setList] = createStore<T[]>([])
  createComputed(() => setList(reconcile([...(source() ?? [])], { key: 'id' })))
  return () => list
}
