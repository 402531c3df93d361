/** Close a conversation: tag it, and optionally keep it as a request (ticket). */
import { createSignal, For } from 'solid-js'
import { useWorkspace } from '../workspace.tsx'
import { offeredTags } from './closeTags.ts'
import { Modal } from './Modal.tsx'

export function CloseDialog(props: { initialTags: readonly string[]; onClose: () => void; onConfirm: (tags: string[], asTicket: boolean) => void }) {
  // The settings document is read from this device (IndexedDB), so the workspace's tags show offline too.
  const settings = useWorkspace().settings
  const [tags, setTags] = createSignal<string[]>([...props.initialTags])
  const [asTicket, setAsTicket] = createSignal(false)
  const toggle = (tag: string) => setTags((t) => (t.includes(tag) ? t.filter((x) => x !== tag) : [...t, tag]))
  const offered = () => offeredTags(settings.value()?.tags.map((t) => t.name), props.initialTags)

  return (
    <Modal
      title="Close the chat"
      testId="close-dialog"
      onClose={props.onClose}
      onSubmit={() => props.onConfirm(tags(), asTicket())}
      footer={
        <button type="submit" class="button button-primary" data-testid="close-confirm">
          {asTicket() ? 'Close as request' : 'Close'}
        </button>
      }
    >
      <fieldset class="modal-section">
        <legend>Tags</legend>
        <div class="tag-list">
          <For each={offered()}>
            {(tag) => (
              <button type="button" class="tag-chip" aria-pressed={tags().includes(tag)} data-testid="close-tag" data-tag={tag} onClick={() => toggle(tag)}>
                {tag}
              </button>
            )}
          </For>
        </div>
      </fieldset>
      <label class="checkbox">
        <input type="checkbox" data-testid="close-as-ticket" checked={asTicket()} onChange={(e) => setAsTicket(e.currentTarget.checked)} />
        Close and open as a request
      </label>
    </Modal>
  )
}
