/** The app shell: the update banner, then the sign-in or the signed-in workspace and its routes. */
import { createEffect, Match, Show, Switch } from 'solid-js'
import { rememberLastView } from './lastView.ts'
import { createMediaQuery } from './mediaQuery.ts'
import { RouterProvider, useRouter } from './router.tsx'
import { SessionProvider, useSession } from './session.tsx'
import { AppHeader } from './views/AppHeader.tsx'
import { ConversationView } from './views/ConversationView.tsx'
import { InboxView } from './views/InboxView.tsx'
import { SettingsView } from './settings/SettingsView.tsx'
import { SupervisionView, type SupervisionTab } from './supervision/SupervisionView.tsx'
import { LoginView } from './views/LoginView.tsx'
import { UpdateBanner } from './views/UpdateBanner.tsx'
import { useWorkspace, WorkspaceProvider } from './workspace.tsx'

/** From this width the inbox stays beside the open conversation. */
const SPLIT_VIEW_QUERY = '(min-width: 900px)'

function SignedIn(props: { onSignOut: () => void; launched: boolean }) {
  const router = useRouter()
  rememberLastView(useWorkspace(), router, props.launched)
  const wide = createMediaQuery(SPLIT_VIEW_QUERY)
  createEffect(() => {
    if (router.route().name === 'notFound') router.navigate('/', { replace: true })
  })
  const conversationId = () => {
    const r = router.route()
    return r.name === 'conversation' ? r.id : undefined
  }
  const settingsSection = () => {
    const r = router.route()
    return r.name === 'settings' ? r : undefined
  }
  const supervisionTab = (): SupervisionTab | undefined => {
    const r = router.route()
    return r.name === 'supervision' ? r.view : r.name === 'reports' ? 'reports' : undefined
  }
  return (
    <div class="shell">
      <AppHeader onSignOut={props.onSignOut} />
      <Switch
        fallback={
          <div class="panes" classList={{ split: wide() && conversationId() !== undefined }}>
            <Show when={!conversationId() || wide()}>
              <InboxView selectedId={conversationId()} />
            </Show>
            <Show when={conversationId()} keyed>
              {(id) => <ConversationView id={id} />}
            </Show>
          </div>
        }
      >
        <Match when={supervisionTab()}>{(tab) => <SupervisionView view={tab()} />}</Match>
        <Match when={settingsSection()}>{(s) => <SettingsView section={s().section} />}</Match>
      </Switch>
    </div>
  )
}

function Routes() {
  const { session, signOut } = useSession()
  const router = useRouter()
  // Signed in when the page opened: the first workspace shown is a launch of the app, which
  // reopens the last view; a sign-in later in the page is not.
  let launch = session() !== null
  const takeLaunch = () => {
    const was = launch
    launch = false
    return was
  }
  const signOutAndLeave = () => {
    signOut()
    router.navigate('/', { replace: true })
  }
  return (
    <Switch>
      <Match when={session()} keyed>
        {(s) => (
          <WorkspaceProvider session={s} onUnauthenticated={signOut}>
            <SignedIn onSignOut={signOutAndLeave} launched={takeLaunch()} />
          </WorkspaceProvider>
        )}
      </Match>
      <Match when={!session()}>
        <LoginView />
      </Match>
    </Switch>
  )
}

export function App() {
  return (
    <RouterProvider>
      <SessionProvider>
        <UpdateBanner />
        <Routes />
      </SessionProvider>
    </RouterProvider>
  )
}
