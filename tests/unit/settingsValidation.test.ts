import { describe, expect, it } from 'vitest'
import type { Tag, Template } from '../../shared/settings.ts'
import { parseChannels, parseReassignAfter, parseTimezone, tagNameProblem, templateProblem } from '../../shared/settingsValidation.ts'
import { offeredTags, STARTER_TAGS } from '../../client/app/src/views/closeTags.ts'

const TAGS: Tag[] = [
  { id: 't1', name: 'Billing' },
  { id: 't2', name: 'bug' },
]

describe('tagNameProblem', () => {
  it('accepts a new name, trimmed', () => {
    expect(tagNameProblem('  sales ', TAGS)).toBeNull()
  })

  it('refuses an empty name', () => {
    expect(tagNameProblem('   ', TAGS)).toBe('Give the tag a name.')
  })

  it('refuses a name taken, whatever its case', () => {
    expect(tagNameProblem('billing', TAGS)).toBe('There is already a tag “billing”.')
    expect(tagNameProblem(' BUG', TAGS)).toMatch(/already/)
  })

  it('lets a tag be renamed to itself in another case', () => {
    expect(tagNameProblem('BILLING', TAGS, 't1')).toBeNull()
    expect(tagNameProblem('Bug', TAGS, 't1')).toMatch(/already/)
  })

  it('refuses a name too long for a chip', () => {
    expect(tagNameProblem('x'.repeat(41), TAGS)).toMatch(/at most 40/)
  })
})

describe('templateProblem', () => {
  const existing: Template[] = [{ id: 'a', tag: 'refund', title: 'Refund', text: 'Within 30 days.', channels: [] }]
  const ok = { tag: 'hello', title: '', text: 'Hi {visitor.name}!' }

  it('accepts a template with a free shortcut and a text', () => {
    expect(templateProblem(ok, existing)).toBeNull()
  })

  it('wants a shortcut of lower-case letters, digits, - and _', () => {
    expect(templateProblem({ ...ok, tag: '' }, existing)?.field).toBe('tag')
    expect(templateProblem({ ...ok, tag: 'Hello' }, existing)?.message).toMatch(/lower-case/)
    expect(templateProblem({ ...ok, tag: 'hi there' }, existing)?.field).toBe('tag')
    expect(templateProblem({ ...ok, tag: 'hi_there-2' }, existing)).toBeNull()
  })

  it('keeps shortcuts unique, except for the template being edited', () => {
    expect(templateProblem({ ...ok, tag: 'refund' }, existing)).toEqual({ field: 'tag', message: 'The shortcut /refund is taken.' })
    expect(templateProblem({ ...ok, tag: 'refund' }, existing, 'a')).toBeNull()
  })

  it('wants a text', () => {
    expect(templateProblem({ ...ok, text: '  \n' }, existing)?.field).toBe('text')
  })
})

describe('parseChannels', () => {
  it('reads a comma-separated list, once each; empty is every channel', () => {
    expect(parseChannels(' Widget, email,widget ,')).toEqual(['widget', 'email'])
    expect(parseChannels('  ')).toEqual([])
  })
})

describe('parseTimezone', () => {
  it('takes IANA names in any case, trimmed, as their canonical name', () => {
    expect(parseTimezone(' Europe/Berlin ')).toEqual({ ok: true, timezone: 'Europe/Berlin' })
    expect(parseTimezone('asia/tokyo')).toEqual({ ok: true, timezone: 'Asia/Tokyo' })
    // Whatever this runtime lists is kept as listed (no swap for an alias).
    for (const z of Intl.supportedValuesOf('timeZone').slice(0, 50)) expect(parseTimezone(z)).toEqual({ ok: true, timezone: z })
    expect(parseTimezone('UTC')).toEqual({ ok: true, timezone: 'UTC' })
  })
  it('refuses an empty or unknown name with a sentence naming it', () => {
    expect(parseTimezone('  ')).toEqual({ ok: false, message: 'Choose a timezone, e.g. Europe/Paris or UTC.' })
    const bad = parseTimezone('Europe/Pariss')
    expect(bad.ok).toBe(false)
    expect(!bad.ok && bad.message).toMatch(/“Europe\/Pariss” is not a timezone/)
  })
})

describe('parseReassignAfter', () => {
  it('reads whole seconds, or never', () => {
    expect(parseReassignAfter('300')).toBe(300)
    expect(parseReassignAfter(' 0 ')).toBe(0)
    expect(parseReassignAfter('never')).toBeNull()
    expect(parseReassignAfter('')).toBeNull()
    expect(parseReassignAfter('-5')).toBeUndefined()
    expect(parseReassignAfter('1.5')).toBeUndefined()
    expect(parseReassignAfter('soon')).toBeUndefined()
  })
})

describe('offeredTags (close dialog)', () => {
  it('offers the workspace’s tags, then those already on the conversation', () => {
    expect(offeredTags(['vip', 'refund'], ['legacy', 'vip'])).toEqual(['vip', 'refund', 'legacy'])
  })

  it('falls back to the starter list while the workspace has no tags', () => {
    expect(offeredTags([], ['legacy'])).toEqual([...STARTER_TAGS, 'legacy'])
  })

  it('offers only the conversation’s tags while the settings load', () => {
    expect(offeredTags(undefined, ['legacy'])).toEqual(['legacy'])
  })
})
