import * as Y from 'yjs'
import type pg from 'pg'
import type { LogEvent } from '../../../shared/protocol.ts'
import { CONVERSATION_REWRITE, mergePatches, patchedFields, VISITOR_PATCH_COLUMNS, VISITOR_REWRITE } from '../records.ts'
import { checkExpected, FencedError, type Commit, type ConversationRecord, type NewEvent, type VisitorPatch, type VisitorRecord } from '../Store.ts'
import { bytes, cleanText, json, params } from './values.ts'

export type Queryable = Pick<pg.PoolClient, 'query'>

/**
 * Writes commits in one transaction with a few statements for all of them (rows of a kind go in
 * one statement), with the effect of writing them one after another: for a key written twice the
 * later commit wins, inserts that ignore duplicates keep the earlier, and a compaction sees
 * exactly the updates of the commits before it.
 */
export async function writeCommits(client: Queryable, commits: Commit[]): Promise<LogEvent[][]> {
  const run = (sql: string, values: unknown[]) => client.query(sql, params(values))
  let updates: { ws: string; doc: string; data: Buffer }[] = []
  const visitors = new Map<string, { ws: string; v: VisitorRecord }>()
  const patches = new Map<string, { ws: string; p: VisitorPatch }>()
  const conversations = new Map<string, { ws: string; r: ConversationRecord }>()
  const statuses = new Map<string, { ws: string; agentId: string; status: string }>()
  const results = new Map<string, unknown[]>()
  const notices = new Map<string, { ws: string; conversationId: string; dueAt: number | null }>()
  const acks = new Map<string, unknown[]>()
  const events: { ws: string; e: NewEvent }[] = []

  const writeUpdates = async () => {
    if (!updates.length) return
    await run(
      `INSERT INTO doc_updates (workspace, name, data)
       SELECT u.workspace, u.name, u.data FROM unnest($1::text[], $2::text[], $3::bytea[]) WITH ORDINALITY AS u(workspace, name, data, i) ORDER BY u.i`,
      [updates.map((u) => cleanText(u.ws)), updates.map((u) => cleanText(u.doc)), updates.map((u) => u.data)],
    )
    updates = []
  }

  for (const c of commits) {
    const ws = c.workspace
    // A leader's decision stands only while no other instance has led since. The row is shared-
    // locked: a new leader's bump waits for this transaction, and then it reads what this wrote.
    if (c.fence !== undefined) {
      const { rows } = await run('SELECT epoch FROM workspace_leaders WHERE workspace = $1 FOR SHARE', [ws])
      const epoch = rows[0] ? Number((rows[0] as { epoch: string | number }).epoch) : null
      if (epoch !== c.fence) throw new FencedError(`workspace ${ws} has had another leader since (epoch ${epoch ?? 'none'}, this commit's ${c.fence})`)
    }
    // Before anything of it is written: the state its decision was made on still holds. The row is
    // locked, so another instance's change to it waits for this transaction, or this one for that
    // (and then reads what it committed); a record an earlier commit of this batch wrote counts.
    for (const x of c.expect ?? []) {
      const mine = conversations.get(x.conversationId)
      if (mine && mine.ws === ws) {
        checkExpected(x, mine.r)
        continue
      }
      const { rows } = await run('SELECT status, assignee_id FROM conversations WHERE workspace = $1 AND id = $2 FOR UPDATE', [ws, x.conversationId])
      const row = rows[0] as { status: string; assignee_id: string | null } | undefined
      checkExpected(x, row && { status: row.status, assigneeId: row.assignee_id })
    }
    for (const u of c.updates ?? []) updates.push({ ws, doc: u.doc, data: bytes(u.update) })
    if (c.compact?.length) {
      // The snapshot holds every update committed before it: those (this batch's too) are replaced.
      await writeUpdates()
      for (const k of c.compact) {
        // Another instance may have stored an update this snapshot has not seen: the rows read here
        // are merged into it and only they are replaced, so an update committed meanwhile stays.
        const { rows } = await run('SELECT id, data FROM doc_updates WHERE workspace = $1 AND name = $2 ORDER BY id FOR UPDATE', [ws, k.doc])
        const stored = rows.map((r) => new Uint8Array((r.data as Buffer).buffer, (r.data as Buffer).byteOffset, (r.data as Buffer).byteLength))
        const merged = stored.length ? Y.mergeUpdates([k.snapshot, ...stored]) : k.snapshot
        if (rows.length) await run('DELETE FROM doc_updates WHERE id = ANY($1::bigint[])', [rows.map((r) => String(r.id))])
        await run('INSERT INTO doc_updates (workspace, name, data) VALUES ($1, $2, $3)', [ws, k.doc, bytes(merged)])
      }
    }
    for (const v of c.visitors ?? []) {
      visitors.delete(v.id)
      visitors.set(v.id, { ws, v })
    }
    // The last patch of a field wins, custom fields merge, as they would one commit at a time.
    for (const p of c.visitorPatches ?? []) {
      const k = `${ws}\0${p.id}`
      const had = patches.get(k)
      patches.set(k, { ws, p: had ? mergePatches(had.p, p) : p })
    }
    for (const r of c.conversations ?? []) {
      conversations.delete(r.id)
      conversations.set(r.id, { ws, r })
    }
    for (const a of c.agentStatuses ?? []) statuses.set(`${ws}\0${a.agentId}`, { ws, agentId: a.agentId, status: a.status })
    for (const r of c.commandResults ?? []) {
      const k = `${ws}\0${r.key}`
      if (!results.has(k)) results.set(k, [ws, r.key, r.agentId, r.status, json(r.body)])
    }
    for (const n of c.emailNotices ?? []) notices.set(`${ws}\0${n.conversationId}`, { ws, conversationId: n.conversationId, dueAt: n.dueAt })
    for (const a of c.widgetAcks ?? []) {
      const k = `${ws}\0${a.visitorId}\0${a.clientId}`
      if (!acks.has(k)) acks.set(k, [ws, a.visitorId, a.clientId, a.messageId, a.conversationId])
    }
    for (const e of c.events ?? []) events.push({ ws, e })
  }
  await writeUpdates()

  const column = <T,>(rows: T[], f: (row: T) => unknown) =>
    rows.map((row) => {
      const v = f(row)
      return typeof v === 'string' ? cleanText(v) : v
    })
  if (visitors.size) {
    const rows = [...visitors.values()]
    await run(
      `INSERT INTO visitors (id, workspace, name, email, created_at, current_conversation_id, blocked, page_url, page_title, phone, fields,
         form_done, verified_email, channel_kind, channel_external_id, channel_username, channel_profile_url)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::boolean[], $8::text[], $9::text[],
         $10::text[], $11::jsonb[], $12::boolean[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
       ${VISITOR_REWRITE}`,
      [
        column(rows, (x) => x.v.id),
        column(rows, (x) => x.ws),
        column(rows, (x) => x.v.name),
        column(rows, (x) => x.v.email),
        column(rows, (x) => x.v.createdAt),
        column(rows, (x) => x.v.currentConversationId),
        column(rows, (x) => x.v.blocked),
        column(rows, (x) => x.v.pageUrl ?? ''),
        column(rows, (x) => x.v.pageTitle ?? ''),
        column(rows, (x) => x.v.phone ?? ''),
        column(rows, (x) => json(x.v.fields ?? {})),
        column(rows, (x) => x.v.formDone === true),
        column(rows, (x) => x.v.verifiedEmail || null),
        column(rows, (x) => x.v.channel?.kind ?? null),
        column(rows, (x) => x.v.channel?.externalId ?? null),
        column(rows, (x) => x.v.channel?.username ?? ''),
        column(rows, (x) => x.v.channel?.profileUrl ?? ''),
      ],
    )
  }
  if (patches.size) {
    // After the rewrites: a patch changes only its fields, whatever the others hold. Patches of
    // one shape (the same fields) go in one statement; each visitor is in one of them.
    const byShape = new Map<string, { ws: string; p: VisitorPatch }[]>()
    for (const x of patches.values()) {
      const shape = patchedFields(x.p).join(',')
      if (!shape) continue
      const list = byShape.get(shape)
      if (list) list.push(x)
      else byShape.set(shape, [x])
    }
    for (const [shape, rows] of byShape) {
      const fields = shape.split(',') as (keyof typeof VISITOR_PATCH_COLUMNS)[]
      const sets = fields.map((f) => {
        const col = VISITOR_PATCH_COLUMNS[f][0]
        return f === 'fields' ? `fields = (CASE WHEN jsonb_typeof(visitors.fields) = 'object' THEN visitors.fields ELSE '{}'::jsonb END) || p.fields` : `${col} = p.${col}`
      })
      const arrays = fields.map((f, i) => `$${i + 3}::${VISITOR_PATCH_COLUMNS[f][1]}[]`)
      await run(
        `UPDATE visitors SET ${sets.join(', ')}
         FROM unnest($1::text[], $2::text[], ${arrays.join(', ')}) AS p(workspace, id, ${fields.map((f) => VISITOR_PATCH_COLUMNS[f][0]).join(', ')})
         WHERE visitors.workspace = p.workspace AND visitors.id = p.id`,
        [column(rows, (x) => x.ws), column(rows, (x) => x.p.id), ...fields.map((f) => column(rows, (x) => (f === 'fields' ? json(x.p.fields) : x.p[f])))],
      )
    }
  }
  if (conversations.size) {
    const rows = [...conversations.values()]
    await run(
      `INSERT INTO conversations (id, workspace, visitor_id, status, group_id, assignee_id, created_at, snoozed_until, skill_id, bot)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::boolean[])
       ${CONVERSATION_REWRITE}`,
      [
        column(rows, (x) => x.r.id),
        column(rows, (x) => x.ws),
        column(rows, (x) => x.r.visitorId),
        column(rows, (x) => x.r.status),
        column(rows, (x) => x.r.groupId),
        column(rows, (x) => x.r.assigneeId),
        column(rows, (x) => x.r.createdAt),
        column(rows, (x) => x.r.snoozedUntil),
        column(rows, (x) => x.r.skillId ?? null),
        column(rows, (x) => x.r.bot === true),
      ],
    )
  }
  if (statuses.size) {
    const rows = [...statuses.values()]
    await run(
      `UPDATE agents SET status = s.status FROM unnest($1::text[], $2::text[], $3::text[]) AS s(workspace, id, status)
       WHERE agents.workspace = s.workspace AND agents.id = s.id`,
      [column(rows, (x) => x.ws), column(rows, (x) => x.agentId), column(rows, (x) => x.status)],
    )
  }
  if (results.size) {
    const rows = [...results.values()]
    await run(
      `INSERT INTO command_results (workspace, key, agent_id, status, body, created_at)
       SELECT r.workspace, r.key, r.agent_id, r.status, r.body, $6::bigint FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::jsonb[]) AS r(workspace, key, agent_id, status, body)
       ON CONFLICT DO NOTHING`,
      [0, 1, 2, 3, 4].map((i) => column(rows, (x) => x[i])).concat([Date.now()]),
    )
  }
  if (notices.size) {
    const rows = [...notices.values()]
    const gone = rows.filter((n) => n.dueAt === null)
    const due = rows.filter((n) => n.dueAt !== null)
    if (gone.length)
      await run('DELETE FROM email_notices USING unnest($1::text[], $2::text[]) AS n(workspace, conversation_id) WHERE email_notices.workspace = n.workspace AND email_notices.conversation_id = n.conversation_id', [
        column(gone, (n) => n.ws),
        column(gone, (n) => n.conversationId),
      ])
    if (due.length)
      await run(
        `INSERT INTO email_notices (workspace, conversation_id, due_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT (workspace, conversation_id) DO UPDATE SET due_at = excluded.due_at`,
        [column(due, (n) => n.ws), column(due, (n) => n.conversationId), column(due, (n) => n.dueAt)],
      )
  }
  if (acks.size) {
    const rows = [...acks.values()]
    await run(
      `INSERT INTO widget_acks (workspace, visitor_id, client_id, message_id, conversation_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING`,
      [0, 1, 2, 3, 4].map((i) => column(rows, (x) => x[i])),
    )
  }

  // Sequence numbers, in commit order, from each workspace's counter row: `last = last + n` locks
  // it until COMMIT, so another process committing to that workspace numbers after this
  // transaction, and a rollback gives the numbers back.
  const seqs: number[] = new Array(events.length)
  const byWorkspace = new Map<string, number[]>()
  events.forEach(({ ws }, at) => {
    const list = byWorkspace.get(ws)
    if (list) list.push(at)
    else byWorkspace.set(ws, [at])
  })
  // In a fixed order, so two transactions taking several counter rows cannot deadlock. The bump
  // and the events go in one statement: the row stays locked for one round trip only before COMMIT.
  for (const ws of [...byWorkspace.keys()].sort()) {
    const mine = byWorkspace.get(ws)!.map((at) => events[at]!)
    const { rows } = await run(
      `WITH s AS (
         INSERT INTO workspace_seq AS s (workspace, last) VALUES ($1, $2)
         ON CONFLICT (workspace) DO UPDATE SET last = s.last + excluded.last RETURNING last)
       INSERT INTO events (workspace, seq, type, at, conversation_id, data)
       SELECT $1, (SELECT last FROM s) - $2 + e.i, e.type, e.at, e.conversation_id, e.data
       FROM unnest($3::text[], $4::bigint[], $5::text[], $6::jsonb[]) WITH ORDINALITY AS e(type, at, conversation_id, data, i)
       RETURNING seq`,
      [
        ws,
        mine.length,
        column(mine, (x) => x.e.type),
        column(mine, (x) => x.e.at),
        column(mine, (x) => x.e.conversationId ?? null),
        column(mine, (x) => json(x.e.data)),
      ],
    )
    let first = Infinity
    for (const r of rows) first = Math.min(first, Number((r as { seq: number }).seq))
    byWorkspace.get(ws)!.forEach((at, k) => (seqs[at] = first + k))
  }
  let i = 0
  return commits.map((c) =>
    (c.events ?? []).map((e) => ({ seq: seqs[i++]!, type: e.type, at: e.at, ...(e.conversationId ? { conversationId: e.conversationId } : {}), data: e.data })),
  )
}
