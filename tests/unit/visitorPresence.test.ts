import { describe, expect, it } from 'vitest'
import { visitorPresenceOf } from '../../client/app/src/thread/visitorPresence.ts'

describe('visitorPresenceOf', () => {
  it('is nobody when no state speaks for the visitor', () => {
    expect(visitorPresenceOf([])).toEqual({ online: false, typing: false })
    expect(visitorPresenceOf([[1, { user: { id: 'a1', name: 'Ana' } }], [2, null], [3, 'x'], [4, { visitor: 'yes' }]])).toEqual({ online: false, typing: false })
  })

  it('reads online and typing from any state, strictly true', () => {
    expect(visitorPresenceOf([[1, { user: {} }], [7, { visitor: { online: true, typing: false } }]])).toEqual({ online: true, typing: false })
    expect(visitorPresenceOf([[7, { visitor: { online: true, typing: true } }]])).toEqual({ online: true, typing: true })
    expect(visitorPresenceOf([[7, { visitor: { online: 'true', typing: 1 } }]])).toEqual({ online: false, typing: false })
    expect(visitorPresenceOf(new Map<number, unknown>([[7, { visitor: { online: false } }], [8, { visitor: { typing: true } }]]))).toEqual({ online: false, typing: true })
  })

  it('never takes this device’s own state for the visitor', () => {
    expect(visitorPresenceOf([[5, { visitor: { online: true, typing: true } }]], 5)).toEqual({ online: false, typing: false })
  })
})
