/** The session store as a context: who is signed in, sign-in and sign-out. */
import { createContext, useContext, type ParentProps } from 'solid-js'
import { createSessionStore, type SessionStore } from '../../data/session.ts'

const SessionContext = createContext<SessionStore>()

export function SessionProvider(props: ParentProps) {
  const store = createSessionStore()
  return <SessionContext.Provider value={store}>{props.children}</SessionContext.Provider>
}

export function useSession(): SessionStore {
  const store = useContext(SessionContext)
  if (!store) throw new Error('useSession must be used inside <SessionProvider>')
  return store
}
