/**
 * One conversation: the thread from the local Yjs document (readable offline once this device
 * has it), its status and assignee from the local index, the visitor's presence, the actions
 * (commands), and a composer whose replies appear at once as pending and go out when the
 * document syncs. The thread and the composer live in ../thread/.
 */
import { createSignal, Match, Show, Switch } from 'solid-js'
import { ClientCard } from '../client/ClientCard.tsx'
import { NotesPanel } from '../notes/NotesPanel.tsx'
import { createConversation } from '../conversation.ts'
import { createNow, statusText } from '../format.ts'
import { Link } from '../router.tsx'
import { Composer } from '../thread/Composer.tsx'
import { Thread } from '../thread/Thread.tsx'
import { VisitorPresenceLine } from '../thread/VisitorPresenceLine.tsx'
import { useWorkspace } from '../workspace.tsx'
import { ConversationActions } from './ConversationActions.tsx'

/**
 * `backHref` and `backLabel`: where the back link goes and what it names, when the conversation
 * is shown inside another view than the inbox (the supervisor's Conversations).
 */
export function ConversationView(props: { id: string; backHref?: string; backLabel?: string }) {
  const ws = useWorkspace()
  const me = ws.session.agent.id
  const conversation = createConversation(props.id)
  const { state } = conversation

  const now = createNow()
  const title = () => state.meta?.visitorName || conversation.row()?.visitorName || 'Visitor'
  // The index (built from the server's events) is the truth for status and assignee; the
  // document stands in only until the index has the conversation.
  const status = () => conversation.row()?.status ?? state.meta?.status ?? null
  const snoozedUntil = () => (conversation.row() ? conversation.row()!.snoozedUntil : state.meta?.snoozedUntil) ?? null
  const assigneeId = () => (conversation.row() ? conversation.row()!.assigneeId : (state.meta?.assigneeId ?? null))
  const [notesOpen, setNotesOpen] = createSignal(false)
  const [clientOpen, setClientOpen] = createSignal(false)
  const assigneeText = () => {
    const id = assigneeId()
    if (!id) return 'Unassigned'
    if (id === me) return 'Assigned to you'
    return `Assigned to ${ws.nameOf(id) ?? 'another agent'}`
  }

  return (
    <section class="conversation-pane" aria-label={`Conversation with ${title()}`}>
      <div class="conversation-header">
        <Link href={props.backHref ?? '/'} class="back" data-testid="back" aria-label={`Back to ${(props.backLabel ?? 'Inbox').toLowerCase()}`}>
          ‹ {props.backLabel ?? 'Inbox'}
        </Link>
        <div class="conversation-title">
          <h2 data-testid="visitor-name">{title()}</h2>
          <span class="conversation-facts">
            <Show when={status()}>
              {(s) => (
                <span class={`status status-${s()}`} data-testid="conversation-status" data-status={s()}>
                  {statusText(s(), snoozedUntil(), now())}
                </span>
              )}
            </Show>
            <Show when={conversation.row()?.ticket}>
              <span class="chip chip-ticket" data-testid="ticket-chip">
                Request
              </span>
            </Show>
            <span class="assignee" data-testid="conversation-assignee" data-assignee={assigneeId() ?? ''}>
              {assigneeText()}
            </span>
            <VisitorPresenceLine awareness={conversation.awareness} synced={conversation.synced} />
          </span>
        </div>
      </div>
      <ConversationActions conversationId={props.id} row={conversation.row} />
      <div class="notes-bar">
        <button
          type="button"
          class="button button-quiet"
          data-testid="client-toggle"
          aria-expanded={clientOpen()}
          onClick={() => setClientOpen((open) => !open)}
        >
          {clientOpen() ? 'Hide client' : 'Client'}
        </button>
        <button
          type="button"
          class="button button-quiet"
          data-testid="notes-toggle"
          aria-expanded={notesOpen()}
          onClick={() => setNotesOpen((open) => !open)}
        >
          {notesOpen() ? 'Hide notes' : 'Internal notes'}
        </button>
      </div>
      <Show when={clientOpen()}>
        <ClientCard conversationId={props.id} />
      </Show>
      <Show when={notesOpen()}>
        <NotesPanel conversationId={props.id} />
      </Show>

      <Switch>
        <Match when={conversation.error() === 'forbidden'}>
          <p class="notice" role="alert">
            You no longer have access to this conversation.
          </p>
        </Match>
        <Match when={conversation.error() === 'tooLarge'}>
          <p class="notice" role="alert">
            This conversation is too large to sync.
          </p>
        </Match>
      </Switch>

      <Thread
        conversation={conversation}
        me={me}
        now={now}
        placeholder={() => (
          <li class="empty">
            {state.status === 'failed'
              ? 'This conversation could not be opened on this device.'
              : state.status === 'loading'
                ? 'Loading…'
                : ws.connectivity() === 'offline'
                  ? 'This conversation is not on this device yet. It will appear when you are back online.'
                  : conversation.synced()
                    ? 'No messages yet'
                    : 'Loading…'}
          </li>
        )}
      />
      <Composer conversation={conversation} conversationId={props.id} />
    </section>
  )
}
