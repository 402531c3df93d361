import { describe, expect, it } from 'vitest'
import { matchMentionables, mentionedIn, mentionQueryAt } from '../../client/app/src/notes/mentions.ts'

const team = [
  { id: 'a', name: 'Ana' },
  { id: 'am', name: 'Ana María' },
  { id: 'b', name: 'Bo Lund' },
  { id: 'z', name: 'Zoë' },
]

describe('mentions', () => {
  it('finds the @word being typed at the caret', () => {
    expect(mentionQueryAt('ping @An', 8)).toEqual({ start: 5, query: 'An' })
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' })
    expect(mentionQueryAt('mail me@home', 12)).toBeNull()
    expect(mentionQueryAt('@Ana done', 9)).toBeNull()
  })

  it('matches colleagues by name or a word of it, accents folded', () => {
    expect(matchMentionables(team, 'an').map((a) => a.id)).toEqual(['a', 'am'])
    expect(matchMentionables(team, 'lu').map((a) => a.id)).toEqual(['b'])
    expect(matchMentionables(team, 'zoe').map((a) => a.id)).toEqual(['z'])
    expect(matchMentionables(team, '').length).toBe(4)
  })

  it('reads who a note names, longest name first, once each', () => {
    expect(mentionedIn('@Ana María and @Bo Lund, and @ana again', team)).toEqual(['am', 'b', 'a'])
    expect(mentionedIn('@Anabel is not Ana', team)).toEqual([])
    expect(mentionedIn('thanks @zoe!', team)).toEqual(['z'])
  })
})
