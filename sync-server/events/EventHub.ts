import type { LogEvent } from '../../shared/protocol.ts'

export type EventListener = (events: LogEvent[]) => void

/** Fans committed events out to the live sockets of one process. (The scale-out store adds Redis behind it.) */
export class EventHub {
  private listeners = new Map<string, Set<EventListener>>()

  subscribe(workspace: string, fn: EventListener): () => void {
    let set = this.listeners.get(workspace)
    if (!set) this.listeners.set(workspace, (set = new Set()))
    set.add(fn)
    return () => {
      set.delete(fn)
      if (set.size === 0) this.listeners.delete(workspace)
    }
  }

  publish(workspace: string, events: LogEvent[]): void {
    if (events.length === 0) return
    for (const fn of this.listeners.get(workspace) ?? []) fn(events)
  }
}
