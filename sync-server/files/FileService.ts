import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import type { Logger } from 'pino'
import { cleanFileName, fileUrl, isAllowedFileType, isFileId, isImageType, normalizeFileType } from '../../shared/files.ts'
import { Limits, type Attachment, type ChatMessage } from '../../shared/protocol.ts'
import type { Accounts } from '../Accounts.ts'
import { verifyVisitorToken, visitorTokenWorkspace } from '../auth.ts'
import { HttpError, bearer, sendJson } from '../http/respond.ts'
import type { FileRecord, Store } from '../store/Store.ts'
import { TokenBucket } from '../widget/TokenBucket.ts'
import { BlobRejected, type BlobStore, type BlobWriter } from './BlobStore.ts'
import { contentMatchesType, SNIFF_BYTES } from './sniff.ts'

/** Uploads per uploader: a burst of 20 (a handful of photos at once), then one every 3 s, so nobody fills the disk in a loop. */
const UPLOAD_RATE = { burst: 20, perSecond: 1 / 3 }
/** Memory bound on the upload limiter: past this many uploaders it starts afresh. */
const MAX_UPLOAD_BUCKETS = 100_000
/**
 * After refusing an oversize body mid-way, this much more is read and dropped so that the client,
 * still sending, can read the 413; a client that keeps sending past it is cut off.
 */
const DISCARD_AFTER_REFUSAL = Limits.fileBytes
/** What a served file says about itself: never a page that runs, never sniffed, cached for good (its id never names other bytes). */
const SERVED_HEADERS = {
  'x-content-type-options': 'nosniff',
  // An HTML or SVG file opened directly must not run: no scripts, no styles, no plugins, a unique origin.
  'content-security-policy': "default-src 'none'; sandbox",
  // Private: customers' files have no business in shared caches (CDNs, proxies).
  'cache-control': 'private, max-age=31536000, immutable',
  // The widget shows images on the business's own site, a different origin.
  'cross-origin-resource-policy': 'cross-origin',
  'referrer-policy': 'no-referrer',
} as const

/** The client went away before the whole body arrived. */
class UploadAborted extends Error {}
/** The first bytes do not fit the declared type. */
class WrongContent extends Error {}

export interface Uploader {
  workspace: string
  kind: FileRecord['uploaderKind']
  id: string
}

export interface FileServiceDeps {
  store: Store
  accounts: Accounts
  blobs: BlobStore
  log: Logger
  now: () => number
}

/**
 * Files in chats (DESIGN §3.3): `POST /api/files` (agents), `POST /widget/files` (visitors),
 * `GET /files/<id>/<name>` (anyone holding the link).
 *
 * The link is the capability: `id` is 128 random bits, so it cannot be guessed, and knowing it
 * is what lets a visitor's browser or an agent's show the file, without a cookie or a token
 * (an `<img>` cannot send a bearer token, and the widget lives on another site). It is shared
 * exactly as widely as the conversation it was posted in.
 */
export class FileService {
  private buckets = new Map<string, TokenBucket>()

  constructor(private deps: FileServiceDeps) {}

  /** The attachments of a visitor's message: every id must name a file this visitor uploaded; null when one does not. */
  async visitorAttachments(workspace: string, visitorId: string, ids: readonly string[]): Promise<Attachment[] | null> {
    const records = new Map((await this.deps.store.getFiles(workspace, ids)).map((f) => [f.id, f]))
    const out: Attachment[] = []
    for (const id of new Set(ids)) {
      const f = records.get(id)
      if (!f || f.uploaderKind !== 'visitor' || f.uploaderId !== visitorId) return null
      out.push(attachmentOf(f))
    }
    return out
  }

  /**
   * The server's records of what messages claim to carry: agents write their messages into the
   * document themselves, so names, types and sizes there are only their word. Whatever reaches a
   * visitor is rebuilt from these records; ids unknown in the workspace are dropped.
   */
  async verified(workspace: string, messages: readonly ChatMessage[]): Promise<(m: ChatMessage) => Attachment[] | undefined> {
    const ids = new Set<string>()
    for (const m of messages) if (Array.isArray(m.attachments)) for (const a of m.attachments.slice(0, Limits.attachmentsPerMessage)) if (isFileId(a?.id)) ids.add(a.id)
    const records = ids.size ? new Map((await this.deps.store.getFiles(workspace, [...ids])).map((f) => [f.id, f])) : new Map<string, FileRecord>()
    return (m) => {
      if (!Array.isArray(m.attachments) || !m.attachments.length) return undefined
      const out: Attachment[] = []
      for (const a of m.attachments.slice(0, Limits.attachmentsPerMessage)) {
        const f = isFileId(a?.id) ? records.get(a.id) : undefined
        if (f && !out.some((o) => o.id === f.id)) out.push(attachmentOf(f))
      }
      return out.length ? out : undefined
    }
  }

  /** The visitor a widget upload comes from, by its visitor token (header or `?token=`); 401 or 403 when none may upload. */
  async visitorOf(req: IncomingMessage, url: URL): Promise<Uploader> {
    const token = bearer(req) ?? url.searchParams.get('token')
    const claimed = token && token.length <= 512 ? visitorTokenWorkspace(token) : null
    const ws = claimed ? await this.deps.accounts.workspace(claimed) : null
    const visitorId = ws && token ? verifyVisitorToken(ws.secret, ws.id, token) : null
    const visitor = ws && visitorId ? await this.deps.store.getVisitor(ws.id, visitorId) : null
    if (!ws || !visitor) throw new HttpError(401, 'open the chat first: send the visitor token of the widget')
    if (visitor.blocked) throw new HttpError(403, 'Sorry, you can no longer send files in this chat.')
    return { workspace: ws.id, kind: 'visitor', id: visitor.id }
  }

  /** Stores the request's body as a file of `who` and answers 201 with its attachment. */
  async upload(req: IncomingMessage, res: ServerResponse, who: Uploader): Promise<void> {
    const { log } = this.deps
    if (!this.bucket(who).take()) throw new HttpError(429, 'too many files at once; wait a moment')
    const rawName = req.headers['x-file-name']
    if (typeof rawName !== 'string' || !rawName) throw new HttpError(400, 'name the file in an X-File-Name header (URI-encoded)')
    let name: string
    try {
      name = cleanFileName(decodeURIComponent(rawName))
    } catch {
      throw new HttpError(400, 'X-File-Name must be URI-encoded')
    }
    if (!name) throw new HttpError(400, 'the file needs a name')
    const type = normalizeFileType(req.headers['content-type'] ?? '', name)
    if (!isAllowedFileType(type))
      throw new HttpError(415, `files of type "${type || 'unknown'}" are not accepted; send an image (PNG, JPEG, GIF, WebP) or a PDF, text, CSV, ZIP, Word or Excel file`)
    const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length'])
    if (declared !== null && declared > Limits.fileBytes) {
      // Said up front: refuse before reading a byte, and end the connection rather than drain it.
      res.setHeader('connection', 'close')
      throw tooLarge()
    }

    const blob = await this.deps.blobs.create(Limits.fileBytes)
    let stored: { sha256: string; size: number }
    try {
      let head: Buffer | null = Buffer.alloc(0)
      await pump(req, async (chunk) => {
        if (head) {
          head = Buffer.concat([head, chunk.subarray(0, SNIFF_BYTES)])
          if (head.length >= SNIFF_BYTES) {
            if (!contentMatchesType(type, head)) throw new WrongContent()
            head = null
          }
        }
        await blob.write(chunk)
      })
      if (head && !contentMatchesType(type, head)) throw new WrongContent()
      stored = await blob.finish()
    } catch (err) {
      await blob.discard()
      if (err instanceof UploadAborted) {
        log.debug({ workspace: who.workspace, uploader: who.id }, 'upload aborted by the client')
        res.destroy()
        return
      }
      if (err instanceof BlobRejected && err.reason === 'empty') throw new HttpError(400, 'the file is empty')
      discardRest(req)
      if (err instanceof BlobRejected) throw tooLarge()
      if (err instanceof WrongContent) throw new HttpError(415, `this file is not a ${type.slice('image/'.length).toUpperCase()} image`)
      throw err
    }
    const record: FileRecord = {
      id: randomBytes(16).toString('base64url'),
      workspace: who.workspace,
      sha256: stored.sha256,
      name,
      type,
      size: stored.size,
      uploaderKind: who.kind,
      uploaderId: who.id,
      createdAt: this.deps.now(),
    }
    await this.deps.store.createFile(record)
    log.info({ workspace: who.workspace, file: record.id, size: record.size, type, uploader: who.kind }, 'file stored')
    sendJson(res, 201, attachmentOf(record))
  }

  /** Sends a stored file's bytes (or 404). */
  async serve(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const f = await this.deps.store.getFile(id)
    if (!f) throw new HttpError(404, 'no such file')
    const path = this.deps.blobs.path(f.sha256)
    let size: number
    try {
      size = (await stat(path)).size
    } catch {
      this.deps.log.warn({ file: id, sha256: f.sha256 }, 'file recorded but its blob is missing')
      throw new HttpError(404, 'no such file')
    }
    const etag = `"${f.sha256}"`
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, ...SERVED_HEADERS }).end()
      return
    }
    res.writeHead(200, {
      'content-type': f.type,
      'content-length': size,
      'content-disposition': contentDisposition(isImageType(f.type) ? 'inline' : 'attachment', f.name),
      etag,
      ...SERVED_HEADERS,
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    await pipeline(createReadStream(path), res).catch((err: unknown) => this.deps.log.debug({ err, file: id }, 'download interrupted'))
  }

  private bucket(who: Uploader): TokenBucket {
    const key = `${who.workspace}/${who.kind}/${who.id}`
    let b = this.buckets.get(key)
    if (!b) {
      if (this.buckets.size > MAX_UPLOAD_BUCKETS) this.buckets.clear()
      this.buckets.set(key, (b = new TokenBucket(UPLOAD_RATE.burst, UPLOAD_RATE.perSecond, this.deps.now)))
    }
    return b
  }
}

function tooLarge(): HttpError {
  return new HttpError(413, `files can be up to ${Limits.fileBytes / (1024 * 1024)} MB`)
}

/** What clients see of a stored file. */
export function attachmentOf(f: FileRecord): Attachment {
  return { id: f.id, name: f.name, type: f.type, size: f.size, url: fileUrl(f.id, f.name) }
}

/** `inline` or `attachment` with the name, ASCII-safe and in full (RFC 6266 / RFC 5987). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_')
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

/**
 * Feeds a request body to `onChunk` one chunk at a time (the socket is paused while a chunk is
 * written, so a slow disk slows the client down rather than filling memory). Rejects with
 * UploadAborted when the client goes away mid-body, or with whatever `onChunk` throws.
 */
function pump(req: IncomingMessage, onChunk: (chunk: Buffer) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let chain = Promise.resolve()
    let settled = false
    const detach = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('close', onClose)
      req.off('error', onError)
    }
    const fail = (err: unknown) => {
      if (settled) return
      settled = true
      detach()
      reject(err)
    }
    const onData = (chunk: Buffer) => {
      req.pause()
      chain = chain.then(() => onChunk(chunk)).then(() => {
        if (!settled) req.resume()
      }, fail)
    }
    const onEnd = () => {
      void chain.then(() => {
        if (settled) return
        settled = true
        detach()
        resolve()
      }, fail)
    }
    const onClose = () => {
      if (!req.complete) fail(new UploadAborted())
    }
    const onError = () => fail(new UploadAborted())
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('close', onClose)
    req.on('error', onError)
  })
}

/** Reads and drops the rest of a refused body, up to a bound, so that the client can read the answer. */
function discardRest(req: IncomingMessage): void {
  if (req.complete) return
  let dropped = 0
  req.on('error', () => {})
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length
    if (dropped > DISCARD_AFTER_REFUSAL) req.socket.destroy()
  })
  req.resume()
}
