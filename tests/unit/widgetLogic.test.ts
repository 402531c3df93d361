import { describe, expect, it } from 'vitest'
import { activationStep, type ActivationState } from '../../client/widget/activation.ts'
import { CALL_QUEUE_MAX, CallQueue } from '../../client/widget/callQueue.ts'
import { formValues, validateForm } from '../../client/widget/formValidation.ts'
import { readLauncherConfig } from '../../client/widget/launcherConfig.ts'
import { DEFAULT_WIDGET_CONFIG, parseWidgetConfig, type FormField } from '../../shared/widgetConfig.ts'

const fields: FormField[] = [
  { id: 'name', label: 'Name', type: 'text', required: true, options: [] },
  { id: 'email', label: 'Email', type: 'email', required: true, options: [] },
  { id: 'phone', label: 'Phone', type: 'tel', required: false, options: [] },
  { id: 'topic', label: 'Topic', type: 'select', required: false, options: ['Orders', 'Returns'] },
]

describe('widget forms', () => {
  it('asks for required fields and a plausible email', () => {
    expect(validateForm(fields, {})).toEqual({ name: 'Name is required.', email: 'Email is required.' })
    expect(validateForm(fields, { name: '  ', email: 'ana@' })).toEqual({ name: 'Name is required.', email: 'Please enter a valid email address.' })
    expect(validateForm(fields, { name: 'Ana', email: 'ana@example.com' })).toEqual({})
  })

  it('accepts only a listed choice and leaves optional fields alone', () => {
    expect(validateForm(fields, { name: 'Ana', email: 'a@b.co', topic: 'Hacking' })).toHaveProperty('topic')
    expect(validateForm(fields, { name: 'Ana', email: 'a@b.co', topic: 'Returns', phone: '' })).toEqual({})
  })

  it('sends trimmed answers of configured fields only', () => {
    expect(formValues(fields, { name: ' Ana ', email: 'a@b.co', phone: '', extra: 'x' })).toEqual({ name: 'Ana', email: 'a@b.co' })
  })
})

describe('activation', () => {
  const s: ActivationState = { refused: false, engaged: false, active: false, passive: false, elapsedMs: 0 }

  it('does nothing in reactive mode', () => {
    expect(activationStep({ mode: 'reactive', delaySeconds: 5 }, s)).toEqual({ action: 'none' })
  })

  it('invites after the delay, counting the time already spent on the page', () => {
    expect(activationStep({ mode: 'proactiveInvite', delaySeconds: 5 }, s)).toEqual({ action: 'invite', afterMs: 5000 })
    expect(activationStep({ mode: 'proactiveInvite', delaySeconds: 5 }, { ...s, elapsedMs: 1200 })).toEqual({ action: 'invite', afterMs: 3800 })
    expect(activationStep({ mode: 'proactiveInvite', delaySeconds: 5 }, { ...s, elapsedMs: 9000 })).toEqual({ action: 'invite', afterMs: 0 })
  })

  it('never invites again after a refusal, nor someone already chatting, nor on the full page', () => {
    expect(activationStep({ mode: 'proactiveInvite', delaySeconds: 5 }, { ...s, refused: true })).toEqual({ action: 'none' })
    expect(activationStep({ mode: 'proactiveInvite', delaySeconds: 5 }, { ...s, active: true })).toEqual({ action: 'none' })
    expect(activationStep({ mode: 'proactiveInvite', delaySeconds: 5 }, { ...s, passive: true })).toEqual({ action: 'none' })
  })

  it('engages once per visit without inviting', () => {
    expect(activationStep({ mode: 'proactiveNoInvite', delaySeconds: 10 }, s)).toEqual({ action: 'engage', afterMs: 10_000 })
    expect(activationStep({ mode: 'proactiveNoInvite', delaySeconds: 10 }, { ...s, engaged: true })).toEqual({ action: 'none' })
    // A refused invitation is about invitations only.
    expect(activationStep({ mode: 'proactiveNoInvite', delaySeconds: 10 }, { ...s, refused: true }).action).toBe('engage')
  })
})

describe('the API queue', () => {
  it('keeps calls made before the chat loads and replays them in order', () => {
    const q = new CallQueue<string[]>()
    q.push((t) => t.push('open'))
    q.push((t) => t.push('track'))
    const target: string[] = []
    q.ready(target)
    expect(target).toEqual(['open', 'track'])
    q.push((t) => t.push('now'))
    expect(target).toEqual(['open', 'track', 'now'])
    expect(q.size).toBe(0)
  })

  it('is bounded and survives a failing call', () => {
    const q = new CallQueue<number[]>()
    for (let i = 0; i < CALL_QUEUE_MAX + 20; i++) q.push((t) => t.push(i))
    q.push(() => {
      throw new Error('host bug')
    })
    const target: number[] = []
    const error = console.error
    console.error = () => {}
    try {
      q.ready(target)
    } finally {
      console.error = error
    }
    expect(target.length).toBe(CALL_QUEUE_MAX - 1)
    expect(target.at(-1)).toBe(CALL_QUEUE_MAX + 19)
  })
})

describe('the loader reads the launcher config like the full parser', () => {
  const cases: unknown[] = [
    undefined,
    {},
    { colors: { accent: '#123', visitorText: 'red; x: y' }, position: 'left', launcherText: 'Talk to us', activation: { mode: 'proactiveInvite', delaySeconds: 7.4 } },
    { activation: { mode: 'bogus', delaySeconds: -1 }, position: 'middle', launcherText: 42 },
    { ...DEFAULT_WIDGET_CONFIG, launcherText: 'x'.repeat(100) },
  ]
  for (const c of cases) {
    it(JSON.stringify(c)?.slice(0, 60) ?? 'undefined', () => {
      const full = parseWidgetConfig(c)
      expect(readLauncherConfig(c)).toEqual({
        colors: full.colors,
        position: full.position,
        launcherText: full.launcherText,
        activation: { mode: full.activation.mode, delaySeconds: full.activation.delaySeconds },
      })
    })
  }
})

describe('the widget reads the new server frames defensively', () => {
  it('decodes typing, read, survey and saved, and drops malformed ones', async () => {
    const { decodeFrame } = await import('../../client/widget/frames.ts')
    const enc = (f: unknown) => decodeFrame(JSON.stringify(f))
    expect(enc({ type: 'typing', conversationId: 'c1', typing: true, name: 'Ana' })).toEqual({ type: 'typing', conversationId: 'c1', typing: true, name: 'Ana' })
    expect(enc({ type: 'typing', typing: true })).toBeNull()
    expect(enc({ type: 'read', conversationId: 'c1', upTo: 'm9' })).toEqual({ type: 'read', conversationId: 'c1', upTo: 'm9' })
    expect(enc({ type: 'read', conversationId: 'c1' })).toBeNull()
    expect(enc({ type: 'survey', conversationId: 'c1', csat: true, nps: 'yes' })).toEqual({ type: 'survey', conversationId: 'c1', csat: true, nps: false, comment: false })
    expect(enc({ type: 'saved', what: 'rating' })).toEqual({ type: 'saved', what: 'rating' })
    expect(enc({ type: 'saved', what: '<img>' })).toBeNull()
    expect(enc({ type: 'queue', position: 2, waitSeconds: null })).toEqual({ type: 'queue', position: 2, waitSeconds: null })
  })

  it('keeps welcome working without the new fields (older servers) and reads them when present', async () => {
    const { decodeFrame } = await import('../../client/widget/frames.ts')
    const old = decodeFrame(JSON.stringify({ type: 'welcome', visitorToken: 't', visitorId: 'v', history: [] }))
    expect(old).toEqual({ type: 'welcome', protocol: 0, visitorToken: 't', visitorId: 'v', history: [] })
    const now = decodeFrame(
      JSON.stringify({ type: 'welcome', protocol: 1, visitorToken: 't', visitorId: 'v', history: [], config: { launcherText: 'Hi' }, availability: { online: false, requestForm: true }, current: null, formDone: true }),
    )
    expect(now).toMatchObject({ config: { launcherText: 'Hi' }, availability: { online: false, requestForm: true }, current: null, formDone: true })
  })
})
