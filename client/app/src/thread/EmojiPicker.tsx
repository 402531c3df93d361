/**
 * The emoji popup of the composer. Two ways in: typing `:smi` in the reply (a short list of
 * matches; the reply keeps the focus and its arrow keys move through the list), or the emoji
 * button (a grid of every emoji with a search box of its own). Works offline: the list is built in.
 */
import { createEffect, For, onCleanup, onMount, Show } from 'solid-js'
import type { Emoji } from './emoji.ts'

/** Emoji per row of the button's grid (see `.emoji-grid`); Up and Down move by a row. */
export const GRID_COLUMNS = 8

export interface EmojiPickerProps {
  id: string
  /** `inline`: matches for a `:query` typed in the reply; `browse`: the grid opened by the button. */
  mode: 'inline' | 'browse'
  matches: Emoji[]
  active: number
  onActive: (index: number) => void
  onPick: (emoji: Emoji) => void
  onClose: () => void
  /** Browse mode: the search text and its setter. */
  search?: string
  onSearch?: (text: string) => void
  /** Browse mode: keys of the search box (navigation is the composer's logic). */
  onSearchKeyDown?: (e: KeyboardEvent) => void
}

export const optionId = (pickerId: string, index: number) => `${pickerId}-option-${index}`

export function EmojiPicker(props: EmojiPickerProps) {
  let el!: HTMLDivElement
  let searchEl: HTMLInputElement | undefined

  onMount(() => {
    if (props.mode === 'browse') searchEl?.focus()
    // A press outside closes it (the emoji button toggles it itself).
    const onDown = (e: PointerEvent) => {
      const target = e.target as Element | null
      if (!el.contains(target) && !target?.closest?.('[data-testid="emoji-button"], [data-testid="composer"]')) props.onClose()
    }
    document.addEventListener('pointerdown', onDown)
    onCleanup(() => document.removeEventListener('pointerdown', onDown))
  })

  // Keep the active emoji in sight when the arrows move past the visible ones.
  createEffect(() => {
    const option = el.querySelector(`#${CSS.escape(optionId(props.id, props.active))}`)
    option?.scrollIntoView({ block: 'nearest' })
  })

  return (
    <div class={`emoji-picker emoji-picker-${props.mode}`} data-testid="emoji-picker" data-mode={props.mode} ref={el}>
      <Show when={props.mode === 'browse'}>
        <input
          ref={searchEl}
          class="emoji-search"
          data-testid="emoji-search"
          type="search"
          placeholder="Search emoji"
          aria-label="Search emoji"
          role="combobox"
          aria-expanded="true"
          aria-controls={props.id}
          aria-autocomplete="list"
          aria-activedescendant={props.matches.length ? optionId(props.id, props.active) : undefined}
          value={props.search ?? ''}
          onInput={(e) => props.onSearch?.(e.currentTarget.value)}
          onKeyDown={(e) => props.onSearchKeyDown?.(e)}
        />
      </Show>
      <ul id={props.id} class={props.mode === 'browse' ? 'emoji-grid' : 'emoji-list'} role="listbox" aria-label="Emoji">
        <For each={props.matches} fallback={<li class="emoji-empty">No emoji found</li>}>
          {(emoji, i) => (
            <li
              id={optionId(props.id, i())}
              class="emoji-option"
              role="option"
              data-testid="emoji-option"
              data-emoji={emoji.char}
              aria-selected={i() === props.active}
              aria-label={emoji.name.replaceAll('_', ' ')}
              title={`:${emoji.name}:`}
              // Keep the focus (and the caret) in the reply while choosing with the mouse.
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => i() !== props.active && props.onActive(i())}
              onClick={() => props.onPick(emoji)}
            >
              <span class="emoji-char">{emoji.char}</span>
              <Show when={props.mode === 'inline'}>
                <span class="emoji-name">:{emoji.name}:</span>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </div>
  )
}
