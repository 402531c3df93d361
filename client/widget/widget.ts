/**
 * The visitor widget's entry: `<script src="…/widget.js" data-workspace="…" async>`.
 * It defines exactly one global, `window.Parley`, and keeps everything else in a shadow root.
 * This module deliberately exports nothing: an IIFE build with exports would add a second
 * global for them.
 */
import type { ParleyEvent, ParleyEvents } from './session.ts'
import { ChatSession } from './session.ts'
import { findEmbedScript, readEmbedConfig } from './config.ts'

/** The host page's handle on the widget. */
interface ParleyApi {
  open(): void
  close(): void
  toggle(): void
  /** Subscribes to 'message' | 'unread' | 'open' | 'close'; returns a function that unsubscribes. */
  on<E extends ParleyEvent>(event: E, fn: (payload: ParleyEvents[E]) => void): () => void
}

// Must run synchronously at load: currentScript is null once the top level has returned.
const script = findEmbedScript()
const host = window as unknown as { Parley?: ParleyApi }

if (host.Parley) {
  // The snippet pasted twice (or a SPA re-inserting it) must not open a second socket and panel.
  console.warn('[parley] widget already loaded; ignoring this copy')
} else {
  const session = new ChatSession(readEmbedConfig(script))
  host.Parley = {
    open: () => session.setOpen(true, true),
    close: () => session.setOpen(false, false),
    toggle: () => session.setOpen(!session.open, true),
    on: (event, fn) => session.on(event, fn),
  }
  session.start()
}
