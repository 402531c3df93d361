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
  const [since, setSince] = createSignal<number | null>(null)
  const [toasts, setToasts] = createSignal<LogEvent[]>([])
  void readLastSeq(ws.db).then(setSince)

  const mentions = createLiveQuery(async () => {
    const from = since()
    if (from === null) return []
    const evs = await ws.db.events.where('seq').above(from).filter((e) => e.type === EventType.note).toArray()
    return evs.filter((e) => Array.isArray(e.data.mentions) && e.data.mentions.includes(me) && e.data.authorId !== me)
  })

  const timers = new Set<ReturnType<typeof setTimeout>>()
  onCleanup(() => timers.forEach(clearTimeout))
  const dismiss = (seq: number) => setToasts((t) => t.filter((e) => e.seq !== seq))

  createEffect(
    on(mentions, (list) => {
      const shown = new Set(toasts().map((t) => t.seq))
      for (const e of list ?? []) {
        if (shown.has(e.seq)) continue
        setToasts((t) => [...t, e])
        const timer = setTimeout(() => dismiss(e.seq), TOAST_MS)
        timers.add(timer)
        if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.visibilityState !== 'visible')
          new Notification(`${String(e.data.authorName)} mentioned you`, { body: String(e.data.text), tag: `note-${e.data.noteId}` })
      }
      // Each mention is announced once, even if the list is read again.
      const last = list?.at(-1)?.seq
      if (last !== undefined) setSince(last)
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
