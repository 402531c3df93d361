/**
 * The supervisor's Conversations (`/supervision/conversations`): every conversation of the
 * workspace that is waiting, open or snoozed, from the local index (a supervisor's device receives
 * every event), so it filters and sorts offline too. Filters and sort live in the address
 * (activeConversations.ts); a row opens the conversation beside the list from 900 px and over it
 * on a phone (`?open=<id>`), where the usual actions (transfer included) and the internal notes
 * work as in the inbox, through the same outboxes.
 */
import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js'
import { channelLabel } from '../../../../shared/channels.ts'
import type { ConversationRow } from '../../../data/db.ts'
import { useConversationRows } from '../conversationRows.ts'
import { clockTime, createNow, formatDuration, relativeTime, SECOND_TICK_MS, statusLabel, statusText } from '../format.ts'
import { createMediaQuery } from '../mediaQuery.ts'
import { Link, supervisionPath, useRouter } from '../router.tsx'
import { ConversationView } from '../views/ConversationView.tsx'
import { SyncProgress } from '../views/SyncProgress.tsx'
import { useWorkspace } from '../workspace.tsx'
import {
  ACTIVE_STATUSES,
  CONVERSATION_SORT_LABELS,
  CONVERSATION_SORTS,
  conversationsSearch,
  filterConversations,
  hasFilters,
  isActive,
  knownValues,
  NO_FILTERS,
  NONE,
  parseConversationsQuery,
  presentValues,
  sortConversations,
  type ConversationFilters,
  type ConversationsQuery,
  type ConversationSort,
  type FilterKey,
} from './activeConversations.ts'
import './ConversationsView.css'

/** From this width the list stays beside the open conversation (as the inbox does). */
const SPLIT_VIEW_QUERY = '(min-width: 900px)'
/** Rows rendered at first, and added by each "Show more": enough for a screen's worth many times over. */
const PAGE_ROWS = 200

const PATH = supervisionPath('conversations')

interface Option {
  value: string
  label: string
}

function FilterSelect(props: { key: FilterKey; label: string; all: string; value: string | null; options: Option[]; onChange: (v: string | null) => void }) {
  return (
    <label class="convs-filter">
      <span class="convs-filter-label">{props.label}</span>
      <select
        class="convs-select"
        data-testid={`convs-filter-${props.key}`}
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.currentTarget.value || null)}
      >
        {/* `selected` too: the options of a select may arrive after its value (the settings load). */}
        <option value="" selected={props.value === null}>
          {props.all}
        </option>
        <For each={props.options}>
          {(o) => (
            <option value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          )}
        </For>
      </select>
    </label>
  )
}

export function ConversationsView() {
  const ws = useWorkspace()
  const router = useRouter()
  const me = ws.session.agent.id
  const wide = createMediaQuery(SPLIT_VIEW_QUERY)
  const now = createNow(SECOND_TICK_MS)
  const all = useConversationRows()
  all.load()

  const settings = () => ws.settings.value()
  const teamOfGroup = createMemo(() => new Map((settings()?.groups ?? []).map((g) => [g.id, g.teamId])))
  const teamOf = (groupId: string) => teamOfGroup().get(groupId) ?? null
  const groupName = (id: string) => settings()?.groups.find((g) => g.id === id)?.name
  const teamName = (id: string) => settings()?.teams.find((t) => t.id === id)?.name

  const active = createMemo(() => all.rows()?.filter(isActive))
  const known = createMemo(() => knownValues(active(), settings(), ws.agents().map((a) => a.id)))
  const parsed = createMemo(() => parseConversationsQuery(router.search(), known()))
  const query = () => parsed().query
  const filters = () => query().filters
  const openId = () => query().open

  const listHref = (q: Partial<ConversationsQuery>) => PATH + conversationsSearch({ ...query(), ...q })
  /** A filter or sort change replaces the address (Back leaves the view, not the last filter); opening a row adds to it. */
  const change = (q: Partial<ConversationsQuery>) => router.navigate(listHref(q), { replace: true })
  const setFilter = (key: FilterKey, value: string | null) => change({ filters: { ...filters(), [key]: value } as ConversationFilters })

  const shown = createMemo(() => {
    const rows = active()
    return rows && sortConversations(filterConversations(rows, filters(), teamOf), query().sort)
  })
  const [limit, setLimit] = createSignal(PAGE_ROWS)
  // Another filter or order starts again from its first page (rows coming and going do not).
  const listKey = createMemo(() => conversationsSearch({ ...query(), open: null }))
  createEffect(on(listKey, () => setLimit(PAGE_ROWS), { defer: true }))
  const visible = createMemo(() => shown()?.slice(0, limit()))

  // Offline, the list is this device's copy: say since when.
  const [lastOnline, setLastOnline] = createSignal<number | null>(ws.connectivity() === 'online' ? Date.now() : null)
  createEffect(() => {
    if (ws.connectivity() === 'online') setLastOnline(Date.now())
  })
  const offline = () => ws.connectivity() === 'offline'

  // The select options: what the settings and the directory name, plus what the rows hold.
  const present = (pick: (r: ConversationRow) => string | null | undefined) => presentValues(active() ?? [], pick)
  const teamOptions = createMemo<Option[]>(() => [
    ...(settings()?.teams ?? []).map((t) => ({ value: t.id, label: t.name })),
    { value: NONE, label: 'No team' },
  ])
  const groupOptions = createMemo<Option[]>(() => {
    const named = settings()?.groups ?? []
    const extra = present((r) => r.groupId).filter((id) => !named.some((g) => g.id === id))
    return [
      ...named.map((g) => ({ value: g.id, label: g.teamId && teamName(g.teamId) ? `${g.name} (${teamName(g.teamId)})` : g.name })),
      ...extra.map((id) => ({ value: id, label: id })),
      { value: NONE, label: 'No group' },
    ]
  })
  const channelOptions = createMemo<Option[]>(() => {
    const channels = new Set(['widget', ...present((r) => r.channel)])
    const chosen = filters().channel
    if (chosen) channels.add(chosen)
    return [...channels].map((c) => ({ value: c, label: channelLabel(c) }))
  })
  const agentOptions = createMemo<Option[]>(() => {
    const ids = new Set([...ws.agents().map((a) => a.id), ...present((r) => r.assigneeId)])
    const chosen = filters().agent
    if (chosen && chosen !== NONE) ids.add(chosen)
    const opts = [...ids].map((id) => ({ value: id, label: (ws.nameOf(id) ?? 'Unknown agent') + (id === me ? ' (you)' : '') }))
    opts.sort((a, b) => a.label.localeCompare(b.label))
    return [...opts, { value: NONE, label: 'Nobody (unassigned)' }]
  })

  const assigneeText = (id: string | null | undefined) => (!id ? 'Unassigned' : (ws.nameOf(id) ?? 'Unknown agent'))
  const groupText = (row: ConversationRow) => {
    if (!row.groupId) return 'No group'
    return groupName(row.groupId) ?? row.groupId
  }
  const teamText = (row: ConversationRow) => {
    const team = row.groupId ? teamOf(row.groupId) : null
    return team ? (teamName(team) ?? team) : null
  }

  const open = (id: string) => router.navigate(listHref({ open: id }))

  const list = (
    <section class="convs-list" aria-label="Active conversations" data-testid="convs-list">
      <div class="convs-tools" role="group" aria-label="Filters">
        <FilterSelect key="team" label="Team" all="Every team" value={filters().team} options={teamOptions()} onChange={(v) => setFilter('team', v)} />
        <FilterSelect key="group" label="Group" all="Every group" value={filters().group} options={groupOptions()} onChange={(v) => setFilter('group', v)} />
        <FilterSelect key="channel" label="Channel" all="Every channel" value={filters().channel} options={channelOptions()} onChange={(v) => setFilter('channel', v)} />
        <FilterSelect key="agent" label="Agent" all="Every agent" value={filters().agent} options={agentOptions()} onChange={(v) => setFilter('agent', v)} />
        <FilterSelect
          key="status"
          label="Status"
          all="Every status"
          value={filters().status}
          options={ACTIVE_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
          onChange={(v) => setFilter('status', v)}
        />
        <label class="convs-filter">
          <span class="convs-filter-label">Sort</span>
          <select class="convs-select" data-testid="convs-sort" value={query().sort} onChange={(e) => change({ sort: e.currentTarget.value as ConversationSort })}>
            <For each={CONVERSATION_SORTS}>{(s) => <option value={s}>{CONVERSATION_SORT_LABELS[s]}</option>}</For>
          </select>
        </label>
        <Show when={hasFilters(filters())}>
          <button type="button" class="button button-quiet convs-clear" data-testid="convs-clear" onClick={() => change({ filters: NO_FILTERS })}>
            Clear filters
          </button>
        </Show>
      </div>

      <For each={parsed().problems}>
        {(p) => (
          <p class="convs-problem" role="alert" data-testid="convs-query-problem">
            {p}
          </p>
        )}
      </For>
      <Show when={offline()}>
        <p class="convs-offline" data-testid="convs-offline">
          Offline: this is the list as this device last knew it
          <Show when={lastOnline()}>{(t) => <> (as of {clockTime(t())})</>}</Show>. A reassignment or a note waits for the network.
        </p>
      </Show>

      <SyncProgress />
      <Show
        when={shown()}
        fallback={
          <p class="convs-state" data-testid="convs-loading">
            Reading the conversations on this device…
          </p>
        }
      >
        {(rows) => (
          <>
            <p class="convs-count" data-testid="convs-count">
              <strong data-metric="active_conversations" data-value={rows().length}>
                {rows().length}
              </strong>{' '}
              {rows().length === 1 ? 'conversation' : 'conversations'}
              <Show when={hasFilters(filters())} fallback=" waiting, open or snoozed">
                {' '}
                of {active()?.length ?? 0} active match the filters
              </Show>
            </p>
            <Show
              when={rows().length > 0}
              fallback={
                <p class="convs-state" data-testid="convs-empty">
                  <Show when={hasFilters(filters())} fallback="No conversation is waiting, open or snoozed.">
                    No conversation matches these filters.{' '}
                    <button type="button" class="button button-quiet" onClick={() => change({ filters: NO_FILTERS })}>
                      Clear filters
                    </button>
                  </Show>
                </p>
              }
            >
              <div class="convs-table-wrap">
                <table class="convs-table" data-testid="convs-table">
                  <thead>
                    <tr>
                      <th scope="col">Visitor</th>
                      <th scope="col">Channel</th>
                      <th scope="col">Group</th>
                      <th scope="col">Assignee</th>
                      <th scope="col">Status</th>
                      <th scope="col">Duration</th>
                      <th scope="col">Last activity</th>
                      <th scope="col">Waiting since</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={visible()}>
                      {(row) => (
                        <tr
                          data-testid="convs-row"
                          data-conversation={row.id}
                          data-status={row.status}
                          data-assignee={row.assigneeId ?? ''}
                          data-group={row.groupId ?? ''}
                          data-channel={row.channel}
                          classList={{ selected: openId() === row.id }}
                          aria-selected={openId() === row.id}
                          onClick={(e) => {
                            if (!(e.target as Element).closest('a')) open(row.id)
                          }}
                        >
                          <td data-label="Visitor" class="convs-visitor">
                            <Link href={listHref({ open: row.id })} data-testid="convs-open" aria-current={openId() === row.id ? 'page' : undefined}>
                              {row.visitorName || 'Visitor'}
                            </Link>
                          </td>
                          <td data-label="Channel">{channelLabel(row.channel)}</td>
                          <td data-label="Group" data-testid="convs-group">
                            {groupText(row)}
                            <Show when={teamText(row)}>{(t) => <span class="muted convs-team"> · {t()}</span>}</Show>
                          </td>
                          <td data-label="Assignee" data-testid="convs-assignee">
                            {assigneeText(row.assigneeId)}
                          </td>
                          <td data-label="Status">
                            <span class={`status status-${row.status}`} data-testid="convs-status">
                              {statusText(row.status, row.snoozedUntil, now())}
                            </span>
                          </td>
                          <td data-label="Duration" data-testid="convs-duration" data-value={Math.max(0, now() - row.createdAt)}>
                            {formatDuration(now() - row.createdAt, 'compact')}
                          </td>
                          <td data-label="Last activity">
                            <time datetime={new Date(row.lastActivityAt).toISOString()} title={new Date(row.lastActivityAt).toLocaleString()}>
                              {relativeTime(row.lastActivityAt, now())}
                            </time>
                          </td>
                          <td data-label="Waiting since" data-testid="convs-waiting">
                            <Show when={row.waitingSince} fallback={<span class="muted">—</span>}>
                              {(since) => (
                                <time datetime={new Date(since()).toISOString()} title={new Date(since()).toLocaleString()}>
                                  {clockTime(since())} · {formatDuration(now() - since(), 'compact')}
                                </time>
                              )}
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={rows().length > limit()}>
                <p class="convs-more">
                  Showing {limit()} of {rows().length}.{' '}
                  <button type="button" class="button" data-testid="convs-more" onClick={() => setLimit((n) => n + PAGE_ROWS)}>
                    Show {Math.min(PAGE_ROWS, rows().length - limit())} more
                  </button>
                </p>
              </Show>
            </Show>
          </>
        )}
      </Show>
    </section>
  )

  return (
    <div class="convs" classList={{ split: wide() && openId() !== null }} data-testid="supervision-conversations">
      <Show when={!openId() || wide()}>{list}</Show>
      <Show when={openId()} keyed>
        {(id) => <ConversationView id={id} backHref={listHref({ open: null })} backLabel="Conversations" />}
      </Show>
    </div>
  )
}
