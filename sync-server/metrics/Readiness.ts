import type { Store } from '../store/Store.ts'

/** How long /readyz waits for the store to answer a trivial read before saying it is unreachable. */
export const READY_TIMEOUT_MS = 2_000

export type Readiness =
  | { status: 200; body: { ok: true; store: string; migrations: 'done' } }
  | { status: 503; body: { ok: false; reason: string; store: string } }

/**
 * Whether this instance should get traffic: started (store open and migrated), not stopping, and
 * the store answering a trivial read within `timeoutMs`, and, with several instances, Redis connected.
 */
export async function readiness(
  state: { started: boolean; stopping: boolean; store: Store; workspace: string; bus?: { ready: boolean } | null },
  timeoutMs = READY_TIMEOUT_MS,
): Promise<Readiness> {
  const store = state.store.kind
  if (state.stopping) return { status: 503, body: { ok: false, reason: 'stopping', store } }
  if (!state.started) return { status: 503, body: { ok: false, reason: 'starting', store } }
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      state.store.lastSeq(state.workspace),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
  } catch (err) {
    return { status: 503, body: { ok: false, reason: `store unreachable: ${(err as Error).message}`, store } }
  } finally {
    clearTimeout(timer)
  }
  if (state.bus && !state.bus.ready) return { status: 503, body: { ok: false, reason: 'Redis unreachable (REDIS_URL): reconnecting', store } }
  return { status: 200, body: { ok: true, store, migrations: 'done' } }
}
