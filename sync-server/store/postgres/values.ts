/** Values on their way to and from PostgreSQL, and what its errors mean to an operator. */
import pg from 'pg'
import { recordsOf, type Row } from '../records.ts'

/** The store could not be opened: the message is one line an operator can act on. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError'
}

/** BIGINT columns hold times and sequence numbers, all far below 2^53: read them as numbers. */
export const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
const HAS_LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * PostgreSQL's text and JSONB cannot hold U+0000, and JSONB refuses a lone surrogate; a visitor
 * may type either. They become U+FFFD here, so such input costs a character, not the commit.
 */
export function cleanText(s: string): string {
  const out = s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s
  return HAS_LONE_SURROGATE.test(out) ? out.replace(LONE_SURROGATES, '\uFFFD') : out
}

function cleanDeep(v: unknown): unknown {
  if (typeof v === 'string') return cleanText(v)
  if (Array.isArray(v)) return v.map(cleanDeep)
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[cleanText(k)] = cleanDeep(x)
    return out
  }
  return v
}

export const json = (v: unknown) => JSON.stringify(cleanDeep(v) ?? null)
export const params = (values: unknown[]) => values.map((v) => (typeof v === 'string' ? cleanText(v) : v))
export const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

/** Where a database URL points (`host:port/database`), without its credentials, for messages and logs. */
export function where(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`
  } catch {
    return 'the configured address'
  }
}

/** One line saying why PostgreSQL could not be used. */
export function openError(err: unknown, url: string): StoreOpenError {
  if (err instanceof StoreOpenError) return err
  const e = err as { code?: string; message?: string }
  const message = e.message || String(err)
  const at = where(url)
  if (e.code === '28P01' || e.code === '28000') return new StoreOpenError(`PostgreSQL at ${at} refused the sign-in: ${message}`)
  if (e.code === '3D000') return new StoreOpenError(`PostgreSQL at ${at}: ${message}`)
  if (e.code && /^[0-9A-Z]{5}$/.test(e.code)) return new StoreOpenError(`PostgreSQL at ${at} failed: ${message} (${e.code})`)
  return new StoreOpenError(`cannot reach PostgreSQL at ${at}: ${message}`)
}

/** A SQLSTATE error from the server, as opposed to a broken connection. */
export const isDatabaseError = (err: unknown) => typeof (err as { code?: unknown })?.code === 'string' && /^[0-9A-Z]{5}$/.test((err as { code: string }).code)

/** PostgreSQL decodes JSONB and booleans itself. */
export const records = recordsOf({ json: (v) => v, bool: (v) => v === true })

/** Queries on the pool, their values cleaned (`params`). */
export class Queries {
  constructor(private pool: pg.Pool) {}

  async rows(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params(values))).rows as Row[]
  }

  /** The first row, if any. */
  async first(sql: string, values: unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(sql, values))[0]
  }

  /** How many rows the statement changed. */
  async changed(sql: string, values: unknown[] = []): Promise<number> {
    return (await this.pool.query(sql, params(values))).rowCount ?? 0
  }
}
