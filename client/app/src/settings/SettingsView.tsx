/**
 * The workspace's settings: a navigation of sections and the open one. Everything here edits the
 * `settings` and `templates` Yjs documents, so it works offline and merges on reconnect; what
 * needs the server (creating an agent) says so while offline.
 */
import { createEffect, For, Show } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import { Link, settingsPath, useRouter } from '../router.tsx'
import { useWorkspace } from '../workspace.tsx'
import { SECTIONS } from './sections.ts'
import './settings.css'

export function SettingsView(props: { section: string | null }) {
  const ws = useWorkspace()
  const router = useRouter()
  const admin = ws.session.agent.role === 'admin'
  const settings = ws.settings
  const templates = ws.templates
  const visible = () => SECTIONS.filter((s) => admin || !s.adminOnly)
  const current = () => visible().find((s) => s.id === props.section)
  // `/settings` and unknown sections open the first section this agent may see.
  createEffect(() => {
    const first = visible()[0]
    if (!current() && first) router.navigate(settingsPath(first.id), { replace: true })
  })
  return (
    <section class="settings" data-testid="settings" aria-label="Settings">
      <nav class="settings-nav" aria-label="Settings sections">
        <For each={visible()}>
          {(s) => (
            <Link
              href={settingsPath(s.id)}
              class="settings-nav-link"
              data-testid={`settings-nav-${s.id}`}
              aria-current={s.id === props.section ? 'page' : undefined}
            >
              {s.label}
            </Link>
          )}
        </For>
      </nav>
      <div class="settings-body">
        <Show when={settings.error()}>
          {(e) => (
            <p class="settings-error" role="alert" data-testid="settings-error">
              The server refused these settings ({e()}); your copy is read-only.
            </p>
          )}
        </Show>
        <Show when={current()}>
          {(s) => <Dynamic component={s().component} settings={settings} templates={templates} canEdit={admin} />}
        </Show>
      </div>
    </section>
  )
}
