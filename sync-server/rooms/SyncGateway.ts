import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import { conversationDocName, notesDocName, parseDocName, type DocRef } from '../../shared/documents.ts'
import { documentAccess } from '../../shared/permissions.ts'
import { CloseCode, Limits } from '../../shared/protocol.ts'
import type { Accounts } from '../Accounts.ts'
import type { Conversations } from '../Conversations.ts'
import type { WorkspaceSettings } from '../WorkspaceSettings.ts'
import type { AgentRecord, ConversationRecord } from '../store/Store.ts'
import type { Peer } from './Room.ts'
import type { RoomManager } from './RoomManager.ts'

/** Frames a socket may send while its document loads; past that it is flooding. */
const MAX_EARLY_FRAMES = 256

/** Agents' Yjs sockets at `/sync/<document name>` (y-websocket protocol). */
export class SyncGateway {
  constructor(
    private rooms: RoomManager,
    private accounts: Accounts,
    private conversations: Conversations,
    private settings: WorkspaceSettings,
    private log: Logger,
  ) {}

  /** Decides, before the upgrade, whether the socket may open; returns a close code when it may not. */
  async authorize(
    docName: string,
    token: string | null,
  ): Promise<{ ok: true; agent: AgentRecord; ref: DocRef; access: 'read' | 'write' } | { ok: false; code: number; reason: string }> {
    const ref = parseDocName(docName)
    if (!ref) return { ok: false, code: CloseCode.badRequest, reason: 'unknown document' }
    const agent = await this.accounts.authenticate(token)
    if (!agent) return { ok: false, code: CloseCode.unauthenticated, reason: 'sign in first' }
    const conv = 'conversationId' in ref ? await this.conversations.get(agent.workspace, ref.conversationId) : null
    const access = documentAccess(await this.settings.principalOf(agent), ref, conv)
    if (access === 'none') return { ok: false, code: CloseCode.forbidden, reason: 'no access to this document' }
    return { ok: true, agent, ref, access }
  }

  /** Serves one authorized socket until it closes. */
  accept(ws: WebSocket, docName: string, agent: AgentRecord, ref: DocRef, access: 'read' | 'write'): void {
    const log = this.log.child({ workspace: agent.workspace, doc: docName, agent: agent.id })
    const peer: Peer = { ws, agentId: agent.id, agentName: agent.name, access, awarenessIds: new Set() }
    const early: Uint8Array[] = []
    let room: import('./Room.ts').Room | null = null
    let closed = false

    const handle = (data: Uint8Array) => {
      if (!room) return
      try {
        room.receive(peer, data)
      } catch (err) {
        log.debug({ err }, 'malformed sync frame')
        ws.close(CloseCode.badRequest, 'malformed frame')
      }
    }

    ws.on('message', (raw, isBinary) => {
      if (closed) return
      const data = toBytes(raw)
      if (!isBinary || data.byteLength > Limits.syncFrame) {
        ws.close(isBinary ? CloseCode.tooLarge : CloseCode.badRequest, isBinary ? 'frame too large' : 'binary frames only')
        return
      }
      if (room) return handle(data)
      if (early.length >= MAX_EARLY_FRAMES) return ws.close(CloseCode.tooMany, 'too many frames')
      early.push(data)
    })
    ws.on('close', () => {
      closed = true
      if (room) {
        room.removePeer(ws)
        this.rooms.maybeUnload(room)
      }
    })
    ws.on('error', (err) => log.debug({ err }, 'socket error'))

    this.rooms
      .get(agent.workspace, docName, ref)
      .then((r) => {
        if (closed) return this.rooms.maybeUnload(r)
        room = r
        r.addPeer(peer)
        for (const data of early.splice(0)) handle(data)
      })
      .catch((err) => {
        log.error({ err }, 'could not load document')
        ws.close(1011, 'could not load document')
      })
  }


  /**
   * The workspace's memberships or rights changed: sockets that lost access are closed (4403); the
   * others keep syncing with the access they have now (a writer made a reader has its next write
   * refused as any reader's is).
   */
  revalidateWorkspace(workspace: string): void {
    for (const room of this.rooms.loaded(workspace)) {
      if (!room.peers.size) continue
      const conversationId = 'conversationId' in room.ref ? room.ref.conversationId : null
      void (async () => {
        const record = conversationId ? await this.conversations.get(workspace, conversationId) : null
        for (const peer of room.peers.values()) {
          const agent = await this.accounts.agent(workspace, peer.agentId)
          const access = agent ? documentAccess(this.settings.principalNow(agent), room.ref, record) : 'none'
          if (access === 'none') peer.ws.close(CloseCode.forbidden, 'no longer has access')
          else peer.access = access
        }
      })().catch((err) => this.log.error({ err }, 'revalidation failed'))
    }
  }

  /** A conversation's assignee or group changed: sockets that lost access to it are closed with 4403. */
  revalidate(record: ConversationRecord): void {
    this.conversations.remember(record)
    // The conversation's two documents, looked up by name: a change costs its own sockets, not a scan of every room.
    for (const name of [conversationDocName(record.id), notesDocName(record.id)]) {
      const room = this.rooms.loadedRoom(record.workspace, name)
      if (!room) continue
      for (const peer of room.peers.values()) {
        // The agent's role and groups were fixed at connect; only the conversation changed.
        void this.accounts
          .agent(record.workspace, peer.agentId)
          .then((agent) => {
            if (!agent || documentAccess(this.settings.principalNow(agent), room.ref, record) === 'none')
              peer.ws.close(CloseCode.forbidden, 'no longer has access')
          })
          .catch((err) => this.log.error({ err }, 'revalidation failed'))
      }
    }
  }
}

function toBytes(raw: unknown): Uint8Array {
  if (raw instanceof Uint8Array) return raw
  if (Array.isArray(raw)) return new Uint8Array(Buffer.concat(raw as Buffer[]))
  return new Uint8Array(raw as ArrayBuffer)
}
