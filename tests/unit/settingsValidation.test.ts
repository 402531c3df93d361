import { describe, expect, it } from 'vitest'
import type { Tag, Template } from '../../shared/settings.ts'
import { parseChannels, parseReassignAfter, tagNameProblem, templateProblem } from '../../shared/settingsValidation.ts'
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
