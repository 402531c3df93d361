import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { appendMessageOnce, isChatMessage, messagesOf } from '../../shared/documents.ts'
import type { ChatMessage } from '../../shared/protocol.ts'

const msg = (id: string): ChatMessage => ({ id, clientId: `c-${id}`, kind: 'agent', authorId: 'a', authorName: 'A', text: id, at: 1 })

describe('conversation documents', () => {
  it('appends a message once, however often it is replayed', () => {
    const doc = new Y.Doc()
    expect(appendMessageOnce(doc, msg('1'))).toBe(true)
    expect(appendMessageOnce(doc, msg('1'))).toBe(false)
    expect(messagesOf(doc).length).toBe(1)
  })

  it('merges concurrent appends to the same order in both directions', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    appendMessageOnce(a, msg('from-a'))
    appendMessageOnce(b, msg('from-b'))
    const ua = Y.encodeStateAsUpdate(a)
    const ub = Y.encodeStateAsUpdate(b)
    Y.applyUpdate(a, ub)
    Y.applyUpdate(b, ua)
    expect(messagesOf(a).toJSON()).toEqual(messagesOf(b).toJSON())
    expect(messagesOf(a).length).toBe(2)
  })

  it('recognises message shapes and rejects others', () => {
    expect(isChatMessage(msg('1'))).toBe(true)
    expect(isChatMessage({ ...msg('1'), kind: 'admin' })).toBe(false)
    expect(isChatMessage({ id: 1 })).toBe(false)
    expect(isChatMessage('text')).toBe(false)
  })
})
