/**
 * A task asked for again and again (on every stored event, every change of query) that must not
 * pile up: at most one run is in flight, and an ask during a run makes exactly one more run after
 * it, so the last ask is always answered and no answer is for a question nobody asks any more.
 */
/** Runs the task now, or once more after the run under way. */
export type Coalesced = () => void

export function coalesced(task: () => Promise<void>, hooks: { onBusy?: (busy: boolean) => void } = {}): Coalesced {
  let running = false
  let again = false
  const run = async () => {
    if (running) {
      again = true
      return
    }
    running = true
    hooks.onBusy?.(true)
    try {
      do {
        again = false
        try {
          await task()
        } catch (err) {
          // The task says its own failures; one that escapes must not stop the next asks.
          console.error('[coalesced]', err)
        }
      } while (again)
    } finally {
      running = false
      hooks.onBusy?.(false)
    }
  }
  return () => void run()
}
