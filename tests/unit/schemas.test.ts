import { describe, expect, it } from 'vitest'
import { Limits } from '../../shared/protocol.ts'
import { createAgentSchema, fromWidgetSchema, loginSchema } from '../../shared/schemas.ts'

describe('widget frames', () => {
  it('accepts the contract frames', () => {
    expect(fromWidgetSchema.safeParse({ type: 'hello', workspace: 'default', visitorToken: null }).success).toBe(true)
    expect(
      fromWidgetSchema.safeParse({ type: 'hello', workspace: 'default', visitorToken: 'x', page: { url: 'https://a', title: 't' }, user: { name: 'A', email: 'a@b.c' } })
        .success,
    ).toBe(true)
    expect(fromWidgetSchema.safeParse({ type: 'message', clientId: 'abcdefgh-1234', text: 'hi' }).success).toBe(true)
    expect(fromWidgetSchema.safeParse({ type: 'typing' }).success).toBe(true)
    expect(fromWidgetSchema.safeParse({ type: 'read', upTo: 'm1' }).success).toBe(true)
  })

  it('refuses unknown types, missing fields and oversize text', () => {
    expect(fromWidgetSchema.safeParse({ type: 'nope' }).success).toBe(false)
    expect(fromWidgetSchema.safeParse({ type: 'message', text: 'hi' }).success).toBe(false)
    expect(fromWidgetSchema.safeParse({ type: 'message', clientId: 'abcdefgh', text: '   ' }).success).toBe(false)
    expect(fromWidgetSchema.safeParse({ type: 'message', clientId: 'abcdefgh', text: 'x'.repeat(Limits.messageText + 1) }).success).toBe(false)
    expect(fromWidgetSchema.safeParse({ type: 'message', clientId: 'a b<script>', text: 'hi' }).success).toBe(false)
    expect(fromWidgetSchema.safeParse(null).success).toBe(false)
    expect(fromWidgetSchema.safeParse([1, 2]).success).toBe(false)
  })
})

describe('HTTP bodies', () => {
  it('normalises the email at login', () => {
    const r = loginSchema.parse({ email: '  Ana@Example.COM ', password: 'x' })
    expect(r.email).toBe('ana@example.com')
  })

  it('defaults a new agent to role agent with no groups, and refuses short passwords and unknown roles', () => {
    expect(createAgentSchema.parse({ email: 'b@x.io', name: 'B', password: '12345678' })).toMatchObject({ role: 'agent', groups: [] })
    expect(createAgentSchema.safeParse({ email: 'b@x.io', name: 'B', password: 'short' }).success).toBe(false)
    expect(createAgentSchema.safeParse({ email: 'b@x.io', name: 'B', password: '12345678', role: 'owner' }).success).toBe(false)
  })
})
