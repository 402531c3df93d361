/**
 * Settings › Bot: the bot that greets a new widget conversation, asks qualifying questions with
 * buttons, stores the answers on the client card and hands the conversation to the group the
 * answers choose. The form is checked whole before it is written (`botConfigProblem`), then
 * written whole with `writeBotConfig` into the `settings` document: saved on this device at once,
 * synced when online. While the form is unchanged it follows the document (another admin's save shows).
 */
import { batch, createEffect, createMemo, createSignal, For, Index, on, Show } from 'solid-js'
import { createStore, produce } from 'solid-js/store'
import { botConfigProblem, BOT_LIMITS, DEFAULT_BOT_CONFIG, readBotConfig, writeBotConfig, type BotConfig, type BotQuestion } from '../../../../shared/bot.ts'
import { moveItem } from '../../../../shared/widgetConfigEdits.ts'
import type { SectionProps } from './sections.ts'
import { SyncNote } from './SyncNote.tsx'
import './routing.css'

const json = (c: BotConfig) => JSON.stringify(c)

/** The form as the admin left it, tidied: trimmed texts, a button's value defaulting to its label. */
function tidy(c: BotConfig): BotConfig {
  return {
    ...c,
    greeting: c.greeting.trim(),
    handoffText: c.handoffText.trim(),
    questions: c.questions.map((q) => ({
      ...q,
      text: q.text.trim(),
      attribute: q.attribute.trim(),
      id: q.attribute.trim(),
      options: q.options.map((o) => ({ label: o.label.trim(), value: o.value.trim() || o.label.trim() })),
    })),
    routes: c.routes.map((r) => ({ ...r, when: r.when.map((w) => ({ attribute: w.attribute, value: w.value.trim() })) })),
  }
}

export function BotSection(props: SectionProps) {
  const saved = createMemo(() => {
    void props.settings.value()
    const doc = props.settings.doc()
    return doc ? readBotConfig(doc) : null
  })
  const groups = () => props.settings.value()?.groups ?? []
  const [draft, setDraft] = createStore<BotConfig>(structuredClone(DEFAULT_BOT_CONFIG))
  const [base, setBase] = createSignal(json(DEFAULT_BOT_CONFIG))
  const [problem, setProblem] = createSignal<string | null>(null)
  const [justSaved, setJustSaved] = createSignal(false)
  const dirty = createMemo(() => json(draft) !== base())
  const [changedElsewhere, setChangedElsewhere] = createSignal(false)
  const editable = () => props.canEdit && props.settings.doc() !== null

  const load = (c: BotConfig) =>
    batch(() => {
      setBase(json(c))
      setDraft(structuredClone(c))
      setChangedElsewhere(false)
      setProblem(null)
    })
  createEffect(
    on(saved, (config) => {
      if (!config || json(config) === base()) return
      if (!dirty()) load(config)
      else setChangedElsewhere(true)
    }),
  )

  function save(e: SubmitEvent) {
    e.preventDefault()
    const doc = props.settings.doc()
    if (!doc || !props.canEdit) return
    const next = tidy(draft)
    const why = botConfigProblem(next, groups().map((g) => g.id))
    setProblem(why)
    setJustSaved(false)
    if (why) return
    writeBotConfig(doc, next)
    load(readBotConfig(doc))
    setJustSaved(true)
  }

  const edited = () => setJustSaved(false)
  const update = (fn: (c: BotConfig) => void) => setDraft(produce(fn))
  const attributes = () => draft.questions.map((q) => q.attribute.trim()).filter(Boolean)
  const questionOf = (attribute: string): BotQuestion | undefined => draft.questions.find((q) => q.attribute.trim() === attribute)

  return (
    <div class="settings-section bot-settings routing" data-testid="settings-bot">
      <div class="settings-heading">
        <h2 class="settings-title">Bot</h2>
        <SyncNote doc={props.settings} />
      </div>
      <p class="muted">
        Before a new chat reaches an agent, the bot greets the visitor, asks your questions with buttons, keeps the answers on the client card and hands the chat to
        the group the answers choose. An agent who takes the chat meanwhile stops the bot.
      </p>
      <Show when={saved()} fallback={<p class="muted">Loading the settings…</p>}>
        <form class="settings-form" data-testid="bot-form" aria-label="Bot settings" onSubmit={save} onInput={edited} onChange={edited} novalidate>
          <fieldset class="settings-fields" disabled={!editable()}>
            <label class="routing-check">
              <input type="checkbox" data-testid="bot-enabled" checked={draft.enabled} onChange={(e) => setDraft('enabled', e.currentTarget.checked)} />
              Let the bot answer new chats first
            </label>
            <div class="field">
              <label for="bot-greeting">Greeting</label>
              <textarea id="bot-greeting" class="routing-input" data-testid="bot-greeting" rows={2} maxLength={BOT_LIMITS.text} value={draft.greeting} onInput={(e) => setDraft('greeting', e.currentTarget.value)} />
            </div>

            <h3 class="settings-subtitle">Questions</h3>
            <p class="muted">Asked in this order. The answer is stored on the client card under the field name; a question without buttons takes any typed answer.</p>
            <ol class="routing-list" data-testid="bot-questions">
              <Index each={draft.questions}>
                {(q, i) => (
                  <li class="routing-block" data-testid={`bot-question-${i}`}>
                    <div class="routing-grid">
                      <div class="field routing-grow">
                        <label for={`bot-question-${i}-text`}>Question {i + 1}</label>
                        <input id={`bot-question-${i}-text`} class="routing-input" data-testid={`bot-question-${i}-text`} maxLength={BOT_LIMITS.text} value={q().text} onInput={(e) => setDraft('questions', i, 'text', e.currentTarget.value)} />
                      </div>
                      <div class="field">
                        <label for={`bot-question-${i}-attribute`}>Field name on the card</label>
                        <input
                          id={`bot-question-${i}-attribute`}
                          class="routing-input"
                          data-testid={`bot-question-${i}-attribute`}
                          maxLength={64}
                          pattern="[A-Za-z0-9_\-]+"
                          spellcheck={false}
                          value={q().attribute}
                          onInput={(e) => setDraft('questions', i, 'attribute', e.currentTarget.value)}
                        />
                      </div>
                    </div>
                    <ul class="routing-list" aria-label={`Buttons of question ${i + 1}`}>
                      <Index each={q().options}>
                        {(o, j) => (
                          <li class="routing-row">
                            <input class="routing-input" data-testid={`bot-question-${i}-option-${j}-label`} aria-label={`Question ${i + 1}, button ${j + 1}: label`} placeholder="Label" maxLength={BOT_LIMITS.label} value={o().label} onInput={(e) => setDraft('questions', i, 'options', j, 'label', e.currentTarget.value)} />
                            <input class="routing-input" data-testid={`bot-question-${i}-option-${j}-value`} aria-label={`Question ${i + 1}, button ${j + 1}: stored value`} placeholder="Stored value (the label if empty)" maxLength={BOT_LIMITS.value} value={o().value} onInput={(e) => setDraft('questions', i, 'options', j, 'value', e.currentTarget.value)} />
                            <button type="button" class="button button-quiet" aria-label={`Remove button ${j + 1} of question ${i + 1}`} onClick={() => update((c) => void c.questions[i]!.options.splice(j, 1))}>
                              Remove
                            </button>
                          </li>
                        )}
                      </Index>
                    </ul>
                    <div class="routing-actions">
                      <button type="button" class="button button-quiet" data-testid={`bot-question-${i}-add-option`} disabled={q().options.length >= BOT_LIMITS.options} onClick={() => update((c) => void c.questions[i]!.options.push({ label: '', value: '' }))}>
                        Add a button
                      </button>
                      <button type="button" class="button button-quiet" aria-label={`Move question ${i + 1} up`} disabled={i === 0} onClick={() => setDraft('questions', (l) => moveItem(l, i, -1))}>
                        ↑
                      </button>
                      <button type="button" class="button button-quiet" aria-label={`Move question ${i + 1} down`} disabled={i === draft.questions.length - 1} onClick={() => setDraft('questions', (l) => moveItem(l, i, 1))}>
                        ↓
                      </button>
                      <button type="button" class="button button-quiet routing-danger-button" data-testid={`bot-question-${i}-remove`} aria-label={`Remove question ${i + 1}`} onClick={() => update((c) => void c.questions.splice(i, 1))}>
                        Remove question
                      </button>
                    </div>
                  </li>
                )}
              </Index>
            </ol>
            <button
              type="button"
              class="button"
              data-testid="bot-add-question"
              disabled={draft.questions.length >= BOT_LIMITS.questions}
              onClick={() => update((c) => void c.questions.push({ id: '', text: '', attribute: '', options: [{ label: '', value: '' }] }))}
            >
              Add a question
            </button>

            <h3 class="settings-subtitle">Routes</h3>
            <p class="muted">The first route whose conditions all hold chooses the group.</p>
            <ol class="routing-list" data-testid="bot-routes">
              <Index each={draft.routes}>
                {(r, i) => (
                  <li class="routing-block" data-testid={`bot-route-${i}`}>
                    <Index each={r().when}>
                      {(w, j) => (
                        <div class="routing-row">
                          <span class="muted">{j === 0 ? 'When' : 'and'}</span>
                          <select class="routing-input" data-testid={`bot-route-${i}-condition-${j}-attribute`} aria-label={`Route ${i + 1}, condition ${j + 1}: question`} onChange={(e) => setDraft('routes', i, 'when', j, { attribute: e.currentTarget.value, value: '' })}>
                            <option value="" selected={!w().attribute}>
                              Choose a question…
                            </option>
                            <For each={attributes()}>
                              {(a) => (
                                <option value={a} selected={w().attribute === a}>
                                  {a}
                                </option>
                              )}
                            </For>
                          </select>
                          <span class="muted">is</span>
                          <Show
                            when={questionOf(w().attribute)?.options.length}
                            fallback={<input class="routing-input" data-testid={`bot-route-${i}-condition-${j}-value`} aria-label={`Route ${i + 1}, condition ${j + 1}: answer`} value={w().value} onInput={(e) => setDraft('routes', i, 'when', j, 'value', e.currentTarget.value)} />}
                          >
                            <select class="routing-input" data-testid={`bot-route-${i}-condition-${j}-value`} aria-label={`Route ${i + 1}, condition ${j + 1}: answer`} onChange={(e) => setDraft('routes', i, 'when', j, 'value', e.currentTarget.value)}>
                              <option value="" selected={!w().value}>
                                Choose an answer…
                              </option>
                              <For each={questionOf(w().attribute)?.options ?? []}>
                                {(o) => (
                                  <option value={o.value || o.label} selected={w().value === (o.value || o.label)}>
                                    {o.label}
                                  </option>
                                )}
                              </For>
                            </select>
                          </Show>
                          <button type="button" class="button button-quiet" aria-label={`Remove condition ${j + 1} of route ${i + 1}`} onClick={() => update((c) => void c.routes[i]!.when.splice(j, 1))}>
                            Remove
                          </button>
                        </div>
                      )}
                    </Index>
                    <div class="routing-row">
                      <label for={`bot-route-${i}-group`}>Then to group</label>
                      <select id={`bot-route-${i}-group`} class="routing-input" data-testid={`bot-route-${i}-group`} onChange={(e) => setDraft('routes', i, 'groupId', e.currentTarget.value)}>
                        <option value="" selected={!r().groupId}>
                          Choose a group…
                        </option>
                        <For each={groups()}>
                          {(g) => (
                            <option value={g.id} selected={r().groupId === g.id}>
                              {g.name}
                            </option>
                          )}
                        </For>
                      </select>
                    </div>
                    <div class="routing-actions">
                      <button type="button" class="button button-quiet" data-testid={`bot-route-${i}-add-condition`} disabled={r().when.length >= BOT_LIMITS.conditions} onClick={() => update((c) => void c.routes[i]!.when.push({ attribute: '', value: '' }))}>
                        Add a condition
                      </button>
                      <button type="button" class="button button-quiet" aria-label={`Move route ${i + 1} up`} disabled={i === 0} onClick={() => setDraft('routes', (l) => moveItem(l, i, -1))}>
                        ↑
                      </button>
                      <button type="button" class="button button-quiet routing-danger-button" data-testid={`bot-route-${i}-remove`} aria-label={`Remove route ${i + 1}`} onClick={() => update((c) => void c.routes.splice(i, 1))}>
                        Remove route
                      </button>
                    </div>
                  </li>
                )}
              </Index>
            </ol>
            <button type="button" class="button" data-testid="bot-add-route" disabled={draft.routes.length >= BOT_LIMITS.routes} onClick={() => update((c) => void c.routes.push({ when: [{ attribute: '', value: '' }], groupId: '' }))}>
              Add a route
            </button>
            <div class="routing-grid">
              <div class="field">
                <label for="bot-fallback">When no route matches</label>
                <select id="bot-fallback" class="routing-input" data-testid="bot-fallback" onChange={(e) => setDraft('fallbackGroupId', e.currentTarget.value || null)}>
                  <option value="" selected={draft.fallbackGroupId === null}>
                    Route as usual (scripts, then the workspace queue)
                  </option>
                  <For each={groups()}>
                    {(g) => (
                      <option value={g.id} selected={draft.fallbackGroupId === g.id}>
                        {g.name}
                      </option>
                    )}
                  </For>
                </select>
              </div>
            </div>
            <div class="field">
              <label for="bot-handoff">Handoff text</label>
              <textarea id="bot-handoff" class="routing-input" data-testid="bot-handoff" rows={2} maxLength={BOT_LIMITS.text} value={draft.handoffText} onInput={(e) => setDraft('handoffText', e.currentTarget.value)} />
            </div>
          </fieldset>

          <Show when={props.canEdit}>
            <div class="settings-actions">
              <Show when={changedElsewhere()}>
                <p class="muted" data-testid="bot-changed-elsewhere">
                  Another admin saved the bot meanwhile; saving replaces their version, discarding shows it.
                </p>
              </Show>
              <Show when={problem()}>
                <p class="form-error" data-testid="bot-error" role="alert">
                  {problem()} Nothing was saved.
                </p>
              </Show>
              <span class="muted" data-testid="bot-form-state">
                {dirty() ? 'Unsaved changes' : justSaved() ? 'Saved' : ''}
              </span>
              <button type="button" class="button button-quiet" data-testid="bot-discard" disabled={!dirty() && !changedElsewhere()} onClick={() => load(saved() ?? DEFAULT_BOT_CONFIG)}>
                Discard changes
              </button>
              <button type="submit" class="button button-primary" data-testid="bot-save" disabled={!editable() || !dirty()}>
                Save
              </button>
            </div>
          </Show>
        </form>
      </Show>
    </div>
  )
}
