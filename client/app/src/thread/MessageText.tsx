/**
 * Message text with its web links as anchors. Built from text nodes and <a> elements only: the
 * text is never parsed as HTML, whatever it holds.
 */
import { For } from 'solid-js'
import { linkify } from './linkify.ts'

export function MessageText(props: { text: string }) {
  // Messages are immutable, but a reused element could get another text: follow the prop.
  const tokens = () => linkify(props.text)
  return (
    <p class="message-text">
      <For each={tokens()}>
        {(t) =>
          t.kind === 'link' ? (
            // nofollow: visitors write these; noopener: the page opened cannot reach back into the app.
            <a href={t.href} target="_blank" rel="noopener noreferrer nofollow" class="message-link">
              {t.text}
            </a>
          ) : (
            t.text
          )
        }
      </For>
    </p>
  )
}
