/**
 * Reading the frames of the app's control socket (`/api/live`). Pure: the feed on the main
 * thread and the ingest worker both use it, and it is tested without a browser.
 */
import type { LogEvent, ToLive } from '../../shared/protocol.ts'

/**
 * How every `events` frame of our server begins (`JSON.stringify` keeps the key order it is
 * built with). The feed hands frames that begin so to the worker unread, so that a backlog
 * frame of a megabyte is never parsed on the main thread; anything else is small and parsed there.
 */
export const EVENTS_FRAME_PREFIX = '{"type":"events"'

export function isLogEvent(v: unknown): v is LogEvent {
  if (typeof v !== 'object' || v === null) return false
  const e = v as Record<string, unknown>
  return (
    typeof e.seq === 'number' &&
    typeof e.type === 'string' &&
    typeof e.at === 'number' &&
    (e.conversationId === undefined || e.conversationId === null || typeof e.conversationId === 'string') &&
    typeof e.data === 'object' &&
    e.data !== null
  )
}

/** The events and `last` of an `events` frame's text; throws on anything else (not JSON, another type). */
export function parseEventsFrame(text: string): { events: LogEvent[]; last: number } {
  const frame = JSON.parse(text) as ToLive
  if (frame?.type !== 'events') throw new Error(`not an events frame: ${String((frame as { type?: unknown })?.type)}`)
  const events = Array.isArray(frame.events) ? frame.events.filter(isLogEvent) : []
  return { events, last: typeof frame.last === 'number' ? frame.last : 0 }
}
