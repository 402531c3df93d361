import { timingSafeEqual } from 'node:crypto'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { wrapCommit } from '../store/wrapCommit.ts'
import type { Store } from '../store/Store.ts'

/** The socket kinds the server accepts: the agents' Yjs sync, the widget, the agents' live feed, the supervisors' visitors view. */
export type SocketKind = 'sync' | 'widget' | 'live' | 'visitors'

/** Commit latency buckets (seconds): a SQLite commit is a millisecond or two, a PostgreSQL group commit a few. */
const COMMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/** Where the gauges read their values when Prometheus scrapes (nothing is counted twice by hand). */
export interface MetricsSources {
  /** Open sockets of each kind. */
  sockets: () => Record<SocketKind, number>
  /** Documents loaded in memory (RoomManager). */
  documents: () => number
  /** Per workspace: the store's last sequence number minus the last one this instance fanned out to its live feeds. */
  eventLogLag: () => Promise<Array<{ workspace: string; lag: number }>>
  /** Conversations waiting, per workspace and dispatcher queue. */
  queues: () => Promise<Array<{ workspace: string; queue: string; waiting: number }>>
}

/**
 * One Prometheus registry per server (never prom-client's global one: two servers in one process
 * keep their own numbers). Gauges are read from `sources` at scrape time; counters and the commit
 * histogram are fed where things happen.
 */
export class Metrics {
  readonly registry = new Registry()
  readonly widgetRefused: Counter<'reason'>
  readonly commitSeconds: Histogram<'result'>
  readonly redisReconnects: Counter
  private sources: MetricsSources | null = null

  constructor(instance: string) {
    const registers = [this.registry]
    // The process's own (memory, CPU, event-loop lag, GC), under their usual names so stock Node.js dashboards work.
    collectDefaultMetrics({ register: this.registry })
    new Gauge({ name: 'parley_instance_info', help: 'Always 1; the instance id the logs carry', labelNames: ['instance_id'], registers }).set({ instance_id: instance }, 1)
    const self = this
    new Gauge({
      name: 'parley_sockets_open',
      help: 'Open WebSocket connections by kind (sync, widget, live, visitors)',
      labelNames: ['kind'],
      registers,
      collect() {
        const counts = self.sources?.sockets()
        for (const kind of ['sync', 'widget', 'live', 'visitors'] as const) this.set({ kind }, counts?.[kind] ?? 0)
      },
    })
    new Gauge({
      name: 'parley_documents_loaded',
      help: 'Yjs documents held in memory',
      registers,
      collect() {
        this.set(self.sources?.documents() ?? 0)
      },
    })
    new Gauge({
      name: 'parley_event_log_lag',
      help: "Events in the store's log this instance has not yet pushed to its live feeds, per workspace",
      labelNames: ['workspace'],
      registers,
      async collect() {
        this.reset()
        for (const { workspace, lag } of (await self.sources?.eventLogLag()) ?? []) this.set({ workspace }, lag)
      },
    })
    new Gauge({
      name: 'parley_dispatcher_queue_waiting',
      help: 'Conversations waiting in each dispatcher queue',
      labelNames: ['workspace', 'queue'],
      registers,
      async collect() {
        this.reset()
        for (const { workspace, queue, waiting } of (await self.sources?.queues()) ?? []) this.set({ workspace, queue }, waiting)
      },
    })
    this.widgetRefused = new Counter({
      name: 'parley_widget_frames_refused_total',
      help: 'Widget frames answered with an error, by its code (too_many, too_large, bad_request, unknown_type…)',
      labelNames: ['reason'],
      registers,
    })
    this.redisReconnects = new Counter({
      name: 'parley_redis_reconnects_total',
      help: 'Times a connection of the cluster bus to Redis was lost and dialled again (several instances only)',
      registers,
    })
    this.commitSeconds = new Histogram({
      name: 'parley_store_commit_seconds',
      help: 'Time from a commit to its durability in the store',
      labelNames: ['result'],
      buckets: COMMIT_BUCKETS,
      registers,
    })
  }

  /** Sets where the gauges read from (the server's parts are built after the registry). */
  observe(sources: MetricsSources): void {
    this.sources = sources
  }

  /** The Prometheus text exposition. */
  expose(): Promise<string> {
    return this.registry.metrics()
  }

  get contentType(): string {
    return this.registry.contentType
  }

  /** The store with its `commit` timed. */
  timed(store: Store): Store {
    const histogram = this.commitSeconds
    return wrapCommit(store, async (c, inner) => {
      const end = histogram.startTimer()
      try {
        const events = await inner(c)
        end({ result: 'ok' })
        return events
      } catch (err) {
        end({ result: 'error' })
        throw err
      }
    })
  }
}

/** Whether a request may read /metrics: anyone when no token is configured, else `Authorization: Bearer <token>`. */
export function metricsAllowed(token: string | undefined, authorization: string | undefined): boolean {
  if (!token) return true
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '')
  if (!m) return false
  const given = Buffer.from(m[1]!.trim())
  const wanted = Buffer.from(token)
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}
