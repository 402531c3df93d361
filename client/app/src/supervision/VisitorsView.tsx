/**
 * Supervision › Visitors: who is on the site now, live from the widget sockets (the server pushes
 * every change; nothing is polled or kept on the device). From a row an agent starts a chat with
 * a visitor who is not chatting. It needs the connection: offline it says so instead of showing a
 * list that can no longer change.
 */
import { createSignal, For, Match, Show, Switch } from 'solid-js'
import { Portal } from 'solid-js/web'
import type { OnSiteVisitor } from '../../../../shared/supervision.ts'
import { createVisitorsLive } from '../../../data/visitorsLive.ts'
import { createNow, formatDuration, SECOND_TICK_MS } from '../format.ts'
import { conversationPath, Link } from '../router.tsx'
import { StartChatDialog } from '../views/StartChatDialog.tsx'
import { useWorkspace } from '../workspace.tsx'
import { cameFrom } from './visitorText.ts'
import './VisitorsView.css'

const CHAT_LABEL = { waiting: 'Waiting', open: 'Chatting', snoozed: 'Snoozed' } as const

export function VisitorsView() {
  const ws = useWorkspace()
  const live = createVisitorsLive(ws.session)
  const offline = () => ws.connectivity() === 'offline' || live.state() === 'offline'
  const isLive = () => live.state() === 'open' && !offline()
  const now = createNow(SECOND_TICK_MS, isLive)
  const [starting, setStarting] = createSignal<{ id: string; name: string } | null>(null)
  const count = () => live.visitors().length

  return (
    <section class="visitors" data-testid="visitors" aria-label="Visitors on the site now">
      <Switch>
        <Match when={offline()}>
          <p class="visitors-note visitors-offline" data-testid="visitors-offline" role="status">
            You are offline. The visitors on your site are shown live from the server: this view needs the connection, and comes back by
            itself when it returns.
          </p>
        </Match>
        <Match when={live.state() === 'denied'}>
          <p class="supervision-denied" data-testid="visitors-denied" role="alert">
            The server did not let this account watch the site's visitors: it needs the management right.
          </p>
        </Match>
        <Match when={live.state() === 'connecting'}>
          <p class="visitors-note" data-testid="visitors-connecting" role="status">
            Connecting to the site's visitors…
          </p>
        </Match>
        <Match when={isLive()}>
          <p class="visitors-count" data-testid="visitors-count">
            <strong data-metric="visitors_online" data-value={String(count())}>
              {count()}
            </strong>{' '}
            {count() === 1 ? 'visitor' : 'visitors'} on the site now
          </p>
          <Show
            when={count() > 0}
            fallback={
              <p class="visitors-note" data-testid="visitors-empty">
                Nobody is on the site right now. Visitors appear here as soon as a page with the chat widget opens.
              </p>
            }
          >
            <div class="table-scroll">
              <table class="supervision-table visitors-table" data-testid="visitors-table">
                <thead>
                  <tr>
                    <th scope="col">Visitor</th>
                    <th scope="col">Page</th>
                    <th scope="col">On the site</th>
                    <th scope="col">Pages</th>
                    <th scope="col">Came from</th>
                    <th scope="col">Visit</th>
                    <th scope="col">Chat</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={live.visitors()}>
                    {(v) => <VisitorRow visitor={v} now={now()} onStart={() => setStarting({ id: v.visitorId, name: v.name || 'this visitor' })} />}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        </Match>
      </Switch>
      <Show when={starting()} keyed>
        {(visitor) => (
          <Portal>
            <StartChatDialog visitor={visitor} onClose={() => setStarting(null)} />
          </Portal>
        )}
      </Show>
    </section>
  )
}

function VisitorRow(props: { visitor: OnSiteVisitor; now: number; onStart: () => void }) {
  const v = () => props.visitor
  const onSiteMs = () => Math.max(0, props.now - v().visitStartedAt)
  return (
    <tr data-visitor={v().visitorId} data-testid="visitor-row">
      <th scope="row" class="visitors-who">
        <span data-testid="visitor-name">{v().name || 'Visitor'}</span>
        <Show when={v().email}>
          <span class="visitors-email">{v().email}</span>
        </Show>
      </th>
      <td class="visitors-page">
        <Show when={v().page.url} fallback={<span>{v().page.title || '—'}</span>}>
          <a href={v().page.url} target="_blank" rel="noopener noreferrer" data-testid="visitor-page" title={v().page.url}>
            {v().page.title || v().page.url}
          </a>
        </Show>
      </td>
      <td data-metric="on_site_ms" data-value={String(onSiteMs())} data-testid="visitor-time">
        {formatDuration(onSiteMs())}
      </td>
      <td data-metric="pages" data-value={String(v().pages)} data-testid="visitor-pages">
        {v().pages}
      </td>
      <td class="visitors-from" data-testid="visitor-from" title={v().referrer || undefined}>
        {cameFrom(v().referrer)}
      </td>
      <td data-testid="visitor-returning">
        <span class="visitors-badge" data-returning={String(v().returning)}>
          {v().returning ? 'Returning' : 'New'}
        </span>
      </td>
      <td class="visitors-chat">
        <Show
          when={v().chat}
          keyed
          fallback={
            <button type="button" class="button button-primary visitors-start" data-testid="visitor-start" onClick={() => props.onStart()}>
              Start chat
            </button>
          }
        >
          {(chat) => (
            <Link href={conversationPath(chat.conversationId)} class="visitors-chatting" data-testid="visitor-chat" data-status={chat.status}>
              {CHAT_LABEL[chat.status]}
            </Link>
          )}
        </Show>
      </td>
    </tr>
  )
}
