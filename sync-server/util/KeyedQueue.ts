/**
 * Runs tasks one after another per key, and tasks of different keys side by side: one visitor's
 * frames stay in order (two quick first messages cannot open two conversations) while others go
 * on. A failed task does not stop the ones queued after it; its caller gets the failure.
 */
export class KeyedQueue {
  private tails = new Map<string, Promise<void>>()

  run(key: string, task: () => Promise<void>): Promise<void> {
    const next = (this.tails.get(key) ?? Promise.resolve()).then(task, task)
    const tail = next.catch(() => {})
    this.tails.set(key, tail)
    // The map holds only keys with work queued.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return next
  }
}
