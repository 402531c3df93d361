import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import { SERVER_OWNED_META } from '../../shared/commands.ts'
import { isChatMessage, messagesOf, metaOf, notesOf, readMeta, type DocRef } from '../../shared/documents.ts'
import { sanitizeAttachments } from '../../shared/files.ts'
import type { Access } from '../../shared/permissions.ts'
import { CloseCode, EventType, Limits, type ChatMessage, type LogEvent } from '../../shared/protocol.ts'
import type { Commit, ConversationRecord, NewEvent, Store } from '../store/Store.ts'

/** y-websocket's message types. */
const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const MESSAGE_QUERY_AWARENESS = 3

/** Past this many stored updates a document is compacted into one snapshot, so loading it stays fast. */
export const COMPACT_AFTER_UPDATES = 500
/** A socket that cannot drain this much is too slow to keep up; it is closed and will resync when it returns. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

export type RoomState = 'loading' | 'ready' | 'unloading' | 'closed'

export interface Peer {
  ws: WebSocket
  agentId: string
  agentName: string
  access: Access
  /** Awareness client ids this socket speaks for. */
  awarenessIds: Set<number>
}

export interface RoomDeps {
  store: Store
  log: Logger
  now: () => number
  /** Committed events, for the live feed. */
  published: (workspace: string, events: LogEvent[]) => void
  /** Messages newly committed to a conversation, for the widget. */
  conversationMessages: (workspace: string, conversationId: string, messages: ChatMessage[]) => void
  /** A conversation's record changed (assignee, group, status): access may have changed. */
  conversationChanged: (record: ConversationRecord) => void
  /** The visitor's presence in a conversation, published in its awareness when it loads. */
  visitorPresence?: (workspace: string, conversationId: string) => { online: boolean; typing: boolean } | null
  /**
   * The agents present in a conversation's awareness changed: each one there is viewing it, and
   * typing when their state says `typing: true` (for the visitor's widget). The app sets a field
   * (`viewing: true`) while the conversation is on screen: y-protocols drops a client's first,
   * untouched state (clock 0), so an app that sets nothing is never seen.
   */
  agentAwareness?: (workspace: string, conversationId: string, agents: { agentId: string; name: string; typing: boolean }[]) => void
}

/** Who caused a change: a peer's socket, or the server acting for a visitor or itself. */
type Origin = Peer | { server: true; agentId?: string }

/** The origin of the server's own writes that undo an agent's write to a server-owned field. */
const REVERT = Symbol('revert')

/** What one applied change produced, waiting to be committed. */
interface Collected {
  updates: Uint8Array[]
  /** Updates that undo part of the author's own change: they go back to the author too. */
  reverts: Set<Uint8Array>
  events: NewEvent[]
  messages: ChatMessage[]
  notes: ChatMessage[]
  conversationChanged: boolean
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
  private collecting: Collected | null = null
  private knownMessageIds = new Set<string>()
  private storedUpdates = 0
  private approxBytes = 0
  private log: Logger
  private failed = false

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
    this.awareness = new awarenessProtocol.Awareness(this.doc)
    // The server's own awareness state is empty: it speaks for nobody.
    this.awareness.setLocalState(null)
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (!this.collecting) return
      this.collecting.updates.push(update)
      if (origin === REVERT) this.collecting.reverts.add(update)
    })
    this.awareness.on('update', this.onAwarenessUpdate)
    if (ref.kind === 'conversation') {
      messagesOf(this.doc).observe((e) => {
        if (!this.collecting) return
        for (const item of e.changes.added) {
          for (const m of item.content.getContent()) {
            if (!isChatMessage(m) || this.knownMessageIds.has(m.id)) continue
            this.knownMessageIds.add(m.id)
            this.collecting.messages.push(m)
          }
        }
      })
      metaOf(this.doc).observe(() => {
        if (this.collecting) this.collecting.conversationChanged = true
      })
    }
    if (ref.kind === 'notes') {
      notesOf(this.doc).observe((e) => {
        if (!this.collecting) return
        for (const item of e.changes.added)
          for (const n of item.content.getContent()) {
            if (!isChatMessage(n) || this.knownMessageIds.has(n.id)) continue
            this.knownMessageIds.add(n.id)
            this.collecting.notes.push(n)
          }
      })
    }
  }

  async load(): Promise<void> {
    const updates = await this.deps.store.loadDocument(this.workspace, this.name)
    Y.transact(this.doc, () => {
      for (const u of updates) Y.applyUpdate(this.doc, u)
    })
    this.storedUpdates = updates.length
    this.approxBytes = updates.reduce((n, u) => n + u.byteLength, 0)
    if (this.ref.kind === 'notes') for (const n of notesOf(this.doc).toArray()) if (isChatMessage(n)) this.knownMessageIds.add(n.id)
    if (this.ref.kind === 'conversation') {
      // Status and assignment events are logged as differences from the last committed record.
      this.lastRecord = await this.deps.store.getConversation(this.workspace, this.ref.conversationId)
      for (const m of messagesOf(this.doc).toArray()) if (isChatMessage(m)) this.knownMessageIds.add(m.id)
      const presence = this.deps.visitorPresence?.(this.workspace, this.ref.conversationId)
      if (presence) this.setVisitorPresence(presence)
    }
    this.state = 'ready'
  }

  /** Publishes the visitor's presence as the server's own awareness state (the server speaks for the visitor). */
  setVisitorPresence(state: { online: boolean; typing: boolean }): void {
    this.awareness.setLocalState({ visitor: { online: state.online, typing: state.typing } })
  }

  /** Whether nobody uses the room any more, so it can be unloaded. */
  get idle(): boolean {
    return this.peers.size === 0 && this.holds === 0
  }

  // ---- peers -------------------------------------------------------------------------------

  addPeer(peer: Peer): void {
    this.peers.set(peer.ws, peer)
    // Readers are not asked for their state: a reader's step 2 would be a write, and is refused.
    if (peer.access === 'write') {
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, MESSAGE_SYNC)
      syncProtocol.writeSyncStep1(enc, this.doc)
      this.send(peer, encoding.toUint8Array(enc))
    }
    const states = this.awareness.getStates()
    if (states.size > 0) {
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, MESSAGE_AWARENESS)
      encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()]))
      this.send(peer, encoding.toUint8Array(enc))
    }
  }

  removePeer(ws: WebSocket): void {
    const peer = this.peers.get(ws)
    if (!peer) return
    this.peers.delete(ws)
    if (peer.awarenessIds.size) awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], null)
  }

  /** Handles one binary frame from a peer. Throws on malformed input; the caller closes that socket. */
  receive(peer: Peer, data: Uint8Array): void {
    const decoder = decoding.createDecoder(data)
    const type = decoding.readVarUint(decoder)
    switch (type) {
      case MESSAGE_SYNC: {
        const sub = decoding.readVarUint(decoder)
        if (sub === syncProtocol.messageYjsSyncStep1) {
          const sv = decoding.readVarUint8Array(decoder)
          const enc = encoding.createEncoder()
          encoding.writeVarUint(enc, MESSAGE_SYNC)
          syncProtocol.writeSyncStep2(enc, this.doc, sv)
          this.send(peer, encoding.toUint8Array(enc))
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
        this.receiveAwareness(peer, decoding.readVarUint8Array(decoder))
        break
      case MESSAGE_QUERY_AWARENESS: {
        const enc = encoding.createEncoder()
        encoding.writeVarUint(enc, MESSAGE_AWARENESS)
        encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]))
        this.send(peer, encoding.toUint8Array(enc))
        break
      }
      default:
        throw new Error(`unknown message type ${type}`)
    }
  }

  /**
   * Rewrites the `user` field of every state from the peer's token, and drops entries for
   * client ids another socket speaks for, so nobody can pose as someone else.
   */
  private receiveAwareness(peer: Peer, update: Uint8Array): void {
    const dec = decoding.createDecoder(update)
    const enc = encoding.createEncoder()
    const n = decoding.readVarUint(dec)
    const entries: [number, number, string][] = []
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(dec)
      const clock = decoding.readVarUint(dec)
      const raw = decoding.readVarString(dec)
      if (raw.length > 16 * 1024) continue
      // Nobody speaks for the server (it carries the visitor's presence), nor for another socket.
      if (clientId === this.doc.clientID) continue
      const owner = this.ownerOf(clientId)
      if (owner && owner !== peer) continue
      let state = JSON.parse(raw) as unknown
      if (state !== null) {
        if (typeof state !== 'object' || Array.isArray(state)) continue
        // `user` is who the token says; `visitor` is the server's word alone (it speaks for the visitor).
        const { visitor: _visitor, ...own } = state as Record<string, unknown>
        state = { ...own, user: { id: peer.agentId, name: peer.agentName } }
      }
      entries.push([clientId, clock, JSON.stringify(state)])
    }
    encoding.writeVarUint(enc, entries.length)
    for (const [clientId, clock, json] of entries) {
      encoding.writeVarUint(enc, clientId)
      encoding.writeVarUint(enc, clock)
      encoding.writeVarString(enc, json)
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, encoding.toUint8Array(enc), peer)
  }

  private ownerOf(clientId: number): Peer | undefined {
    for (const p of this.peers.values()) if (p.awarenessIds.has(clientId)) return p
    return undefined
  }

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    const changed = [...added, ...updated, ...removed]
    if (origin && this.peers.get((origin as Peer).ws) === origin) {
      const peer = origin as Peer
      for (const id of added) peer.awarenessIds.add(id)
      for (const id of removed) peer.awarenessIds.delete(id)
    }
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, MESSAGE_AWARENESS)
    encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed))
    const frame = encoding.toUint8Array(enc)
    for (const p of this.peers.values()) this.send(p, frame)
    // The server's own state (the visitor's presence) is not an agent's.
    if (origin !== 'local' && this.ref.kind === 'conversation' && this.deps.agentAwareness) this.deps.agentAwareness(this.workspace, this.ref.conversationId, this.agentsPresent())
  }

  /** The agents whose sockets have a state in this room's awareness, typing or not. */
  private agentsPresent(): { agentId: string; name: string; typing: boolean }[] {
    const states = this.awareness.getStates()
    const out = new Map<string, { agentId: string; name: string; typing: boolean }>()
    for (const p of this.peers.values()) {
      for (const id of p.awarenessIds) {
        const state = states.get(id) as { typing?: unknown } | undefined
        if (!state) continue
        const prev = out.get(p.agentId)
        out.set(p.agentId, { agentId: p.agentId, name: p.agentName, typing: state.typing === true || prev?.typing === true })
      }
    }
    return [...out.values()]
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
    const collected: Collected = { updates: [], reverts: new Set(), events: [], messages: [], notes: [], conversationChanged: false }
    let error: unknown
    this.collecting = collected
    const guarded = 'ws' in origin && this.ref.kind === 'conversation'
    const before = guarded ? this.ownedFields() : null
    try {
      fn(this.doc)
    } catch (err) {
      error = err
    }
    try {
      if (before && collected.conversationChanged) this.revertOwnedFields(before)
    } finally {
      this.collecting = null
    }
    const commit = this.toCommit(origin, collected, error ? {} : extra)
    const committed = commit ? this.commit(origin, collected, commit) : Promise.resolve([])
    // A failed commit is handled in commit(); callers that only need the error must not leave a rejection unhandled.
    committed.catch(() => {})
    return { committed, error }
  }

  /** The server-owned meta fields as they are now. */
  private ownedFields(): Map<string, unknown> {
    const meta = metaOf(this.doc)
    return new Map(SERVER_OWNED_META.map((k) => [k, meta.get(k)]))
  }

  /**
   * Agents change status, assignee and the like through commands, which have one arbiter; a
   * direct write to those fields is undone here, in the same commit, and the undo is sent back.
   */
  private revertOwnedFields(before: Map<string, unknown>): void {
    const meta = metaOf(this.doc)
    const changed = [...before].filter(([k, v]) => meta.get(k) !== v)
    if (!changed.length) return
    this.log.warn({ fields: changed.map(([k]) => k) }, 'reverted a direct write to server-owned fields')
    Y.transact(
      this.doc,
      () => {
        for (const [k, v] of changed) if (v === undefined) meta.delete(k)
        else meta.set(k, v)
      },
      REVERT,
    )
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
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, MESSAGE_SYNC)
      syncProtocol.writeUpdate(enc, update)
      const frame = encoding.toUint8Array(enc)
      const toAuthorToo = collected.reverts.has(update)
      for (const p of this.peers.values()) if (p !== origin || toAuthorToo) this.send(p, frame)
    }
    // The record first: pushing messages to the visitor looks the conversation up.
    if (commit.conversations?.length) for (const r of commit.conversations) this.deps.conversationChanged(r)
    this.deps.published(this.workspace, events)
    if (collected.messages.length && this.ref.kind === 'conversation')
      this.deps.conversationMessages(this.workspace, this.ref.conversationId, collected.messages)
    if (this.storedUpdates > COMPACT_AFTER_UPDATES) void this.compact()
    return events
  }

  private toCommit(origin: Origin, c: Collected, extra: Omit<Commit, 'workspace'>): Commit | null {
    const events: NewEvent[] = [...(extra.events ?? [])]
    const now = this.deps.now()
    const byAgent = origin.agentId
    for (const m of c.messages) {
      // The files as the message describes them (ids, names): for previews. What reaches a visitor is re-read from the server's records.
      const attachments = sanitizeAttachments(m.attachments).map(({ id, name, type, size }) => ({ id, name, type, size }))
      events.push({
        type: EventType.message,
        at: now,
        conversationId: this.ref.kind === 'conversation' ? this.ref.conversationId : undefined,
        data: {
          messageId: m.id,
          clientId: m.clientId,
          kind: m.kind,
          // The server's word on who wrote it, not the client's claim.
          authorId: m.kind === 'visitor' ? m.authorId : (byAgent ?? m.authorId),
          authorName: m.authorName,
          text: m.text,
          ...(attachments.length ? { attachments } : {}),
          ...(m.internal ? { internal: true } : {}),
        },
      })
    }
    for (const n of c.notes) {
      const mentions = Array.isArray(n.mentions) ? [...new Set(n.mentions.filter((id) => typeof id === 'string'))].slice(0, 20) : []
      events.push({
        type: EventType.note,
        at: now,
        conversationId: this.ref.kind === 'notes' ? this.ref.conversationId : undefined,
        data: { noteId: n.id, authorId: byAgent ?? n.authorId, authorName: n.authorName, text: n.text, mentions },
      })
    }
    const conversations = [...(extra.conversations ?? [])]
    if (c.conversationChanged && this.ref.kind === 'conversation') {
      const meta = readMeta(this.doc)
      if (meta) {
        const prev = this.lastRecord
        const record: ConversationRecord = {
          id: meta.id,
          workspace: this.workspace,
          visitorId: meta.visitorId,
          status: meta.status,
          groupId: meta.groupId,
          assigneeId: meta.assigneeId,
          createdAt: meta.createdAt,
          snoozedUntil: meta.snoozedUntil,
          skillId: meta.skillId,
          ...(metaOf(this.doc).get('bot') === true ? { bot: true } : {}),
        }
        // Assignments, snoozes and closes are logged by their commands; the plain status change is logged here.
        if (prev && prev.status !== record.status)
          events.push({ type: EventType.statusChanged, at: now, conversationId: meta.id, data: { status: record.status, by: byAgent ?? null } })
        if (!conversations.some((r) => r.id === record.id)) conversations.push(record)
        this.lastRecord = record
      }
    }
    if (!c.updates.length && !events.length && !conversations.length && !extra.visitors?.length && !extra.widgetAcks?.length) return null
    return {
      workspace: this.workspace,
      ...extra,
      updates: [...(extra.updates ?? []), ...c.updates.map((update) => ({ doc: this.name, update }))],
      events,
      conversations,
    }
  }

  /** The conversation's record as last committed; read at load, kept by every commit. */
  lastRecord: ConversationRecord | null = null

  private compacting = false

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
    this.log.error({ err }, 'commit failed; closing the room so peers resync')
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
    this.awareness.destroy()
    this.doc.destroy()
  }

  private send(peer: Peer, frame: Uint8Array): void {
    const ws = peer.ws
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(CloseCode.tooMany, 'too slow')
      return
    }
    ws.send(frame)
  }
}
