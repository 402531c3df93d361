/**
 * The form of one routing group: name, team, waiting-list limit and the message shown when it is
 * reached, how chats are assigned, required skills and the rights its members get. Nothing is
 * written until the whole form is valid.
 */
import { For } from 'solid-js'
import { FULL_MESSAGE_MAX, groupFromDraft, MAX_CONVERSATIONS_LIMIT, NAME_MAX, type GroupDraft } from '../../../../shared/routingEdits.ts'
import { createDraftForm } from './draftForm.tsx'
import { ASSIGNMENT_MODES, type AccessRights, type AssignmentMode, type RoutingGroup, type Settings } from '../../../../shared/settings.ts'

export const ASSIGNMENT_LABELS: Record<AssignmentMode, string> = {
  manual: 'Manual — agents “take the chat”',
  roundRobin: 'Round-robin',
  leastBusy: 'Least busy',
  longestIdle: 'Longest idle',
}

const ACCESS_LABELS: Record<keyof AccessRights, string> = {
  omnichannel: 'Omnichannel — see and answer conversations',
  unassignedQueue: 'Unassigned queue — see and take chats nobody has',
  management: 'Management — live view, reports, reassigning',
  settings: 'Settings — edit the workspace’s settings',
}

export function GroupEditor(props: {
  initial: GroupDraft
  settings: () => Settings
  isNew: boolean
  onSave: (g: RoutingGroup) => void
  onCancel: () => void
}) {
  const form = createDraftForm({
    initial: props.initial,
    idPrefix: `group-${props.initial.id}`,
    errorTestId: 'group-error',
    check: (draft: GroupDraft) => groupFromDraft(draft, props.settings()),
    onSave: props.onSave,
  })
  const { draft, edit, id, bad, errorOf, FieldError } = form

  return (
    <form class="routing-editor" data-testid="group-editor" aria-label={props.isNew ? 'New routing group' : `Edit ${props.initial.name}`} onSubmit={form.onSubmit} novalidate>
      <div class="routing-grid">
        <div class="field">
          <label for={id('name')}>Name</label>
          <input id={id('name')} class="routing-input" data-testid="group-name" maxLength={NAME_MAX} autocomplete="off" value={draft.name} onInput={(e) => edit('name', e.currentTarget.value)} aria-invalid={bad('name')} aria-errormessage={errorOf('name')} />
          <FieldError field="name" />
        </div>
        <div class="field">
          <label for={id('teamId')}>Team</label>
          <select id={id('teamId')} class="routing-input" data-testid="group-team" onChange={(e) => edit('teamId', e.currentTarget.value || null)} aria-invalid={bad('teamId')} aria-errormessage={errorOf('teamId')}>
            <option value="" selected={draft.teamId === null}>
              No team
            </option>
            <For each={props.settings().teams}>
              {(t) => (
                <option value={t.id} selected={draft.teamId === t.id}>
                  {t.name}
                </option>
              )}
            </For>
          </select>
          <FieldError field="teamId" />
        </div>
        <div class="field">
          <label for={id('maxConversations')}>Maximum conversations</label>
          <input
            id={id('maxConversations')}
            class="routing-input"
            data-testid="group-max"
            type="number"
            inputMode="numeric"
            min="1"
            max={MAX_CONVERSATIONS_LIMIT}
            step="1"
            placeholder="No limit"
            value={draft.maxConversations}
            onInput={(e) => edit('maxConversations', e.currentTarget.value)}
            aria-invalid={bad('maxConversations')} aria-errormessage={errorOf('maxConversations')}
          />
          <span class="routing-hint">Waiting and open chats together; empty for no limit.</span>
          <FieldError field="maxConversations" />
        </div>
        <div class="field">
          <label for={id('assignment')}>Assignment</label>
          <select id={id('assignment')} class="routing-input" data-testid="group-assignment" onChange={(e) => edit('assignment', e.currentTarget.value as AssignmentMode)} aria-invalid={bad('assignment')} aria-errormessage={errorOf('assignment')}>
            <For each={ASSIGNMENT_MODES}>
              {(m) => (
                <option value={m} selected={draft.assignment === m}>
                  {ASSIGNMENT_LABELS[m]}
                </option>
              )}
            </For>
          </select>
          <FieldError field="assignment" />
        </div>
      </div>
      <div class="field">
        <label for={id('fullMessage')}>Message when the group is full</label>
        <textarea
          id={id('fullMessage')}
          class="routing-input"
          data-testid="group-full-message"
          rows={2}
          maxLength={FULL_MESSAGE_MAX}
          value={draft.fullMessage}
          onInput={(e) => edit('fullMessage', e.currentTarget.value)}
          aria-invalid={bad('fullMessage')} aria-errormessage={errorOf('fullMessage')}
        />
        <FieldError field="fullMessage" />
      </div>
      <label class="routing-check">
        <input type="checkbox" data-testid="group-online" checked={draft.onlyWhenOnline} onChange={(e) => edit('onlyWhenOnline', e.currentTarget.checked)} />
        Offer this group only while one of its agents is online
      </label>
      <fieldset class="routing-fieldset">
        <legend>Required skills</legend>
        <div class="routing-checks">
          <For each={props.settings().skills} fallback={<span class="muted">No skills yet (Settings › Skills).</span>}>
            {(k) => (
              <label class="routing-check">
                <input
                  type="checkbox"
                  data-testid="group-skill"
                  data-id={k.id}
                  checked={draft.skills.includes(k.id)}
                  onChange={(e) => edit('skills', e.currentTarget.checked ? [...draft.skills, k.id] : draft.skills.filter((s) => s !== k.id))}
                />
                {k.name}
              </label>
            )}
          </For>
        </div>
      </fieldset>
      <fieldset class="routing-fieldset">
        <legend>Access rights of its members</legend>
        <div class="routing-checks routing-checks-column">
          <For each={Object.keys(ACCESS_LABELS) as (keyof AccessRights)[]}>
            {(right) => (
              <label class="routing-check">
                <input type="checkbox" data-testid={`group-access-${right}`} checked={draft.access[right]} onChange={(e) => edit('access', { ...draft.access, [right]: e.currentTarget.checked })} />
                {ACCESS_LABELS[right]}
              </label>
            )}
          </For>
        </div>
      </fieldset>
      <div class="routing-actions">
        <button type="button" class="button button-quiet" data-testid="group-cancel" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="submit" class="button button-primary" data-testid="group-save">
          {props.isNew ? 'Add group' : 'Save group'}
        </button>
      </div>
    </form>
  )
}
