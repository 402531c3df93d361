import { createSignal, onCleanup, type Accessor } from 'solid-js'

/** Whether a media query matches, as a signal; must run inside a reactive owner. */
export function createMediaQuery(query: string): Accessor<boolean> {
  const mql = window.matchMedia(query)
  const [matches, setMatches] = createSignal(mql.matches)
  const update = () => setMatches(mql.matches)
  mql.addEventListener('change', update)
  onCleanup(() => mql.removeEventListener('change', update))
  return matches
}
