/**
 * Every row of the local conversation index as one live signal, shared by the views that need
 * all of them (the inbox's lists, the waiting count on the badge and title): one read of the table
 * per change however many of them are mounted, and the inbox has its rows at once when it comes
 * back on a phone. Reference-counted per database; the query stops with its last user.
 *
 * Reading ten thousand rows takes IndexedDB half a second, and small reads queued behind it wait
 * that long too, so reading starts only when a user asks for it (`load`): the inbox does once its
 * first screen is read, others when nothing is in a hurry. See `followAllConversations` for how
 * it keeps up with changes.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js'
import type { ConversationRow, ParleyDb } from '../../data/db.ts'
import { followAllConversations } from '../../data/inboxQueries.ts'
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
  const [rows, setRows] = createSignal<ConversationRow[] | undefined>(undefined, { equals: false })
  let stop: (() => void) | undefined
  return {
    rows,
    load: () => {
      stop ??= followAllConversations(db, (r) => setRows(r))
    },
    users: 0,
    dispose: () => stop?.(),
  }
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
