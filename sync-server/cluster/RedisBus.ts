import type { Logger } from 'pino'
import { createClient } from 'redis'
import type { LogEvent } from '../../shared/protocol.ts'
import type { Committed } from '../events/CommitFeed.ts'
import type { ConversationRecord } from '../store/Store.ts'

/** Redis reconnects: first retry after this, doubling up to the cap. */
const RECONNECT_BASE_MS = 100
const RECONNECT_MAX_MS = 2_000
/** How long a start waits for Redis before failing with one line. */
const CONNECT_TIMEOUT_MS = 5_000
/** After the bus comes back, the store is read again once more after this (commits announced while this instance was resubscribing). */
const SECOND_HEAL_MS = 1_000

/** One commit as it crosses the bus. */
interface Wire {
  /** The instance that committed it. */
  i: string
  w: string
  e: LogEvent[]
  c: ConversationRecord[]
  /** Document updates: [document name, base64]. */
  u: [string, string][]
}

export interface RedisBusOptions {
  url: string
  /** Keys and channels start with it (tests give each run its own). */
  prefix: string
  instance: string
  log: Logger
  /** A commit another instance made. */
  heard: (c: Committed) => void
  /** A signal another instance sent (`signal`): awareness, presence, heartbeats; never stored. */
  signalled?: (from: string, signal: unknown) => void
  /** The bus was down and is back: what it may have lost is read from the store. */
  healed: () => void
  /** Counts reconnects (the metrics). */
  reconnected?: () => void
}

/** Redis fails the start with one line an operator can act on. */
export class BusOpenError extends Error {
  override name = 'BusOpenError'
}

/**
 * The cluster's fan-out (DESIGN §3.3 scale-out): every commit this instance makes is published on
 * one Redis channel, and every other instance's is heard from it. Redis is never an authority:
 * it may lose messages (a restart, a slow subscriber); events carry their sequence numbers, so
 * the EventHub notices a gap and reads it from the store, and after the bus was down every loaded
 * document is read again (`healed`).
 */
export class RedisBus {
  private pub
  private sub
  private readonly channel: string
  private readonly signals: string
  private closed = false
  /** Until the start has connected, a failure is told once, by open(), not per retry. */
  private opened = false
  private wasDown = false
  private healTimer: NodeJS.Timeout | null = null

  constructor(private opts: RedisBusOptions) {
    this.channel = `${opts.prefix}commits`
    this.signals = `${opts.prefix}signals`
    const reconnectStrategy = (retries: number) => Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** retries)
    this.pub = createClient({ url: opts.url, socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy } })
    this.sub = this.pub.duplicate()
    // node-redis emits `error` for every failed (re)connection: unheard, it would end the process.
    for (const [name, client] of [
      ['publisher', this.pub],
      ['subscriber', this.sub],
    ] as const) {
      client.on('error', (err: Error) => {
        if (this.opened && !this.closed) opts.log.warn({ err: err.message, client: name }, 'Redis connection failed; reconnecting')
      })
      client.on('reconnecting', () => {
        if (!this.opened) return
        if (name === 'subscriber') this.wasDown = true
        opts.reconnected?.()
      })
    }
    this.sub.on('ready', () => {
      if (!this.wasDown || this.closed) return
      this.wasDown = false
      opts.log.info('Redis is back; reading what the fan-out may have missed from the store')
      opts.healed()
      if (this.healTimer) clearTimeout(this.healTimer)
      this.healTimer = setTimeout(() => !this.closed && opts.healed(), SECOND_HEAL_MS)
      this.healTimer.unref()
    })
  }

  /** Connects both clients and subscribes; throws a BusOpenError when Redis cannot be reached. */
  async open(): Promise<void> {
    const where = safeUrl(this.opts.url)
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new BusOpenError(`cannot reach Redis at ${where} (REDIS_URL) within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS).unref(),
    )
    try {
      await Promise.race([Promise.all([this.pub.connect(), this.sub.connect()]), timeout])
      await this.sub.subscribe(this.channel, (message) => this.receive(message))
      await this.sub.subscribe(this.signals, (message) => this.receiveSignal(message))
      this.opened = true
    } catch (err) {
      await this.close()
      if (err instanceof BusOpenError) throw err
      throw new BusOpenError(`cannot use Redis at ${where} (REDIS_URL): ${(err as Error).message}`)
    }
  }

  /** Whether both connections are up (for /readyz). */
  get ready(): boolean {
    return this.pub.isReady && this.sub.isReady
  }

  /** Announces a commit of this instance to the others (a lost announcement is healed on their side). */
  publish(c: Committed): void {
    if (this.closed || c.origin !== 'local') return
    const wire: Wire = {
      i: this.opts.instance,
      w: c.workspace,
      e: c.events,
      c: c.conversations,
      u: c.updates.map((u) => [u.doc, Buffer.from(u.update.buffer, u.update.byteOffset, u.update.byteLength).toString('base64')]),
    }
    this.pub.publish(this.channel, JSON.stringify(wire)).catch((err: Error) => this.opts.log.warn({ err: err.message }, 'could not announce a commit on Redis'))
  }

  /** Sends a signal to the other instances: what may be lost (it is sent again or expires), never a commit. */
  signal(signal: object): void {
    if (this.closed || !this.pub.isReady) return
    this.pub.publish(this.signals, JSON.stringify({ i: this.opts.instance, s: signal })).catch((err: Error) => this.opts.log.debug({ err: err.message }, 'could not send a signal on Redis'))
  }

  private receiveSignal(message: string): void {
    let wire: { i?: unknown; s?: unknown }
    try {
      wire = JSON.parse(message) as { i?: unknown; s?: unknown }
    } catch {
      return
    }
    if (!wire || typeof wire !== 'object' || typeof wire.i !== 'string' || wire.i === this.opts.instance) return
    this.opts.signalled?.(wire.i, wire.s)
  }

  private receive(message: string): void {
    let wire: Wire
    try {
      wire = JSON.parse(message) as Wire
    } catch {
      this.opts.log.warn('ignored a message on the cluster channel that is not JSON')
      return
    }
    if (!wire || typeof wire !== 'object' || wire.i === this.opts.instance || typeof wire.w !== 'string') return
    this.opts.heard({
      workspace: wire.w,
      events: Array.isArray(wire.e) ? wire.e : [],
      conversations: Array.isArray(wire.c) ? wire.c : [],
      updates: Array.isArray(wire.u) ? wire.u.map(([doc, b64]) => ({ doc, update: new Uint8Array(Buffer.from(b64, 'base64')) })) : [],
      origin: 'remote',
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.healTimer) clearTimeout(this.healTimer)
    await Promise.all([this.sub, this.pub].map((c) => (c.isReady ? c.quit().catch(() => c.disconnect().catch(() => {})) : c.isOpen ? c.disconnect().catch(() => {}) : Promise.resolve())))
  }
}

/** The URL without its password, for messages. */
function safeUrl(raw: string): string {
  try {
    const u = new URL(raw)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'an invalid URL'
  }
}
