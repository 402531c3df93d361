/**
 * Routing on the History API: `/` is the inbox (or the sign-in), `/c/<id>` a conversation,
 * `/settings/<section>` the workspace's settings, `/supervision/<view>` and `/reports` the
 * supervisor's views. The query string (filters, a period) is the view's own: `search()`.
 * The service worker answers every navigation with the app shell, so a reload of any route
 * works offline.
 */
import { createContext, createMemo, createSignal, onCleanup, splitProps, useContext, type Accessor, type JSX, type ParentProps } from 'solid-js'

export type Route =
  | { name: 'inbox' }
  | { name: 'conversation'; id: string }
  | { name: 'settings'; section: string | null }
  | { name: 'supervision'; view: SupervisionViewId }
  | { name: 'reports' }
  | { name: 'notFound'; path: string }

/** The supervisor's views under `/supervision/<view>` (the reports live at `/reports`). */
export const SUPERVISION_VIEWS = ['live', 'agents', 'conversations', 'visitors'] as const
export type SupervisionViewId = (typeof SUPERVISION_VIEWS)[number]
const isSupervisionView = (v: string): v is SupervisionViewId => (SUPERVISION_VIEWS as readonly string[]).includes(v)

/** The route of a path. */
export function parseRoute(path: string): Route {
  if (path === '/' || path === '' || path === '/index.html') return { name: 'inbox' }
  if (path === '/reports' || path === '/reports/') return { name: 'reports' }
  const supervision = /^\/supervision(?:\/([a-z-]+))?\/?$/.exec(path)
  if (supervision) {
    const view = supervision[1] ?? 'live'
    return isSupervisionView(view) ? { name: 'supervision', view } : { name: 'notFound', path }
  }
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
export const supervisionPath = (view: SupervisionViewId = 'live') => `/supervision/${view}`
export const reportsPath = (query = '') => (query ? `/reports?${query.replace(/^\?/, '')}` : '/reports')

export interface Router {
  path: Accessor<string>
  /** The query string of the current address, with its `?` (empty when none). */
  search: Accessor<string>
  route: Accessor<Route>
  /** Goes to `path`, which may carry a query string (`/reports?from=…`). */
  navigate(path: string, options?: { replace?: boolean }): void
}

/** The router: a signal of the current path kept in step with the History API. */
export function createRouter(): Router {
  const [path, setPath] = createSignal(location.pathname)
  const [search, setSearch] = createSignal(location.search)
  const sync = () => {
    setPath(location.pathname)
    setSearch(location.search)
  }
  const onPop = sync
  window.addEventListener('popstate', onPop)
  onCleanup(() => window.removeEventListener('popstate', onPop))
  const route = createMemo(() => parseRoute(path()), undefined, {
    equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  })
  return {
    path,
    search,
    route,
    navigate(to, options) {
      if (to === location.pathname + location.search) return
      if (options?.replace) history.replaceState(null, '', to)
      else history.pushState(null, '', to)
      sync()
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
