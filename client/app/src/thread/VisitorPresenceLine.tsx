/**
 * "Online" / "Offline" and "typing…" for the visitor, in the conversation header, from the
 * document's awareness. The visitor is offline when this device is in sync with the server and
 * the server publishes no presence for them. Nothing shows until then, nor while this device is
 * offline (the awareness then holds only its own state), which is the truth: we do not know.
 */
import { createEffect, createSignal, onCleanup, Show, type Accessor } from 'solid-js'
import type { Awareness } from 'y-protocols/awareness'
import { NO_VISITOR, visitorPresenceOf, type VisitorPresence } from './visitorPresence.ts'

/** The visitor's presence from an awareness that may not be there yet; must run inside a reactive owner. */
export function createVisitorPresence(awareness: Accessor<Awareness | null>): Accessor<VisitorPresence> {
  const [presence, setPresence] = createSignal<VisitorPresence>(NO_VISITOR, {
    equals: (a, b) => a.online === b.online && a.typing === b.typing,
  })
  createEffect(() => {
    const a = awareness()
    if (!a) return setPresence(NO_VISITOR)
    const read = () => setPresence(visitorPresenceOf(a.getStates(), a.clientID))
    read()
    // 'change' fires when a state is added, removed or really changed (not on the 15 s renewals).
    a.on('change', read)
    onCleanup(() => {
      a.off('change', read)
      setPresence(NO_VISITOR)
    })
  })
  return presence
}

export function VisitorPresenceLine(props: { awareness: Accessor<Awareness | null>; synced: Accessor<boolean> }) {
  const presence = createVisitorPresence(props.awareness)
  return (
    <>
      <Show when={presence().online}>
        <span class="presence-online" data-testid="visitor-online" data-presence="online">
          <span class="presence-dot" aria-hidden="true" />
          Online
        </span>
      </Show>
      <Show when={!presence().online && props.synced()}>
        <span class="presence-offline" data-testid="visitor-offline" data-presence="offline" title="The visitor has no chat window open">
          <span class="presence-dot" aria-hidden="true" />
          Offline
        </span>
      </Show>
      <Show when={presence().typing}>
        <span class="presence-typing" data-testid="visitor-typing">
          typing…
        </span>
      </Show>
    </>
  )
}
