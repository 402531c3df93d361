import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fromWidgetSchema } from '../../shared/schemas.ts'
import { identityHash, identitySecret, verifyIdentity } from '../../sync-server/widget/VisitorIdentity.ts'

const ok = (frame: unknown) => fromWidgetSchema.safeParse(frame).success

describe('the widget frames of forms, ratings and the proactive funnel', () => {
  it('takes ratings in their ranges only: CSAT 1–5, NPS 0–10, CSAT when unsaid', () => {
    expect(fromWidgetSchema.parse({ type: 'rating', conversationId: 'c1', score: 5 })).toMatchObject({ kind: 'csat' })
    expect(ok({ type: 'rating', conversationId: 'c1', score: 0 })).toBe(false)
    expect(ok({ type: 'rating', conversationId: 'c1', kind: 'nps', score: 0 })).toBe(true)
    expect(ok({ type: 'rating', conversationId: 'c1', kind: 'nps', score: 10 })).toBe(true)
    expect(ok({ type: 'rating', conversationId: 'c1', kind: 'nps', score: 11 })).toBe(false)
    expect(ok({ type: 'rating', conversationId: 'c1', kind: 'csat', score: 3, comment: 'x'.repeat(2001) })).toBe(false)
  })

  it('bounds forms, attributes and page events', () => {
    expect(fromWidgetSchema.parse({ type: 'form', fields: { name: 'A' } })).toMatchObject({ kind: 'prechat' })
    expect(ok({ type: 'attributes', values: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) })).toBe(true)
    expect(ok({ type: 'attributes', values: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) })).toBe(false)
    expect(ok({ type: 'attributes', values: { ['k'.repeat(65)]: 'v' } })).toBe(false)
    expect(ok({ type: 'track', name: 'viewed', payload: { a: 1, b: 'x', c: true } })).toBe(true)
    expect(ok({ type: 'track', name: 'viewed', payload: { a: null } })).toBe(false)
    expect(ok({ type: 'track', name: 'viewed', payload: { a: Number.NaN } })).toBe(false)
    expect(ok({ type: 'invite', action: 'shown' })).toBe(true)
    expect(ok({ type: 'engage' })).toBe(true)
  })
})

describe('identity verification', () => {
  it('verifies the hash a site computes with its identity secret, whatever the email\'s case', () => {
    const key = identitySecret('workspace secret')
    const hash = createHmac('sha256', key).update('ann@example.com').digest('hex')
    expect(identityHash(key, ' Ann@Example.com ')).toBe(hash)
    expect(verifyIdentity('workspace secret', 'ANN@example.com', hash.toUpperCase())).toBe(true)
    expect(verifyIdentity('workspace secret', 'bob@example.com', hash)).toBe(false)
    expect(verifyIdentity('another secret', 'ann@example.com', hash)).toBe(false)
    // The workspace secret itself is not the key: it signs visitor tokens and never leaves the server.
    expect(verifyIdentity('workspace secret', 'ann@example.com', createHmac('sha256', 'workspace secret').update('ann@example.com').digest('hex'))).toBe(false)
    expect(verifyIdentity('workspace secret', 'ann@example.com', 'short')).toBe(false)
  })
})
