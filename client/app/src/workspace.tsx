/**
 * Everything that exists while an agent is signed in: their local database, the event feed,
 * the outboxes (replies and commands), their drafts, the agents directory and the connection
 * state. Created on sign-in, torn down on sign-out.
 */
import { createContext, createEffect, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js'
import { agentDocName } from '../../../shared/documents.ts'
import { createApi, type Api } from '../../data/api.ts'
import { readCachedAgents, refreshAgents, type AgentInfo } from '../../data/agents.ts'
import { createCommandSender, type CommandSender } from '../../data/commands.ts'
import { createAgentStatus, type AgentStatusControl } from '../../data/agentStatus.ts'
import { createConnectivity, type Connectivity } from '../../data/connectivity.ts'
import { createDb, type ParleyDb } from '../../data/db.ts'
import { closeAllDocuments, openDocument, type DocumentHandle } from '../../data/docs.ts'
import { createDrafts, type Drafts } from '../../data/drafts.ts'
import { createEventFeed, type EventFeed } from '../../data/feed.ts'
import { isSortId, isTabId, type SortId, type TabId } from '../../data/lists.ts'
import { createOutboxKeeper } from '../../data/outbox.ts'
import { createUploader } from '../../data/uploads.ts'
import type { Session } from '../../data/session.ts'
import { createLiveQuery } from './liveQuery.ts'
import { createSettings, createTemplates, type LiveDocument } from './settings/settingsDoc.ts'
import { principalOf, type Settings, type Template } from '../../../shared/settings.ts'
import { seesEverything } from '../../../shared/permissions.ts'
import type { AgentBoardRow } from '../../../shared/reports/agentsBoard.ts'
import type { LiveView } from '../../../shared/reports/live.ts'
import type { ReportQuery } from '../../../shared/reports/periodReport.ts'
import { createReports, type DatedReport } from '../../data/reports.ts'

export interface Workspace {
  session: Session
  /** The server's REST API for this session (a 401 from any request signs the agent out). */
  api: Api
  db: ParleyDb
  feed: EventFeed
  connectivity: Accessor<Connectivity>
  commands: CommandSender
  /** The agent's own status, and a change waiting for the network. */
  agentStatus: AgentStatusControl
  drafts: Drafts
  /** The workspace's agents, as last fetched (cached for offline use). */
  agents: Accessor<AgentInfo[]>
  /** Fetches the agents again when online. */
  refreshAgents(): Promise<void>
  /** An agent's display name, when this device knows it. */
  nameOf(agentId: string): string | undefined
  /** The inbox list and sort order, kept while the inbox is off screen (phones) and across reloads. */
  inboxTab: Accessor<TabId>
  setInboxTab(tab: TabId): void
  inboxSort: Accessor<SortId>
  setInboxSort(sort: SortId): void
  /** What is typed in the inbox search box (kept while a result is open on a phone). */
  inboxSearch: Accessor<string>
  setInboxSearch(query: string): void
  /** Opens a document of this agent; release the handle when done. */
  openDocument(name: string): Promise<DocumentHandle>
  /** The workspace's settings, held for the session. */
  settings: LiveDocument<Settings>
  /** The workspace's reply templates, held for the session. */
  templates: LiveDocument<Template[]>
  /** Whether this agent has the management right (the supervisor's views), by the server's rule. */
  canSupervise: Accessor<boolean>
  /** The workspace's IANA timezone (Settings › Workspace; UTC by default): its days bucket the reports. */
  timezone: Accessor<string>
  /** Reports computed on this device, in a worker, from the facts the event log folded. */
  reports: WorkspaceReports
}

export interface WorkspaceReports {
  live(): Promise<LiveView>
  agents(): Promise<AgentBoardRow[]>
  period(query: ReportQuery): Promise<DatedReport>
}

/** A small per-agent preference in localStorage (the agent document is for what should roam). */
function createPreference<T extends string>(key: string, fallback: T, valid: (v: unknown) => v is T): [Accessor<T>, (v: T) => void] {
  let initial = fallback
  try {
    const stored = localStorage.getItem(key)
    if (valid(stored)) initial = stored
  } catch {
    /* storage blocked: the default will do */
  }
  const [value, setValue] = createSignal<T>(initial)
  return [
    value,
    (v: T) => {
      setValue(() => v)
      try {
        localStorage.setItem(key, v)
      } catch {
        /* as above */
      }
    },
  ]
}

/** The signed-in workspace of one session; must run inside a reactive owner. */
export function createWorkspace(session: Session, onUnauthenticated: () => void): Workspace {
  const db = createDb(session.agent.workspace, session.agent.id)
  const api = createApi(session, { onUnauthenticated })
  const feed = createEventFeed(session, db, { onUnauthenticated })
  const outbox = createOutboxKeeper(session, db, { onUnauthenticated })
  // Replies with files wait here until their files are uploaded (offline too), then join the outbox.
  const uploads = createUploader(session, api, db, { onUnauthenticated })
  const commands = createCommandSender(api, db)
  const open = (name: string) => openDocument(session, db, name, { onUnauthenticated })
  // The agent's own document, opened once for the whole session.
  const drafts = createDrafts(session.agent.id, () => open(agentDocName(session.agent.id)))
  // The workspace's settings and templates stay open (and synced) for the whole session, read once
  // per change for everyone: dialogs, the close tags, the composer's templates, offline too.
  const settings = createSettings({ openDocument: open })
  const templates = createTemplates({ openDocument: open })
  const connectivity = createConnectivity(feed.state)
  const agentStatus = createAgentStatus(session, api, db)

  const cached = createLiveQuery(() => readCachedAgents(db))
  const agents = () => cached() ?? []
  const refresh = async () => {
    await refreshAgents(api, db)
  }
  createEffect(() => {
    // Each time the feed (re)connects the network works: send what waits, refresh the directory.
    if (feed.state() === 'open') {
      commands.kick()
      agentStatus.kick()
      uploads.kick()
      void refresh()
    }
  })

  const canSupervise = () => seesEverything(principalOf(session.agent, settings.value() ?? null))
  // The settings reader already falls back to UTC for a name this runtime does not know.
  const timezone = () => settings.value()?.workspace.timezone ?? 'UTC'
  // Started on the first report asked for: an agent who never opens one never pays for the worker.
  let worker: ReturnType<typeof createReports> | null = null
  const reportsWorker = () => (worker ??= createReports(session.agent.workspace, session.agent.id))
  const directory = () => {
    const list = agents().map((a) => ({ id: a.id, name: a.name, groups: a.groups, status: a.status ?? null }))
    return list.some((a) => a.id === session.agent.id) ? list : [...list, { id: session.agent.id, name: session.agent.name, groups: session.agent.groups, status: session.agent.status }]
  }
  const reports: WorkspaceReports = {
    live: () => {
      const s = settings.value()
      return reportsWorker().live({ groups: (s?.groups ?? []).map((g) => ({ id: g.id, name: g.name })), members: s?.members ?? [], agents: directory(), timezone: timezone(), now: Date.now() })
    },
    agents: () => reportsWorker().agents({ agents: directory(), members: settings.value()?.members ?? [], timezone: timezone(), now: Date.now() }),
    period: (query) =>
      reportsWorker().period(query, {
        timezone: timezone(),
        now: Date.now(),
        groupTeams: (settings.value()?.groups ?? []).map((g) => [g.id, g.teamId] as [string, string | null]),
      }),
  }

  const prefix = `parley.${session.agent.workspace}.${session.agent.id}`
  const [inboxTab, setInboxTab] = createPreference<TabId>(`${prefix}.tab`, 'all', isTabId)
  const [inboxSort, setInboxSort] = createPreference<SortId>(`${prefix}.sort`, 'activity', isSortId)
  const [inboxSearch, setInboxSearch] = createSignal('')

  onCleanup(() => {
    worker?.close()
    drafts.close()
    commands.close()
    uploads.close()
    outbox.close()
    feed.close()
    closeAllDocuments(db)
    // Let y-dexie finish releasing the documents before the database goes away.
    setTimeout(() => db.close(), 0)
  })
  return {
    session,
    api,
    db,
    feed,
    connectivity,
    commands,
    agentStatus,
    drafts,
    agents,
    refreshAgents: refresh,
    nameOf: (id) => (id === session.agent.id ? session.agent.name : agents().find((a) => a.id === id)?.name),
    inboxTab,
    setInboxTab,
    inboxSort,
    setInboxSort,
    inboxSearch,
    setInboxSearch: (q) => setInboxSearch(q),
    openDocument: open,
    settings,
    templates,
    canSupervise,
    timezone,
    reports,
  }
}

const WorkspaceContext = createContext<Workspace>()

export function WorkspaceProvider(props: ParentProps<{ session: Session; onUnauthenticated: () => void }>) {
  // The provider is keyed by the session upstream, so reading the props once is intended.
  const workspace = createWorkspace(props.session, props.onUnauthenticated)
  return <WorkspaceContext.Provider value={workspace}>{props.children}</WorkspaceContext.Provider>
}

export function useWorkspace(): Workspace {
  const ws = useContext(WorkspaceContext)
  if (!ws) throw new Error('useWorkspace must be used inside <WorkspaceProvider>')
  return ws
}
