/**
 * What the loader (`/widget.js`, always on the page) and the chat bundle (`/widget/chat.js`,
 * loaded when needed) hand each other. Types only: importing this file adds nothing to either bundle.
 */
import type { WidgetHistoryMessage } from '../../shared/protocol.ts'
import type { EmbedConfig } from './config.ts'

/** Events the host page can subscribe to through `window.Parley.on`. */
export interface ParleyEvents {
  message: WidgetHistoryMessage
  unread: number
  open: undefined
  close: undefined
}
export type ParleyEvent = keyof ParleyEvents

export interface VisitorIdentity {
  name?: string
  email?: string
  /** The host's signature of the identity, checked by the server. */
  hash?: string
}

/** What the loader gives the chat bundle: the shadow root it owns, the launcher, and its event bus. */
export interface ChatContext {
  embed: EmbedConfig
  /** The element inside the shadow root that holds everything (and carries the colour variables). */
  frame: HTMLElement
  /** Absent in full-page mode. */
  launcher: HTMLButtonElement | null
  /** The configuration as received (the last page's copy, the server's, or the admin preview's); parse before use. */
  readonly config: unknown
  /** The launcher shows the count (and the loader remembers it for the next page). */
  setUnread(count: number): void
  /** The launcher reflects whether the box is open. */
  setOpen(open: boolean): void
  emit<E extends ParleyEvent>(event: E, payload: ParleyEvents[E]): void
  /** Remembers (per workspace) that the visitor has a conversation going, so later pages load the chat early. */
  setActive(active: boolean): void
}

/** What the chat bundle gives back to the loader. */
export interface ChatHandle {
  readonly open: boolean
  setOpen(open: boolean, focus: boolean): void
  setUser(user: VisitorIdentity): void
  setAttributes(values: Record<string, string>): void
  track(name: string, payload?: Record<string, string | number | boolean>): void
  /** A new configuration, unparsed (the admin's live preview). */
  applyConfig(config: unknown): void
  /** Shows the proactive invitation (the launch criterion was met). */
  invite(): void
  /** Proactive without invitation: tells the server the visitor may be engaged. */
  engage(): void
}

/** The chat bundle's one export. */
export type MountChat = (ctx: ChatContext) => ChatHandle
