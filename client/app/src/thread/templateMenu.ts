/**
 * Reply templates in the composer: typing `/` at the start of a word offers the templates matching
 * what follows it; arrows move, Enter or Tab inserts the template with its variables filled,
 * Escape closes. Templates come from the `templates` document, read from IndexedDB, so this works
 * offline with what this device last synced.
 */
import { createMemo, createSignal, createUniqueId, type Accessor } from 'solid-js'
import { Limits } from '../../../../shared/protocol.ts'
import { fillTemplate, type Template } from '../../../../shared/settings.ts'
import { searchTemplates, slashQueryAt, type SlashQuery } from '../../../../shared/templateSearch.ts'
import { cachedContact } from '../../../data/contact.ts'
import type { Conversation } from '../conversation.ts'
import { useWorkspace } from '../workspace.tsx'
import { insertAt, moveSelection } from './emoji.ts'

export interface TemplateMenu {
  /** The listbox's element id. */
  id: string
  /** The templates offered now; empty when the menu is closed. */
  matches: Accessor<Template[]>
  active: Accessor<number>
  setActive(index: number): void
  /** The active option's element id while the menu shows, for `aria-activedescendant`. */
  activeOption: Accessor<string | undefined>
  /** Opens, filters or closes the menu for the reply's text and caret as they are now. */
  follow(): void
  /** Keys for the open menu; true when the key was its. */
  key(e: KeyboardEvent): boolean
  pick(t: Template): void
  close(): void
}

export const templateOptionId = (menuId: string, index: number) => `${menuId}-option-${index}`

export function createTemplateMenu(options: {
  conversation: Conversation
  conversationId: string
  input: () => HTMLTextAreaElement
  setDraft: (text: string) => void
}): TemplateMenu {
  const ws = useWorkspace()
  const id = `templates-${createUniqueId()}`
  const templates = ws.templates
  const [at, setAt] = createSignal<SlashQuery | null>(null)
  const [active, setActive] = createSignal(0)
  /** Where a `/query` the agent dismissed with Escape starts: it stays closed until another slash. */
  let dismissedAt = -1

  const channel = () => options.conversation.state.meta?.channel ?? options.conversation.row()?.channel ?? null
  const matches = createMemo<Template[]>(() => {
    const q = at()
    if (!q) return []
    return searchTemplates(templates.value() ?? [], q.query, { channel: channel() })
  })

  // The visitor's email: the index has it when the visitor gave one; the client card as seen last otherwise.
  const [cardEmail, setCardEmail] = createSignal<string | undefined>()
  let cardRead = false
  const readCard = () => {
    if (cardRead) return
    cardRead = true
    void cachedContact(ws.db, options.conversationId).then((c) => c?.visitor.email && setCardEmail(c.visitor.email))
  }
  const vars = () => ({
    'visitor.name': options.conversation.state.meta?.visitorName || options.conversation.row()?.visitorName || undefined,
    'visitor.email': options.conversation.row()?.visitorEmail || cardEmail(),
    'agent.name': ws.session.agent.name,
  })

  function follow() {
    const el = options.input()
    const caret = el.selectionStart
    const q = caret === el.selectionEnd ? slashQueryAt(el.value, caret) : null
    if (!q || q.start === dismissedAt) {
      if (!q) dismissedAt = -1
      setAt(null)
      return
    }
    readCard()
    const prev = at()
    if (!prev || prev.query !== q.query || prev.start !== q.start) setActive(0)
    setAt(q)
  }

  function pick(t: Template) {
    const q = at()
    if (!q) return
    const el = options.input()
    const next = insertAt(el.value, q.start, q.end, fillTemplate(t.text, vars()))
    if (next.text.length > Limits.messageText) return
    setAt(null)
    el.value = next.text
    options.setDraft(next.text)
    el.focus()
    el.setSelectionRange(next.caret, next.caret)
  }

  function key(e: KeyboardEvent): boolean {
    const list = matches()
    if (!list.length || e.isComposing || e.keyCode === 229) return false
    if (e.key === 'Escape') {
      dismissedAt = at()?.start ?? -1
      setAt(null)
    } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) {
      const t = list[active()]
      if (!t) return false
      pick(t)
    } else {
      const next = moveSelection(active(), e.key, list.length, 1)
      if (next === null) return false
      setActive(next)
    }
    e.preventDefault()
    return true
  }

  return {
    id,
    matches,
    active,
    setActive,
    activeOption: () => (matches().length ? templateOptionId(id, active()) : undefined),
    follow,
    key,
    pick,
    close: () => setAt(null),
  }
}
