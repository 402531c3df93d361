import type { ServerResponse } from 'node:http'
import { isFileId } from '../../../shared/files.ts'
import type { FileService } from '../../files/FileService.ts'
import { HttpError } from '../respond.ts'
import { route, type Route } from '../router.ts'

const WIDGET_CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, x-file-name',
  'access-control-max-age': '600',
} as const
const FILE_ROUTE = /^\/files\/([^/]+)(?:\/[^/]*)?$/

function widgetCors(res: ServerResponse): void {
  for (const [k, v] of Object.entries(WIDGET_CORS)) res.setHeader(k, v)
}

/**
 * Files in chats (DESIGN §3.3): `POST /api/files` (agents), `POST /widget/files` (visitors, from
 * the business's site, so with CORS), `GET /files/<id>/<name>` (anyone holding the link).
 * Each path answers its other methods with a 405.
 */
export function fileRoutes(deps: { files: FileService }): Route[] {
  const { files } = deps
  const notAllowed = () => {
    throw new HttpError(405, 'method not allowed')
  }
  return [
    route({
      method: 'POST',
      path: '/api/files',
      right: 'agent',
      handler: ({ req, res, agent }) => files.upload(req, res, { workspace: agent.workspace, kind: 'agent', id: agent.id }),
    }),
    route({ method: '*', path: '/api/files', right: 'none', handler: notAllowed }),
    route({
      method: 'OPTIONS',
      path: '/widget/files',
      right: 'none',
      handler({ res }) {
        widgetCors(res)
        res.writeHead(204).end()
      },
    }),
    route({
      method: 'POST',
      path: '/widget/files',
      right: 'none',
      async handler({ req, res, url }) {
        widgetCors(res)
        await files.upload(req, res, await files.visitorOf(req, url))
      },
    }),
    route({
      method: '*',
      path: '/widget/files',
      right: 'none',
      handler({ res }) {
        widgetCors(res)
        notAllowed()
      },
    }),
    route({
      method: ['GET', 'HEAD'],
      path: /^\/files\//,
      right: 'none',
      async handler({ req, res, url }) {
        const id = FILE_ROUTE.exec(url.pathname)?.[1]
        if (!id || !isFileId(id)) throw new HttpError(404, 'no such file')
        await files.serve(req, res, id)
      },
    }),
    route({ method: '*', path: /^\/files\//, right: 'none', handler: notAllowed }),
  ]
}
