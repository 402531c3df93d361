/**
 * Requests to a worker, each answered by a promise: numbers each request, settles it by the
 * answer carrying its number, and fails everything that waits when the worker fails or is closed
 * (a dead worker answers nothing more). The reports and ingest workers are both asked through it.
 */

export interface WorkerClient<Req, Res> {
  /** Posts `message(id)` and waits for the answer with that id. */
  ask(message: (id: number) => Req): Promise<Res>
  /** Ends the worker and fails what waits. */
  close(err: Error): void
}

export interface WorkerClientOptions<Res, Answer> {
  /** The id of the request an answer settles. */
  id: (answer: Answer) => number
  /** The answer's value, or throws its error. */
  settle: (answer: Answer) => Res
  /** After the waiting requests failed: the worker failed to load or crashed. */
  onError?: (e: ErrorEvent) => void
  /** Opens the error of what waited when the worker failed (its message follows). */
  failure: string
}

export function createWorkerClient<Req, Res, Answer = unknown>(worker: Worker, options: WorkerClientOptions<Res, Answer>): WorkerClient<Req, Res> {
  let nextId = 1
  const waiting = new Map<number, { resolve: (v: Res) => void; reject: (e: Error) => void }>()
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err)
    waiting.clear()
  }
  worker.onmessage = (e: MessageEvent<Answer>) => {
    const id = options.id(e.data)
    const w = waiting.get(id)
    if (!w) return
    waiting.delete(id)
    let value: Res
    try {
      value = options.settle(e.data)
    } catch (err) {
      return w.reject(err instanceof Error ? err : new Error(String(err)))
    }
    w.resolve(value)
  }
  worker.onerror = (e) => {
    failAll(new Error(`${options.failure}: ${e.message}`))
    options.onError?.(e)
  }
  return {
    ask(message) {
      const id = nextId++
      return new Promise<Res>((resolve, reject) => {
        waiting.set(id, { resolve, reject })
        worker.postMessage(message(id))
      })
    },
    close(err) {
      worker.terminate()
      failAll(err)
    },
  }
}
