/**
 * The form of one proactive message (Settings › Proactive messages): name and pages, the onset
 * (rules on the visitor, or a site event and rules on its payload), the message and where the
 * reply goes, the qualifying triggers and how often. Checked as the REST API checks it, each
 * refusal beside its field (the fields' ids are the body's paths).
 */
import { For, Index, Show } from 'solid-js'
import type { StoredProactive } from '../../../../shared/proactive/documents.ts'
import { blankRule, bodyOf, draftOf, type ProactiveDraft } from '../../../../shared/proactive/edits.ts'
import { ATTRIBUTE_FIELDS, OPS, UTM_FIELDS, type RuleOp } from '../../../../shared/proactive/model.ts'
import { checkProactiveBody, type ProactiveBody } from '../../../../shared/proactive/schema.ts'
import type { Settings } from '../../../../shared/settings.ts'
import { createDraftForm } from './draftForm.tsx'

const OP_LABELS: Record<RuleOp, string> = {
  equals: 'is',
  notEquals: 'is not',
  contains: 'contains',
  startsWith: 'starts with',
  wildcard: 'matches (*)',
  '=': '=',
  '!=': '≠',
  '>': '>',
  '<': '<',
  '>=': '≥',
  '<=': '≤',
  isSet: 'is set',
}

const ATTRIBUTE_SUGGESTIONS = [...ATTRIBUTE_FIELDS, ...UTM_FIELDS.map((f) => `utm.${f}`), 'attr.']
const EVENT_SUGGESTIONS = ['payload.value', 'element.', 'value']

export function ProactiveEditor(p: {
  initial: StoredProactive | null
  settings: () => Settings
  /** Who a reply may be routed to by name. */
  agents: () => { id: string; name: string }[]
  onSave: (body: ProactiveBody, status: StoredProactive['status']) => void
  onCancel: () => void
}) {
  let status: StoredProactive['status'] = 'draft'
  const form = createDraftForm({
    initial: draftOf(p.initial),
    idPrefix: `proactive-${p.initial?.id ?? 'new'}`,
    errorTestId: 'proactive-error',
    check: (d: ProactiveDraft) => checkProactiveBody(bodyOf(d)),
    onSave: (body: ProactiveBody) => p.onSave(body, status),
  })
  const { draft, edit, setDraft, id, bad, errorOf, FieldError } = form
  const settings = p.settings
  const live = p.initial?.status === 'live'
  const submitAs = (s: StoredProactive['status']) => () => (status = s)
  /** One condition changed: the errors follow, once a save was tried. */
  const editRule = (i: number, change: Partial<ProactiveDraft['rules'][number]>) => edit('rules', draft.rules.map((r, k) => (k === i ? { ...r, ...change } : r)))
  const suggestions = () => (draft.kind === 'attributes' ? ATTRIBUTE_SUGGESTIONS : EVENT_SUGGESTIONS)
  const listId = id('fields')
  const routeTargets = () =>
    draft.routeKind === 'team'
      ? settings().teams.map((t) => ({ id: t.id, name: t.name }))
      : draft.routeKind === 'skill'
        ? settings().skills.map((s) => ({ id: s.id, name: s.name }))
        : draft.routeKind === 'agent'
          ? p.agents()
          : []

  return (
    <form class="routing-editor" data-testid="proactive-editor" aria-label={p.initial ? `Edit ${p.initial.name}` : 'New proactive message'} onSubmit={form.onSubmit} novalidate>
      <datalist id={listId}>
        <For each={suggestions()}>{(f) => <option value={f} />}</For>
      </datalist>
      <fieldset class="routing-grid">
        <legend>Name and site</legend>
        <div class="field routing-span">
          <label for={id('name')}>Name</label>
          <input id={id('name')} class="routing-input" data-testid="proactive-name" autocomplete="off" value={draft.name} onInput={(e) => edit('name', e.currentTarget.value)} aria-invalid={bad('name')} aria-errormessage={errorOf('name')} />
          <FieldError field="name" />
        </div>
        <label class="routing-check">
          <input type="checkbox" data-testid="proactive-site-all" checked={draft.siteAll} onChange={(e) => edit('siteAll', e.currentTarget.checked)} /> Every page of the site
        </label>
        <Show when={!draft.siteAll}>
          <div class="field routing-span">
            <label for={id('site.patterns')}>Pages (host and path, one a line; * matches anything)</label>
            <textarea id={id('site.patterns')} class="routing-input" rows={3} data-testid="proactive-site-patterns" placeholder="shop.example.com/pricing*" value={draft.patterns} onInput={(e) => edit('patterns', e.currentTarget.value)} />
            <FieldError field="site.patterns" />
          </div>
        </Show>
      </fieldset>

      <fieldset class="routing-grid">
        <legend>Onset</legend>
        <div class="field">
          <label for={id('kind')}>Starts on</label>
          <select
            id={id('kind')}
            class="routing-input"
            data-testid="proactive-onset-kind"
            onChange={(e) => {
              const kind = e.currentTarget.value === 'event' ? 'event' : 'attributes'
              setDraft({ kind, rules: kind === 'attributes' ? [blankRule(kind)] : [], groups: [] })
              edit('kind', kind)
            }}
          >
            <option value="attributes" selected={draft.kind === 'attributes'}>
              rules on the visitor
            </option>
            <option value="event" selected={draft.kind === 'event'}>
              an event of the site
            </option>
          </select>
        </div>
        <Show when={draft.kind === 'event'}>
          <div class="field">
            <label for={id('eventOn')}>Event</label>
            <select id={id('eventOn')} class="routing-input" data-testid="proactive-event-on" onChange={(e) => edit('eventOn', e.currentTarget.value as ProactiveDraft['eventOn'])}>
              <option value="click" selected={draft.eventOn === 'click'}>
                click on
              </option>
              <option value="change" selected={draft.eventOn === 'change'}>
                change of
              </option>
              <option value="hover" selected={draft.eventOn === 'hover'}>
                pointer resting on
              </option>
              <option value="track" selected={draft.eventOn === 'track'}>
                Parley.track event
              </option>
            </select>
          </div>
          <Show
            when={draft.eventOn === 'track'}
            fallback={
              <div class="field">
                <label for={id('onset.event.selector')}>Elements (CSS selector)</label>
                <input id={id('onset.event.selector')} class="routing-input" data-testid="proactive-selector" spellcheck={false} placeholder="#buy, .add-to-cart" value={draft.selector} onInput={(e) => edit('selector', e.currentTarget.value)} aria-invalid={bad('onset.event.selector')} />
                <FieldError field="onset.event.selector" />
              </div>
            }
          >
            <div class="field">
              <label for={id('onset.event.name')}>Event name</label>
              <input id={id('onset.event.name')} class="routing-input" data-testid="proactive-track-name" spellcheck={false} placeholder="added_to_cart" value={draft.trackName} onInput={(e) => edit('trackName', e.currentTarget.value)} />
              <FieldError field="onset.event.name" />
            </div>
          </Show>
          <Show when={draft.eventOn === 'hover'}>
            <div class="field">
              <label for={id('onset.event.ms')}>For (ms)</label>
              <input id={id('onset.event.ms')} class="routing-input" inputMode="numeric" data-testid="proactive-hover-ms" value={draft.hoverMs} onInput={(e) => edit('hoverMs', e.currentTarget.value)} />
              <FieldError field="onset.event.ms" />
            </div>
          </Show>
        </Show>
        <div class="field">
          <label for={id('match')}>Conditions</label>
          <select id={id('match')} class="routing-input" data-testid="proactive-match" onChange={(e) => edit('match', e.currentTarget.value === 'any' ? 'any' : 'all')}>
            <option value="all" selected={draft.match === 'all'}>
              all of these hold
            </option>
            <option value="any" selected={draft.match === 'any'}>
              any of these holds
            </option>
          </select>
        </div>
        <ol class="routing-span proactive-rules" data-testid="proactive-rules">
          <Index each={draft.rules}>
            {(r, i) => (
              <li class="proactive-rule" data-testid="proactive-rule">
                <input
                  id={id(`onset.rules.${i}.field`)}
                  class="routing-input"
                  list={listId}
                  aria-label={`Condition ${i + 1}: field`}
                  data-testid="proactive-rule-field"
                  spellcheck={false}
                  value={r().field}
                  onInput={(e) => editRule(i, { field: e.currentTarget.value })}
                />
                <select aria-label={`Condition ${i + 1}: comparison`} class="routing-input" data-testid="proactive-rule-op" onChange={(e) => editRule(i, { op: e.currentTarget.value as RuleOp })}>
                  <For each={OPS}>
                    {(op) => (
                      <option value={op} selected={r().op === op}>
                        {OP_LABELS[op]}
                      </option>
                    )}
                  </For>
                </select>
                <Show when={r().op !== 'isSet'}>
                  <input
                    id={id(`onset.rules.${i}.value`)}
                    class="routing-input"
                    aria-label={`Condition ${i + 1}: value`}
                    data-testid="proactive-rule-value"
                    value={r().value}
                    onInput={(e) => editRule(i, { value: e.currentTarget.value })}
                    aria-invalid={bad(`onset.rules.${i}.value`)}
                  />
                </Show>
                <button type="button" class="button button-quiet" aria-label={`Remove condition ${i + 1}`} data-testid="proactive-rule-remove" onClick={() => edit('rules', draft.rules.filter((_, k) => k !== i))}>
                  Remove
                </button>
                <FieldError field={`onset.rules.${i}.field`} />
                <FieldError field={`onset.rules.${i}.op`} />
                <FieldError field={`onset.rules.${i}.value`} />
              </li>
            )}
          </Index>
        </ol>
        <Show when={draft.groups.length}>
          <p class="muted routing-span">Also {draft.groups.length} grouped condition(s) set over the API, kept as they are.</p>
        </Show>
        <div class="routing-span">
          <button type="button" class="button button-quiet" data-testid="proactive-rule-add" onClick={() => edit('rules', [...draft.rules, blankRule(draft.kind)])}>
            Add condition
          </button>
          <FieldError field="onset.rules" />
        </div>
      </fieldset>

      <fieldset class="routing-grid">
        <legend>Message</legend>
        <div class="field">
          <label for={id('fromName')}>From</label>
          <input id={id('fromName')} class="routing-input" data-testid="proactive-from" placeholder="Your company" value={draft.fromName} onInput={(e) => edit('fromName', e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={id('teamId')}>Team</label>
          <select id={id('teamId')} class="routing-input" data-testid="proactive-team" onChange={(e) => edit('teamId', e.currentTarget.value || null)}>
            <option value="" selected={draft.teamId === null}>
              The workspace
            </option>
            <For each={settings().teams}>
              {(t) => (
                <option value={t.id} selected={draft.teamId === t.id}>
                  {t.name}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="field routing-span">
          <label for={id('message.text')}>Text ({'{name}'} is the visitor’s name when known)</label>
          <textarea id={id('message.text')} class="routing-input" rows={3} data-testid="proactive-text" value={draft.text} onInput={(e) => edit('text', e.currentTarget.value)} aria-invalid={bad('message.text')} aria-errormessage={errorOf('message.text')} />
          <FieldError field="message.text" />
        </div>
        <div class="field">
          <label for={id('presentation')}>Shown as</label>
          <select id={id('presentation')} class="routing-input" data-testid="proactive-presentation" onChange={(e) => edit('presentation', e.currentTarget.value as ProactiveDraft['presentation'])}>
            <option value="popup" selected={draft.presentation === 'popup'}>
              a pop-up in the middle
            </option>
            <option value="badge" selected={draft.presentation === 'badge'}>
              a badge on the launcher
            </option>
            <option value="preview" selected={draft.presentation === 'preview'}>
              a preview over the launcher
            </option>
          </select>
        </div>
        <div class="field">
          <label for={id('routeKind')}>The reply goes to</label>
          <select id={id('routeKind')} class="routing-input" data-testid="proactive-route-kind" onChange={(e) => setDraft({ routeKind: e.currentTarget.value as ProactiveDraft['routeKind'], routeId: '' })}>
            <option value="workspace" selected={draft.routeKind === 'workspace'}>
              the usual routing
            </option>
            <option value="team" selected={draft.routeKind === 'team'}>
              a team’s queue
            </option>
            <option value="skill" selected={draft.routeKind === 'skill'}>
              agents with a skill
            </option>
            <option value="agent" selected={draft.routeKind === 'agent'}>
              one agent
            </option>
          </select>
        </div>
        <Show when={draft.routeKind !== 'workspace'}>
          <div class="field">
            <label for={id('routeTo')}>Which</label>
            <select id={id('routeTo')} class="routing-input" data-testid="proactive-route-target" onChange={(e) => edit('routeId', e.currentTarget.value)}>
              <option value="" selected={!draft.routeId}>
                Choose…
              </option>
              <For each={routeTargets()}>
                {(t) => (
                  <option value={t.id} selected={draft.routeId === t.id}>
                    {t.name}
                  </option>
                )}
              </For>
            </select>
            <FieldError field="routeTo" />
          </div>
        </Show>
      </fieldset>

      <fieldset class="routing-grid">
        <legend>Sent only when</legend>
        <label class="routing-check">
          <input type="checkbox" data-testid="proactive-qualify-hours" checked={draft.workingHours} onChange={(e) => edit('workingHours', e.currentTarget.checked)} /> within the team’s working hours
        </label>
        <label class="routing-check">
          <input type="checkbox" data-testid="proactive-qualify-agents" checked={draft.agentAvailability} onChange={(e) => edit('agentAvailability', e.currentTarget.checked)} /> someone who could answer is online
        </label>
        <label class="routing-check">
          <input type="checkbox" data-testid="proactive-qualify-slots" checked={draft.slotsLeft} onChange={(e) => edit('slotsLeft', e.currentTarget.checked)} /> one of them has a free slot
        </label>
      </fieldset>

      <fieldset class="routing-grid">
        <legend>How often</legend>
        <div class="field">
          <label for={id('per')}>At most</label>
          <select id={id('per')} class="routing-input" data-testid="proactive-frequency" onChange={(e) => edit('per', e.currentTarget.value as ProactiveDraft['per'])}>
            <option value="visitor" selected={draft.per === 'visitor'}>
              once per visitor
            </option>
            <option value="visit" selected={draft.per === 'visit'}>
              once per visit
            </option>
            <option value="hours" selected={draft.per === 'hours'}>
              every few hours
            </option>
          </select>
        </div>
        <Show when={draft.per === 'hours'}>
          <div class="field">
            <label for={id('frequency.hours')}>Hours apart</label>
            <input id={id('frequency.hours')} class="routing-input" inputMode="numeric" data-testid="proactive-hours" value={draft.hours} onInput={(e) => edit('hours', e.currentTarget.value)} aria-invalid={bad('frequency.hours')} />
            <FieldError field="frequency.hours" />
          </div>
        </Show>
        <label class="routing-check">
          <input type="checkbox" data-testid="proactive-stop-after-reply" checked={draft.stopAfterReply} onChange={(e) => edit('stopAfterReply', e.currentTarget.checked)} /> never again once the visitor replied or closed it
        </label>
      </fieldset>

      <div class="routing-actions">
        <Show
          when={live}
          fallback={
            <button type="submit" class="button" data-testid="proactive-save-draft" onClick={submitAs('draft')}>
              Save as draft
            </button>
          }
        >
          <button type="submit" class="button" data-testid="proactive-unpublish" onClick={submitAs('draft')}>
            Un-publish
          </button>
        </Show>
        <button type="submit" class="button button-primary" data-testid="proactive-save-publish" onClick={submitAs('live')}>
          {live ? 'Save and publish changes' : 'Save and publish'}
        </button>
        <button type="button" class="button button-quiet" data-testid="proactive-cancel" onClick={() => p.onCancel()}>
          Cancel
        </button>
      </div>
    </form>
  )
}
