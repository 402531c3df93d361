/** The visitor's card beside a conversation: who, how to reach them, where they came from, and their other requests. */
import { createMemo, createSignal, For, onMount, Show } from 'solid-js'
import { channelLabel } from '../../../../shared/channels.ts'
import { readWidgetConfig } from '../../../../shared/widgetConfig.ts'
import { cachedContact, fetchContact, type ContactCard } from '../../../data/contact.ts'
import { statusLabel } from '../format.ts'
import { conversationPath, Link } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'
import './ClientCard.css'

/** A custom field's key as a label when no form of the widget names it: `order_number` → "Order number". */
const keyLabel = (key: string) => {
  const words = key.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase()
  return words ? words[0]!.toUpperCase() + words.slice(1) : key
}

const day = (ms: number) => new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })

export function ClientCard(props: { conversationId: string }) {
  const ws = useWorkspace()
  const [card, setCard] = createSignal<ContactCard | null>(null)
  const [loaded, setLoaded] = createSignal(false)
  // Custom fields are named as the widget's forms ask for them ("Your plan" for `plan`).
  const widget = createMemo(() => {
    ws.settings.value() // re-read on every change of the settings document
    const doc = ws.settings.doc()
    return doc ? readWidgetConfig(doc) : null
  })
  const fieldLabel = (key: string) => {
    const c = widget()
    return [...(c?.form.fields ?? []), ...(c?.requestForm.fields ?? [])].find((f) => f.id === key)?.label ?? keyLabel(key)
  }

  onMount(async () => {
    const cached = await cachedContact(ws.db, props.conversationId)
    if (cached) setCard(cached)
    const fresh = await fetchContact(ws.api, ws.db, props.conversationId)
    if (fresh) setCard(fresh)
    setLoaded(true)
  })

  return (
    <section class="client-card" data-testid="client-card" aria-label="Client">
      <Show
        when={card()}
        fallback={<p class="muted">{loaded() ? 'The client card will appear when you are back online.' : 'Loading…'}</p>}
      >
        {(c) => (
          <>
            <dl>
              <dt>Name</dt>
              <dd data-testid="client-name">{c().visitor.name || 'Visitor'}</dd>
              <dt>Email</dt>
              <dd data-testid="client-email">
                <Show when={c().visitor.email} fallback="—">
                  <a href={`mailto:${c().visitor.email}`}>{c().visitor.email}</a>
                </Show>
              </dd>
              <dt>Phone</dt>
              <dd data-testid="client-phone">
                <Show when={c().visitor.phone} fallback="—">
                  <a href={`tel:${c().visitor.phone.replace(/[^\d+]/g, '')}`}>{c().visitor.phone}</a>
                </Show>
              </dd>
              <For each={Object.entries(c().visitor.fields)}>
                {([key, value]) => (
                  <>
                    <dt>{fieldLabel(key)}</dt>
                    <dd data-testid="client-field" data-key={key}>
                      {value}
                    </dd>
                  </>
                )}
              </For>
              <dt>Channel</dt>
              <dd data-testid="client-channel">
                {channelLabel(c().channel)}
                <Show when={c().profile}>
                  {(p) => (
                    <>
                      {' · '}
                      {/* The platform's profile; the label is text, whatever the visitor named themselves. */}
                      <a data-testid="client-profile" href={p().url} target="_blank" rel="noopener noreferrer nofollow">
                        {p().label}
                      </a>
                    </>
                  )}
                </Show>
              </dd>
              <dt>Request</dt>
              <dd data-testid="client-number">{c().number !== null ? `#${c().number}` : '—'}</dd>
              <dt>Requests</dt>
              <dd data-testid="client-total">{c().totalRequests}</dd>
              <dt>Came from</dt>
              <dd data-testid="client-page">
                <Show when={c().visitor.pageUrl} fallback="—">
                  {/* Only web links are made clickable; the text is always text. */}
                  <Show when={/^https?:\/\//.test(c().visitor.pageUrl!)} fallback={c().visitor.pageUrl}>
                    <a href={c().visitor.pageUrl!} target="_blank" rel="noopener noreferrer nofollow">
                      {c().visitor.pageTitle || c().visitor.pageUrl}
                    </a>
                  </Show>
                </Show>
              </dd>
              <dt>First seen</dt>
              <dd>{day(c().visitor.firstSeenAt)}</dd>
            </dl>
            <h3>Previous requests</h3>
            <ul class="previous-requests">
              <For each={c().requests.filter((r) => r.id !== props.conversationId)} fallback={<li class="muted">None</li>}>
                {(r) => (
                  <li data-testid="previous-request" data-id={r.id}>
                    <Link href={conversationPath(r.id)}>
                      {r.number !== null ? `#${r.number}` : 'Request'} · {day(r.createdAt)} · {statusLabel(r.status)}
                      {r.assigneeId ? ` · ${ws.nameOf(r.assigneeId) ?? 'another agent'}` : ''}
                    </Link>
                  </li>
                )}
              </For>
            </ul>
          </>
        )}
      </Show>
    </section>
  )
}
