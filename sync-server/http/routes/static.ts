import { publicWidgetConfig } from '../../../shared/widgetConfig.ts'
import { DEFAULT_WORKSPACE, type Accounts } from '../../Accounts.ts'
import type { WorkspaceSettings } from '../../WorkspaceSettings.ts'
import { chatPage } from '../chatPage.ts'
import { demoPage } from '../demoPage.ts'
import { HttpError, sendJson } from '../respond.ts'
import { route, type Method, type Route } from '../router.ts'
import type { StaticFiles } from '../StaticFiles.ts'
import { loaderProactive } from '../../../shared/proactive/documents.ts'

const READ: readonly Method[] = ['GET', 'HEAD']

export interface StaticRoutesDeps {
  accounts: Accounts
  settings: WorkspaceSettings
  /** The PWA's build (`dist/app`). */
  appFiles: StaticFiles
  /** The widget's build (`dist/widget`). */
  widgetFiles: StaticFiles
}

/**
 * What a browser loads: the widget's loader, chat bundle and public config (fetched from other
 * sites, so with CORS), the hosted chat and demo pages, and the app, whose shell answers every
 * path of its own. Last in the table: the app's catch-all takes any GET outside `/api/`.
 */
export function staticRoutes(deps: StaticRoutesDeps): Route[] {
  const { widgetFiles, appFiles } = deps
  return [
    route({
      method: READ,
      path: '/widget.js',
      right: 'none',
      async handler({ req, res }) {
        res.setHeader('access-control-allow-origin', '*')
        if (await widgetFiles.serve(req, res, 'widget.js')) return
        throw new HttpError(503, 'the widget is not built; run npm run build')
      },
    }),
    // The chat bundle the loader imports when the visitor needs it (a module: fetched with CORS).
    route({
      method: READ,
      path: '/widget/chat.js',
      right: 'none',
      async handler({ req, res }) {
        res.setHeader('access-control-allow-origin', '*')
        if (await widgetFiles.serve(req, res, 'chat.js')) return
        throw new HttpError(503, 'the widget is not built; run npm run build')
      },
    }),
    // What the loader needs before the chat loads: the launcher's look and the activation mode.
    route({
      method: READ,
      path: '/widget/config',
      right: 'none',
      async handler({ res, url }) {
        const workspace = url.searchParams.get('workspace') ?? DEFAULT_WORKSPACE
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(workspace) || !(await deps.accounts.workspace(workspace))) throw new HttpError(404, 'no such workspace')
        const config = publicWidgetConfig(await deps.settings.widget(workspace))
        // The live proactive messages, for the loader to evaluate on the page (the server decides whether to send).
        const proactive = loaderProactive(await deps.settings.proactive(workspace))
        res.setHeader('access-control-allow-origin', '*')
        res.setHeader('cache-control', 'no-cache')
        sendJson(res, 200, { config, proactive })
      },
    }),
    route({
      method: READ,
      path: /^\/chat\/([A-Za-z0-9_-]{1,64})\/?$/,
      right: 'none',
      handler({ res, params }) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
        res.end(chatPage(params[0]!))
      },
    }),
    route({
      method: READ,
      path: /^\/demo\/?$/,
      right: 'none',
      handler({ res, url }) {
        const html = demoPage(url.searchParams.get('workspace') ?? DEFAULT_WORKSPACE, url.searchParams.get('preview') === '1')
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' })
        res.end(html)
      },
    }),
    route({
      method: READ,
      path: /^(?!\/api\/)/,
      right: 'none',
      async handler({ req, res, url }) {
        const path = url.pathname
        if (path !== '/' && (await appFiles.serve(req, res, path))) return
        // Every other path is a route of the app: the shell handles it (and works offline through the service worker).
        if (!/\.[a-z0-9]+$/i.test(path) && (await appFiles.serve(req, res, 'index.html'))) return
        throw new HttpError(404, 'not found')
      },
    }),
  ]
}
