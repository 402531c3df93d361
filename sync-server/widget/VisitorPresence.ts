import { conversationDocName } from '../../shared/documents.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'

/** What agents see of a visitor in a conversation's awareness: `{ visitor: { online, typing } }`. */
export interface PresenceState {
  online: boolean
  typing: boolean
}

/**
 * The visitor's presence per conversation. Visitors hold no Yjs document, so the server speaks
 * for them in the conversation's awareness; a room loaded later starts from what is known here.
 */
export class VisitorPresence {
  private states = new Map<string, PresenceState>()

  constructor(private rooms: RoomManager) {}

  get(workspace: string, conversationId: string): PresenceState | null {
    return this.states.get(`${workspace}/${conversationId}`) ?? null
  }

  set(workspace: string, conversationId: string, state: PresenceState): void {
    const key = `${workspace}/${conversationId}`
    const prev = this.states.get(key)
    if (prev && prev.online === state.online && prev.typing === state.typing) return
    // An offline visitor who is not typing is the default: forget them rather than grow forever.
    if (!state.online && !state.typing) this.states.delete(key)
    else this.states.set(key, state)
    this.rooms.peek(workspace, conversationDocName(conversationId))?.setVisitorPresence(state)
  }
}
