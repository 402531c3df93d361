import type Database from 'better-sqlite3'
import type { LogEvent } from '../../../shared/protocol.ts'
import type { CommitWriter } from '../PortedStore.ts'
import { CONVERSATION_REWRITE, patchedFields, VISITOR_PATCH_COLUMNS, VISITOR_REWRITE, type VisitorPatchField } from '../records.ts'
import { checkExpected, type Commit, type VisitorPatch } from '../Store.ts'
import type { Sql } from './values.ts'

interface Pending {
  commit: Commit
  resolve: (events: LogEvent[]) => void
  reject: (err: unknown) => void
}

/** The commit writer: commits arriving in the same tick share one transaction. */
export class SqliteCommits implements CommitWriter {
  private queue: Pending[] = []
  private flushScheduled = false
  private nextSeq = new Map<string, number>()
  private closed = false
  private stmts

  constructor(
    private db: Database.Database,
    private sql: Sql,
  ) {
    this.stmts = {
      insertUpdate: sql('INSERT INTO doc_updates (workspace, name, data) VALUES (?, ?, ?)'),
      deleteDoc: sql('DELETE FROM doc_updates WHERE workspace = ? AND name = ?'),
      maxSeq: sql('SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE workspace = ?'),
      insertEvent: sql('INSERT INTO events (workspace, seq, type, at, conversation_id, data) VALUES (?, ?, ?, ?, ?, ?)'),
      upsertConversation: sql(
        `INSERT INTO conversations (id, workspace, visitor_id, status, group_id, assignee_id, created_at, snoozed_until, skill_id, bot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ${CONVERSATION_REWRITE}`,
      ),
      upsertVisitor: sql(
        `INSERT INTO visitors (id, workspace, name, email, created_at, current_conversation_id, blocked, page_url, page_title, phone, fields, form_done, verified_email,
           channel_kind, channel_external_id, channel_username, channel_profile_url)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ${VISITOR_REWRITE}`,
      ),
      insertCommandResult: sql('INSERT OR IGNORE INTO command_results (workspace, key, agent_id, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      setAgentStatus: sql('UPDATE agents SET status = ? WHERE workspace = ? AND id = ?'),
      conversationState: sql('SELECT status, assignee_id FROM conversations WHERE workspace = ? AND id = ?'),
      putEmailNotice: sql('INSERT OR REPLACE INTO email_notices (workspace, conversation_id, due_at) VALUES (?, ?, ?)'),
      deleteEmailNotice: sql('DELETE FROM email_notices WHERE workspace = ? AND conversation_id = ?'),
      insertAck: sql('INSERT OR IGNORE INTO widget_acks (workspace, visitor_id, client_id, message_id, conversation_id) VALUES (?, ?, ?, ?, ?)'),
    }
  }

  commit(c: Commit): Promise<LogEvent[]> {
    if (this.closed) return Promise.reject(new Error('store is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ commit: c, resolve, reject })
      if (!this.flushScheduled) {
        this.flushScheduled = true
        // Group commit: everything queued during this turn of the event loop shares one transaction (one fsync).
        setImmediate(() => this.flush())
      }
    })
  }

  private flush() {
    this.flushScheduled = false
    const batch = this.queue
    this.queue = []
    if (batch.length === 0) return
    try {
      const results = this.db.transaction(() => batch.map((p) => this.write(p.commit)))()
      batch.forEach((p, i) => p.resolve(results[i]!))
    } catch {
      // One bad commit must not fail the others: retry them one by one.
      this.nextSeq.clear()
      for (const p of batch) {
        try {
          p.resolve(this.db.transaction(() => this.write(p.commit))())
        } catch (err) {
          this.nextSeq.clear()
          p.reject(err)
        }
      }
    }
  }

  private write(c: Commit): LogEvent[] {
    const s = this.stmts
    // Before anything is written: the state the decision was made on still holds (within this transaction, earlier commits included).
    for (const x of c.expect ?? []) {
      const row = s.conversationState.get(c.workspace, x.conversationId) as { status: string; assignee_id: string | null } | undefined
      checkExpected(x, row && { status: row.status, assigneeId: row.assignee_id })
    }
    for (const u of c.updates ?? []) s.insertUpdate.run(c.workspace, u.doc, u.update)
    for (const k of c.compact ?? []) {
      s.deleteDoc.run(c.workspace, k.doc)
      s.insertUpdate.run(c.workspace, k.doc, k.snapshot)
    }
    for (const v of c.visitors ?? [])
      s.upsertVisitor.run(
        v.id,
        c.workspace,
        v.name,
        v.email,
        v.createdAt,
        v.currentConversationId,
        v.blocked ? 1 : 0,
        v.pageUrl ?? '',
        v.pageTitle ?? '',
        v.phone ?? '',
        JSON.stringify(v.fields ?? {}),
        v.formDone ? 1 : 0,
        v.verifiedEmail || null,
        v.channel?.kind ?? null,
        v.channel?.externalId ?? null,
        v.channel?.username ?? '',
        v.channel?.profileUrl ?? '',
      )
    for (const p of c.visitorPatches ?? []) this.patchVisitor(c.workspace, p)
    for (const r of c.conversations ?? [])
      s.upsertConversation.run(r.id, c.workspace, r.visitorId, r.status, r.groupId, r.assigneeId, r.createdAt, r.snoozedUntil, r.skillId ?? null, r.bot ? 1 : 0)
    for (const a of c.agentStatuses ?? []) s.setAgentStatus.run(a.status, c.workspace, a.agentId)
    for (const r of c.commandResults ?? []) s.insertCommandResult.run(c.workspace, r.key, r.agentId, r.status, JSON.stringify(r.body), Date.now())
    for (const n of c.emailNotices ?? [])
      if (n.dueAt === null) s.deleteEmailNotice.run(c.workspace, n.conversationId)
      else s.putEmailNotice.run(c.workspace, n.conversationId, n.dueAt)
    for (const a of c.widgetAcks ?? []) s.insertAck.run(c.workspace, a.visitorId, a.clientId, a.messageId, a.conversationId)
    const out: LogEvent[] = []
    if (c.events?.length) {
      let seq = this.nextSeq.get(c.workspace) ?? ((s.maxSeq.get(c.workspace) as { seq: number }).seq + 1)
      for (const e of c.events) {
        s.insertEvent.run(c.workspace, seq, e.type, e.at, e.conversationId ?? null, JSON.stringify(e.data))
        out.push({ seq, type: e.type, at: e.at, ...(e.conversationId ? { conversationId: e.conversationId } : {}), data: e.data })
        seq++
      }
      this.nextSeq.set(c.workspace, seq)
    }
    return out
  }

  /** Writes the commits already queued, then refuses new ones: the file may close right after. */
  close(): void {
    if (this.closed) return
    if (this.queue.length) this.flush()
    this.closed = true
  }

  /** Sets the fields a patch names, and merges its custom fields over the stored ones (a damaged value counts as none). */
  private patchVisitor(workspace: string, p: VisitorPatch): void {
    const fields = patchedFields(p)
    if (!fields.length) return
    const sets = fields.map((f) =>
      f === 'fields' ? "fields = json_patch(CASE WHEN json_valid(fields) AND json_type(fields) = 'object' THEN fields ELSE '{}' END, ?)" : `${VISITOR_PATCH_COLUMNS[f][0]} = ?`,
    )
    // One text per shape (the fields it sets), prepared once by the store's statement cache.
    const st = this.sql(`UPDATE visitors SET ${sets.join(', ')} WHERE workspace = ? AND id = ?`)
    st.run(...fields.map((f) => sqliteValue(f, p)), workspace, p.id)
  }

}

function sqliteValue(f: VisitorPatchField, p: VisitorPatch): unknown {
  const v = p[f]
  if (f === 'fields') return JSON.stringify(v)
  if (typeof v === 'boolean') return v ? 1 : 0
  return v
}
