import type { Logger } from 'pino'
import type { ConversationRecord, Store } from '../store/Store.ts'

/** setTimeout's longest delay (about 24.8 days); longer snoozes re-arm when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Wakes snoozed conversations on time, also across restarts: the wake-up times live in the
 * store's conversation records and are re-armed at start.
 */
export class SnoozeClock {
  private timers = new Map<string, NodeJS.Timeout>()
  private closed = false

  constructor(
    private due: (workspace: string, conversationId: string) => Promise<void>,
    private now: () => number,
    private log: Logger,
  ) {}

  /** Arms the snoozes of a workspace from the store (at start, or on becoming its leader). */
  async start(store: Store, workspace: string): Promise<void> {
    for (const r of await store.listSnoozed(workspace)) this.track(r)
  }

  /** Follows a conversation's record: armed while it is snoozed, disarmed otherwise. */
  track(r: ConversationRecord): void {
    const key = `${r.workspace}/${r.id}`
    clearTimeout(this.timers.get(key))
    this.timers.delete(key)
    if (this.closed || r.status !== 'snoozed' || r.snoozedUntil === null) return
    const delay = Math.max(0, r.snoozedUntil - this.now())
    const timer = setTimeout(() => {
      this.timers.delete(key)
      if (delay > MAX_TIMER_MS) return this.track(r)
      this.due(r.workspace, r.id).catch((err) => {
        // Try again shortly rather than leave the conversation asleep for good.
        this.log.error({ err, conversationId: r.id }, 'wake-up failed; retrying')
        this.track({ ...r, snoozedUntil: this.now() + 5_000 })
      })
    }, Math.min(delay, MAX_TIMER_MS))
    timer.unref()
    this.timers.set(key, timer)
  }

  close(): void {
    this.closed = true
    for (const t of this.timers.values()) clearTimeout(t)
    this.timers.clear()
  }
}
