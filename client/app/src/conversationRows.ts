/**
 * Every row of the local conversation index as one live signal, shared by the views that need
 * all of them (the inbox's lists, the waiting count on the badge and title): one read of the table
 * per change however many of them are mounted, and the inbox has its rows at once when it comes
 * back on a phone. Reference-counted per database; the query stops with its last user.
 *
 * Reading ten thousand rows takes IndexedDB half a second, and small reads queued behind it wait
 * that long too, so the query starts only when a user asks for it (`load`): the inbox does once
 * its first screen is read, others when nothing is in a hurry.
 */
import { createRoot, createSignal, getOwner, onCleanup, runWithOwner, type Accessor } from 'solid-js'
import type { ConversationRow, ParleyDb } from '../../data/db.ts'
import { readAllConversations } from '../../data/inboxQueries.ts'
import { createLiveQuery } from './liveQuery.ts'
import { useWorkspace } from './workspace.tsx'

export interface ConversationRows {
  /** Every conversation; undefined until read. */
  rows: Accessor<ConversationRow[] | undefined>
  /** Starts reading (once; later calls do nothing). */
  load(): void
}

interface Shared extends ConversationRows {
  users: number
  dispose: () => void
}

const shared = new WeakMap<ParleyDb, Shared>()

function createShared(db: ParleyDb): Shared {
  // Owned by a root of its own, not by the first user: it outlives that user while others need it.
  return createRoot((dispose) => {
    const owner = getOwner()
    const [live, setLive] = createSignal<Accessor<ConversationRow[] | undefined>>()
    const load = () => {
      if (!live()) setLive(() => runWithOwner(owner, () => createLiveQuery(() => readAllConversations(db))))
    }
    return { rows: () => live()?.(), load, users: 0, dispose }
  })
}

/** The shared rows of this workspace's database; must run inside a reactive owner. */
export function useConversationRows(): ConversationRows {
  const { db } = useWorkspace()
  let entry = shared.get(db)
  if (!entry) {
    entry = createShared(db)
    shared.set(db, entry)
  }
  const mine = entry
  mine.users++
  onCleanup(() => {
    if (--mine.users > 0) return
    mine.dispose()
    if (shared.get(db) === mine) shared.delete(db)
  })
  return { rows: mine.rows, load: mine.load }
}
