import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/** Serves files below one folder; hashed assets are cached for good, everything else is revalidated. */
export class StaticFiles {
  constructor(private root: string) {}

  /** Serves `path` if it is a file below the root; false when it is not there. */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    const rel = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '')
    const file = join(this.root, rel)
    if (!file.startsWith(this.root + sep) && file !== this.root) return false
    let info
    try {
      info = await stat(file)
    } catch {
      return false
    }
    if (!info.isFile()) return false
    const immutable = rel.startsWith(`assets${sep}`)
    // A weak validator from size and time: revalidating an unchanged file costs a 304, not the file.
    const etag = `W/"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`
    const headers = {
      // The service worker and the shell must be revalidated, or an update would never be seen.
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag,
      'x-content-type-options': 'nosniff',
    }
    const seen = req.headers['if-none-match']
    if (seen && seen.split(/\s*,\s*/).includes(etag)) {
      res.writeHead(304, headers)
      res.end()
      return true
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': info.size })
    if (req.method === 'HEAD') {
      res.end()
      return true
    }
    createReadStream(file).pipe(res)
    return true
  }
}
