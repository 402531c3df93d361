/**
 * Rows → records, once for both adapters. Both schemas have the same tables and columns; they
 * differ only in how a row holds JSON (SQLite: text; PostgreSQL: JSONB, already decoded) and
 * booleans (SQLite: 0/1; PostgreSQL: true/false), which each adapter says with its `Readers`.
 */
import { isChannelKind } from '../../shared/channels.ts'
import type { LogEvent } from '../../shared/protocol.ts'
import type {
  AgentRecord,
  ChannelConnectionRecord,
  Commit,
  CommandResult,
  ConversationRecord,
  EmailNoticeRecord,
  FileRecord,
  SessionRecord,
  VisitorPatch,
  VisitorRecord,
  WidgetAckRecord,
  WorkspaceRecord,
} from './Store.ts'

export type Row = Record<string, unknown>

/** The columns a visitor patch may set, with their PostgreSQL types; `fields` is merged, not set. */
export const VISITOR_PATCH_COLUMNS = {
  blocked: ['blocked', 'boolean'],
  name: ['name', 'text'],
  email: ['email', 'text'],
  currentConversationId: ['current_conversation_id', 'text'],
  pageUrl: ['page_url', 'text'],
  pageTitle: ['page_title', 'text'],
  phone: ['phone', 'text'],
  fields: ['fields', 'jsonb'],
  formDone: ['form_done', 'boolean'],
  verifiedEmail: ['verified_email', 'text'],
  channelUsername: ['channel_username', 'text'],
  channelProfileUrl: ['channel_profile_url', 'text'],
} as const satisfies Record<Exclude<keyof VisitorPatch, 'id'>, readonly [string, string]>

export type VisitorPatchField = keyof typeof VISITOR_PATCH_COLUMNS

/** The fields a patch sets, in a fixed order (its shape: patches of one shape share a statement). */
export function patchedFields(p: VisitorPatch): VisitorPatchField[] {
  return (Object.keys(VISITOR_PATCH_COLUMNS) as VisitorPatchField[]).filter((k) => p[k] !== undefined)
}

/** Two patches of one visitor as one, as if applied one after the other: the later's fields win, custom fields merge. */
export function mergePatches(a: VisitorPatch, b: VisitorPatch): VisitorPatch {
  const out: VisitorPatch = { ...a }
  for (const k of patchedFields(b)) Object.assign(out, { [k]: b[k] })
  if (a.fields && b.fields) out.fields = { ...a.fields, ...b.fields }
  return out
}

/**
 * What one writer changed of a visitor it read, as a patch (null when nothing changed): the
 * fields whose values differ, and of the custom fields only the keys that differ.
 */
export function visitorPatchOf(before: VisitorRecord, after: VisitorRecord): VisitorPatch | null {
  const p: VisitorPatch = { id: before.id }
  if (after.blocked !== before.blocked) p.blocked = after.blocked
  if (after.name !== before.name) p.name = after.name
  if (after.email !== before.email) p.email = after.email
  if (after.currentConversationId !== before.currentConversationId) p.currentConversationId = after.currentConversationId
  if ((after.pageUrl ?? '') !== (before.pageUrl ?? '')) p.pageUrl = after.pageUrl ?? ''
  if ((after.pageTitle ?? '') !== (before.pageTitle ?? '')) p.pageTitle = after.pageTitle ?? ''
  if ((after.phone ?? '') !== (before.phone ?? '')) p.phone = after.phone ?? ''
  if ((after.formDone === true) !== (before.formDone === true)) p.formDone = after.formDone === true
  if ((after.verifiedEmail || null) !== (before.verifiedEmail || null)) p.verifiedEmail = after.verifiedEmail || null
  if ((after.channel?.username ?? '') !== (before.channel?.username ?? '')) p.channelUsername = after.channel?.username ?? ''
  if ((after.channel?.profileUrl ?? '') !== (before.channel?.profileUrl ?? '')) p.channelProfileUrl = after.channel?.profileUrl ?? ''
  const was = before.fields ?? {}
  const changed = Object.entries(after.fields ?? {}).filter(([k, v]) => was[k] !== v)
  if (changed.length) p.fields = Object.fromEntries(changed)
  return patchedFields(p).length ? p : null
}

/**
 * How a writer stores a visitor it read as `before` and now wants as `after`: a new one whole,
 * an existing one as a patch of what changed (nothing when nothing did).
 */
export function visitorWrite(before: VisitorRecord | null, after: VisitorRecord): Pick<Commit, 'visitors' | 'visitorPatches'> {
  if (!before) return { visitors: [after] }
  const patch = visitorPatchOf(before, after)
  return patch ? { visitorPatches: [patch] } : {}
}

/** How an adapter's rows hold what SQL has no common type for. */
export interface Readers {
  /** A JSON column's value; throws when it is damaged. */
  json(v: unknown): unknown
  bool(v: unknown): boolean
}

/**
 * What a rewrite of an existing visitor changes: never `blocked`, which only a patch changes
 * (Commit.visitorPatches), so a writer holding a copy read before a block cannot undo it.
 */
export const VISITOR_REWRITE = `ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
  current_conversation_id = excluded.current_conversation_id,
  page_url = excluded.page_url, page_title = excluded.page_title, phone = excluded.phone, fields = excluded.fields,
  form_done = excluded.form_done, verified_email = excluded.verified_email,
  channel_kind = excluded.channel_kind, channel_external_id = excluded.channel_external_id,
  channel_username = excluded.channel_username, channel_profile_url = excluded.channel_profile_url`

/** What a rewrite of an existing conversation changes (its visitor and creation time stay). */
export const CONVERSATION_REWRITE = `ON CONFLICT (id) DO UPDATE SET status = excluded.status, group_id = excluded.group_id,
  assignee_id = excluded.assignee_id, snoozed_until = excluded.snoozed_until, skill_id = excluded.skill_id, bot = excluded.bot`

/** The mappers from rows to records, for rows read as `read` says. */
export function recordsOf(read: Readers) {
  const visitor = (r: Row | undefined): VisitorRecord | null => {
    if (!r) return null
    let fields: unknown
    try {
      fields = read.json(r.fields)
    } catch {
      // A damaged value loses the custom fields, not the visitor.
    }
    return {
      id: r.id as string,
      workspace: r.workspace as string,
      name: r.name as string,
      email: r.email as string,
      createdAt: r.created_at as number,
      currentConversationId: (r.current_conversation_id as string | null) ?? null,
      blocked: read.bool(r.blocked),
      pageUrl: (r.page_url as string) || undefined,
      pageTitle: (r.page_title as string) || undefined,
      phone: (r.phone as string) || undefined,
      fields: fields && typeof fields === 'object' && !Array.isArray(fields) ? (fields as Record<string, string>) : {},
      formDone: read.bool(r.form_done),
      verifiedEmail: (r.verified_email as string | null) || undefined,
      ...(isChannelKind(r.channel_kind) && r.channel_external_id
        ? {
            channel: {
              kind: r.channel_kind,
              externalId: r.channel_external_id as string,
              username: (r.channel_username as string) ?? '',
              profileUrl: (r.channel_profile_url as string) ?? '',
            },
          }
        : {}),
    }
  }

  const conversation = (r: Row): ConversationRecord => ({
    id: r.id as string,
    workspace: r.workspace as string,
    visitorId: r.visitor_id as string,
    status: r.status as string,
    groupId: (r.group_id as string | null) ?? null,
    assigneeId: (r.assignee_id as string | null) ?? null,
    createdAt: r.created_at as number,
    snoozedUntil: (r.snoozed_until as number | null) ?? null,
    skillId: (r.skill_id as string | null) ?? null,
    ...(read.bool(r.bot) ? { bot: true } : {}),
  })

  const agent = (r: Row | undefined): AgentRecord | null =>
    r
      ? {
          id: r.id as string,
          workspace: r.workspace as string,
          email: r.email as string,
          name: r.name as string,
          role: r.role as AgentRecord['role'],
          groups: read.json(r.groups) as string[],
          passwordHash: r.password_hash as string,
          createdAt: r.created_at as number,
          status: (r.status as AgentRecord['status'] | undefined) ?? 'offline',
        }
      : null

  const connection = (r: Row | undefined): ChannelConnectionRecord | null =>
    r && isChannelKind(r.kind)
      ? {
          workspace: r.workspace as string,
          kind: r.kind,
          secrets: read.json(r.secrets) as Record<string, string>,
          details: read.json(r.details) as Record<string, string>,
          connectedAt: r.connected_at as number,
        }
      : null

  return {
    event: (r: Row): LogEvent => ({
      seq: r.seq as number,
      type: r.type as LogEvent['type'],
      at: r.at as number,
      ...(r.conversation_id ? { conversationId: r.conversation_id as string } : {}),
      data: read.json(r.data) as Record<string, unknown>,
    }),
    workspace: (r: Row | undefined): WorkspaceRecord | null =>
      r ? { id: r.id as string, secret: r.secret as string, createdAt: r.created_at as number } : null,
    agent,
    agents: (rows: Row[]): AgentRecord[] => rows.map((r) => agent(r)!),
    session: (r: Row | undefined): SessionRecord | null =>
      r
        ? {
            tokenHash: r.token_hash as string,
            agentId: r.agent_id as string,
            workspace: r.workspace as string,
            createdAt: r.created_at as number,
            expiresAt: r.expires_at as number,
            revoked: read.bool(r.revoked),
          }
        : null,
    visitor,
    conversation: (r: Row | undefined): ConversationRecord | null => (r ? conversation(r) : null),
    conversations: (rows: Row[]): ConversationRecord[] => rows.map(conversation),
    widgetAck: (r: Row | undefined, visitorId: string, clientId: string): WidgetAckRecord | null =>
      r ? { visitorId, clientId, messageId: r.message_id as string, conversationId: r.conversation_id as string } : null,
    emailNotice: (r: Row): EmailNoticeRecord => ({ workspace: String(r.workspace), conversationId: String(r.conversation_id), dueAt: Number(r.due_at) }),
    commandResult: (r: Row | undefined, key: string): CommandResult | null =>
      r ? { key, agentId: r.agent_id as string, status: r.status as number, body: read.json(r.body) } : null,
    file: (r: Row): FileRecord => ({
      id: r.id as string,
      workspace: r.workspace as string,
      sha256: r.sha256 as string,
      name: r.name as string,
      type: r.type as string,
      size: r.size as number,
      uploaderKind: r.uploader_kind as FileRecord['uploaderKind'],
      uploaderId: r.uploader_id as string,
      createdAt: r.created_at as number,
    }),
    connection,
    connections: (rows: Row[]): ChannelConnectionRecord[] => rows.map(connection).filter((c): c is ChannelConnectionRecord => c !== null),
  }
}

export type Records = ReturnType<typeof recordsOf>
