import { describe, expect, it } from 'vitest'
import { EMOJI, emojiByName, insertAt, MAX_MATCHES, matchEmoji, moveSelection, shortcodeAt } from '../../client/app/src/thread/emoji.ts'

const chars = (q: string, limit?: number) => matchEmoji(q, limit).map((e) => e.char)

describe('the emoji list', () => {
  it('has about 150 common emoji, each with a unique short name', () => {
    expect(EMOJI.length).toBeGreaterThanOrEqual(150)
    expect(new Set(EMOJI.map((e) => e.name)).size).toBe(EMOJI.length)
    expect(new Set(EMOJI.map((e) => e.char)).size).toBe(EMOJI.length)
    for (const e of EMOJI) expect(e.name).toMatch(/^[a-z0-9_+-]+$/)
  })
})

describe('matchEmoji', () => {
  it('puts the exact name first, then names that start with the query', () => {
    expect(chars('smi')[0]).toBe('😄')
    expect(chars('smi').slice(0, 2)).toEqual(['😄', '😃'])
    expect(chars('smi')).toContain('😏')
    expect(chars('smile')[0]).toBe('😄')
    expect(chars('smiley')[0]).toBe('😃')
    expect(chars('joy')[0]).toBe('😂')
  })

  it('is case-insensitive and ignores surrounding spaces', () => {
    expect(chars('SMI')).toEqual(chars('smi'))
    expect(chars(' tada ')[0]).toBe('🎉')
  })

  it('finds a word inside a name, then keywords', () => {
    expect(chars('thermo')).toEqual(['🤒'])
    expect(chars('face', 50)).toContain('🥶')
    // "parcel" is only a keyword of 📦.
    expect(chars('parcel')).toEqual(['📦'])
    expect(chars('+1')[0]).toBe('👍')
    const party = chars('party')
    expect(party[0]).toBe('🥳')
    expect(party).toContain('🎉')
  })

  it('ranks name matches above keyword matches', () => {
    const heart = chars('heart', 20)
    expect(heart[0]).toBe('❤️')
    // 😍 (heart_eyes) is a name match, 😄 never is.
    expect(heart.indexOf('😍')).toBeGreaterThan(0)
    expect(heart).not.toContain('😄')
  })

  it('returns at most the limit, and the most used for an empty query', () => {
    expect(matchEmoji('a')).toHaveLength(MAX_MATCHES)
    expect(matchEmoji('a', 3)).toHaveLength(3)
    expect(chars('', 2)).toEqual(['😄', '😃'])
    expect(matchEmoji('zzzzzz')).toEqual([])
  })

  it('looks an exact name up', () => {
    expect(emojiByName('Tada')?.char).toBe('🎉')
    expect(emojiByName('nope')).toBeUndefined()
  })
})

describe('shortcodeAt', () => {
  it('finds the :query that ends at the caret', () => {
    expect(shortcodeAt(':smi', 4)).toEqual({ start: 0, end: 4, query: 'smi' })
    expect(shortcodeAt('Thanks :smi', 11)).toEqual({ start: 7, end: 11, query: 'smi' })
    expect(shortcodeAt('Thanks :smi and more', 11)).toEqual({ start: 7, end: 11, query: 'smi' })
    expect(shortcodeAt('line\n:tada', 10)).toEqual({ start: 5, end: 10, query: 'tada' })
    expect(shortcodeAt('(:thumbs', 8)).toEqual({ start: 1, end: 8, query: 'thumbs' })
    expect(shortcodeAt('ok :+1', 6)).toEqual({ start: 3, end: 6, query: '+1' })
  })

  it('needs two characters, so a lone letter then Enter still sends', () => {
    expect(shortcodeAt(':', 1)).toBeNull()
    expect(shortcodeAt('ok :p', 5)).toBeNull()
    expect(shortcodeAt('ok :pr', 6)?.query).toBe('pr')
  })

  it('ignores colons inside words, times and addresses', () => {
    expect(shortcodeAt('at 10:30', 8)).toBeNull()
    expect(shortcodeAt('https://example', 15)).toBeNull()
    expect(shortcodeAt('note:smile', 10)).toBeNull()
    expect(shortcodeAt(':smi le', 7)).toBeNull()
    expect(shortcodeAt(':smile:', 7)).toBeNull()
  })

  it('only looks at what is before the caret', () => {
    expect(shortcodeAt('Thanks :smi', 10)).toEqual({ start: 7, end: 10, query: 'sm' })
    expect(shortcodeAt('Thanks :smi', 7)).toBeNull()
    expect(shortcodeAt('abc', 99)).toBeNull()
  })

  it('works at the end of a long text without reading all of it', () => {
    const long = `${'word '.repeat(5000)}:tad`
    expect(shortcodeAt(long, long.length)).toEqual({ start: long.length - 4, end: long.length, query: 'tad' })
    const glued = `${'x'.repeat(100)}:tad`
    expect(shortcodeAt(glued, glued.length)).toBeNull()
  })
})

describe('insertAt', () => {
  it('replaces the query with the emoji and puts the caret after it', () => {
    expect(insertAt('Thanks :smi!', 7, 11, '😄')).toEqual({ text: 'Thanks 😄!', caret: 9 })
    expect(insertAt('', 0, 0, '🎉')).toEqual({ text: '🎉', caret: 2 })
  })
})

describe('moveSelection', () => {
  it('moves through a list with Up and Down, wrapping around, and leaves Left and Right to the caret', () => {
    expect(moveSelection(0, 'ArrowDown', 3, 1)).toBe(1)
    expect(moveSelection(2, 'ArrowDown', 3, 1)).toBe(0)
    expect(moveSelection(0, 'ArrowUp', 3, 1)).toBe(2)
    expect(moveSelection(1, 'ArrowLeft', 3, 1)).toBeNull()
    expect(moveSelection(1, 'ArrowRight', 3, 1)).toBeNull()
    expect(moveSelection(1, 'a', 3, 1)).toBeNull()
  })

  it('moves through a grid by cells and rows, stopping at its edges', () => {
    expect(moveSelection(0, 'ArrowRight', 20, 8)).toBe(1)
    expect(moveSelection(1, 'ArrowLeft', 20, 8)).toBe(0)
    expect(moveSelection(0, 'ArrowLeft', 20, 8)).toBe(0)
    expect(moveSelection(3, 'ArrowDown', 20, 8)).toBe(11)
    expect(moveSelection(11, 'ArrowUp', 20, 8)).toBe(3)
    expect(moveSelection(3, 'ArrowUp', 20, 8)).toBe(3)
    expect(moveSelection(15, 'ArrowDown', 20, 8)).toBe(15)
    expect(moveSelection(19, 'ArrowRight', 20, 8)).toBe(19)
  })

  it('has nothing to select without options', () => {
    expect(moveSelection(0, 'ArrowDown', 0, 1)).toBeNull()
  })
})
