/**
 * Settings › Workspace: the options of the whole workspace (`settings` › `workspace`). Each change
 * is written at once; offline it waits on this device and merges on reconnect.
 */
import { createEffect, createSignal, For, on, Show } from 'solid-js'
import { ASSIGNMENT_MODES, DEFAULT_OPTIONS, setOption, type AssignmentMode, type WorkspaceOptions } from '../../../../shared/settings.ts'
import { parseReassignAfter, parseTimezone } from '../../../../shared/settingsValidation.ts'
import { timezoneNames } from '../../../../shared/timezone.ts'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import './settingsForms.css'

const MODE_LABELS: Record<AssignmentMode, string> = {
  manual: 'Manual: agents take the chat',
  roundRobin: 'Automatic: round robin',
  leastBusy: 'Automatic: least busy agent',
  longestIdle: 'Automatic: longest idle agent',
}

/** Every IANA timezone this browser knows, for the picker (older browsers: UTC only, the field is typed). */
const TIMEZONES = timezoneNames()

/** What the delay starts at when an admin turns reassignment on: long enough for a short break. */
const DEFAULT_REASSIGN_SECONDS = 300

export function WorkspaceSection(props: SectionProps) {
  const options = (): WorkspaceOptions => props.settings.value()?.workspace ?? DEFAULT_OPTIONS
  const disabled = () => !props.canEdit || props.settings.doc() === null
  const set = <K extends keyof WorkspaceOptions>(key: K, value: WorkspaceOptions[K]) => {
    const doc = props.settings.doc()
    if (doc && props.canEdit) setOption(doc, key, value)
  }

  // The delay as typed; follows the document unless the admin is typing a value it refused.
  const [seconds, setSeconds] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  createEffect(
    on(
      () => options().reassignAfterSeconds,
      (v) => {
        setSeconds(v === null ? '' : String(v))
        setError(null)
      },
    ),
  )
  function commitSeconds() {
    const v = parseReassignAfter(seconds())
    if (v === undefined) return setError('Enter a whole number of seconds, or turn reassignment off.')
    if (v === null) return setError('Enter a number of seconds, or turn reassignment off.')
    setError(null)
    if (v !== options().reassignAfterSeconds) set('reassignAfterSeconds', v)
  }

  // The timezone as typed; follows the document unless the admin is typing a name it refused.
  const [zone, setZone] = createSignal('')
  const [zoneError, setZoneError] = createSignal<string | null>(null)
  createEffect(
    on(
      () => options().timezone,
      (v) => {
        setZone(v)
        setZoneError(null)
      },
    ),
  )
  function commitZone() {
    const parsed = parseTimezone(zone())
    if (!parsed.ok) return setZoneError(parsed.message)
    setZoneError(null)
    setZone(parsed.timezone)
    if (parsed.timezone !== options().timezone) set('timezone', parsed.timezone)
  }

  return (
    <div class="settings-section" data-testid="settings-workspace">
      <div class="settings-heading">
        <h2 class="settings-title">Workspace</h2>
        <SyncNote doc={props.settings} />
      </div>

      <fieldset class="settings-fields" disabled={disabled()}>
        <label class="field">
          Timezone (today and the reports’ days are this zone’s)
          <input
            data-testid="option-timezone"
            list="workspace-timezones"
            autocomplete="off"
            spellcheck={false}
            aria-invalid={zoneError() !== null}
            aria-errormessage={zoneError() ? 'timezone-error' : undefined}
            value={zone()}
            onInput={(e) => setZone(e.currentTarget.value)}
            onChange={commitZone}
            onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), commitZone())}
          />
          <datalist id="workspace-timezones">
            <For each={TIMEZONES}>{(tz) => <option value={tz} />}</For>
          </datalist>
        </label>
        <Show when={zoneError()}>
          <p class="form-error" id="timezone-error" data-testid="option-timezone-error" role="alert">
            {zoneError()}
          </p>
        </Show>
        <label class="field">
          Chats that no routing group takes
          <select
            data-testid="option-default-assignment"
            value={options().defaultAssignment}
            onChange={(e) => {
              const v = e.currentTarget.value as AssignmentMode
              if (ASSIGNMENT_MODES.includes(v)) set('defaultAssignment', v)
            }}
          >
            {ASSIGNMENT_MODES.map((m) => (
              <option value={m}>{MODE_LABELS[m]}</option>
            ))}
          </select>
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            data-testid="option-restrict-offline"
            checked={options().restrictOffline}
            onChange={(e) => set('restrictOffline', e.currentTarget.checked)}
          />
          Agents holding open chats cannot go offline
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            data-testid="option-agents-edit-templates"
            checked={options().agentsEditTemplates}
            onChange={(e) => set('agentsEditTemplates', e.currentTarget.checked)}
          />
          Agents may add and edit reply templates
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            data-testid="option-reassign"
            checked={options().reassignAfterSeconds !== null}
            onChange={(e) => set('reassignAfterSeconds', e.currentTarget.checked ? DEFAULT_REASSIGN_SECONDS : null)}
          />
          Give an agent’s chats back to their group when the agent is offline or away
        </label>
        <Show when={options().reassignAfterSeconds !== null}>
          <label class="field settings-indent">
            After (seconds)
            <input
              class="settings-number"
              data-testid="option-reassign-seconds"
              type="number"
              inputmode="numeric"
              min="0"
              step="1"
              aria-invalid={error() !== null}
              aria-errormessage={error() ? 'reassign-error' : undefined}
              value={seconds()}
              onInput={(e) => setSeconds(e.currentTarget.value)}
              onChange={commitSeconds}
              onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), commitSeconds())}
            />
          </label>
          <Show when={error()}>
            <p class="form-error settings-indent" id="reassign-error" data-testid="option-reassign-error" role="alert">
              {error()}
            </p>
          </Show>
        </Show>
      </fieldset>
    </div>
  )
}
