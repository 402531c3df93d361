import { promisify } from 'node:util'
import { gzip as gzipCb, constants } from 'node:zlib'
import type { IncomingMessage, ServerResponse } from 'node:http'

const gzip = promisify(gzipCb)

/** Bodies smaller than this go out as they are: gzip's header and a round trip through zlib cost more than they save. */
export const GZIP_MIN_BYTES = 1024
/**
 * zlib level for JSON pages: level 1 already takes an event page to about a sixth of its size,
 * at several times the speed of the default level 6 (which would make the server, not the
 * network, the limit of a first sync).
 */
export const GZIP_LEVEL = 1

/** Whether the request's `Accept-Encoding` allows gzip (a `q=0` refuses it). */
export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding']
  const value = Array.isArray(header) ? header.join(',') : (header ?? '')
  for (const part of value.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (name !== 'gzip' && name !== '*') continue
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  }
  return false
}

/** Sends JSON like `sendJson`, gzipped when the client accepts it and the body is worth it. */
export async function sendCompressedJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): Promise<void> {
  const data = Buffer.from(JSON.stringify(body))
  const headers: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', vary: 'accept-encoding' }
  if (data.length >= GZIP_MIN_BYTES && acceptsGzip(req)) {
    const zipped = await gzip(data, { level: GZIP_LEVEL, strategy: constants.Z_DEFAULT_STRATEGY })
    res.writeHead(status, { ...headers, 'content-encoding': 'gzip', 'content-length': zipped.length })
    res.end(zipped)
    return
  }
  res.writeHead(status, { ...headers, 'content-length': data.length })
  res.end(data)
}
