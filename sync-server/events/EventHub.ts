import type { Logger } from 'pino'
import type { LogEvent } from '../../shared/protocol.ts'
import { Topics } from '../util/Topics.ts'

export type EventListener = (events: LogEvent[]) => void

/** How long a gap in the sequence may wait for the events before it before they are read from the store. */
export const HEAL_AFTER_MS = 200
/** Events read from the store per step while healing a gap. */
const HEAL_PAGE = 5000

interface Line {
  /** The last sequence number handed to listeners; null before the first. */
  last: number | null
  /** Events past a gap, by sequence number, until the gap is filled. */
  held: Map<number, LogEvent>
  timer: NodeJS.Timeout | null
  healing: boolean
}

export interface EventHubOptions {
  /** The store's log (`Store.readEvents`), read to fill a gap the fan-out left. */
  read?: (workspace: string, after: number, limit: number) => Promise<LogEvent[]>
  healAfterMs?: number
  log?: Logger
}

/**
 * Fans committed events out to this instance's listeners (the live feeds, the dispatcher), one
 * workspace's events strictly in sequence order, each once. Events may be published in any order
 * and more than once (this instance's commits and other instances' over the cluster bus): those
 * at or below the last delivered are dropped, those past a gap are held until the events before
 * them arrive, or, after `healAfterMs`, are read from the store (which is never missing one below
 * a committed sequence number).
 */
export class EventHub {
  private topics = new Topics<LogEvent[]>()
  private lines = new Map<string, Line>()
  private closed = false

  constructor(private opts: EventHubOptions = {}) {}

  subscribe(workspace: string, fn: EventListener): () => void {
    return this.topics.subscribe(workspace, fn)
  }

  /** Says where a workspace's log stands (read at start): events at or below `lastSeq` are not new. */
  start(workspace: string, lastSeq: number): void {
    const line = this.line(workspace)
    if (line.last === null || lastSeq > line.last) line.last = lastSeq
    for (const seq of line.held.keys()) if (seq <= lastSeq) line.held.delete(seq)
    this.drain(workspace, line)
  }

  /** The last sequence number handed to listeners, per workspace seen. */
  delivered(): Array<{ workspace: string; seq: number }> {
    return [...this.lines].flatMap(([workspace, l]) => (l.last === null ? [] : [{ workspace, seq: l.last }]))
  }

  publish(workspace: string, events: LogEvent[]): void {
    if (events.length === 0 || this.closed) return
    const line = this.line(workspace)
    // A workspace first seen now starts at what it is shown first.
    if (line.last === null) line.last = Math.min(...events.map((e) => e.seq)) - 1
    for (const e of events) if (e.seq > line.last) line.held.set(e.seq, e)
    this.drain(workspace, line)
  }

  /** Reads from the store whatever may have been missed (the fan-out was down), for every workspace seen. */
  heal(): void {
    for (const [workspace, line] of this.lines) void this.fill(workspace, line, true)
  }

  close(): void {
    this.closed = true
    for (const line of this.lines.values()) if (line.timer) clearTimeout(line.timer)
  }

  private line(workspace: string): Line {
    let line = this.lines.get(workspace)
    if (!line) this.lines.set(workspace, (line = { last: null, held: new Map(), timer: null, healing: false }))
    return line
  }

  /** Hands over the run of held events right after the last delivered; a gap left waits for `fill`. */
  private drain(workspace: string, line: Line): void {
    if (line.last === null) return
    const out: LogEvent[] = []
    for (let next = line.held.get(line.last + 1); next; next = line.held.get(line.last + 1)) {
      line.held.delete(next.seq)
      out.push(next)
      line.last = next.seq
    }
    if (out.length) this.topics.publish(workspace, out)
    if (!line.held.size) {
      if (line.timer) clearTimeout(line.timer)
      line.timer = null
    } else if (!line.timer && !line.healing) {
      line.timer = setTimeout(() => {
        line.timer = null
        void this.fill(workspace, line, false)
      }, this.opts.healAfterMs ?? HEAL_AFTER_MS)
      line.timer.unref()
    }
  }

  /** Reads the log after the last delivered up to the held events (or to its end, `toEnd`), and delivers it. */
  private async fill(workspace: string, line: Line, toEnd: boolean): Promise<void> {
    const read = this.opts.read
    if (!read || line.healing || this.closed || line.last === null) return
    line.healing = true
    try {
      for (;;) {
        const after: number = line.last!
        const firstHeld = line.held.size ? Math.min(...line.held.keys()) : Infinity
        if (!toEnd && firstHeld === after + 1) break
        const limit = toEnd ? HEAL_PAGE : Math.min(HEAL_PAGE, firstHeld - after - 1)
        if (limit <= 0) break
        const page = await read(workspace, after, limit)
        for (const e of page) if (e.seq > line.last!) line.held.set(e.seq, e)
        this.drain(workspace, line)
        if (page.length < limit || this.closed) break
        if (!toEnd && !line.held.size) break
      }
    } catch (err) {
      this.opts.log?.warn({ err, workspace }, 'could not read the events a gap in the fan-out left; trying again')
    } finally {
      line.healing = false
    }
    // Still a gap (the read failed or came short): try again later.
    if (line.held.size && !this.closed) this.drain(workspace, line)
  }
}
