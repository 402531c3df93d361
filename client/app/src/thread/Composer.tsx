/**
 * The reply box: Enter sends, Shift+Enter is a new line; replies appear at once as pending and go
 * out when the document syncs. The draft lives in the agent's own document, so it survives reloads
 * and follows the agent between devices. Typing `:` and two letters (or the emoji button) opens
 * the emoji picker; arrows move, Enter or Tab inserts, Escape closes. The paperclip, a paste or
 * a drop adds files, checked at once; a reply with files waits on this device for their upload.
 */
import { createMemo, createSignal, createUniqueId, onCleanup, onMount, Show } from 'solid-js'
import { Limits } from '../../../../shared/protocol.ts'
import type { Conversation } from '../conversation.ts'
import { useWorkspace } from '../workspace.tsx'
import { EMOJI, insertAt, matchEmoji, moveSelection, shortcodeAt, type Emoji, type ShortcodeQuery } from './emoji.ts'
import { EmojiPicker, GRID_COLUMNS, optionId } from './EmojiPicker.tsx'
import { AttachButton, StagedFileList } from './ComposerFiles.tsx'
import { createStagedFiles } from './stagedFiles.ts'
import { createTemplateMenu } from './templateMenu.ts'
import { TemplatePicker } from './TemplatePicker.tsx'

type Picker = { mode: 'inline'; at: ShortcodeQuery } | { mode: 'browse'; search: string; start: number; end: number }

/** An agent who paused this long is no longer shown as typing to the visitor. */
const TYPING_IDLE_MS = 4_000

/** An Enter that confirms an IME composition is not an Enter the agent meant for us. */
const composing = (e: KeyboardEvent) => e.isComposing || e.keyCode === 229

export function Composer(props: { conversation: Conversation; conversationId: string }) {
  const ws = useWorkspace()
  const pickerId = `emoji-${createUniqueId()}`

  const [draft, setDraftText] = createSignal(ws.drafts.get(props.conversationId))
  // The saved draft arrives when the agent's document has loaded, or changes on another device.
  onCleanup(ws.drafts.watch(props.conversationId, (text) => setDraftText(text)))
  const setDraft = (text: string) => {
    setDraftText(text)
    ws.drafts.set(props.conversationId, text)
  }
  let composerEl!: HTMLTextAreaElement
  // Files picked, pasted or dropped: they go with the next reply, which then waits for their upload.
  const files = createStagedFiles({ db: ws.db, session: ws.session, conversationId: () => props.conversationId })
  const canSend = () =>
    props.conversation.state.status !== 'failed' && (draft().trim().length > 0 || files.list().length > 0) && props.conversation.error() !== 'forbidden'

  // ---- reply templates (`/shortcut`) ----
  const templates = createTemplateMenu({ conversation: props.conversation, conversationId: props.conversationId, input: () => composerEl, setDraft })

  // ---- emoji picker ----
  const [picker, setPicker] = createSignal<Picker | null>(null)
  const [active, setActive] = createSignal(0)
  /** Where a `:query` the agent dismissed with Escape starts: it stays closed until another colon. */
  let dismissedAt = -1
  const matches = createMemo<Emoji[]>(() => {
    const p = picker()
    if (!p) return []
    if (p.mode === 'inline') return matchEmoji(p.at.query)
    return p.search.trim() ? matchEmoji(p.search, EMOJI.length) : [...EMOJI]
  })

  /** Opens, moves or closes the inline picker for the text and caret as they are now. */
  function followCaret() {
    templates.follow()
    if (picker()?.mode === 'browse') return
    const start = composerEl.selectionStart
    const at = start === composerEl.selectionEnd ? shortcodeAt(composerEl.value, start) : null
    if (!at || at.start === dismissedAt || matchEmoji(at.query, 1).length === 0) {
      if (!at) dismissedAt = -1
      setPicker(null)
      return
    }
    const prev = picker()
    if (prev?.mode !== 'inline' || prev.at.query !== at.query || prev.at.start !== at.start) setActive(0)
    setPicker({ mode: 'inline', at })
  }

  function closePicker(dismiss: boolean) {
    const p = picker()
    if (dismiss && p?.mode === 'inline') dismissedAt = p.at.start
    setPicker(null)
    if (p?.mode === 'browse') composerEl.focus()
  }

  function pick(emoji: Emoji) {
    const p = picker()
    if (!p) return
    const [start, end] = p.mode === 'inline' ? [p.at.start, p.at.end] : [p.start, p.end]
    const next = insertAt(composerEl.value, start, end, emoji.char)
    if (next.text.length > Limits.messageText) return
    setPicker(null)
    composerEl.value = next.text
    setDraft(next.text)
    composerEl.focus()
    composerEl.setSelectionRange(next.caret, next.caret)
  }

  function openBrowse() {
    if (picker()?.mode === 'browse') return closePicker(false)
    setActive(0)
    setPicker({ mode: 'browse', search: '', start: composerEl.selectionStart, end: composerEl.selectionEnd })
  }

  /** Keys for the open picker; true when the key was its. */
  function pickerKey(e: KeyboardEvent, columns: number): boolean {
    if (!picker() || composing(e)) return false
    const list = matches()
    if (e.key === 'Escape') {
      closePicker(true)
    } else if ((e.key === 'Enter' && !e.shiftKey) || (e.key === 'Tab' && !e.shiftKey)) {
      const emoji = list[active()]
      if (!emoji) return false
      pick(emoji)
    } else {
      const next = moveSelection(active(), e.key, list.length, columns)
      if (next === null) return false
      setActive(next)
    }
    e.preventDefault()
    return true
  }

  // ---- typing, as the visitor sees it ----
  let typingTimer: ReturnType<typeof setTimeout> | undefined
  function typed() {
    props.conversation.setTyping(draft().length > 0)
    clearTimeout(typingTimer)
    typingTimer = setTimeout(() => props.conversation.setTyping(false), TYPING_IDLE_MS)
  }
  onCleanup(() => {
    clearTimeout(typingTimer)
    props.conversation.setTyping(false)
  })

  // ---- sending ----
  async function send() {
    if (!canSend()) return
    clearTimeout(typingTimer)
    props.conversation.setTyping(false)
    const text = draft()
    setDraft('')
    setPicker(null)
    templates.close()
    try {
      if (!(await (files.list().length ? files.send(text) : props.conversation.send(text)))) setDraft(text)
    } catch (err) {
      console.error('[composer] send failed', err)
      setDraft(text)
    }
    composerEl.focus()
  }

  function onKeyDown(e: KeyboardEvent) {
    if (templates.key(e)) return
    if (picker()?.mode === 'inline' && pickerKey(e, 1)) return
    if (e.key === 'Enter' && !e.shiftKey && !composing(e)) {
      e.preventDefault()
      void send()
    }
  }

  onMount(() => {
    // On a phone the keyboard would cover the thread; focus only where there is room.
    if (window.matchMedia('(min-width: 900px)').matches) composerEl.focus()
  })

  const browseSearch = () => {
    const p = picker()
    return p?.mode === 'browse' ? p.search : undefined
  }
  const inlineOpen = () => picker()?.mode === 'inline' && matches().length > 0

  return (
    <form
      class="composer"
      onDragOver={files.onDragOver}
      onDrop={files.onDrop}
      onSubmit={(e) => {
        e.preventDefault()
        void send()
      }}
    >
      <Show when={templates.matches().length}>
        <TemplatePicker
          id={templates.id}
          matches={templates.matches()}
          active={templates.active()}
          onActive={templates.setActive}
          onPick={templates.pick}
        />
      </Show>
      {/* Keyed by mode: the grid mounts afresh (and focuses its search box) when the button opens it. */}
      <Show when={picker()?.mode} keyed>
        {(mode) => (
          <EmojiPicker
            id={pickerId}
            mode={mode}
            matches={matches()}
            active={active()}
            onActive={setActive}
            onPick={pick}
            onClose={() => closePicker(false)}
            search={browseSearch()}
            onSearch={(search) => {
              const cur = picker()
              if (cur?.mode !== 'browse') return
              setActive(0)
              setPicker({ ...cur, search })
            }}
            onSearchKeyDown={(e) => {
              // Enter in the search box never submits the reply, even when nothing matches.
              if (!pickerKey(e, GRID_COLUMNS) && e.key === 'Enter') e.preventDefault()
            }}
          />
        )}
      </Show>
      <StagedFileList files={files} />
      <AttachButton files={files} />
      <button
        type="button"
        class="button button-quiet composer-emoji"
        data-testid="emoji-button"
        aria-label="Insert emoji"
        aria-haspopup="listbox"
        aria-expanded={picker()?.mode === 'browse'}
        onClick={openBrowse}
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
          <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="1.6" />
          <circle cx="9" cy="10" r="1.2" fill="currentColor" />
          <circle cx="15" cy="10" r="1.2" fill="currentColor" />
          <path d="M8 14.5c1 1.5 2.3 2.2 4 2.2s3-.7 4-2.2" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
        </svg>
      </button>
      <textarea
        ref={composerEl}
        data-testid="composer"
        rows={1}
        maxLength={Limits.messageText}
        placeholder={ws.connectivity() === 'offline' ? 'Reply (sends when online)' : 'Reply'}
        aria-label="Reply"
        aria-autocomplete="list"
        aria-controls={inlineOpen() ? pickerId : templates.activeOption() ? templates.id : undefined}
        aria-activedescendant={inlineOpen() ? optionId(pickerId, active()) : templates.activeOption()}
        value={draft()}
        onInput={(e) => {
          setDraft(e.currentTarget.value)
          followCaret()
          typed()
        }}
        onKeyDown={onKeyDown}
        // The caret moved without typing (arrows, a click): the `:query` under it may have changed.
        onKeyUp={(e) => {
          const vertical = e.key === 'ArrowUp' || e.key === 'ArrowDown'
          if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key) || (vertical && !inlineOpen())) followCaret()
        }}
        onClick={followCaret}
        onPaste={files.onPaste}
        onBlur={() => {
          templates.close()
          if (picker()?.mode === 'inline') setPicker(null)
        }}
      />
      <button type="submit" class="button button-primary" data-testid="send" disabled={!canSend()}>
        Send
      </button>
    </form>
  )
}
