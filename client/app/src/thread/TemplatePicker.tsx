/**
 * The composer's template popup: the templates matching a `/query` typed in the reply. The reply
 * keeps the focus; its arrow keys move through the list (see templateMenu.ts).
 */
import { createEffect, For } from 'solid-js'
import type { Template } from '../../../../shared/settings.ts'
import { templateOptionId } from './templateMenu.ts'
import './TemplatePicker.css'

export function TemplatePicker(props: { id: string; matches: Template[]; active: number; onActive: (i: number) => void; onPick: (t: Template) => void }) {
  let el!: HTMLUListElement

  // Keep the active template in sight when the arrows move past the visible ones.
  createEffect(() => {
    el.querySelector(`#${CSS.escape(templateOptionId(props.id, props.active))}`)?.scrollIntoView({ block: 'nearest' })
  })

  return (
    <div class="template-picker" data-testid="template-popup">
      <ul id={props.id} ref={el} class="template-options" role="listbox" aria-label="Reply templates">
        <For each={props.matches}>
          {(t, i) => (
            <li
              id={templateOptionId(props.id, i())}
              class="template-option"
              role="option"
              data-testid="template-option"
              data-tag={t.tag}
              aria-selected={i() === props.active}
              // Keep the focus (and the caret) in the reply while choosing with the mouse.
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => i() !== props.active && props.onActive(i())}
              onClick={() => props.onPick(t)}
            >
              <span class="template-option-head">
                <span class="template-option-tag">/{t.tag}</span>
                <span class="template-option-title">{t.title}</span>
              </span>
              <span class="template-option-text">{t.text}</span>
            </li>
          )}
        </For>
      </ul>
    </div>
  )
}
