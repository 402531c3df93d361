/**
 * Routing on the History API: `/` is the inbox (or the sign-in), `/c/<id>` a conversation,
 * `/settings/<section>` the workspace's settings.
 * The service worker answers every navigation with the app shell, so a reload of any route
 * works offline.
 */
import { createContext, createMemo, createSignal, onCleanup, splitProps, useContext, type Accessor, type JSX, type ParentProps } from 'solid-js'

export type Route =
  | { name: 'inbox' }
  | { name: 'conversation'; id: string }
  | { name: 'settings'; section: string | null }
  | { name: 'notFound'; path: string }

/** The route of a path. */
export function parseRoute(path: string): Route {
  if (path === '/' || path === '' || path === '/index.html') return { name: 'inbox' }
  const settings = /^\/settings(?:\/([a-z-]+))?\/?$/.exec(path)
  if (settings) return { name: 'settings', section: settings[1] ?? null }
  const m = /^\/c\/([^/]+)\/?$/.exec(path)
  if (m) {
    try {
      return { name: 'conversation', id: decodeURIComponent(m[1]!) }
    } catch {
      return { name: 'notFound', path }
    }
  }
  return { name: 'notFound', path }
}

export const conversationPath = (id: string) => `/c/${encodeURIComponent(id)}`
export const settingsPath = (section?: string) => (section ? `/settings/${section}` : '/settings')

export interface Router {
  path: Accessor<string>
  route: Accessor<Route>
  navigate(path: string, options?: { replace?: boolean }): void
}

/** The router: a signal of the current path kept in step with the History API. */
export function createRouter(): Router {
  const [path, setPath] = createSignal(location.pathname)
  const onPop = () => setPath(location.pathname)
  window.addEventListener('popstate', onPop)
  onCleanup(() => window.removeEventListener('popstate', onPop))
  const route = createMemo(() => parseRoute(path()), undefined, {
    equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  })
  return {
    path,
    route,
    navigate(to, options) {
      if (to === location.pathname) return
      if (options?.replace) history.replaceState(null, '', to)
      else history.pushState(null, '', to)
      setPath(location.pathname)
    },
  }
}

const RouterContext = createContext<Router>()

export function RouterProvider(props: ParentProps) {
  const router = createRouter()
  return <RouterContext.Provider value={router}>{props.children}</RouterContext.Provider>
}

export function useRouter(): Router {
  const router = useContext(RouterContext)
  if (!router) throw new Error('useRouter must be used inside <RouterProvider>')
  return router
}

/** An in-app link: a real `<a href>` (open in new tab works), navigated without a reload. */
export function Link(props: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; replace?: boolean }) {
  const router = useRouter()
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    router.navigate(props.href, { replace: props.replace })
  }
  const [, rest] = splitProps(props, ['replace'])
  return <a {...rest} onClick={onClick} />
}
