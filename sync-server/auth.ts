import { createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

// OWASP's minimum for scrypt (N=2^17, r=8, p=1) costs 128 MiB and ~0.3 s a login on two cores;
// N=2^15 keeps a login near 50 ms while staying well above brute-force comfort.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 }

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))))
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, SCRYPT.keylen, SCRYPT)
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$')
  if (alg !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** A fresh opaque session token; only its hash is stored, so a leaked database does not leak sessions. */
export function newSessionToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, tokenHash: hashToken(token) }
}

/** The stored form of a session token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}

/** A random secret for signing visitor tokens. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

const VISITOR_TOKEN_VERSION = 'v1'

/** Signs a visitor token: it names one visitor of one workspace and cannot be forged without the workspace's secret. */
export function signVisitorToken(secret: string, workspace: string, visitorId: string): string {
  const body = `${VISITOR_TOKEN_VERSION}.${workspace}.${visitorId}`
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}

/** The workspace a visitor token claims to belong to (unverified: check it with `verifyVisitorToken`). */
export function visitorTokenWorkspace(token: string): string | null {
  const ws = token.split('.')[1]
  return ws && /^[A-Za-z0-9_-]{1,64}$/.test(ws) ? ws : null
}

/** The visitor a token names, or null when the token is malformed, forged or for another workspace. */
export function verifyVisitorToken(secret: string, workspace: string, token: string): string | null {
  const parts = token.split('.')
  if (parts.length !== 4) return null
  const [version, ws, visitorId, sig] = parts as [string, string, string, string]
  if (version !== VISITOR_TOKEN_VERSION || ws !== workspace || !/^[A-Za-z0-9_-]{1,64}$/.test(visitorId)) return null
  // Compare the canonical text, not decoded bytes: base64url's last character carries padding bits,
  // so several spellings decode to the same bytes, and a token must have exactly one.
  const expected = Buffer.from(createHmac('sha256', secret).update(`${version}.${ws}.${visitorId}`).digest('base64url'))
  const given = Buffer.from(sig)
  return given.length === expected.length && timingSafeEqual(given, expected) ? visitorId : null
}
