import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

/** Why a blob was refused; the caller turns it into an HTTP status. */
export class BlobRejected extends Error {
  constructor(readonly reason: 'tooLarge' | 'empty') {
    super(reason === 'tooLarge' ? 'blob too large' : 'blob is empty')
  }
}

/** One blob being written: feed it chunks, then `finish()` it or `discard()` it. */
export interface BlobWriter {
  write(chunk: Buffer): Promise<void>
  /** Makes the blob durable at its content address; resolves with its hash and size. */
  finish(): Promise<{ sha256: string; size: number }>
  /** Removes the temp file; safe to call more than once, and after a failure. */
  discard(): Promise<void>
}

/**
 * File contents on disk, content-addressed: `<root>/<first two hex digits>/<sha256>`, so the
 * same bytes uploaded twice are stored once and a stored blob never changes. Each upload is
 * written to `<root>/tmp/` while it is hashed, then renamed into place (same file system, so
 * the move is atomic): a reader never sees half a file.
 */
export class BlobStore {
  private ready: Promise<void> | null = null
  readonly tmpDir: string

  constructor(readonly root: string) {
    this.tmpDir = join(root, 'tmp')
  }

  /** Where a blob lives. */
  path(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256)
  }

  /** Starts a blob of at most `maxBytes`; `write` throws BlobRejected('tooLarge') past it. */
  async create(maxBytes: number): Promise<BlobWriter> {
    await this.prepare()
    const tmp = join(this.tmpDir, `${randomBytes(12).toString('hex')}.part`)
    const fh: FileHandle = await open(tmp, 'wx')
    const hash = createHash('sha256')
    let size = 0
    let open_ = true
    const close = async () => {
      if (!open_) return
      open_ = false
      await fh.close().catch(() => {})
    }
    return {
      async write(chunk) {
        size += chunk.length
        if (size > maxBytes) throw new BlobRejected('tooLarge')
        hash.update(chunk)
        for (let at = 0; at < chunk.length; ) at += (await fh.write(chunk, at, chunk.length - at)).bytesWritten
      },
      finish: async () => {
        if (size === 0) throw new BlobRejected('empty')
        // Durable before anyone is told it is stored (DESIGN §3.3: acknowledged means committed).
        await fh.sync()
        await close()
        const sha256 = hash.digest('hex')
        const final = this.path(sha256)
        await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true })
        if (await exists(final)) await rm(tmp, { force: true })
        else {
          await rename(tmp, final)
          await syncDir(join(this.root, sha256.slice(0, 2)))
        }
        return { sha256, size }
      },
      async discard() {
        await close()
        await rm(tmp, { force: true })
      },
    }
  }

  /** Once per process: temp files a crash left behind are removed before the first upload. */
  private prepare(): Promise<void> {
    this.ready ??= (async () => {
      await rm(this.tmpDir, { recursive: true, force: true })
      await mkdir(this.tmpDir, { recursive: true })
    })().catch((err: unknown) => {
      this.ready = null
      throw err
    })
    return this.ready
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** Makes a rename durable; best effort, as some systems cannot open a folder. */
async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r')
    try {
      await d.sync()
    } finally {
      await d.close()
    }
  } catch {
    /* not supported here (e.g. Windows) */
  }
}
