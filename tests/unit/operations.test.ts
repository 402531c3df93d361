import { describe, expect, it } from 'vitest'
import { hostname } from 'node:os'
import { readConfig } from '../../sync-server/config.ts'
import { Metrics, metricsAllowed } from '../../sync-server/metrics/Metrics.ts'
import { readiness } from '../../sync-server/metrics/Readiness.ts'
import type { Store } from '../../sync-server/store/Store.ts'

const fakeStore = (lastSeq: () => Promise<number>, commit: Store['commit'] = async () => []) =>
  ({ kind: 'fake', lastSeq, commit, close: async () => {} }) as unknown as Store

describe('readiness', () => {
  const ready = { started: true, stopping: false, workspace: 'default' }

  it('is ready when the store answers', async () => {
    expect(await readiness({ ...ready, store: fakeStore(async () => 7) })).toEqual({ status: 200, body: { ok: true, store: 'fake', migrations: 'done' } })
  })

  it('is not ready while starting or stopping, without asking the store', async () => {
    const store = fakeStore(() => Promise.reject(new Error('must not be asked')))
    expect(await readiness({ ...ready, started: false, store })).toMatchObject({ status: 503, body: { reason: 'starting' } })
    expect(await readiness({ ...ready, stopping: true, store })).toMatchObject({ status: 503, body: { reason: 'stopping' } })
  })

  it('says the store is unreachable when it fails or does not answer in time', async () => {
    const failing = await readiness({ ...ready, store: fakeStore(() => Promise.reject(new Error('connection refused'))) })
    expect(failing).toMatchObject({ status: 503, body: { ok: false, reason: 'store unreachable: connection refused' } })
    const hanging = await readiness({ ...ready, store: fakeStore(() => new Promise(() => {})) }, 20)
    expect(hanging).toMatchObject({ status: 503, body: { reason: 'store unreachable: no answer within 20 ms' } })
  })
})

describe('metrics token', () => {
  it('lets anyone in without a token, and only the exact bearer token with one', () => {
    expect(metricsAllowed(undefined, undefined)).toBe(true)
    expect(metricsAllowed('t0k', undefined)).toBe(false)
    expect(metricsAllowed('t0k', 't0k')).toBe(false)
    expect(metricsAllowed('t0k', 'Bearer t0')).toBe(false)
    expect(metricsAllowed('t0k', 'Bearer t0kk')).toBe(false)
    expect(metricsAllowed('t0k', 'Bearer t0k')).toBe(true)
    expect(metricsAllowed('t0k', 'bearer  t0k')).toBe(true)
  })
})

describe('Metrics', () => {
  it('times commits that succeed and those that fail, and passes everything else to the store', async () => {
    const metrics = new Metrics('test:1')
    let fail = false
    const store = metrics.timed(
      fakeStore(async () => 42, async () => {
        if (fail) throw new Error('disk full')
        return []
      }),
    )
    await store.commit({ workspace: 'default', events: [] })
    fail = true
    await expect(store.commit({ workspace: 'default', events: [] })).rejects.toThrow('disk full')
    expect(await store.lastSeq('default')).toBe(42)
    expect(store.kind).toBe('fake')
    const text = await metrics.expose()
    expect(text).toMatch(/^parley_store_commit_seconds_count\{result="ok"\} 1$/m)
    expect(text).toMatch(/^parley_store_commit_seconds_count\{result="error"\} 1$/m)
  })

  it('keeps one registry per instance and reads gauges from their sources at scrape time', async () => {
    const a = new Metrics('a')
    const b = new Metrics('b')
    a.widgetRefused.inc({ reason: 'too_many' })
    let waiting = 3
    a.observe({
      sockets: () => ({ sync: 1, widget: 2, live: 3, visitors: 4 }),
      documents: () => 5,
      eventLogLag: async () => [{ workspace: 'default', lag: 2 }],
      queues: async () => [{ workspace: 'default', queue: 'g:sales', waiting }],
    })
    let text = await a.expose()
    expect(text).toMatch(/^parley_widget_frames_refused_total\{reason="too_many"\} 1$/m)
    expect(text).toMatch(/^parley_sockets_open\{kind="visitors"\} 4$/m)
    expect(text).toMatch(/^parley_documents_loaded 5$/m)
    expect(text).toMatch(/^parley_event_log_lag\{workspace="default"\} 2$/m)
    expect(text).toMatch(/^parley_dispatcher_queue_waiting\{workspace="default",queue="g:sales"\} 3$/m)
    waiting = 0
    text = await a.expose()
    expect(text).toMatch(/^parley_dispatcher_queue_waiting\{workspace="default",queue="g:sales"\} 0$/m)
    const other = await b.expose()
    expect(other).not.toMatch(/^parley_widget_frames_refused_total\{/m)
    expect(other).toMatch(/^parley_sockets_open\{kind="widget"\} 0$/m)
    expect(other).toMatch(/^parley_instance_info\{instance_id="b"\} 1$/m)
  })
})

describe('operations configuration', () => {
  it('reads METRICS_TOKEN (unset: /metrics open) and INSTANCE_ID (default hostname:pid)', () => {
    expect(readConfig({})).toMatchObject({ metricsToken: undefined, instanceId: `${hostname()}:${process.pid}` })
    expect(readConfig({ METRICS_TOKEN: ' tok ', INSTANCE_ID: 'eu-1' })).toMatchObject({ metricsToken: 'tok', instanceId: 'eu-1' })
    expect(readConfig({ METRICS_TOKEN: '' }).metricsToken).toBeUndefined()
  })
})
