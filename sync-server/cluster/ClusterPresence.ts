import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import type { Logger } from 'pino'
import { parseDocName } from '../../shared/documents.ts'
import { agentsIn, type AgentPresent } from '../rooms/RoomAwareness.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { PresenceState, VisitorPresence } from '../widget/VisitorPresence.ts'

/** Each instance says it is alive this often. */
export const HEARTBEAT_MS = 2_000
/** An instance not heard for this long is gone: what its clients showed goes everywhere. */
export const DEAD_AFTER_MS = 7_000
/** A state not renewed for this long is dropped (y-protocols' clients renew theirs every 15 s). */
const STATE_TTL_MS = 30_000
/** Presence entries per signal when an instance resends all of its own. */
const PRESENCE_BATCH = 500

/**
 * What instances tell each other over the bus and never store:
 * - `hb` alive; `hi` just joined or back (send me what you show); `bye` stopping;
 * - `aw` an awareness update of one document, for the states this instance's agents' sockets set;
 * - `pr` visitors' presence as this instance's widget sockets give it (`[workspace, conversation, online, typing]`).
 */
export type Signal =
  | { k: 'hb' }
  | { k: 'hi' }
  | { k: 'bye' }
  | { k: 'aw'; w: string; d: string; u: string }
  | { k: 'pr'; p: [string, string, boolean, boolean][] }

interface RemoteState {
  instance: string
  clock: number
  json: string
  at: number
}

export interface ClusterPresenceDeps {
  send: (signal: Signal) => void
  rooms: RoomManager
  presence: () => VisitorPresence | null
  /** The agents present in a conversation whose document is not loaded here changed (for a visitor on this instance). */
  agentAwareness: (workspace: string, conversationId: string, agents: AgentPresent[]) => void
  /** An instance went silent (not one that said it stops). */
  silent?: (instance: string) => void
  now: () => number
  log: Logger
}

/**
 * Awareness and presence across instances (DESIGN §3.3: relayed, never stored). An agent typing
 * on one instance shows to a visitor and to agents on another; a visitor's online dot follows
 * their sockets wherever they are; and when an instance dies, what its clients showed disappears
 * everywhere within `DEAD_AFTER_MS` plus a second, not after y-protocols' 30 s.
 */
export class ClusterPresence {
  /** Per document: the states other instances' clients set, as last heard. */
  private docs = new Map<string, { workspace: string; name: string; states: Map<number, RemoteState> }>()
  /** Per other instance: when it was last heard. */
  private seen = new Map<string, number>()
  private timer: NodeJS.Timeout | null = null
  private lastBeat = 0

  constructor(private deps: ClusterPresenceDeps) {}

  start(): void {
    this.deps.send({ k: 'hi' })
    this.lastBeat = this.deps.now()
    this.timer = setInterval(() => this.tick(), 1_000)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.deps.send({ k: 'bye' })
  }

  /** The states this instance's peers set in a document's awareness changed. */
  awarenessOut(workspace: string, name: string, update: Uint8Array): void {
    this.deps.send({ k: 'aw', w: workspace, d: name, u: Buffer.from(update.buffer, update.byteOffset, update.byteLength).toString('base64') })
  }

  /** What this instance's widget sockets say of a visitor changed. */
  presenceOut(workspace: string, conversationId: string, state: PresenceState): void {
    this.deps.send({ k: 'pr', p: [[workspace, conversationId, state.online, state.typing]] })
  }

  /** The states other instances' clients hold in a document, encoded as an awareness update; null when none. */
  remoteAwareness(workspace: string, name: string): Uint8Array | null {
    const doc = this.docs.get(docKey(workspace, name))
    if (!doc?.states.size) return null
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, doc.states.size)
    for (const [clientId, s] of doc.states) {
      encoding.writeVarUint(enc, clientId)
      encoding.writeVarUint(enc, s.clock)
      encoding.writeVarString(enc, s.json)
    }
    return encoding.toUint8Array(enc)
  }

  /** A signal from another instance; anything malformed is ignored. */
  heard(from: string, raw: unknown): void {
    if (!raw || typeof raw !== 'object') return
    const signal = raw as Signal
    if (signal.k === 'bye') {
      this.drop(from, 'stopped')
      return
    }
    const known = this.seen.has(from)
    this.seen.set(from, this.deps.now())
    // An instance new to this one (started, or back after it was taken for gone): it learns what
    // this one shows, and is asked for what it shows.
    if (!known) {
      this.deps.send({ k: 'hi' })
      this.resend()
    } else if (signal.k === 'hi') this.resend()
    if (signal.k === 'aw' && typeof signal.w === 'string' && typeof signal.d === 'string' && typeof signal.u === 'string') this.awarenessIn(from, signal.w, signal.d, signal.u)
    else if (signal.k === 'pr' && Array.isArray(signal.p)) {
      const presence = this.deps.presence()
      for (const entry of signal.p) {
        if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') continue
        presence?.setRemote(from, entry[0], entry[1], { online: entry[2] === true, typing: entry[3] === true })
      }
    }
  }

  private awarenessIn(from: string, workspace: string, name: string, b64: string): void {
    const update = new Uint8Array(Buffer.from(b64, 'base64'))
    const k = docKey(workspace, name)
    const doc = this.docs.get(k) ?? { workspace, name, states: new Map<number, RemoteState>() }
    try {
      const dec = decoding.createDecoder(update)
      const n = decoding.readVarUint(dec)
      for (let i = 0; i < n; i++) {
        const clientId = decoding.readVarUint(dec)
        const clock = decoding.readVarUint(dec)
        const json = decoding.readVarString(dec)
        if (json === 'null') doc.states.delete(clientId)
        else doc.states.set(clientId, { instance: from, clock, json, at: this.deps.now() })
      }
    } catch {
      this.deps.log.warn({ from, doc: name }, 'ignored an awareness signal that does not decode')
      return
    }
    if (doc.states.size) this.docs.set(k, doc)
    else this.docs.delete(k)
    const room = this.deps.rooms.peek(workspace, name)
    if (room) room.applyRemoteAwareness(update)
    else this.tellVisitor(workspace, name, doc.states)
  }

  /** A conversation not loaded here: its visitor, if on this instance, still learns who is there. */
  private tellVisitor(workspace: string, name: string, states: Map<number, RemoteState>): void {
    const ref = parseDocName(name)
    if (ref?.kind !== 'conversation') return
    const { conversationId } = ref
    const parsed: [number, unknown][] = []
    for (const [id, s] of states) {
      try {
        parsed.push([id, JSON.parse(s.json)])
      } catch {
        // Not an agent's state, then.
      }
    }
    this.deps.agentAwareness(workspace, conversationId, agentsIn(parsed, null))
  }

  /** Everything this instance shows, for instances that just joined. */
  private resend(): void {
    const entries = this.deps.presence()?.ownEntries() ?? []
    for (let i = 0; i < entries.length; i += PRESENCE_BATCH)
      this.deps.send({ k: 'pr', p: entries.slice(i, i + PRESENCE_BATCH).map((e) => [e.workspace, e.conversationId, e.state.online, e.state.typing]) })
    for (const room of this.deps.rooms.loaded()) {
      const update = room.localAwareness()
      if (update) this.awarenessOut(room.workspace, room.name, update)
    }
  }

  /** An instance stopped or was not heard for too long: what its clients showed goes. */
  private drop(instance: string, why: 'stopped' | 'silent'): void {
    if (!this.seen.delete(instance) && why === 'silent') return
    if (why === 'silent') this.deps.log.warn({ gone: instance }, 'another instance went silent; its clients’ presence is dropped')
    for (const [k, doc] of [...this.docs]) this.dropStates(k, doc, (s) => s.instance === instance)
    this.deps.presence()?.dropInstance(instance)
    if (why === 'silent') this.deps.silent?.(instance)
  }

  /** Whether another instance was heard lately. */
  alive(instance: string): boolean {
    return this.seen.has(instance)
  }

  private dropStates(k: string, doc: { workspace: string; name: string; states: Map<number, RemoteState> }, gone: (s: RemoteState) => boolean): void {
    const ids: number[] = []
    for (const [id, s] of doc.states) if (gone(s)) ids.push(id)
    if (!ids.length) return
    for (const id of ids) doc.states.delete(id)
    if (!doc.states.size) this.docs.delete(k)
    const room = this.deps.rooms.peek(doc.workspace, doc.name)
    if (room) room.dropRemoteAwareness(ids)
    else this.tellVisitor(doc.workspace, doc.name, doc.states)
  }

  private tick(): void {
    const now = this.deps.now()
    if (now - this.lastBeat >= HEARTBEAT_MS) {
      this.lastBeat = now
      this.deps.send({ k: 'hb' })
    }
    for (const [instance, at] of [...this.seen]) if (now - at > DEAD_AFTER_MS) this.drop(instance, 'silent')
    for (const [k, doc] of [...this.docs]) this.dropStates(k, doc, (s) => now - s.at > STATE_TTL_MS)
  }
}

const docKey = (workspace: string, name: string) => `${workspace}\u0000${name}`
