import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The key a site's backend uses to vouch for a visitor's email (`user.hash`). Derived from the
 * workspace secret rather than equal to it: the workspace secret also signs visitor tokens, and a
 * site that holds the identity key must not be able to forge those.
 */
export function identitySecret(workspaceSecret: string): string {
  return createHmac('sha256', workspaceSecret).update('parley identity v1').digest('hex')
}

/** The hash a site's backend sends for an email: hex HMAC-SHA256 of the lower-cased, trimmed email. */
export function identityHash(identityKey: string, email: string): string {
  return createHmac('sha256', identityKey).update(email.trim().toLowerCase()).digest('hex')
}

/** Whether `hash` proves `email` for the workspace whose secret is given; constant time. */
export function verifyIdentity(workspaceSecret: string, email: string, hash: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(hash) || !email.trim()) return false
  const expected = Buffer.from(identityHash(identitySecret(workspaceSecret), email), 'hex')
  return timingSafeEqual(expected, Buffer.from(hash.toLowerCase(), 'hex'))
}
