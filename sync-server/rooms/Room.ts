import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import type * as awarenessProtocol from 'y-protocols/awareness'
import * as decoding from 'lib0/decoding'
import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import type { DocRef } from '../../shared/documents.ts'
import { CloseCode, Limits, type ChatMessage, type LogEvent } from '../../shared/protocol.ts'
import { StaleStateError, type Commit, type ConversationRecord, type Store } from '../store/Store.ts'
import { sendToPeer, type Peer } from './Peer.ts'
import { RoomAwareness } from './RoomAwareness.ts'
import { ChangeCollector, ownedFields, revertOwnedFields, toCommit, type Collected, type Origin } from './RoomCommits.ts'
import { MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, syncStep1Frame, syncStep2Frame, updateFrame } from './syncFrames.ts'

export type { Peer } from './Peer.ts'

/** Past this many stored updates a document is compacted into one snapshot, so loading it stays fast. */
export const COMPACT_AFTER_UPDATES = 500

/** The origin of updates another instance committed. */
const REMOTE = Symbol('remote')

export type RoomState = 'loading' | 'ready' | 'unloading' | 'closed'

export interface RoomDeps {
  store: Store
  log: Logger
  now: () => number
  /** Messages newly committed to a conversation, for the widget. */
  conversationMessages: (workspace: string, conversationId: string, messages: ChatMessage[]) => void
  /** The visitor's presence in a conversation, published in its awareness when it loads. */
  visitorPresence?: (workspace: string, conversationId: string) => { online: boolean; typing: boolean } | null
  /**
   * The agents present in a conversation's awareness changed: each one there is viewing it, and
   * typing when their state says `typing: true` (for the visitor's widget). The app sets a field
   * (`viewing: true`) while the conversation is on screen: y-protocols drops a client's first,
   * untouched state (clock 0), so an app that sets nothing is never seen.
   */
  agentAwareness?: (workspace: string, conversationId: string, agents: { agentId: string; name: string; typing: boolean }[]) => void
  /** Several instances: the states this instance's peers set in a document's awareness changed (an awareness update). */
  awarenessOut?: (workspace: string, name: string, update: Uint8Array) => void
  /** Several instances: the states other instances' clients hold in a document's awareness, applied when it loads. */
  remoteAwareness?: (workspace: string, name: string) => Uint8Array | null
}

/**
 * One loaded Yjs document and the sockets syncing it. Every change is applied in memory,
 * committed to the store, and only then relayed to the other peers and turned into events.
 */
export class Room {
  state: RoomState = 'loading'
  readonly doc: Y.Doc
  readonly awareness: awarenessProtocol.Awareness
  readonly peers = new Map<WebSocket, Peer>()
  /** Server-side users (e.g. the widget gateway appending a visitor's message). */
  holds = 0
  /** The conversation's record as last committed; read at load, kept by every commit. */
  lastRecord: ConversationRecord | null = null
  private readonly presence: RoomAwareness
  private readonly collector: ChangeCollector
  private storedUpdates = 0
  private approxBytes = 0
  private log: Logger
  private failed = false
  private compacting = false
  /** Updates another instance committed while this room was loading: applied once it has loaded. */
  private early: Uint8Array[] = []

  constructor(
    readonly workspace: string,
    readonly name: string,
    readonly ref: DocRef,
    private deps: RoomDeps,
  ) {
    this.log = deps.log.child({ workspace, doc: name })
    // The document's name as its guid: Yjs would otherwise draw a random UUID one hex digit at a
    // time (31 calls to the system's random source), a few percent of a new chat's server time.
    // The guid never goes on the wire of the sync protocol; it only names subdocuments, which we do not use.
    this.doc = new Y.Doc({ gc: true, guid: `${workspace}/${name}` })
    const agentAwareness = deps.agentAwareness
    this.presence = new RoomAwareness(
      this.doc,
      this.peers,
      ref.kind === 'conversation' && agentAwareness ? (agents) => agentAwareness(workspace, ref.conversationId, agents) : undefined,
      deps.awarenessOut ? (update) => deps.awarenessOut!(workspace, name, update) : undefined,
    )
    this.awareness = this.presence.awareness
    this.collector = new ChangeCollector(this.doc, ref.kind)
  }

  async load(): Promise<void> {
    const updates = await this.deps.store.loadDocument(this.workspace, this.name)
    Y.transact(this.doc, () => {
      for (const u of updates) Y.applyUpdate(this.doc, u)
    })
    this.storedUpdates = updates.length
    this.approxBytes = updates.reduce((n, u) => n + u.byteLength, 0)
    this.collector.loaded()
    if (this.ref.kind === 'conversation') {
      // Status and assignment events are logged as differences from the last committed record.
      this.lastRecord = await this.deps.store.getConversation(this.workspace, this.ref.conversationId)
      const presence = this.deps.visitorPresence?.(this.workspace, this.ref.conversationId)
      if (presence) this.setVisitorPresence(presence)
    }
    const others = this.deps.remoteAwareness?.(this.workspace, this.name)
    if (others) this.presence.applyRemote(others)
    // Heard while the load was on its way (after the last await, so none is left behind): Yjs
    // applies an update it already holds as nothing. Messages in them are known, not new.
    const early = this.early.splice(0)
    if (early.length) {
      Y.transact(this.doc, () => {
        for (const u of early) Y.applyUpdate(this.doc, u)
      })
      this.collector.loaded()
    }
    this.state = 'ready'
  }

  /** Publishes the visitor's presence as the server's own awareness state (the server speaks for the visitor). */
  setVisitorPresence(state: { online: boolean; typing: boolean }): void {
    this.presence.setVisitorPresence(state)
  }

  /** States another instance's clients set in this document's awareness. */
  applyRemoteAwareness(update: Uint8Array): void {
    this.presence.applyRemote(update)
  }

  /** Another instance is gone: the states its clients set go. */
  dropRemoteAwareness(clientIds: readonly number[]): void {
    this.presence.dropRemote(clientIds)
  }

  /** The states this instance's peers set, encoded; null when there are none. */
  localAwareness(): Uint8Array | null {
    return this.presence.localUpdate()
  }

  /** Whether nobody uses the room any more, so it can be unloaded. */
  get idle(): boolean {
    return this.peers.size === 0 && this.holds === 0
  }

  // ---- peers -------------------------------------------------------------------------------

  addPeer(peer: Peer): void {
    this.peers.set(peer.ws, peer)
    // Readers are not asked for their state: a reader's step 2 would be a write, and is refused.
    if (peer.access === 'write') sendToPeer(peer, syncStep1Frame(this.doc))
    this.presence.greet(peer)
  }

  removePeer(ws: WebSocket): void {
    const peer = this.peers.get(ws)
    if (!peer) return
    this.peers.delete(ws)
    this.presence.removePeer(peer)
  }

  /** Handles one binary frame from a peer. Throws on malformed input; the caller closes that socket. */
  receive(peer: Peer, data: Uint8Array): void {
    const decoder = decoding.createDecoder(data)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MESSAGE_SYNC: {
        const sub = decoding.readVarUint(decoder)
        if (sub === syncProtocol.messageYjsSyncStep1) {
          sendToPeer(peer, syncStep2Frame(this.doc, decoding.readVarUint8Array(decoder)))
        } else if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
          if (peer.access !== 'write') {
            peer.ws.close(CloseCode.forbidden, 'read-only')
            return
          }
          const update = decoding.readVarUint8Array(decoder)
          if (this.approxBytes + update.byteLength > Limits.documentBytes) {
            peer.ws.close(CloseCode.tooLarge, 'document too large')
            return
          }
          const { error } = this.run(peer, (doc) => Y.applyUpdate(doc, update, peer))
          if (error) throw error
        } else {
          throw new Error(`unknown sync message ${sub}`)
        }
        break
      }
      case MESSAGE_AWARENESS:
        this.presence.receive(peer, decoding.readVarUint8Array(decoder))
        break
      case MESSAGE_QUERY_AWARENESS:
        this.presence.answerQuery(peer)
        break
      default:
        throw new Error(`unknown message type ${type}`)
    }
  }

  // ---- changes -----------------------------------------------------------------------------

  /**
   * Applies a change on behalf of the server (e.g. a visitor's message), commits it with
   * `extra` in the same transaction, and resolves once it is durable.
   */
  change(fn: (doc: Y.Doc) => void, extra: Omit<Commit, 'workspace'> = {}, agentId?: string): Promise<LogEvent[]> {
    const { committed, error } = this.run({ server: true, agentId }, (doc) => Y.transact(doc, () => fn(doc), 'server'), extra)
    if (error) return Promise.reject(error)
    return committed
  }

  /**
   * Applies a change in memory now and starts committing whatever it produced. A change that
   * throws half-way (a malformed update) still commits what it did apply, so memory and store
   * never disagree; the error is returned for the caller to answer.
   */
  private run(origin: Origin, fn: (doc: Y.Doc) => void, extra: Omit<Commit, 'workspace'> = {}): { committed: Promise<LogEvent[]>; error?: unknown } {
    if (this.state !== 'ready') return { committed: Promise.resolve([]), error: new Error(`room ${this.name} is ${this.state}`) }
    const guarded = 'ws' in origin && this.ref.kind === 'conversation'
    const before = guarded ? ownedFields(this.doc) : null
    const { collected, error } = this.collector.collect(
      () => fn(this.doc),
      (c) => {
        if (before && c.conversationChanged) revertOwnedFields(this.doc, before, this.log)
      },
    )
    const ctx = { workspace: this.workspace, name: this.name, ref: this.ref, doc: this.doc, now: this.deps.now(), lastRecord: this.lastRecord }
    const { commit, record } = toCommit(ctx, origin, collected, error ? {} : extra)
    if (record) this.lastRecord = record
    const committed = commit ? this.commit(origin, collected, commit) : Promise.resolve([])
    // A failed commit is handled in commit(); callers that only need the error must not leave a rejection unhandled.
    committed.catch(() => {})
    return { committed, error }
  }

  private async commit(origin: Origin, collected: Collected, commit: Commit): Promise<LogEvent[]> {
    let events: LogEvent[]
    try {
      events = await this.deps.store.commit(commit)
    } catch (err) {
      this.fail(err)
      throw err
    }
    this.storedUpdates += collected.updates.length
    for (const u of collected.updates) this.approxBytes += u.byteLength
    // Relay only what is durable, to everyone but its author.
    for (const update of collected.updates) {
      const frame = updateFrame(update)
      const toAuthorToo = collected.reverts.has(update)
      for (const p of this.peers.values()) if (p !== origin || toAuthorToo) sendToPeer(p, frame)
    }
    // The commit feed has heard the records and events (CommitFeed): pushing messages to the visitor looks the conversation up.
    if (collected.messages.length && this.ref.kind === 'conversation')
      this.deps.conversationMessages(this.workspace, this.ref.conversationId, collected.messages)
    if (this.storedUpdates > COMPACT_AFTER_UPDATES) void this.compact()
    return events
  }

  /**
   * Updates another instance committed to this document (heard over the cluster bus, already
   * stored): applied and relayed to every peer here, never committed again. New messages go to the
   * visitor's sockets on this instance; a record heard with them is kept as the last one.
   */
  applyRemote(updates: readonly Uint8Array[], record?: ConversationRecord): void {
    if (this.state === 'loading') {
      this.early.push(...updates)
      return
    }
    if (this.state !== 'ready' && this.state !== 'unloading') return
    if (record) this.lastRecord = record
    const { collected } = this.collector.collect(() =>
      Y.transact(
        this.doc,
        () => {
          for (const u of updates) Y.applyUpdate(this.doc, u)
        },
        REMOTE,
      ),
    )
    this.storedUpdates += updates.length
    for (const u of updates) this.approxBytes += u.byteLength
    for (const update of collected.updates) {
      const frame = updateFrame(update)
      for (const p of this.peers.values()) sendToPeer(p, frame)
    }
    if (collected.messages.length && this.ref.kind === 'conversation')
      this.deps.conversationMessages(this.workspace, this.ref.conversationId, collected.messages)
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  private async compact(): Promise<void> {
    if (this.compacting || (this.state !== 'ready' && this.state !== 'unloading')) return
    this.compacting = true
    const before = this.storedUpdates
    const snapshot = Y.encodeStateAsUpdate(this.doc)
    try {
      await this.deps.store.commit({ workspace: this.workspace, compact: [{ doc: this.name, snapshot }] })
      this.storedUpdates = this.storedUpdates - before + 1
      this.approxBytes = snapshot.byteLength
    } catch (err) {
      // Nothing is lost: the updates stay stored. The next commit past the threshold tries again.
      this.log.warn({ err }, 'compaction failed')
    } finally {
      this.compacting = false
    }
  }

  /**
   * A commit failed: memory now holds what the store does not. Drop every peer so that each
   * resyncs from a fresh load and sends again what it had; the manager unloads the room.
   */
  private fail(err: unknown): void {
    if (this.failed) return
    this.failed = true
    if (err instanceof StaleStateError) this.log.info({ err: err.message }, 'a decision was refused (another instance changed the conversation first); closing the room so peers resync')
    else this.log.error({ err }, 'commit failed; closing the room so peers resync')
    for (const p of this.peers.values()) p.ws.close(1011, 'storage error')
  }

  get broken(): boolean {
    return this.failed
  }

  /** Compacts if worth it, then drops everything. */
  async unload(): Promise<void> {
    this.state = 'unloading'
    if (!this.failed && this.storedUpdates > 1) await this.compact()
    this.state = 'closed'
    this.presence.destroy()
    this.doc.destroy()
  }
}
