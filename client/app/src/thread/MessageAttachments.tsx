/**
 * The files of a message: images as thumbnails (a click opens the full size in a new tab), other
 * files as a download link with name and size. Each is `data-testid="attachment"` with its
 * `data-name`. Links are built from the file's id, never taken from the message (another agent's
 * client wrote it); a reply still held here shows its local copies, and says why the server
 * refused it if it did.
 */
import { For, Show } from 'solid-js'
import { formatBytes, isImageType, sanitizeAttachments } from '../../../../shared/files.ts'
import type { Attachment, ChatMessage } from '../../../../shared/protocol.ts'
import { discardHeldReply } from '../../../data/uploads.ts'
import type { Conversation } from '../conversation.ts'
import { useWorkspace } from '../workspace.tsx'
import { localPreview } from './heldReplies.ts'
import './attachments.css'

export function MessageAttachments(props: { message: ChatMessage; conversation: Conversation }) {
  const ws = useWorkspace()
  const held = () => props.conversation.held(props.message.id)
  const files = (): Attachment[] => {
    const local = held()
      ? (props.message.attachments ?? []).flatMap((a) => {
          const url = localPreview(a.id)
          return url ? [{ ...a, url }] : []
        })
      : null
    return local ?? sanitizeAttachments(props.message.attachments)
  }
  return (
    <>
      <Show when={files().length}>
        <div class="attachments">
          <For each={files()}>
            {(a) =>
              isImageType(a.type) ? (
                <a class="attachment attachment-image" data-testid="attachment" data-name={a.name} data-type={a.type} href={a.url} target="_blank" rel="noopener noreferrer">
                  <img src={a.url} alt={a.name} loading="lazy" decoding="async" />
                </a>
              ) : (
                <a class="attachment attachment-file" data-testid="attachment" data-name={a.name} data-type={a.type} href={a.url} download={a.name}>
                  <span class="attachment-icon" aria-hidden="true">
                    📄
                  </span>
                  <span class="attachment-name">{a.name}</span>
                  <span class="attachment-size">{formatBytes(a.size)}</span>
                </a>
              )
            }
          </For>
        </div>
      </Show>
      <Show when={held()?.state === 'failed' ? held() : null}>
        {(reply) => (
          <div class="attachment-refused">
            <span data-testid="upload-error" role="alert">
              Not sent: {reply().error}
            </span>
            <button type="button" class="button button-quiet" data-testid="discard-reply" onClick={() => void discardHeldReply(ws.db, reply().clientId)}>
              Discard
            </button>
          </div>
        )}
      </Show>
    </>
  )
}
