/**
 * Everything that exists while an agent is signed in: their local database, the event feed,
 * the outbox keeper and the connection state. Created on sign-in, torn down on sign-out.
 */
import { createContext, onCleanup, useContext, type Accessor, type ParentProps } from 'solid-js'
import { createConnectivity, type Connectivity } from '../../data/connectivity.ts'
import { createDb, type ParleyDb } from '../../data/db.ts'
import { closeAllDocuments, openDocument, type DocumentHandle } from '../../data/docs.ts'
import { createEventFeed, type EventFeed } from '../../data/feed.ts'
import { createOutboxKeeper } from '../../data/outbox.ts'
import type { Session } from '../../data/session.ts'

export interface Workspace {
  session: Session
  db: ParleyDb
  feed: EventFeed
  connectivity: Accessor<Connectivity>
  /** Opens a document of this agent; release the handle when done. */
  openDocument(name: string): Promise<DocumentHandle>
}

/** The signed-in workspace of one session; must run inside a reactive owner. */
export function createWorkspace(session: Session, onUnauthenticated: () => void): Workspace {
  const db = createDb(session.agent.workspace, session.agent.id)
  const feed = createEventFeed(session, db, { onUnauthenticated })
  const outbox = createOutboxKeeper(session, db, { onUnauthenticated })
  const connectivity = createConnectivity(feed.state)
  onCleanup(() => {
    outbox.close()
    feed.close()
    closeAllDocuments(db)
    // Let y-dexie finish releasing the documents before the database goes away.
    setTimeout(() => db.close(), 0)
  })
  return {
    session,
    db,
    feed,
    connectivity,
    openDocument: (name) => openDocument(session, db, name, { onUnauthenticated }),
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
