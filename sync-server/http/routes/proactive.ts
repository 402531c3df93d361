import type * as Y from 'yjs'
import { newId } from '../../../shared/id.ts'
import { nextOrder, putProactive, readProactive, removeProactive, type StoredProactive } from '../../../shared/proactive/documents.ts'
import { ProactiveLimits, parseProactiveBody } from '../../../shared/proactive/schema.ts'
import type { RoomManager } from '../../rooms/RoomManager.ts'
import type { WorkspaceSettings } from '../../WorkspaceSettings.ts'
import { HttpError, readJson, sendJson } from '../respond.ts'
import { route, type Route } from '../router.ts'

const ID = /^\/api\/proactive\/([A-Za-z0-9_-]{1,64})$/
const ACTION = /^\/api\/proactive\/([A-Za-z0-9_-]{1,64})\/(publish|unpublish)$/

/**
 * Proactive messages for integrations (`/api/proactive`), with the settings right. They write the
 * workspace's `settings` document, as the admin's editor does (offline there, synced when back):
 * one model, two ways in. A write naming a `version` older than the stored one is refused (409).
 */
export function proactiveRoutes(deps: { rooms: RoomManager; settings: WorkspaceSettings }): Route[] {
  /** Runs `fn` on the workspace's settings document, held for the call: a write decides on what the document holds at that moment. */
  async function withSettings<T>(workspace: string, fn: (list: StoredProactive[], write: (change: (doc: Y.Doc) => void) => Promise<void>) => Promise<T>): Promise<T> {
    const room = await deps.rooms.hold(workspace, 'settings', { kind: 'settings' })
    try {
      return await fn(readProactive(room.doc), async (change) => {
        await room.change(change)
      })
    } finally {
      deps.rooms.release(room)
    }
  }
  const find = (list: StoredProactive[], id: string) => {
    const m = list.find((x) => x.id === id)
    if (!m) throw new HttpError(404, 'no such proactive message')
    return m
  }
  /** A stated version must be the stored one; none stated: the write goes over whatever is there. */
  const checkVersion = (m: StoredProactive, body: unknown) => {
    const v = (body as { version?: unknown } | null)?.version
    if (v === undefined) return
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new HttpError(400, 'version must be a whole number')
    if (v !== m.version) throw new HttpError(409, `the message changed meanwhile (now version ${m.version})`)
  }
  const parse = (body: unknown) => {
    const r = parseProactiveBody(body)
    if (!r.ok) throw new HttpError(400, r.error)
    return r.value
  }

  return [
    route({
      method: 'GET',
      path: '/api/proactive',
      right: 'settings',
      async handler({ res, agent }) {
        // Reads take the list the server keeps parsed, re-read on every change of the document.
        sendJson(res, 200, { messages: await deps.settings.proactive(agent.workspace) })
      },
    }),
    route({
      method: 'POST',
      path: '/api/proactive',
      right: 'settings',
      async handler({ req, res, agent }) {
        const body = parse(await readJson(req))
        const created = await withSettings(agent.workspace, async (list, write) => {
          if (list.length >= ProactiveLimits.messages) throw new HttpError(400, `a workspace has at most ${ProactiveLimits.messages} proactive messages`)
          const m: StoredProactive = { ...body, id: newId(), version: 1, status: 'draft', order: nextOrder(list) }
          await write((doc) => putProactive(doc, m))
          return m
        })
        sendJson(res, 201, { id: created.id, version: created.version, status: created.status })
      },
    }),
    route({
      method: 'GET',
      path: ID,
      right: 'settings',
      async handler({ res, params, agent }) {
        sendJson(res, 200, find(await deps.settings.proactive(agent.workspace), params[0]!))
      },
    }),
    route({
      method: 'PUT',
      path: ID,
      right: 'settings',
      async handler({ req, res, params, agent }) {
        const raw = await readJson(req)
        const body = parse(raw)
        const saved = await withSettings(agent.workspace, async (list, write) => {
          const m = find(list, params[0]!)
          checkVersion(m, raw)
          const next: StoredProactive = { ...body, id: m.id, version: m.version + 1, status: m.status, order: m.order }
          await write((doc) => putProactive(doc, next))
          return next
        })
        sendJson(res, 200, { id: saved.id, version: saved.version, status: saved.status })
      },
    }),
    route({
      method: 'DELETE',
      path: ID,
      right: 'settings',
      async handler({ res, params, agent }) {
        await withSettings(agent.workspace, async (list, write) => {
          find(list, params[0]!)
          await write((doc) => removeProactive(doc, params[0]!))
        })
        res.writeHead(204).end()
      },
    }),
    route({
      method: 'POST',
      path: ACTION,
      right: 'settings',
      async handler({ req, res, params, agent }) {
        // The body is optional here (`{version}` to guard against a stale write).
        const raw = String(req.headers['content-type'] ?? '').includes('json') ? await readJson(req) : null
        const saved = await withSettings(agent.workspace, async (list, write) => {
          const m = find(list, params[0]!)
          checkVersion(m, raw)
          const status = params[1] === 'publish' ? 'live' : 'draft'
          if (m.status === status) return m
          const next: StoredProactive = { ...m, status, version: m.version + 1 }
          await write((doc) => putProactive(doc, next))
          return next
        })
        sendJson(res, 200, { id: saved.id, version: saved.version, status: saved.status })
      },
    }),
    route({ method: '*', path: /^\/api\/proactive(\/.*)?$/, right: 'none', handler: () => Promise.reject(new HttpError(405, 'method not allowed')) }),
  ]
}
