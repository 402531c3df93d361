import { describe, expect, it } from 'vitest'
import { hashPassword, hashToken, newSessionToken, signVisitorToken, verifyPassword, verifyVisitorToken } from '../../sync-server/auth.ts'

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('correct horse')
    expect(h.startsWith('scrypt$')).toBe(true)
    expect(await verifyPassword('correct horse', h)).toBe(true)
    expect(await verifyPassword('correct horsf', h)).toBe(false)
  })

  it('salts: the same password hashes differently', async () => {
    expect(await hashPassword('pw')).not.toBe(await hashPassword('pw'))
  })

  it('refuses a malformed stored hash', async () => {
    expect(await verifyPassword('pw', 'plain')).toBe(false)
  })
})

describe('session tokens', () => {
  it('stores only a hash of the token', () => {
    const { token, tokenHash } = newSessionToken()
    expect(tokenHash).toBe(hashToken(token))
    expect(tokenHash).not.toContain(token)
  })
})

describe('visitor tokens', () => {
  const secret = 'a-workspace-secret'

  it('round-trips a visitor id', () => {
    const t = signVisitorToken(secret, 'default', 'visitor-1')
    expect(verifyVisitorToken(secret, 'default', t)).toBe('visitor-1')
  })

  it('refuses a token signed with another secret, for another workspace, or altered', () => {
    const t = signVisitorToken(secret, 'default', 'visitor-1')
    expect(verifyVisitorToken('other', 'default', t)).toBeNull()
    expect(verifyVisitorToken(secret, 'other', t)).toBeNull()
    expect(verifyVisitorToken(secret, 'default', t.replace('visitor-1', 'visitor-2'))).toBeNull()
    expect(verifyVisitorToken(secret, 'default', `${t}x`)).toBeNull()
    expect(verifyVisitorToken(secret, 'default', 'garbage')).toBeNull()
  })

  it('accepts exactly one spelling of a signature (no padding-bit variants)', () => {
    for (let i = 0; i < 50; i++) {
      const t = signVisitorToken(secret, 'default', `visitor-${i}`)
      const last = t.at(-1)!
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      for (const c of alphabet) if (c !== last) expect(verifyVisitorToken(secret, 'default', t.slice(0, -1) + c)).toBeNull()
    }
  })
})
