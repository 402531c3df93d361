import type { LogEvent } from '../../shared/protocol.ts'
import { Topics } from '../util/Topics.ts'

export type EventListener = (events: LogEvent[]) => void

/** Fans committed events out to the live sockets of one process. (The scale-out store adds Redis behind it.) */
export class EventHub {
  private topics = new Topics<LogEvent[]>()

  subscribe(workspace: string, fn: EventListener): () => void {
    return this.topics.subscribe(workspace, fn)
  }

  publish(workspace: string, events: LogEvent[]): void {
    if (events.length === 0) return
    this.topics.publish(workspace, events)
  }
}
