import { describe, expect, it } from 'vitest'
import { mergePatches, patchedFields, visitorPatchOf, visitorWrite } from '../../sync-server/store/records.ts'
import type { VisitorRecord } from '../../sync-server/store/Store.ts'

const base: VisitorRecord = { id: 'v1', workspace: 'w', name: 'Vera', email: '', createdAt: 1, currentConversationId: null, blocked: false, fields: { plan: 'free' } }

describe('visitor patches', () => {
  it.each<[string, Partial<VisitorRecord>, Record<string, unknown> | null]>([
    ['nothing changed', {}, null],
    ['a new page', { pageUrl: 'https://shop.test/a', pageTitle: 'A' }, { pageUrl: 'https://shop.test/a', pageTitle: 'A' }],
    ['a conversation', { currentConversationId: 'c1' }, { currentConversationId: 'c1' }],
    ['a custom field changed and one added: only those keys', { fields: { plan: 'pro', company: 'Acme' } }, { fields: { plan: 'pro', company: 'Acme' } }],
    ['a custom field the same: not sent', { fields: { plan: 'free', company: 'Acme' } }, { fields: { company: 'Acme' } }],
    ['a form: name, email, phone, done', { name: 'V. R.', email: 'v@x.io', phone: '+1', formDone: true }, { name: 'V. R.', email: 'v@x.io', phone: '+1', formDone: true }],
    ['a verified email, and its removal', { verifiedEmail: 'v@x.io' }, { verifiedEmail: 'v@x.io' }],
    ['a messenger profile', { channel: { kind: 'telegram', externalId: '1', username: 'vera', profileUrl: 'https://t.me/vera' } }, { channelUsername: 'vera', channelProfileUrl: 'https://t.me/vera' }],
  ])('%s', (_name, change, expected) => {
    const p = visitorPatchOf(base, { ...base, ...change })
    expect(p).toEqual(expected && { id: 'v1', ...expected })
  })

  it('writes a new visitor whole, an existing one as a patch, nothing when nothing changed', () => {
    expect(visitorWrite(null, base)).toEqual({ visitors: [base] })
    expect(visitorWrite(base, { ...base, pageUrl: '/x' })).toEqual({ visitorPatches: [{ id: 'v1', pageUrl: '/x' }] })
    expect(visitorWrite(base, { ...base })).toEqual({})
    expect(visitorPatchOf({ ...base, verifiedEmail: 'v@x.io' }, base)).toEqual({ id: 'v1', verifiedEmail: null })
  })

  it('merges two patches as if applied in turn: the later field wins, custom fields merge', () => {
    const m = mergePatches({ id: 'v1', name: 'A', fields: { a: '1', b: '1' }, blocked: true }, { id: 'v1', name: 'B', fields: { b: '2' }, currentConversationId: null })
    expect(m).toEqual({ id: 'v1', name: 'B', fields: { a: '1', b: '2' }, blocked: true, currentConversationId: null })
    expect(patchedFields(m)).toEqual(['blocked', 'name', 'currentConversationId', 'fields'])
  })
})
