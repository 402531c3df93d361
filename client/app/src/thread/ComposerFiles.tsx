/**
 * The reply box's files: the paperclip (a label around a file input, so a click opens the
 * picker and the input stays reachable by keyboard), and the staged files with a way to take
 * one back and the reason a file was refused.
 */
import { For, Show } from 'solid-js'
import { FILE_ACCEPT, formatBytes } from '../../../../shared/files.ts'
import type { StagedFiles } from './stagedFiles.ts'
import './attachments.css'

export function AttachButton(props: { files: StagedFiles; disabled?: boolean }) {
  return (
    <label class="button button-quiet composer-attach" data-testid="attach" title="Attach files">
      <input
        type="file"
        class="sr-only"
        data-testid="attach-input"
        multiple
        accept={FILE_ACCEPT}
        aria-label="Attach files"
        disabled={props.disabled}
        onChange={(e) => {
          props.files.add(Array.from(e.currentTarget.files ?? []))
          // The same file picked again must fire another change.
          e.currentTarget.value = ''
        }}
      />
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        <path
          d="M20 11.5l-7.8 7.8a5 5 0 0 1-7.1-7.1l8.2-8.2a3.3 3.3 0 0 1 4.7 4.7l-8.2 8.2a1.7 1.7 0 0 1-2.4-2.4l7.5-7.5"
          fill="none"
          stroke="currentColor"
          stroke-width="1.6"
          stroke-linecap="round"
          stroke-linejoin="round"
        />
      </svg>
    </label>
  )
}

export function StagedFileList(props: { files: StagedFiles }) {
  return (
    <Show when={props.files.list().length || props.files.error()}>
      <div class="staged-files">
        <For each={props.files.list()}>
          {(f, i) => (
            <span class="staged-file" data-testid="staged-file" data-name={f.name}>
              <span class="attachment-name">{f.name}</span>
              <span class="attachment-size">{formatBytes(f.size)}</span>
              <button type="button" class="staged-remove" aria-label={`Remove ${f.name}`} onClick={() => props.files.remove(i())}>
                ×
              </button>
            </span>
          )}
        </For>
        <Show when={props.files.error()}>
          {(text) => (
            <p class="attach-error" data-testid="attach-error" role="alert">
              {text()}
            </p>
          )}
        </Show>
      </div>
    </Show>
  )
}
