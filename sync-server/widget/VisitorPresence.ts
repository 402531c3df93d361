import { conversationDocName } from '../../shared/documents.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'

/** What agents see of a visitor in a conversation's awareness: `{ visitor: { online, typing } }`. */
export interface PresenceState {
  online: boolean
  typing: boolean
}

/** One visitor's presence as one instance knows it (for the cluster's resend). */
export interface PresenceEntry {
  workspace: string
  conversationId: string
  state: PresenceState
}

const OFF: PresenceState = { online: false, typing: false }
const same = (a: PresenceState, b: PresenceState) => a.online === b.online && a.typing === b.typing

/**
 * The visitor's presence per conversation. Visitors hold no Yjs document, so the server speaks
 * for them in the conversation's awareness; a room loaded later starts from what is known here.
 * With several instances a visitor's sockets may be on any of them (two tabs, two instances):
 * each instance tells the others what its own sockets say (`published`), and the presence shown
 * is online while any instance says online, typing while any says typing.
 */
export class VisitorPresence {
  /** From this instance's widget sockets. */
  private local = new Map<string, PresenceState>()
  /** From the other instances: conversation key → instance → state. */
  private remote = new Map<string, Map<string, PresenceState>>()

  constructor(
    private rooms: RoomManager,
    /** This instance's own word changed (for the other instances). */
    private published?: (workspace: string, conversationId: string, state: PresenceState) => void,
  ) {}

  /** The presence shown: what every instance says, together. */
  get(workspace: string, conversationId: string): PresenceState | null {
    const key = `${workspace}/${conversationId}`
    const mine = this.local.get(key)
    const theirs = this.remote.get(key)
    if (!theirs) return mine ?? null
    let online = mine?.online === true
    let typing = mine?.typing === true
    for (const s of theirs.values()) {
      online ||= s.online
      typing ||= s.typing
    }
    return online || typing ? { online, typing } : null
  }

  /** What this instance's sockets say of a visitor in a conversation. */
  set(workspace: string, conversationId: string, state: PresenceState): void {
    const key = `${workspace}/${conversationId}`
    const prev = this.local.get(key) ?? OFF
    if (same(prev, state)) return
    this.change(workspace, conversationId, () => {
      // An offline visitor who is not typing is the default: forget them rather than grow forever.
      if (same(state, OFF)) this.local.delete(key)
      else this.local.set(key, state)
    })
    this.published?.(workspace, conversationId, state)
  }

  /** What another instance's sockets say. */
  setRemote(instance: string, workspace: string, conversationId: string, state: PresenceState): void {
    const key = `${workspace}/${conversationId}`
    this.change(workspace, conversationId, () => {
      const theirs = this.remote.get(key) ?? new Map<string, PresenceState>()
      if (same(state, OFF)) theirs.delete(instance)
      else theirs.set(instance, state)
      if (theirs.size) this.remote.set(key, theirs)
      else this.remote.delete(key)
    })
  }

  /** Another instance is gone: what it said goes. */
  dropInstance(instance: string): void {
    for (const [key, theirs] of [...this.remote]) {
      if (!theirs.has(instance)) continue
      const [workspace, conversationId] = splitKey(key)
      this.change(workspace, conversationId, () => {
        theirs.delete(instance)
        if (!theirs.size) this.remote.delete(key)
      })
    }
  }

  /** Everything this instance's sockets say now (for an instance that just joined). */
  ownEntries(): PresenceEntry[] {
    return [...this.local].map(([key, state]) => {
      const [workspace, conversationId] = splitKey(key)
      return { workspace, conversationId, state }
    })
  }

  /** Applies a change and shows the result in the conversation's awareness when it moved. */
  private change(workspace: string, conversationId: string, apply: () => void): void {
    const before = this.get(workspace, conversationId) ?? OFF
    apply()
    const after = this.get(workspace, conversationId) ?? OFF
    if (!same(before, after)) this.rooms.peek(workspace, conversationDocName(conversationId))?.setVisitorPresence(after)
  }
}

/** Workspace names hold no `/` (conversation ids neither): the key splits at its first. */
function splitKey(key: string): [string, string] {
  const at = key.indexOf('/')
  return [key.slice(0, at), key.slice(at + 1)]
}
