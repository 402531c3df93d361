/**
 * Settings › Working hours: per team, its timezone, the hours of each weekday (zero or more
 * intervals typed as 09:00–18:00), holidays, and what visitors may do outside those hours. The
 * schedule is checked as a whole and written only when all of it is valid.
 */
import { createEffect, createMemo, createSignal, For, Index, Show, untrack } from 'solid-js'
import { createStore, produce } from 'solid-js/store'
import { putEntry, WEEKDAYS, type OutOfHoursMode, type Weekday } from '../../../../shared/settings.ts'
import { canonicalTimezone, timezoneNames } from '../../../../shared/timezone.ts'
import { addHoliday, copyMondayToWeekdays, hoursDraft, hoursFromDraft, type HoursDraft, type HoursErrors } from '../../../../shared/workingHours.ts'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import './routing.css'

const DAY_NAMES: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' }
/** What "Add hours" puts in a new interval: a working day, to be corrected rather than typed from nothing. */
const NEW_INTERVAL = '09:00–18:00'
const OUT_OF_HOURS: { mode: OutOfHoursMode; label: string }[] = [
  { mode: 'async', label: 'Let the visitor write; agents answer when they are back' },
  { mode: 'requestForm', label: 'Show the request form instead of the chat' },
]

/** This browser's timezone, the likeliest for a new schedule. */
function localTimezone(): string {
  try {
    return canonicalTimezone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? 'UTC'
  } catch {
    return 'UTC'
  }
}

export function HoursSection(props: SectionProps) {
  const settings = () => props.settings.value()
  const [picked, setPicked] = createSignal<string | null>(null)
  // The picked team, else the first one (and none once every team is gone).
  const teamId = createMemo(() => {
    const teams = settings()?.teams ?? []
    const p = picked()
    return teams.some((t) => t.id === p) ? p : (teams[0]?.id ?? null)
  })

  return (
    <div class="settings-section routing" data-testid="settings-hours">
      <div class="settings-heading">
        <h2 class="settings-title">Working hours</h2>
        <SyncNote doc={props.settings} />
      </div>
      <p class="muted">Each team answers during its own hours, in its own timezone.</p>
      <Show when={settings()} fallback={<p class="muted">Loading the settings…</p>}>
        {(s) => (
          <Show when={s().teams.length} fallback={<p class="muted" data-testid="hours-no-team">Add a team first (Settings › Teams & groups).</p>}>
            <div class="field routing-team-pick">
              <label for="hours-team">Team</label>
              <select id="hours-team" class="routing-input" data-testid="hours-team" onChange={(e) => setPicked(e.currentTarget.value)}>
                <For each={s().teams}>
                  {(t) => (
                    <option value={t.id} selected={t.id === teamId()}>
                      {t.name}
                    </option>
                  )}
                </For>
              </select>
            </div>
            <Show when={teamId()} keyed>
              {(id) => <HoursEditor teamId={id} section={props} />}
            </Show>
          </Show>
        )}
      </Show>
    </div>
  )
}

function HoursEditor(props: { teamId: string; section: SectionProps }) {
  const saved = () => props.section.settings.value()?.hours.find((h) => h.teamId === props.teamId)
  // The admin's own copy once they type; saving writes the whole schedule.
  const [draft, setDraft] = createStore<HoursDraft>(hoursDraft(props.teamId, saved(), localTimezone()))
  const [errors, setErrors] = createSignal<HoursErrors>({})
  const [tried, setTried] = createSignal(false)
  const [dirty, setDirty] = createSignal(false)
  const [holiday, setHoliday] = createSignal('')
  const [holidayError, setHolidayError] = createSignal<string | null>(null)
  const [savedNote, setSavedNote] = createSignal(false)
  const zones = timezoneNames()

  // Until the admin types, the form follows the document: the server's copy may arrive after the
  // form opened (a first visit on this device), and saving a stale form would overwrite it.
  let seen = JSON.stringify(saved() ?? null)
  createEffect(() => {
    const now = saved()
    const key = JSON.stringify(now ?? null)
    if (key === seen) return
    seen = key
    if (!untrack(dirty)) setDraft(hoursDraft(props.teamId, now, untrack(() => draft.timezone)))
  })

  const revalidate = () => {
    if (!tried()) return
    const r = hoursFromDraft(draft)
    setErrors(r.ok ? {} : r.errors)
  }
  const changed = (mutate: (d: HoursDraft) => void) => {
    setDraft(produce(mutate))
    setDirty(true)
    setSavedNote(false)
    revalidate()
  }

  function save(e: SubmitEvent) {
    e.preventDefault()
    setTried(true)
    const r = hoursFromDraft(draft)
    if (!r.ok) {
      setErrors(r.errors)
      const first = Object.keys(r.errors)[0]
      if (first) document.getElementById(fieldId(first))?.focus()
      return
    }
    const doc = props.section.settings.doc()
    if (!doc || !props.section.canEdit) return
    putEntry(doc, 'hours', r.value)
    // Show what was stored: the timezone's canonical spelling, intervals in order.
    setDraft(hoursDraft(props.teamId, r.value))
    setErrors({})
    setDirty(false)
    setSavedNote(true)
  }

  function addHolidayDate() {
    const r = addHoliday(draft.holidays, holiday())
    if (!r.ok) return setHolidayError(r.error)
    changed((d) => (d.holidays = r.value))
    setHoliday('')
    setHolidayError(null)
  }

  const fieldId = (field: string) => `hours-${props.teamId}-${field.replace('.', '-')}`
  const errorOf = (field: string) => errors()[field]

  return (
    <form class="routing-editor" data-testid="hours-editor" data-team={props.teamId} onSubmit={save} novalidate>
      <div class="field">
        <label for={fieldId('timezone')}>Timezone</label>
        <input
          id={fieldId('timezone')}
          class="routing-input"
          data-testid="hours-timezone"
          list="hours-timezones"
          autocomplete="off"
          spellcheck={false}
          placeholder="e.g. Europe/Paris"
          value={draft.timezone}
          aria-invalid={errorOf('timezone') !== undefined}
          aria-errormessage={errorOf('timezone') ? fieldId('timezone-error') : undefined}
          onInput={(e) => changed((d) => (d.timezone = e.currentTarget.value))}
        />
        <datalist id="hours-timezones">
          <For each={zones}>{(z) => <option value={z} />}</For>
        </datalist>
        <Show when={errorOf('timezone')}>
          <p class="form-error" id={fieldId('timezone-error')} data-testid="hours-error" data-field="timezone" role="alert">
            {errorOf('timezone')}
          </p>
        </Show>
      </div>

      <fieldset class="routing-fieldset">
        <legend>Hours</legend>
        <div class="routing-week">
          <For each={WEEKDAYS}>
            {(day) => (
              <div class="routing-day" data-testid="hours-day" data-day={day} role="group" aria-label={DAY_NAMES[day]}>
                <span class="routing-day-name">{DAY_NAMES[day]}</span>
                <div class="routing-intervals">
                  <Show when={draft.week[day].length === 0}>
                    <span class="muted" data-testid="hours-closed">
                      Closed
                    </span>
                  </Show>
                  <Index each={draft.week[day]}>
                    {(text, i) => {
                      const field = () => `${day}.${i}`
                      return (
                        <div class="routing-interval">
                          <div class="routing-inline">
                            <input
                              id={fieldId(field())}
                              class="routing-input routing-interval-input"
                              data-testid="hours-interval"
                              aria-label={`${DAY_NAMES[day]}, hours ${i + 1}`}
                              placeholder="09:00–18:00"
                              autocomplete="off"
                              value={text()}
                              aria-invalid={errorOf(field()) !== undefined}
                              aria-errormessage={errorOf(field()) ? fieldId(`${field()}-error`) : undefined}
                              onInput={(e) => changed((d) => (d.week[day][i] = e.currentTarget.value))}
                            />
                            <button
                              type="button"
                              class="button button-quiet"
                              data-testid="hours-interval-remove"
                              aria-label={`Remove ${DAY_NAMES[day]} ${text() || `hours ${i + 1}`}`}
                              onClick={() => {
                                // Errors are keyed by position: check again once the positions moved.
                                changed((d) => d.week[day].splice(i, 1))
                                if (!tried()) setErrors({})
                              }}
                            >
                              Remove
                            </button>
                          </div>
                          <Show when={errorOf(field())}>
                            <p class="form-error" id={fieldId(`${field()}-error`)} data-testid="hours-error" data-field={field()} role="alert">
                              {errorOf(field())}
                            </p>
                          </Show>
                        </div>
                      )
                    }}
                  </Index>
                </div>
                <button
                  type="button"
                  class="button button-quiet"
                  data-testid="hours-interval-add"
                  aria-label={`Add hours on ${DAY_NAMES[day]}`}
                  onClick={() => changed((d) => d.week[day].push(draft.week[day].length ? '' : NEW_INTERVAL))}
                >
                  Add hours
                </button>
              </div>
            )}
          </For>
        </div>
        <button type="button" class="button" data-testid="hours-copy-monday" onClick={() => changed((d) => (d.week = copyMondayToWeekdays(d.week)))}>
          Copy Monday to weekdays
        </button>
      </fieldset>

      <fieldset class="routing-fieldset">
        <legend>Holidays</legend>
        <div class="routing-inline">
          <label class="visually-hidden" for={fieldId('holiday')}>
            Holiday date
          </label>
          <input
            id={fieldId('holiday')}
            class="routing-input"
            type="date"
            data-testid="hours-holiday-date"
            value={holiday()}
            aria-invalid={holidayError() !== null}
            aria-errormessage={holidayError() ? fieldId('holiday-error') : undefined}
            onInput={(e) => {
              setHoliday(e.currentTarget.value)
              setHolidayError(null)
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault()
                addHolidayDate()
              }
            }}
          />
          <button type="button" class="button" data-testid="hours-holiday-add" onClick={addHolidayDate}>
            Add holiday
          </button>
        </div>
        <Show when={holidayError() ?? errorOf('holidays')}>
          {(message) => (
            <p class="form-error" id={fieldId('holiday-error')} data-testid="hours-error" data-field="holidays" role="alert">
              {message()}
            </p>
          )}
        </Show>
        <ul class="routing-holidays">
          <For each={draft.holidays} fallback={<li class="muted">No holidays.</li>}>
            {(date) => (
              <li class="routing-holiday" data-testid="hours-holiday" data-date={date}>
                <span>{date}</span>
                <button type="button" class="button button-quiet" data-testid="hours-holiday-remove" aria-label={`Remove the holiday ${date}`} onClick={() => changed((d) => (d.holidays = d.holidays.filter((x) => x !== date)))}>
                  Remove
                </button>
              </li>
            )}
          </For>
        </ul>
      </fieldset>

      <fieldset class="routing-fieldset">
        <legend>Outside these hours</legend>
        <For each={OUT_OF_HOURS}>
          {(o) => (
            <label class="routing-check">
              <input
                type="radio"
                name={`hours-out-${props.teamId}`}
                value={o.mode}
                data-testid={`hours-out-${o.mode}`}
                checked={draft.outOfHours === o.mode}
                onChange={() => changed((d) => (d.outOfHours = o.mode))}
              />
              {o.label}
            </label>
          )}
        </For>
      </fieldset>

      <Show when={props.section.canEdit}>
        <div class="routing-actions">
          <Show when={savedNote() && !dirty()}>
            <span class="muted" role="status" data-testid="hours-saved">
              Saved
            </span>
          </Show>
          <Show when={dirty()}>
            <button
              type="button"
              class="button button-quiet"
              data-testid="hours-cancel"
              onClick={() => {
                setDraft(hoursDraft(props.teamId, saved(), localTimezone()))
                setErrors({})
                setTried(false)
                setDirty(false)
              }}
            >
              Discard changes
            </button>
          </Show>
          <button type="submit" class="button button-primary" data-testid="hours-save">
            Save hours
          </button>
        </div>
      </Show>
    </form>
  )
}
