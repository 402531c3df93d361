import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_WIDGET_CONFIG, readWidgetConfig, writeWidgetConfig, type WidgetConfig } from '../../shared/widgetConfig.ts'
import {
  checkFields,
  emptyField,
  moveItem,
  optionLines,
  previewConfig,
  widgetConfigFromDraft,
  widgetDraft,
  withStandardId,
  type FieldDraft,
  type WidgetDraft,
} from '../../shared/widgetConfigEdits.ts'

const draft = (edit: (d: WidgetDraft) => void = () => {}): WidgetDraft => {
  const d = widgetDraft(DEFAULT_WIDGET_CONFIG)
  edit(d)
  return d
}
const errorsOf = (d: WidgetDraft) => {
  const r = widgetConfigFromDraft(d)
  return r.ok ? {} : r.errors
}
const field = (f: Partial<FieldDraft>): FieldDraft => ({ ...emptyField(), ...f })

describe('widgetConfigFromDraft', () => {
  it('gives back the defaults from the defaults’ form', () => {
    expect(widgetConfigFromDraft(draft())).toEqual({ ok: true, value: DEFAULT_WIDGET_CONFIG })
  })

  it('round-trips through the settings document unchanged', () => {
    const r = widgetConfigFromDraft(
      draft((d) => {
        d.colors.accent = '#ABCDEF'
        d.launcherText = '  Talk to us '
        d.activation = { mode: 'proactiveInvite', delaySeconds: ' 45 ', inviteMinimised: true, inviteText: 'Need a hand?' }
        d.form.enabled = true
        d.form.fields.push(field({ id: 'plan', label: 'Plan', type: 'select', options: 'Free\n\n Pro \nPro' }))
      }),
    )
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    expect(r.value.colors.accent).toBe('#abcdef')
    expect(r.value.launcherText).toBe('Talk to us')
    expect(r.value.activation.delaySeconds).toBe(45)
    expect(r.value.form.fields.at(-1)).toEqual({ id: 'plan', label: 'Plan', type: 'select', required: false, options: ['Free', 'Pro'] })
    const doc = new Y.Doc()
    writeWidgetConfig(doc, r.value)
    expect(readWidgetConfig(doc)).toEqual(r.value)
    expect(widgetDraft(readWidgetConfig(doc)).form.fields.at(-1)!.options).toBe('Free\nPro')
  })

  it('refuses colours that are not #rgb or #rrggbb', () => {
    const e = errorsOf(
      draft((d) => {
        d.colors.agentText = 'red'
        d.colors.visitorBubble = '#12345'
        d.colors.accent = '#abc'
      }),
    )
    expect(Object.keys(e).sort()).toEqual(['colors.agentText', 'colors.visitorBubble'])
  })

  it('wants launcher words, a department name when shown, and a safe avatar address', () => {
    const e = errorsOf(
      draft((d) => {
        d.launcherText = '  '
        d.department = { enabled: true, name: '', avatarUrl: 'javascript:alert(1)' }
      }),
    )
    expect(e.launcherText).toMatch(/launcher/)
    expect(e['department.name']).toBeDefined()
    expect(e['department.avatarUrl']).toMatch(/https/)
    expect(errorsOf(draft((d) => (d.department = { enabled: true, name: 'Support', avatarUrl: '/files/logo.png' })))).toEqual({})
  })

  it('checks the launch criterion and the invitation of the mode chosen', () => {
    for (const bad of ['', '-1', '1.5', '3601', 'soon'])
      expect(errorsOf(draft((d) => (d.activation.delaySeconds = bad)))['activation.delaySeconds']).toBeDefined()
    expect(errorsOf(draft((d) => (d.activation.delaySeconds = '0')))).toEqual({})
    const e = errorsOf(draft((d) => (d.activation = { mode: 'proactiveInvite', delaySeconds: '10', inviteMinimised: false, inviteText: ' ' })))
    expect(e['activation.inviteText']).toBeDefined()
    // Without an invitation there is no text to write.
    expect(errorsOf(draft((d) => (d.activation = { mode: 'proactiveNoInvite', delaySeconds: '10', inviteMinimised: false, inviteText: '' })))).toEqual({})
  })

  it('wants a pre-chat form that is on to have a field, and a request form with an email', () => {
    expect(errorsOf(draft((d) => ((d.form.enabled = true), (d.form.fields = []))))).toEqual({ form: 'Add a field, or turn the pre-chat form off' })
    expect(errorsOf(draft((d) => ((d.form.enabled = false), (d.form.fields = []))))).toEqual({})
    const e = errorsOf(draft((d) => (d.requestForm.fields = d.requestForm.fields.filter((f) => f.type !== 'email'))))
    expect(e.requestForm).toMatch(/email/)
  })

  it('checks the email delay in whole minutes up to a week', () => {
    expect(errorsOf(draft((d) => (d.emailNotify.afterMinutes = '10081')))['emailNotify.afterMinutes']).toBeDefined()
    expect(errorsOf(draft((d) => (d.emailNotify.afterMinutes = '0')))).toEqual({})
  })
})

describe('checkFields (the form-field editor)', () => {
  const check = (fields: FieldDraft[]) => {
    const errors: Record<string, string> = {}
    const out = checkFields('form', fields, errors)
    return { out, errors }
  }

  it('accepts standard and custom ids', () => {
    const { out, errors } = check([field({ id: 'phone', label: 'Phone', type: 'tel' }), field({ id: 'order_no-2', label: 'Order', required: true })])
    expect(errors).toEqual({})
    expect(out.map((f) => f.id)).toEqual(['phone', 'order_no-2'])
  })

  it('refuses an empty id, a bad one and a repeated one, each on its row', () => {
    const { errors } = check([field({ id: '', label: 'A' }), field({ id: 'order no', label: 'B' }), field({ id: 'name', label: 'C' }), field({ id: 'name', label: 'D' })])
    expect(errors['form.0.id']).toMatch(/Give the field an id/)
    expect(errors['form.1.id']).toMatch(/letters, digits/)
    expect(errors['form.2.id']).toBeUndefined()
    expect(errors['form.3.id']).toBe('Field 3 has this id already')
  })

  it('wants a label, and choices for a list', () => {
    const { errors } = check([field({ id: 'a', label: ' ' }), field({ id: 'b', label: 'Plan', type: 'select', options: ' \n ' })])
    expect(errors['form.0.label']).toBeDefined()
    expect(errors['form.1.options']).toMatch(/at least one choice/)
  })

  it('drops the choices of a field that is not a list', () => {
    const { out } = check([field({ id: 'a', label: 'A', type: 'text', options: 'x\ny' })])
    expect(out[0]!.options).toEqual([])
  })

  it('fills the type and label of a standard id, keeping a label already written', () => {
    expect(withStandardId(emptyField(), 'email')).toMatchObject({ id: 'email', type: 'email', label: 'Email' })
    expect(withStandardId(field({ label: 'Your mobile' }), 'phone')).toMatchObject({ id: 'phone', type: 'tel', label: 'Your mobile' })
  })

  it('moves rows within bounds', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c'])
    expect(moveItem(['a', 'b', 'c'], 2, -2)).toEqual(['c', 'a', 'b'])
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c'])
  })

  it('reads choices one per line', () => {
    expect(optionLines(' Free \n\nPro\n')).toEqual(['Free', 'Pro'])
  })
})

describe('previewConfig', () => {
  it('shows what is valid as typed and the defaults for the rest', () => {
    const c: WidgetConfig = previewConfig(
      draft((d) => {
        d.launcherText = 'Ask us'
        d.colors.accent = '#12'
        d.activation.delaySeconds = 'x'
        d.form.fields.push(field({ id: '', label: 'unfinished' }))
      }),
    )
    expect(c.launcherText).toBe('Ask us')
    expect(c.colors.accent).toBe(DEFAULT_WIDGET_CONFIG.colors.accent)
    expect(c.activation.delaySeconds).toBe(DEFAULT_WIDGET_CONFIG.activation.delaySeconds)
    expect(c.form.fields.map((f) => f.id)).toEqual(['name', 'email'])
    // A plain object: it goes through postMessage.
    expect(structuredClone(c)).toEqual(c)
  })
})
