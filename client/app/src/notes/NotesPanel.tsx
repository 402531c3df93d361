/**
 * Internal notes of a conversation (`conv/<id>/notes`): visible to agents only, never to the
 * visitor. Written into the local document first, so a note works offline and shows as pending
 * until the server has logged it; `@Name` mentions notify the colleague named.
 */
import { createSignal, For, onCleanup, Show } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'
import { appendOnce, isChatMessage, notesDocName, notesOf } from '../../../../shared/documents.ts'
import { newId } from '../../../../shared/id.ts'
import { EventType, type ChatMessage } from '../../../../shared/protocol.ts'
import { conversationEvents } from '../../../data/eventLog.ts'
import { clockTime } from '../format.ts'
import { createLiveQuery } from '../liveQuery.ts'
import { useWorkspace } from '../workspace.tsx'
import { matchMentionables, mentionedIn, mentionQueryAt, type Mentionable } from './mentions.ts'
import './NotesPanel.css'

export function NotesPanel(props: { conversationId: string }) {
  const ws = useWorkspace()
  const me = ws.session.agent
  const [notes, setNotes] = createStore<ChatMessage[]>([])
  const [doc, setDoc] = createSignal<import('yjs').Doc | null>(null)
  const [text, setText] = createSignal('')
  const [picker, setPicker] = createSignal<{ start: number; options: Mentionable[]; active: number } | null>(null)
  let input!: HTMLTextAreaElement

  let released = false
  let release = () => {}
  /** Enter was pressed before the notes document had opened (from IndexedDB, a moment): sent once it has. */
  let sendWhenOpen = false
  void ws.openDocument(notesDocName(props.conversationId)).then((handle) => {
    if (released) return handle.release()
    const arr = notesOf(handle.doc)
    const read = () => setNotes(reconcile(arr.toArray().filter(isChatMessage), { key: 'id' }))
    arr.observe(read)
    read()
    setDoc(handle.doc)
    if (sendWhenOpen) {
      sendWhenOpen = false
      send()
    }
    release = () => {
      arr.unobserve(read)
      handle.release()
    }
  })
  onCleanup(() => {
    released = true
    release()
  })

  // A note is sent once the server's log holds its `note` event.
  const logged = createLiveQuery(async () => {
    const evs = await conversationEvents(ws.db, props.conversationId, EventType.note)
    return new Set(evs.map((e) => e.data.noteId as string))
  })

  const colleagues = (): Mentionable[] => ws.agents().filter((a) => a.id !== me.id)

  function updatePicker() {
    const q = mentionQueryAt(input.value, input.selectionStart ?? input.value.length)
    if (!q) return setPicker(null)
    const options = matchMentionables(colleagues(), q.query)
    setPicker(options.length ? { start: q.start, options, active: 0 } : null)
  }

  function insertMention(a: Mentionable) {
    const p = picker()
    if (!p) return
    const caret = input.selectionStart ?? input.value.length
    const next = `${input.value.slice(0, p.start)}@${a.name} ${input.value.slice(caret)}`
    setText(next)
    input.value = next
    const at = p.start + a.name.length + 2
    input.setSelectionRange(at, at)
    setPicker(null)
    input.focus()
  }

  function send() {
    const d = doc()
    const body = text().trim()
    if (!body) return
    if (!d) {
      sendWhenOpen = true
      return
    }
    const id = newId()
    appendOnce(notesOf(d), { id, clientId: id, kind: 'agent', authorId: me.id, authorName: me.name, text: body, at: Date.now(), mentions: mentionedIn(body, colleagues()) })
    setText('')
    input.value = ''
  }

  return (
    <section class="notes" data-testid="notes-panel" aria-label="Internal notes">
      <p class="notes-hint">Only your team sees notes. Type @ to mention a colleague.</p>
      <ol class="notes-list">
        <For each={notes} fallback={<li class="notes-empty">No notes yet</li>}>
          {(n) => (
            <li class="note" data-testid="note" data-id={n.id} data-state={logged()?.has(n.id) ? 'sent' : 'pending'}>
              <span class="note-author">{n.authorName}</span>
              <span class="note-text">{n.text}</span>
              <time class="note-time">{clockTime(n.at)}</time>
              <Show when={!logged()?.has(n.id)}>
                <span class="chip chip-pending" data-testid="note-pending" role="status">
                  {ws.connectivity() === 'online' ? 'sending…' : 'waiting for the network'}
                </span>
              </Show>
            </li>
          )}
        </For>
      </ol>
      <form
        class="note-composer"
        onSubmit={(e) => {
          e.preventDefault()
          send()
        }}
      >
        <div class="note-input-wrap">
          <textarea
            ref={input}
            data-testid="note-input"
            rows={2}
            placeholder="Write a note for your team"
            value={text()}
            onInput={(e) => {
              setText(e.currentTarget.value)
              updatePicker()
            }}
            onKeyDown={(e) => {
              const p = picker()
              if (p) {
                if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                  e.preventDefault()
                  const n = p.options.length
                  setPicker({ ...p, active: (p.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n })
                  return
                }
                if (e.key === 'Enter' || e.key === 'Tab') {
                  e.preventDefault()
                  insertMention(p.options[p.active]!)
                  return
                }
                if (e.key === 'Escape') return setPicker(null)
              }
              if (e.key === 'Enter' && !e.shiftKey) {
                e.preventDefault()
                send()
              }
            }}
          />
          <Show when={picker()}>
            {(p) => (
              <ul class="mention-picker" role="listbox" data-testid="mention-picker">
                <For each={p().options}>
                  {(a, i) => (
                    <li
                      role="option"
                      aria-selected={i() === p().active}
                      data-testid="mention-option"
                      data-id={a.id}
                      onMouseDown={(e) => {
                        e.preventDefault()
                        insertMention(a)
                      }}
                    >
                      {a.name}
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Show>
        </div>
        <button type="submit" class="button" data-testid="note-send" disabled={!text().trim() || !doc()}>
          Add note
        </button>
      </form>
    </section>
  )
}
