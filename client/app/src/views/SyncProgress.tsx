/**
 * "Syncing history 43% — 430,000 of 1,000,000": shown while the device is far behind the
 * server's log (a supervisor's first sync holds a million events), hidden once caught up. The
 * inbox stays usable meanwhile: the events are stored by the ingest worker, off this thread.
 */
import { createMemo, Show } from 'solid-js'
import { useWorkspace } from '../workspace.tsx'
import './SyncProgress.css'

/**
 * A catch-up shorter than this is over in about a second at the ingest's speed: a bar that
 * flashes up and away says nothing an agent can use.
 */
export const SYNC_PROGRESS_MIN_EVENTS = 1000

const NUMBER = new Intl.NumberFormat()

/** What the bar shows: events stored of the server's log at the connection's hello, or null when not far behind. */
export function syncProgressOf(catchUp: { from: number; to: number } | null, stored: number): { stored: number; total: number; percent: number } | null {
  if (!catchUp || catchUp.to - catchUp.from < SYNC_PROGRESS_MIN_EVENTS || stored >= catchUp.to) return null
  const done = Math.max(stored, catchUp.from)
  return { stored: done, total: catchUp.to, percent: Math.floor((done / catchUp.to) * 100) }
}

export function SyncProgress() {
  const ws = useWorkspace()
  const progress = createMemo(() => syncProgressOf(ws.feed.catchUp(), ws.feed.lastSeq()))
  return (
    <Show when={progress()}>
      {(p) => {
        // Offline the history waits; what is stored stays readable, and the sync goes on from there.
        const paused = () => (ws.connectivity() === 'offline' ? ' — paused offline, it goes on once the connection is back' : '')
        const text = () => `Syncing history ${p().percent}% — ${NUMBER.format(p().stored)} of ${NUMBER.format(p().total)}${paused()}`
        return (
          <div
            class="sync-progress"
            role="progressbar"
            data-testid="sync-progress"
            data-paused={ws.connectivity() === 'offline' ? 'true' : 'false'}
            aria-label="Syncing history"
            aria-valuemin={0}
            aria-valuemax={p().total}
            aria-valuenow={p().stored}
            aria-valuetext={text()}
          >
            <span class="sync-progress-text">{text()}</span>
            <span class="sync-progress-track" aria-hidden="true">
              <span class="sync-progress-bar" style={{ width: `${p().percent}%` }} />
            </span>
          </div>
        )
      }}
    </Show>
  )
}
