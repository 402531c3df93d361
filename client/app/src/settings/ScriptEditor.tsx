/** The form of one script: which pages it matches and where their chats go. Written only when valid. */
import { For } from 'solid-js'
import { NAME_MAX, scriptFromDraft, URL_MAX, type ScriptDraft } from '../../../../shared/routingEdits.ts'
import type { Script, Settings } from '../../../../shared/settings.ts'
import { createDraftForm } from './draftForm.tsx'

export function ScriptEditor(props: { initial: ScriptDraft; settings: () => Settings; isNew: boolean; onSave: (s: Script) => void; onCancel: () => void }) {
  const form = createDraftForm({
    initial: props.initial,
    idPrefix: `script-${props.initial.id}`,
    errorTestId: 'script-error',
    check: (draft: ScriptDraft) => scriptFromDraft(draft, props.settings()),
    onSave: props.onSave,
  })
  const { draft, edit, id, bad, errorOf, FieldError } = form
  /** Groups offered for the chosen team: its own and those of no team. */
  const groups = () => props.settings().groups.filter((g) => draft.teamId === null || g.teamId === null || g.teamId === draft.teamId)

  return (
    <form class="routing-editor" data-testid="script-editor" aria-label={props.isNew ? 'New script' : `Edit ${props.initial.name}`} onSubmit={form.onSubmit} novalidate>
      <div class="routing-grid">
        <div class="field">
          <label for={id('name')}>Name</label>
          <input id={id('name')} class="routing-input" data-testid="script-name" maxLength={NAME_MAX} autocomplete="off" value={draft.name} onInput={(e) => edit('name', e.currentTarget.value)} aria-invalid={bad('name')} aria-errormessage={errorOf('name')} />
          <FieldError field="name" />
        </div>
        <div class="field">
          <label for={id('match')}>The page address</label>
          <select id={id('match')} class="routing-input" data-testid="script-match" onChange={(e) => edit('match', e.currentTarget.value === 'full' ? 'full' : 'partial')}>
            <option value="partial" selected={draft.match === 'partial'}>
              contains
            </option>
            <option value="full" selected={draft.match === 'full'}>
              is exactly
            </option>
          </select>
        </div>
        <div class="field routing-span">
          <label for={id('url')}>Address</label>
          <input
            id={id('url')}
            class="routing-input"
            data-testid="script-url"
            maxLength={URL_MAX}
            autocomplete="off"
            spellcheck={false}
            placeholder={draft.match === 'full' ? 'https://shop.example/pricing' : '/pricing'}
            value={draft.url}
            onInput={(e) => edit('url', e.currentTarget.value)}
            aria-invalid={bad('url')}
            aria-errormessage={errorOf('url')}
          />
          <FieldError field="url" />
        </div>
        <div class="field">
          <label for={id('teamId')}>Team</label>
          <select id={id('teamId')} class="routing-input" data-testid="script-team" onChange={(e) => edit('teamId', e.currentTarget.value || null)} aria-invalid={bad('teamId')} aria-errormessage={errorOf('teamId')}>
            <option value="" selected={draft.teamId === null}>
              Any team
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
          <label for={id('groupId')}>Group</label>
          <select id={id('groupId')} class="routing-input" data-testid="script-group" onChange={(e) => edit('groupId', e.currentTarget.value || null)} aria-invalid={bad('groupId')} aria-errormessage={errorOf('groupId')}>
            <option value="" selected={draft.groupId === null}>
              Any group
            </option>
            <For each={groups()}>
              {(g) => (
                <option value={g.id} selected={draft.groupId === g.id}>
                  {g.name}
                </option>
              )}
            </For>
          </select>
          <FieldError field="groupId" />
        </div>
      </div>
      <label class="routing-check">
        <input type="checkbox" data-testid="script-online" checked={draft.onlyWhenOnline} onChange={(e) => edit('onlyWhenOnline', e.currentTarget.checked)} />
        Only while one of the group’s agents is online
      </label>
      <label class="routing-check">
        <input type="checkbox" data-testid="script-request-form" checked={draft.requestFormWhenNobody} onChange={(e) => edit('requestFormWhenNobody', e.currentTarget.checked)} />
        Show the request form when nobody can answer
      </label>
      <label class="routing-check">
        <input type="checkbox" data-testid="script-active-edit" checked={draft.active} onChange={(e) => edit('active', e.currentTarget.checked)} />
        Active
      </label>
      <div class="routing-actions">
        <button type="button" class="button button-quiet" data-testid="script-cancel" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="submit" class="button button-primary" data-testid="script-save">
          {props.isNew ? 'Add script' : 'Save script'}
        </button>
      </div>
    </form>
  )
}
