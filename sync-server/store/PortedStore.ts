import type { ChannelKind } from '../../shared/channels.ts'
import type { LogEvent } from '../../shared/protocol.ts'
import type {
  AgentRecord,
  ChannelConnectionRecord,
  CommandResult,
  Commit,
  ConversationRecord,
  EmailNoticeRecord,
  FileRecord,
  SessionRecord,
  Store,
  VisitorRecord,
  WidgetAckRecord,
  WorkspaceRecord,
} from './Store.ts'

/*
 * The store's ports, each a small slice of `Store` that an adapter implements on its own: the one
 * atomic commit writes every kind of row; the ports below only read (and the directory, files and
 * channels write the few rows that no commit carries).
 */

/** The commit writer: commits in the order called, each atomic; closing lets queued commits finish. */
export interface CommitWriter {
  commit(c: Commit): Promise<LogEvent[]>
  close(): Promise<void> | void
}

/** Documents' stored updates and the event log. */
export type DocumentLog = Pick<Store, 'loadDocument' | 'countUpdates' | 'readEvents' | 'readAgentConnectionEvents' | 'lastSeq' | 'conversationNumber'>

/** Workspaces, agents, sessions, visitors, conversations, widget acks, email notices and command results. */
export type Directory = Pick<
  Store,
  | 'getWorkspace'
  | 'listWorkspaceIds'
  | 'createWorkspace'
  | 'createAgent'
  | 'getAgent'
  | 'getAgentByEmail'
  | 'countAgents'
  | 'listAgents'
  | 'createSession'
  | 'getSession'
  | 'revokeSession'
  | 'getVisitor'
  | 'getVisitorByVerifiedEmail'
  | 'getVisitorByChannel'
  | 'getConversation'
  | 'listConversationsOfVisitor'
  | 'listSnoozed'
  | 'listHeldConversations'
  | 'listActiveConversations'
  | 'getWidgetAck'
  | 'listEmailNotices'
  | 'getCommandResult'
>

/** Uploaded files' records (the bytes are on disk, sync-server/files). */
export type FileRecords = Pick<Store, 'createFile' | 'getFile' | 'getFiles'>

/** Messengers connected to workspaces. */
export type ChannelConnections = Pick<Store, 'putChannelConnection' | 'getChannelConnection' | 'listChannelConnections' | 'deleteChannelConnection'>

export interface StorePorts {
  commits: CommitWriter
  log: DocumentLog
  directory: Directory
  files: FileRecords
  channels: ChannelConnections
}

/** Every method of `Store` is on one port (checked here, so a method added to `Store` must be given one). */
type Unported = Exclude<keyof Store, keyof (CommitWriter & DocumentLog & Directory & FileRecords & ChannelConnections) | 'kind' | 'open'>
const everyMethodPorted: [Unported] extends [never] ? true : Unported = true
void everyMethodPorted

/** A store made of ports: each method of `Store` goes to the port that holds it. */
export abstract class PortedStore implements Store {
  abstract readonly kind: string
  protected abstract readonly ports: StorePorts

  commit(c: Commit): Promise<LogEvent[]> {
    return this.ports.commits.commit(c)
  }

  loadDocument(workspace: string, name: string): Promise<Uint8Array[]> {
    return this.ports.log.loadDocument(workspace, name)
  }
  countUpdates(workspace: string, name: string): Promise<number> {
    return this.ports.log.countUpdates(workspace, name)
  }
  readEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    return this.ports.log.readEvents(workspace, after, limit)
  }
  readAgentConnectionEvents(workspace: string, after: number, limit: number): Promise<LogEvent[]> {
    return this.ports.log.readAgentConnectionEvents(workspace, after, limit)
  }
  lastSeq(workspace: string): Promise<number> {
    return this.ports.log.lastSeq(workspace)
  }
  conversationNumber(workspace: string, id: string): Promise<number | null> {
    return this.ports.log.conversationNumber(workspace, id)
  }

  getWorkspace(id: string): Promise<WorkspaceRecord | null> {
    return this.ports.directory.getWorkspace(id)
  }

  listWorkspaceIds(): Promise<string[]> {
    return this.ports.directory.listWorkspaceIds()
  }
  createWorkspace(ws: WorkspaceRecord): Promise<void> {
    return this.ports.directory.createWorkspace(ws)
  }
  createAgent(agent: AgentRecord): Promise<void> {
    return this.ports.directory.createAgent(agent)
  }
  getAgent(workspace: string, id: string): Promise<AgentRecord | null> {
    return this.ports.directory.getAgent(workspace, id)
  }
  getAgentByEmail(workspace: string, email: string): Promise<AgentRecord | null> {
    return this.ports.directory.getAgentByEmail(workspace, email)
  }
  countAgents(workspace: string): Promise<number> {
    return this.ports.directory.countAgents(workspace)
  }
  listAgents(workspace: string): Promise<AgentRecord[]> {
    return this.ports.directory.listAgents(workspace)
  }
  createSession(s: SessionRecord): Promise<void> {
    return this.ports.directory.createSession(s)
  }
  getSession(tokenHash: string): Promise<SessionRecord | null> {
    return this.ports.directory.getSession(tokenHash)
  }
  revokeSession(tokenHash: string): Promise<void> {
    return this.ports.directory.revokeSession(tokenHash)
  }
  getVisitor(workspace: string, id: string): Promise<VisitorRecord | null> {
    return this.ports.directory.getVisitor(workspace, id)
  }
  getVisitorByVerifiedEmail(workspace: string, email: string): Promise<VisitorRecord | null> {
    return this.ports.directory.getVisitorByVerifiedEmail(workspace, email)
  }
  getVisitorByChannel(workspace: string, kind: ChannelKind, externalId: string): Promise<VisitorRecord | null> {
    return this.ports.directory.getVisitorByChannel(workspace, kind, externalId)
  }
  getConversation(workspace: string, id: string): Promise<ConversationRecord | null> {
    return this.ports.directory.getConversation(workspace, id)
  }
  listConversationsOfVisitor(workspace: string, visitorId: string): Promise<ConversationRecord[]> {
    return this.ports.directory.listConversationsOfVisitor(workspace, visitorId)
  }
  listSnoozed(workspace?: string): Promise<ConversationRecord[]> {
    return this.ports.directory.listSnoozed(workspace)
  }
  listHeldConversations(workspace: string, agentId: string): Promise<ConversationRecord[]> {
    return this.ports.directory.listHeldConversations(workspace, agentId)
  }
  listActiveConversations(workspace: string): Promise<ConversationRecord[]> {
    return this.ports.directory.listActiveConversations(workspace)
  }
  getWidgetAck(workspace: string, visitorId: string, clientId: string): Promise<WidgetAckRecord | null> {
    return this.ports.directory.getWidgetAck(workspace, visitorId, clientId)
  }
  listEmailNotices(workspace?: string): Promise<EmailNoticeRecord[]> {
    return this.ports.directory.listEmailNotices(workspace)
  }
  getCommandResult(workspace: string, key: string): Promise<CommandResult | null> {
    return this.ports.directory.getCommandResult(workspace, key)
  }

  createFile(file: FileRecord): Promise<void> {
    return this.ports.files.createFile(file)
  }
  getFile(id: string): Promise<FileRecord | null> {
    return this.ports.files.getFile(id)
  }
  getFiles(workspace: string, ids: readonly string[]): Promise<FileRecord[]> {
    return this.ports.files.getFiles(workspace, ids)
  }

  putChannelConnection(c: ChannelConnectionRecord): Promise<void> {
    return this.ports.channels.putChannelConnection(c)
  }
  getChannelConnection(workspace: string, kind: ChannelKind): Promise<ChannelConnectionRecord | null> {
    return this.ports.channels.getChannelConnection(workspace, kind)
  }
  listChannelConnections(workspace: string): Promise<ChannelConnectionRecord[]> {
    return this.ports.channels.listChannelConnections(workspace)
  }
  deleteChannelConnection(workspace: string, kind: ChannelKind): Promise<boolean> {
    return this.ports.channels.deleteChannelConnection(workspace, kind)
  }

  abstract close(): Promise<void>
}
