/**
 * Settings › Agents: who works in the workspace, and adding someone. Accounts live on the server,
 * so adding needs a connection; the list shows offline from the agents cache. Where an agent
 * works (groups, skills, slots) is edited in its own section.
 */
import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js'
import { Role, type AgentStatus } from '../../../../shared/protocol.ts'
import { capitalize } from '../format.ts'
import { createLiveQuery } from '../liveQuery.ts'
import { useWorkspace } from '../workspace.tsx'
import { addAgent, fetchDirectory, ROLES, type DirectoryAgent } from './agentDirectory.ts'
import type { SectionProps } from './sections.ts'
import './settingsForms.css'

const isStatus = (v: unknown): v is AgentStatus => v === 'online' || v === 'away' || v === 'offline'

export function AgentsSection(_props: SectionProps) {
  const ws = useWorkspace()
  const offline = () => ws.connectivity() === 'offline'

  // The server's list when online: it has each agent's status; the cache stands in offline.
  const [directory, setDirectory] = createSignal<DirectoryAgent[] | null>(null)
  const reload = async () => {
    const fresh = await fetchDirectory(ws.api)
    if (fresh) setDirectory(fresh)
    await ws.refreshAgents()
  }
  createEffect(
    on(ws.connectivity, (c) => {
      if (c === 'online') void reload()
    }),
  )
  // Status changes arrive as events while the page is open: each agent's newest, as folded from the log.
  const statusEvents = createLiveQuery(async () => {
    const latest = new Map<string, AgentStatus>()
    for (const a of await ws.db.agentStates.toArray()) if (isStatus(a.status)) latest.set(a.agentId, a.status)
    return latest
  })
  const agents = createMemo(() => {
    const byId = new Map<string, DirectoryAgent>()
    for (const a of ws.agents()) byId.set(a.id, { id: a.id, name: a.name, role: a.role, email: null, status: null })
    for (const a of directory() ?? []) byId.set(a.id, a)
    const me = ws.session.agent
    if (!byId.has(me.id)) byId.set(me.id, { id: me.id, name: me.name, role: me.role, email: null, status: null })
    const events = statusEvents()
    // The server's list has no emails yet; this device knows its own agent's.
    return [...byId.values()]
      .map((a) => (a.id === me.id ? { ...a, email: a.email ?? me.email, status: ws.agentStatus.status() } : { ...a, status: events?.get(a.id) ?? a.status }))
      .sort((a, b) => a.name.localeCompare(b.name))
  })

  // ---- adding ----
  const [name, setName] = createSignal('')
  const [email, setEmail] = createSignal('')
  const [password, setPassword] = createSignal('')
  const [role, setRole] = createSignal<Role>(Role.agent)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<{ message: string; field?: 'email' } | null>(null)
  const [added, setAdded] = createSignal<string | null>(null)

  async function submit(e: SubmitEvent) {
    e.preventDefault()
    if (busy() || offline()) return
    setBusy(true)
    setError(null)
    setAdded(null)
    const who = name().trim()
    const result = await addAgent(ws.api, { name: who, email: email().trim(), password: password(), role: role() })
    setBusy(false)
    if (!result.ok) return setError({ message: result.error, field: result.field })
    setAdded(who)
    setName('')
    setEmail('')
    setPassword('')
    setRole(Role.agent)
    await reload()
  }

  return (
    <div class="settings-section" data-testid="settings-agents">
      <h2 class="settings-title">Agents</h2>

      <form class="settings-form" data-testid="agent-form" onSubmit={submit} aria-describedby="agent-form-note">
        <h3 class="settings-subtitle">Add an agent</h3>
        <Show when={offline()}>
          <p class="settings-offline" id="agent-form-note" data-testid="agent-form-offline" role="status">
            Adding agents needs a connection.
          </p>
        </Show>
        <fieldset class="settings-fields" disabled={offline() || busy()}>
          <label class="field">
            Name
            <input data-testid="agent-name" required maxLength={200} autocomplete="off" value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label class="field">
            Email
            <input
              data-testid="agent-email"
              type="email"
              required
              maxLength={320}
              autocomplete="off"
              aria-invalid={error()?.field === 'email'}
              aria-errormessage={error()?.field === 'email' ? 'agent-form-error' : undefined}
              value={email()}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            Password
            <input
              data-testid="agent-password"
              type="password"
              required
              autocomplete="new-password"
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <span class="field-hint">At least 8 characters; give it to them yourself.</span>
          </label>
          <label class="field">
            Role
            <select data-testid="agent-role" value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              <For each={ROLES}>{(r) => <option value={r}>{capitalize(r)}</option>}</For>
            </select>
          </label>
          <div class="settings-actions">
            <button type="submit" class="button button-primary" data-testid="agent-submit">
              {busy() ? 'Adding…' : 'Add agent'}
            </button>
          </div>
        </fieldset>
        <Show when={error()}>
          {(err) => (
            <p class="form-error" id="agent-form-error" data-testid="agent-form-error" role="alert">
              {err().message}
            </p>
          )}
        </Show>
        <Show when={added()}>
          {(who) => (
            <p class="settings-done" data-testid="agent-form-done" role="status">
              {who()} can now sign in.
            </p>
          )}
        </Show>
      </form>

      <h3 class="settings-subtitle">Everyone</h3>
      <Show when={offline()}>
        <p class="muted">As last seen online; statuses may have changed.</p>
      </Show>
      <table class="settings-table" data-testid="agent-list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          <For each={agents()}>
            {(a) => (
              <tr data-testid="agent-row" data-id={a.id}>
                <td data-testid="agent-row-name">{a.name}</td>
                <td class="muted">{a.email ?? '—'}</td>
                <td data-testid="agent-row-role">{capitalize(a.role)}</td>
                <td>
                  <Show when={a.status} fallback={<span class="muted">—</span>}>
                    {(s) => (
                      <span class={`agent-status agent-status-${s()}`} data-testid="agent-row-status">
                        {capitalize(s())}
                      </span>
                    )}
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  )
}
