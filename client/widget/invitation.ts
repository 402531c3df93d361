import type { FromWidget } from '../../shared/protocol.ts'
import type { ChatContext } from './api.ts'
import { buildInvite } from './panels.ts'
import type { WidgetStorage } from './storage.ts'

export interface Invitation {
  /** Shows the invitation (the box, or only its line when minimised), unless it is up already. */
  show(text: string, mini: boolean): void
  hide(): void
}

/**
 * The proactive invitation: shown once the launch criterion is met, gone when the visitor
 * accepts, refuses or opens the box. Each step is told to the server for the funnel's events.
 * (A closure rather than a class: the chat bundle has a size budget, and class fields cost bytes.)
 */
export function createInvitation(
  ctx: ChatContext,
  storage: WidgetStorage,
  send: (frame: FromWidget) => void,
  /** The visitor accepted: open the chat. */
  accept: () => void,
): Invitation {
  let box: HTMLElement | null = null
  const hide = (): void => {
    box?.remove()
    box = null
  }
  const show = (text: string, mini: boolean): void => {
    if (box) return
    box = buildInvite({
      text,
      mini,
      onAccept: () => {
        send({ type: 'invite', action: 'accepted' })
        accept()
      },
      onRefuse: () => {
        send({ type: 'invite', action: 'refused' })
        // Not shown again on later pages (the loader reads this).
        storage.setFlag('refused', true)
        hide()
        ctx.launcher?.focus()
      },
    })
    ctx.frame.appendChild(box)
    send({ type: 'invite', action: 'shown' })
  }
  return { show, hide }
}
