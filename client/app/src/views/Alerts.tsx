/**
 * Tells the agent what needs them while the app is open: a new chat waiting, a visitor writing in
 * one of their chats, a colleague mentioning them in a note. Each is an in-app toast (opening the
 * conversation), a short sound unless muted, and a system notification when the agent allowed
 * them and the app is in the background. The count of conversations waiting for an answer goes on
 * the app icon (`navigator.setAppBadge`) and in the page title.
 */
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { EventType } from '../../../../shared/protocol.ts'
import { alertFor, type Alert } from '../../../data/alerts.ts'
import { readLastSeq } from '../../../data/db.ts'
import { eventsAfter } from '../../../data/eventLog.ts'
import { countWaitingFor } from '../../../data/lists.ts'
import { useConversationRows } from '../conversationRows.ts'
import { createLiveQuery } from '../liveQuery.ts'
import { conversationPath, useRouter } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'
import { EngagedAlerts } from './EngagedAlerts.tsx'
import { notificationPermission } from './notificationPermission.ts'
import '../notes/NotesPanel.css'

/** How long a toast stays: long enough to read a short note on a phone. */
const TOAST_MS = 10_000
/** An engaged visitor's toast stays longer: visitors browse for minutes, and the chance lasts as long. */
const ENGAGED_TOAST_MS = 60_000
/** At most this many toasts at once; older ones give way. */
const MAX_TOASTS = 4
/** Delay before the waiting count reads every conversation when the inbox has not: after the first screen's reads. */
const WAITING_COUNT_DELAY_MS = 3000

/** A short two-tone chime, made on the spot (no audio file to cache). */
function chime(): void {
  try {
    const ctx = new AudioContext()
    const now = ctx.currentTime
    for (const [i, freq] of [660, 880].entries()) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.frequency.value = freq
      gain.gain.setValueAtTime(0.0001, now + i * 0.12)
      gain.gain.exponentialRampToValueAtTime(0.2, now + i * 0.12 + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.12 + 0.18)
      osc.connect(gain).connect(ctx.destination)
      osc.start(now + i * 0.12)
      osc.stop(now + i * 0.12 + 0.2)
    }
    setTimeout(() => void ctx.close(), 600)
  } catch {
    /* no audio here (or not allowed before a click): the toast still shows */
  }
}

const MUTE_KEY = 'parley.muted'

export function Alerts() {
  const ws = useWorkspace()
  const router = useRouter()
  const me = ws.session.agent.id
  const [toasts, setToasts] = createSignal<Alert[]>([])
  const [muted, setMuted] = createSignal(localStorage.getItem(MUTE_KEY) === '1')

  // What came before this session is history, not news: the floor is where the server's log stood at
  // the feed's first hello (events only arrive after it), or this device's log when it opened. Read
  // here, not tracked: Dexie's live query re-runs on table changes, not on Solid signals. Events at
  // or below `seen` were looked at already, so each run reads only what is new.
  let seen: number | null = null
  const announced = new Set<number>()
  const fresh = createLiveQuery(async () => {
    seen ??= await readLastSeq(ws.db)
    const since = Math.max(seen, ws.feed.serverLastAtOpen() ?? seen)
    const events = await eventsAfter(ws.db, since)
    // Whose conversation a visitor wrote in: read those rows only, not the whole index.
    const ids = [...new Set(events.flatMap((e) => (e.type === EventType.message && e.conversationId ? [e.conversationId] : [])))]
    const theirs = ids.length ? await ws.db.conversations.bulkGet(ids) : []
    const mine = new Set(theirs.flatMap((r) => (r?.assigneeId === me ? [r.id] : [])))
    return {
      through: events.reduce((max, e) => Math.max(max, e.seq), since),
      alerts: events.map((e) => alertFor(e, me, (id) => mine.has(id))).filter((a): a is Alert => a !== null),
    }
  })

  const timers = new Set<ReturnType<typeof setTimeout>>()
  onCleanup(() => timers.forEach(clearTimeout))
  const dismiss = (seq: number) => setToasts((t) => t.filter((a) => a.seq !== seq))
  const openConversation = () => (router.route().name === 'conversation' ? (router.route() as { id: string }).id : null)

  createEffect(
    on(fresh, (batch) => {
      if (!batch) return
      seen = Math.max(seen ?? 0, batch.through)
      let rang = false
      for (const a of batch.alerts) {
        if (announced.has(a.seq)) continue
        announced.add(a.seq)
        // The agent is looking at this conversation already: nothing to announce.
        if (a.kind === 'message' && a.conversationId === openConversation() && document.visibilityState === 'visible') continue
        setToasts((t) => [...t, a].slice(-MAX_TOASTS))
        const timer = setTimeout(() => dismiss(a.seq), a.kind === 'engaged' ? ENGAGED_TOAST_MS : TOAST_MS)
        timers.add(timer)
        if (!rang && !muted()) {
          chime()
          rang = true
        }
        if (notificationPermission() === 'granted' && document.visibilityState !== 'visible')
          new Notification(a.title, { body: a.body, tag: `parley-${a.seq}` })
      }
    }),
  )

  // Conversations waiting for this agent, from the rows the inbox reads too (one read, not a scan of
  // its own). The inbox asks for them once its first screen is shown; when it is not on screen (a
  // phone opened on a conversation), they are read a little later: the count is not urgent.
  const all = useConversationRows()
  const loadTimer = setTimeout(all.load, WAITING_COUNT_DELAY_MS)
  onCleanup(() => clearTimeout(loadTimer))
  const waiting = createMemo(() => countWaitingFor(all.rows() ?? [], me))
  createEffect(() => {
    const n = waiting()
    document.title = n > 0 ? `(${n}) Parley` : 'Parley'
    const nav = navigator as Navigator & { setAppBadge?: (n: number) => Promise<void>; clearAppBadge?: () => Promise<void> }
    // Only installed apps show a badge; elsewhere the call is refused, and the title says it.
    void (n > 0 ? nav.setAppBadge?.(n) : nav.clearAppBadge?.())?.catch(() => {})
  })

  return (
    <>
      <div class="alert-controls">
        <button
          type="button"
          class="button button-quiet"
          data-testid="sound-toggle"
          aria-pressed={!muted()}
          title={muted() ? 'Sound is off' : 'Sound is on'}
          onClick={() => {
            const next = !muted()
            setMuted(next)
            localStorage.setItem(MUTE_KEY, next ? '1' : '0')
          }}
        >
          {muted() ? '🔕' : '🔔'}
        </button>
      </div>
      <div class="toasts" aria-live="polite">
        <EngagedAlerts alerts={toasts().filter((a) => a.kind === 'engaged')} dismiss={dismiss} />
        <For each={toasts().filter((a) => a.kind !== 'engaged')}>
          {(a) => (
            <div class="toast" role="status" data-testid="toast" data-kind={a.kind}>
              <button
                type="button"
                class="toast-body"
                onClick={() => {
                  dismiss(a.seq)
                  if (a.conversationId) router.navigate(conversationPath(a.conversationId))
                }}
              >
                <strong>{a.title}</strong>
                <Show when={a.body}>
                  <span>{a.body}</span>
                </Show>
              </button>
              <button type="button" class="button button-quiet" aria-label="Dismiss" onClick={() => dismiss(a.seq)}>
                ×
              </button>
            </div>
          )}
        </For>
      </div>
    </>
  )
}
