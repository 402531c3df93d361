/**
 * Tells the agent when a colleague mentions them in a note: an in-app toast that opens the
 * conversation, and a system notification when the agent has allowed them. Only mentions that
 * arrive while the app is open are announced; older ones are in the notes themselves.
 */
import { createEffect, createSignal, For, on, onCleanup } from 'solid-js'
import { EventType, type LogEvent } from '../../../../shared/protocol.ts'
import { readLastSeq } from '../../../data/db.ts'
import { createLiveQuery } from '../liveQuery.ts'
import { conversationPath, useRouter } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'

/** How long a toast stays: long enough to read a short note on a phone. */
const TOAST_MS = 10_000

export function MentionToasts() {
  const ws = useWorkspace()
  const router = useRouter()
  const me = ws.session.agent.id
  const [toasts, setToasts] = createSignal<LogEvent[]>([])
  // Where the log stood when the app opened (a plain variable: Dexie's live query re-runs on table
  // changes, not on Solid signals). Only what arrives after it is announced.
  let since: number | null = null
  const announced = new Set<number>()

  const mentions = createLiveQuery(async () => {
    since ??= await readLastSeq(ws.db)
    const evs = await ws.db.events.where('seq').above(since).filter((e) => e.type === EventType.note).toArray()
    return evs.filter((e) => Array.isArray(e.data.mentions) && e.data.mentions.includes(me) && e.data.authorId !== me)
  })

  const timers = new Set<ReturnType<typeof setTimeout>>()
  onCleanup(() => timers.forEach(clearTimeout))
  const dismiss = (seq: number) => setToasts((t) => t.filter((e) => e.seq !== seq))

  createEffect(
    on(mentions, (list) => {
      for (const e of list ?? []) {
        // Each mention is announced once, however often the list is read again.
        if (announced.has(e.seq)) continue
        announced.add(e.seq)
        setToasts((t) => [...t, e])
        const timer = setTimeout(() => dismiss(e.seq), TOAST_MS)
        timers.add(timer)
        if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.visibilityState !== 'visible')
          new Notification(`${String(e.data.authorName)} mentioned you`, { body: String(e.data.text), tag: `note-${e.data.noteId}` })
      }
    }),
  )

  return (
    <div class="toasts" aria-live="polite">
      <For each={toasts()}>
        {(e) => (
          <div class="toast" role="status" data-testid="toast">
            <button
              type="button"
              class="toast-body"
              onClick={() => {
                dismiss(e.seq)
                if (e.conversationId) router.navigate(conversationPath(e.conversationId))
              }}
            >
              <strong>{String(e.data.authorName)} mentioned you</strong>
              <span>{String(e.data.text)}</span>
            </button>
            <button type="button" class="button button-quiet" aria-label="Dismiss" onClick={() => dismiss(e.seq)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  )
}
