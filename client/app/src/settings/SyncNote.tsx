/**
 * Whether a settings document's edits have reached the server: they are saved on this device at
 * once (IndexedDB) and merge when the socket is back, so offline editing is normal, not an error.
 */
import { Show } from 'solid-js'
import { useWorkspace } from '../workspace.tsx'
import type { LiveDocument } from './settingsDoc.ts'
import './settingsForms.css'

export function SyncNote(props: { doc: LiveDocument<unknown>; testId?: string }) {
  const ws = useWorkspace()
  const synced = () => ws.connectivity() === 'online' && props.doc.synced()
  return (
    <Show
      when={!props.doc.error()}
      fallback={
        <p class="sync-note sync-note-refused" data-testid={props.testId ?? 'sync-status'} data-state="refused" role="status">
          The server refused these changes; they stay on this device only.
        </p>
      }
    >
      <p class="sync-note" data-testid={props.testId ?? 'sync-status'} data-state={synced() ? 'synced' : 'pending'} role="status">
        <span class="sync-dot" aria-hidden="true" />
        {synced() ? 'Synced' : 'Saved on this device — will sync when online'}
      </p>
    </Show>
  )
}
