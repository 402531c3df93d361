import { hostname } from 'node:os'
import { join, resolve } from 'node:path'

/** Everything the server reads from the environment; the README's configuration table lists the same. */
export interface Config {
  port: number
  host: string
  dataDir: string
  /** Where uploaded files' bytes live: `DATA_DIR/files` unless `FILES_DIR` says (several servers share one). */
  filesDir: string
  /** PostgreSQL instead of SQLite (`postgres://user:password@host:5432/db`): one instance, or several with `redisUrl`. */
  databaseUrl: string | undefined
  /** Several instances on one `databaseUrl`: Redis fans commits out between them (`redis://host:6379`). */
  redisUrl: string | undefined
  /** Prefix of the cluster's Redis channels and keys. */
  redisPrefix: string
  adminEmail: string | undefined
  adminPassword: string | undefined
  logLevel: string
  /** Hours a signed-in session lasts. */
  sessionHours: number
  /** How long a document nobody holds stays in memory (seconds). */
  documentIdleSeconds: number
  sqliteSynchronous: 'full' | 'normal'
  staticDir: string
  /** SMTP server for email notices to visitors (`smtp://user:pass@host:587`); unset: no email. */
  smtpUrl: string | undefined
  /** Sender of those emails. */
  mailFrom: string | undefined
  /** Behind a reverse proxy: visitors' addresses come from `X-Forwarded-For`. */
  trustProxy: boolean
  /** The server's public base URL (no trailing slash), for messengers' webhooks and file links; unset: Telegram cannot be connected. */
  publicUrl: string | undefined
  /** The Telegram Bot API's base. */
  telegramApiUrl: string
  /** The WhatsApp Cloud API's (Graph API's) base, version included. */
  whatsappApiUrl: string
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`; unset: /metrics is open (restrict it at the proxy). */
  metricsToken: string | undefined
  /** This instance's name in its logs and metrics; `hostname:pid` by default. */
  instanceId: string
}

/** Where the files' bytes are: `FILES_DIR`, else `files` in the data folder (the server, backup and migration commands agree). */
export function filesDirOf(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.FILES_DIR?.trim() || join(dataDir, 'files'))
}

/** The instance id the logs carry: `INSTANCE_ID`, else `hostname:pid`. */
export function instanceId(env: NodeJS.ProcessEnv = process.env): string {
  return env.INSTANCE_ID?.trim() || `${hostname()}:${process.pid}`
}

function int(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${key} must be a whole number from ${min} to ${max}, got "${raw}"`)
  return n
}

function bool(env: NodeJS.ProcessEnv, key: string): boolean {
  const raw = (env[key] ?? '').trim().toLowerCase()
  if (raw === '' || raw === '0' || raw === 'false' || raw === 'no') return false
  if (raw === '1' || raw === 'true' || raw === 'yes') return true
  throw new Error(`${key} must be true or false, got "${env[key]}"`)
}

function smtpUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`SMTP_URL must be a URL like smtp://user:pass@host:587, got "${raw}"`)
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error(`SMTP_URL must start with smtp:// or smtps://, got "${url.protocol}"`)
  return raw
}

/** An http(s) URL without its trailing slash; `fallback` when unset. */
function httpUrl(env: NodeJS.ProcessEnv, key: string, fallback: string | undefined, example: string): string | undefined {
  const raw = env[key]?.trim()
  if (!raw) return fallback
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`${key} must be a URL like ${example}, got "${raw}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${key} must start with https:// (or http://), got "${raw}"`)
  if (url.search || url.hash) throw new Error(`${key} must not have a query or fragment, got "${raw}"`)
  return raw.replace(/\/+$/, '')
}

function databaseUrl(raw: string | undefined): string | undefined {
  raw = raw?.trim()
  if (!raw) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    // The value is not repeated: it may hold a password.
    throw new Error('DATABASE_URL must be a URL like postgres://user:password@host:5432/parley')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new Error(`DATABASE_URL must start with postgres:// (or postgresql://), got "${url.protocol}//"`)
  if (url.pathname.length < 2) throw new Error('DATABASE_URL must name a database, e.g. postgres://user:password@host:5432/parley')
  return raw
}

function redisUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error('REDIS_URL must be a URL like redis://host:6379 (or rediss:// for TLS)')
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`REDIS_URL must start with redis:// (or rediss://), got "${url.protocol}//"`)
  return raw
}

function redisPrefix(raw: string | undefined): string {
  const p = raw?.trim() || 'parley:'
  if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(p)) throw new Error(`REDIS_PREFIX may hold letters, digits and : _ . - (at most 64), got "${p}"`)
  return p
}

/** Reads the configuration; throws with a message naming the variable when one is invalid. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const redis = redisUrl(env.REDIS_URL)
  if (redis && !env.DATABASE_URL) throw new Error('REDIS_URL needs DATABASE_URL: the instances share one PostgreSQL database, Redis only fans their commits out')
  const sync = env.SQLITE_SYNCHRONOUS ?? 'full'
  if (sync !== 'full' && sync !== 'normal') throw new Error(`SQLITE_SYNCHRONOUS must be "full" or "normal", got "${sync}"`)
  const dataDir = resolve(env.DATA_DIR || './data')
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir,
    filesDir: filesDirOf(dataDir, env),
    databaseUrl: databaseUrl(env.DATABASE_URL),
    redisUrl: redis,
    redisPrefix: redisPrefix(env.REDIS_PREFIX),
    adminEmail: env.ADMIN_EMAIL || undefined,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    sessionHours: int(env, 'SESSION_HOURS', 24 * 30, 1, 24 * 365),
    documentIdleSeconds: int(env, 'DOCUMENT_IDLE_SECONDS', 30, 1, 24 * 3600),
    sqliteSynchronous: sync,
    staticDir: resolve(env.STATIC_DIR || './dist'),
    smtpUrl: smtpUrl(env.SMTP_URL),
    mailFrom: env.MAIL_FROM || undefined,
    trustProxy: bool(env, 'TRUST_PROXY'),
    publicUrl: httpUrl(env, 'PUBLIC_URL', undefined, 'https://chat.example.com'),
    telegramApiUrl: httpUrl(env, 'TELEGRAM_API_URL', 'https://api.telegram.org', 'https://api.telegram.org')!,
    whatsappApiUrl: httpUrl(env, 'WHATSAPP_API_URL', 'https://graph.facebook.com/v21.0', 'https://graph.facebook.com/v21.0')!,
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
    instanceId: instanceId(env),
  }
}
