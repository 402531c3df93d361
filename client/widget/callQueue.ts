/**
 * Calls made on `window.Parley` before the chat bundle has loaded, replayed in order once it has.
 * Bounded: a host page that calls `track` in a loop must not grow memory without end.
 */
export const CALL_QUEUE_MAX = 100

export class CallQueue<T> {
  private calls: Array<(target: T) => void> = []
  private target: T | null = null

  /** Runs `call` now if the target is there, else keeps it (dropping the oldest past the bound). */
  push(call: (target: T) => void): void {
    if (this.target) return run(call, this.target)
    this.calls.push(call)
    if (this.calls.length > CALL_QUEUE_MAX) this.calls.shift()
  }

  /** The target arrived: replays what waited, in order. */
  ready(target: T): void {
    this.target = target
    const calls = this.calls
    this.calls = []
    for (const call of calls) run(call, target)
  }

  get size(): number {
    return this.calls.length
  }
}

function run<T>(call: (target: T) => void, target: T): void {
  try {
    call(target)
  } catch (err) {
    console.error('[parley] call failed', err)
  }
}
