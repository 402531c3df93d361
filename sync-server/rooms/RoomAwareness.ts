import type * as Y from 'yjs'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import type { WebSocket } from 'ws'
import { sendToPeer, type Peer } from './Peer.ts'
import { awarenessFrame } from './syncFrames.ts'

export interface AgentPresent {
  agentId: string
  name: string
  typing: boolean
}

/** The origin of states another instance's clients set (over the cluster bus). */
export const REMOTE_AWARENESS = Symbol('remote awareness')

/**
 * A room's awareness: relays each peer's state to every peer, under the name its token gives,
 * and carries the visitor's presence as the server's own state. With several instances, the
 * states of this instance's peers go out (`out`) and the others' come in (`applyRemote`).
 */
export class RoomAwareness {
  readonly awareness: awarenessProtocol.Awareness
  /** Client ids whose states another instance's clients set. */
  private readonly remoteIds = new Set<number>()

  constructor(
    private readonly doc: Y.Doc,
    private readonly peers: ReadonlyMap<WebSocket, Peer>,
    /** The agents present changed (not called for the server's own state). */
    private readonly agentsChanged?: (agents: AgentPresent[]) => void,
    /** The states of this instance's peers changed: an awareness update, for the other instances. */
    private readonly out?: (update: Uint8Array) => void,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc)
    // The server's own awareness state is empty: it speaks for nobody.
    this.awareness.setLocalState(null)
    this.awareness.on('update', this.onUpdate)
  }

  /** Publishes the visitor's presence as the server's own awareness state (the server speaks for the visitor). */
  setVisitorPresence(state: { online: boolean; typing: boolean }): void {
    this.awareness.setLocalState({ visitor: { online: state.online, typing: state.typing } })
  }

  /** Sends every known state to a new peer, if there are any. */
  greet(peer: Peer): void {
    const states = this.awareness.getStates()
    if (states.size > 0) sendToPeer(peer, awarenessFrame(this.awareness, [...states.keys()]))
  }

  /** Answers a peer's awareness query with every known state. */
  answerQuery(peer: Peer): void {
    sendToPeer(peer, awarenessFrame(this.awareness, [...this.awareness.getStates().keys()]))
  }

  /** States other instances' clients set (an awareness update as they encoded it). */
  applyRemote(update: Uint8Array): void {
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE_AWARENESS)
  }

  /** Another instance is gone: the states its clients set go. */
  dropRemote(clientIds: readonly number[]): void {
    const gone = clientIds.filter((id) => this.remoteIds.has(id))
    if (gone.length) awarenessProtocol.removeAwarenessStates(this.awareness, gone, REMOTE_AWARENESS)
  }

  /** The states this instance's peers set, encoded (for an instance that just joined); null when there are none. */
  localUpdate(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID && !this.remoteIds.has(id))
    return ids.length ? awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids) : null
  }

  /** A peer left: the states it spoke for go. */
  removePeer(peer: Peer): void {
    if (peer.awarenessIds.size) awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessIds], null)
  }

  /**
   * Rewrites the `user` field of every state from the peer's token, and drops entries for
   * client ids another socket speaks for, so nobody can pose as someone else.
   */
  receive(peer: Peer, update: Uint8Array): void {
    const dec = decoding.createDecoder(update)
    const enc = encoding.createEncoder()
    const n = decoding.readVarUint(dec)
    const entries: [number, number, string][] = []
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(dec)
      const clock = decoding.readVarUint(dec)
      const raw = decoding.readVarString(dec)
      if (raw.length > 16 * 1024) continue
      // Nobody speaks for the server (it carries the visitor's presence), nor for another socket or instance.
      if (clientId === this.doc.clientID || this.remoteIds.has(clientId)) continue
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

  destroy(): void {
    this.awareness.destroy()
  }

  private ownerOf(clientId: number): Peer | undefined {
    for (const p of this.peers.values()) if (p.awarenessIds.has(clientId)) return p
    return undefined
  }

  private onUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
    const changed = [...added, ...updated, ...removed]
    if (origin === REMOTE_AWARENESS) {
      for (const id of [...added, ...updated]) this.remoteIds.add(id)
    } else if (origin && this.peers.get((origin as Peer).ws) === origin) {
      const peer = origin as Peer
      for (const id of added) peer.awarenessIds.add(id)
      for (const id of removed) peer.awarenessIds.delete(id)
    }
    const frame = awarenessFrame(this.awareness, changed)
    for (const p of this.peers.values()) sendToPeer(p, frame)
    // The server's own state (the visitor's presence) is not an agent's, and travels on its own;
    // another instance's states are that instance's to send; a state of them that timed out here
    // (y-protocols drops one not renewed in 30 s) is not a removal to announce.
    if (this.out && origin !== 'local' && origin !== REMOTE_AWARENESS) {
      const ours = changed.filter((id) => id !== this.doc.clientID && !this.remoteIds.has(id))
      if (ours.length) this.out(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ours))
    }
    for (const id of removed) this.remoteIds.delete(id)
    if (origin !== 'local' && this.agentsChanged) this.agentsChanged(agentsIn(this.awareness.getStates(), this.doc.clientID))
  }
}

/**
 * The agents with a state in a conversation's awareness, typing or not: the `user` every state
 * carries was written by the instance whose socket set it, from that socket's token.
 */
export function agentsIn(states: Iterable<[number, unknown]>, ownClientId: number | null): AgentPresent[] {
  const out = new Map<string, AgentPresent>()
  for (const [id, raw] of states) {
    if (id === ownClientId || typeof raw !== 'object' || raw === null) continue
    const state = raw as { user?: { id?: unknown; name?: unknown }; typing?: unknown }
    if (typeof state.user?.id !== 'string') continue
    const prev = out.get(state.user.id)
    out.set(state.user.id, { agentId: state.user.id, name: typeof state.user.name === 'string' ? state.user.name : '', typing: state.typing === true || prev?.typing === true })
  }
  return [...out.values()]
}
