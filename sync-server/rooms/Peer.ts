import type { WebSocket } from 'ws'
import type { Access } from '../../shared/permissions.ts'
import { CloseCode } from '../../shared/protocol.ts'

/** A socket that cannot drain this much is too slow to keep up; it is closed and will resync when it returns. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024

/** One agent's socket syncing a room. */
export interface Peer {
  ws: WebSocket
  agentId: string
  agentName: string
  access: Access
  /** Awareness client ids this socket speaks for. */
  awarenessIds: Set<number>
}

/** Sends a frame to an open peer, closing a peer that has fallen too far behind. */
export function sendToPeer(peer: Peer, frame: Uint8Array): void {
  const ws = peer.ws
  if (ws.readyState !== ws.OPEN) return
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ws.close(CloseCode.tooMany, 'too slow')
    return
  }
  ws.send(frame)
}
