import type { Logger } from 'pino'
import type { DocRef } from '../../shared/documents.ts'
import type { ConversationRecord } from '../store/Store.ts'
import { Room, type RoomDeps } from './Room.ts'

/** How long an unused document stays in memory: long enough to absorb a reconnect without a reload. */
export const ROOM_IDLE_MS = 30_000

interface Entry {
  room: Room
  ready: Promise<void>
  unloading?: Promise<void>
  idleTimer?: NodeJS.Timeout
}

const key = (workspace: string, name: string) => `${workspace}\u0000${name}`

/** Loads each document once however many ask at the same time, and unloads it when idle. */
export class RoomManager {
  private entries = new Map<string, Entry>()
  private log: Logger

  constructor(
    private deps: RoomDeps,
    private idleMs = ROOM_IDLE_MS,
  ) {
    this.log = deps.log
  }

  /** How many documents are loaded and ready (the metrics). */
  get loadedCount(): number {
    let n = 0
    for (const e of this.entries.values()) if (!e.unloading && e.room.state === 'ready') n++
    return n
  }

  /** The loaded room, if any (no load is started). */
  peek(workspace: string, name: string): Room | undefined {
    const e = this.entries.get(key(workspace, name))
    return e && !e.unloading && e.room.state === 'ready' ? e.room : undefined
  }

  /**
   * The ready room for a document. The caller must add a peer or a hold before its next
   * `await`, or the room may be unloaded under it.
   */
  async get(workspace: string, name: string, ref: DocRef): Promise<Room> {
    for (;;) {
      const k = key(workspace, name)
      let e = this.entries.get(k)
      if (e?.unloading) {
        await e.unloading
        continue
      }
      if (!e) {
        const room = new Room(workspace, name, ref, this.deps)
        const entry: Entry = { room, ready: room.load() }
        e = entry
        this.entries.set(k, entry)
        entry.ready.catch((err) => {
          this.log.error({ err, workspace, doc: name }, 'document failed to load')
          if (this.entries.get(k) === entry) this.entries.delete(k)
        })
      }
      await e.ready
      if (e.room.state === 'ready' && !e.room.broken) {
        clearTimeout(e.idleTimer)
        return e.room
      }
      // A room whose commit failed holds what the store does not: it goes, and the next turn loads it afresh.
      if (e.room.broken && !e.unloading) this.unload(k, e)
    }
  }

  /** Uses a room on the server's behalf; pair with `release`. */
  async hold(workspace: string, name: string, ref: DocRef): Promise<Room> {
    const room = await this.get(workspace, name, ref)
    room.holds++
    return room
  }

  release(room: Room): void {
    room.holds--
    this.maybeUnload(room)
  }

  /** Starts the idle countdown when nobody uses the room; a broken room goes at once. */
  maybeUnload(room: Room): void {
    const k = key(room.workspace, room.name)
    const e = this.entries.get(k)
    if (!e || e.room !== room || e.unloading) return
    if (room.broken) {
      this.unload(k, e)
      return
    }
    if (!room.idle) return
    clearTimeout(e.idleTimer)
    e.idleTimer = setTimeout(() => {
      if (room.idle && this.entries.get(k) === e && !e.unloading) this.unload(k, e)
    }, this.idleMs)
    e.idleTimer.unref()
  }

  private unload(k: string, e: Entry): void {
    clearTimeout(e.idleTimer)
    e.unloading = e.room
      .unload()
      .catch((err) => this.log.error({ err, doc: e.room.name }, 'unload failed'))
      .finally(() => {
        if (this.entries.get(k) === e) this.entries.delete(k)
      })
  }

  /** One loaded room by name (ready, possibly unloading), without a scan; no load is started. */
  loadedRoom(workspace: string, name: string): Room | undefined {
    const e = this.entries.get(key(workspace, name))
    return e && e.room.state === 'ready' ? e.room : undefined
  }

  /** Every loaded room (of one workspace, when given) whose name satisfies `match`; O(every loaded room), for workspace-wide changes. */
  *loaded(workspace?: string, match: (name: string) => boolean = () => true): Iterable<Room> {
    for (const e of this.entries.values())
      if ((workspace === undefined || e.room.workspace === workspace) && e.room.state === 'ready' && match(e.room.name)) yield e.room
  }

  /**
   * Updates another instance committed to a document: applied to it if it is loaded or loading
   * here (a room loading now applies them once loaded, whatever its load read); false when it is
   * not loaded here, so there was nothing to apply them to.
   */
  remote(workspace: string, name: string, updates: readonly Uint8Array[], record?: ConversationRecord): boolean {
    const e = this.entries.get(key(workspace, name))
    if (!e || e.unloading) return false
    e.room.applyRemote(updates, record)
    return true
  }

  /** Every loaded room, read again from the store and merged (after the cluster bus was down: what it missed). */
  async reloadAll(): Promise<void> {
    for (const e of [...this.entries.values()]) {
      if (e.unloading || e.room.state !== 'ready') continue
      try {
        const updates = await this.deps.store.loadDocument(e.room.workspace, e.room.name)
        const record = e.room.ref.kind === 'conversation' ? await this.deps.store.getConversation(e.room.workspace, e.room.ref.conversationId) : null
        e.room.applyRemote(updates, record ?? undefined)
      } catch (err) {
        this.log.warn({ err, doc: e.room.name }, 'could not read a document again after the cluster bus came back')
      }
    }
  }

  /** Unloads everything (compacting what is worth it); for shutdown. */
  async closeAll(): Promise<void> {
    for (const [k, e] of this.entries) {
      for (const p of e.room.peers.values()) p.ws.close(1001, 'server shutting down')
      if (!e.unloading) {
        await e.ready.catch(() => {})
        this.unload(k, e)
      }
    }
    await Promise.all([...this.entries.values()].map((e) => e.unloading))
  }
}
