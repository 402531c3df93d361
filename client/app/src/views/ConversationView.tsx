/**
 * One conversation: the thread from the local Yjs document (readable offline once this device
 * has it), its status and assignee from the local index, the actions (commands), and a composer
 * whose replies appear at once as pending and go out when the document syncs. The draft lives
 * in the agent's own document, so it survives reloads and follows the agent between devices.
 */
import { createEffect, createSignal, For, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js'
import type { ChatMessage } from '../../../../shared/protocol.ts'
import { Limits } from '../../../../shared/protocol.ts'
import { createConversation, type Conversation } from '../conversation.ts'
import { clockTime, createNow, statusText } from '../format.ts'
import { Link } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'
import { ConversationActions } from './ConversationActions.tsx'

/** How close to the bottom (px) still counts as "reading the newest": new messages then scroll into view. */
const STICK_TO_BOTTOM_PX = 80

/** A line of the app's own ("Ana took the chat"): centred and muted, never a bubble. */
function SystemLine(props: { message: ChatMessage }) {
  return (
    <li class="system-line" data-testid="message" data-id={props.message.id} data-kind="system" data-internal={props.message.internal ? 'true' : 'false'}>
      <span class="system-text">{props.message.text}</span>
      <time datetime={new Date(props.message.at).toISOString()}>{clockTime(props.message.at)}</time>
    </li>
  )
}

function MessageItem(props: { message: ChatMessage; conversation: Conversation; me: string }) {
  if (props.message.kind === 'system') return <SystemLine message={props.message} />
  const state = () => props.conversation.messageState(props.message)
  const mine = () => props.message.kind === 'agent' && props.message.authorId === props.me
  return (
    <li
      class={`message message-${props.message.kind}`}
      classList={{ mine: mine() }}
      data-testid="message"
      data-id={props.message.id}
      data-kind={props.message.kind}
      data-state={state()}
    >
      <Show when={!mine()}>
        <span class="message-author">{props.message.authorName}</span>
      </Show>
      <p class="message-text">{props.message.text}</p>
      <span class="message-meta">
        <time datetime={new Date(props.message.at).toISOString()}>{clockTime(props.message.at)}</time>
        <Show when={props.message.kind === 'agent'}>
          <span class="message-state" title={state() === 'sent' ? 'Delivered to the server' : 'Goes out when the connection is back'}>
            {state() === 'sent' ? '✓' : 'Pending'}
          </span>
        </Show>
      </span>
    </li>
  )
}

export function ConversationView(props: { id: string }) {
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
  const assigneeText = () => {
    const id = assigneeId()
    if (!id) return 'Unassigned'
    if (id === me) return 'Assigned to you'
    return `Assigned to ${ws.nameOf(id) ?? 'another agent'}`
  }

  // ---- thread scrolling ----
  let threadEl: HTMLOListElement | undefined
  let stickToBottom = true
  const onScroll = () => {
    if (!threadEl) return
    stickToBottom = threadEl.scrollHeight - threadEl.scrollTop - threadEl.clientHeight < STICK_TO_BOTTOM_PX
  }
  const scrollToBottom = () => {
    if (threadEl) threadEl.scrollTop = threadEl.scrollHeight
  }
  createEffect(
    on(
      () => conversation.messages().length,
      () => {
        const msgs = conversation.messages()
        const last = msgs[msgs.length - 1]
        if (stickToBottom || (last?.kind === 'agent' && last.authorId === me)) requestAnimationFrame(scrollToBottom)
      },
    ),
  )

  // ---- composer ----
  const [draft, setDraftText] = createSignal(ws.drafts.get(props.id))
  // The saved draft arrives when the agent's document has loaded, or changes on another device.
  onCleanup(ws.drafts.watch(props.id, (text) => setDraftText(text)))
  const setDraft = (text: string) => {
    setDraftText(text)
    ws.drafts.set(props.id, text)
  }
  let composerEl: HTMLTextAreaElement | undefined
  const canSend = () => state.status !== 'failed' && draft().trim().length > 0 && conversation.error() !== 'forbidden'

  async function send() {
    if (!canSend()) return
    const text = draft()
    setDraft('')
    stickToBottom = true
    try {
      if (!(await conversation.send(text))) setDraft(text)
    } catch (err) {
      console.error('[composer] send failed', err)
      setDraft(text)
    }
    composerEl?.focus()
  }

  function onKeyDown(e: KeyboardEvent) {
    // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition is neither.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault()
      void send()
    }
  }

  onMount(() => {
    // On a phone the keyboard would cover the thread; focus only where there is room.
    if (window.matchMedia('(min-width: 900px)').matches) composerEl?.focus()
  })

  return (
    <section class="conversation-pane" aria-label={`Conversation with ${title()}`}>
      <div class="conversation-header">
        <Link href="/" class="back" data-testid="back" aria-label="Back to inbox">
          ‹ Inbox
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
          </span>
        </div>
      </div>
      <ConversationActions conversationId={props.id} row={conversation.row} />

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

      <ol class="thread" data-testid="thread" ref={threadEl} onScroll={onScroll} aria-live="polite">
        <Switch>
          <Match when={state.status === 'failed'}>
            <li class="empty">This conversation could not be opened on this device.</li>
          </Match>
          <Match when={state.status === 'loading'}>
            <li class="empty">Loading…</li>
          </Match>
          <Match when={conversation.messages().length === 0}>
            <li class="empty">
              {ws.connectivity() === 'offline'
                ? 'This conversation is not on this device yet. It will appear when you are back online.'
                : conversation.synced()
                  ? 'No messages yet'
                  : 'Loading…'}
            </li>
          </Match>
        </Switch>
        <For each={conversation.messages()}>{(m) => <MessageItem message={m} conversation={conversation} me={me} />}</For>
      </ol>

      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault()
          void send()
        }}
      >
        <textarea
          ref={composerEl}
          data-testid="composer"
          rows={1}
          maxLength={Limits.messageText}
          placeholder={ws.connectivity() === 'offline' ? 'Reply (sends when online)' : 'Reply'}
          aria-label="Reply"
          value={draft()}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" class="button button-primary" data-testid="send" disabled={!canSend()}>
          Send
        </button>
      </form>
    </section>
  )
}
