import * as Y from 'yjs'
import type { Logger } from 'pino'
import { SERVER_OWNED_META } from '../../shared/commands.ts'
import { isChatMessage, messagesOf, metaOf, notesOf, readMeta, type DocRef } from '../../shared/documents.ts'
import { sanitizeAttachments } from '../../shared/files.ts'
import { EventType, type ChatMessage } from '../../shared/protocol.ts'
import type { Commit, ConversationRecord, NewEvent } from '../store/Store.ts'
import type { Peer } from './Peer.ts'

/** Who caused a change: a peer's socket, or the server acting for a visitor or itself. */
export type Origin = Peer | { server: true; agentId?: string }

/** The origin of the server's own writes that undo an agent's write to a server-owned field. */
const REVERT = Symbol('revert')

/** What one applied change produced, waiting to be committed. */
export interface Collected {
  updates: Uint8Array[]
  /** Updates that undo part of the author's own change: they go back to the author too. */
  reverts: Set<Uint8Array>
  events: NewEvent[]
  messages: ChatMessage[]
  notes: ChatMessage[]
  conversationChanged: boolean
}

/**
 * Watches a room's document and, while a change is applied, gathers what it wrote: its
 * updates, the messages or notes new to the document, and whether the conversation's meta moved.
 */
export class ChangeCollector {
  private collecting: Collected | null = null
  private readonly knownMessageIds = new Set<string>()

  constructor(
    private readonly doc: Y.Doc,
    private readonly kind: DocRef['kind'],
  ) {
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (!this.collecting) return
      this.collecting.updates.push(update)
      if (origin === REVERT) this.collecting.reverts.add(update)
    })
    if (kind === 'conversation') {
      messagesOf(doc).observe((e) => {
        if (!this.collecting) return
        for (const item of e.changes.added) {
          for (const m of item.content.getContent()) {
            if (!isChatMessage(m) || this.knownMessageIds.has(m.id)) continue
            this.knownMessageIds.add(m.id)
            this.collecting.messages.push(m)
          }
        }
      })
      metaOf(doc).observe(() => {
        if (this.collecting) this.collecting.conversationChanged = true
      })
    }
    if (kind === 'notes') {
      notesOf(doc).observe((e) => {
        if (!this.collecting) return
        for (const item of e.changes.added)
          for (const n of item.content.getContent()) {
            if (!isChatMessage(n) || this.knownMessageIds.has(n.id)) continue
            this.knownMessageIds.add(n.id)
            this.collecting.notes.push(n)
          }
      })
    }
  }

  /** Marks the messages or notes of the loaded document as known, so they are never collected as new. */
  loaded(): void {
    const items = this.kind === 'notes' ? notesOf(this.doc).toArray() : this.kind === 'conversation' ? messagesOf(this.doc).toArray() : []
    for (const m of items) if (isChatMessage(m)) this.knownMessageIds.add(m.id)
  }

  /** Runs `fn`, collecting what it writes; also returns what it threw, having collected what it did apply. */
  collect(fn: () => void, after?: (collected: Collected) => void): { collected: Collected; error?: unknown } {
    const collected: Collected = { updates: [], reverts: new Set(), events: [], messages: [], notes: [], conversationChanged: false }
    let error: unknown
    this.collecting = collected
    try {
      try {
        fn()
      } catch (err) {
        error = err
      }
      after?.(collected)
    } finally {
      this.collecting = null
    }
    return { collected, error }
  }
}

/** The server-owned meta fields as they are now. */
export function ownedFields(doc: Y.Doc): Map<string, unknown> {
  const meta = metaOf(doc)
  return new Map(SERVER_OWNED_META.map((k) => [k, meta.get(k)]))
}

/**
 * Agents change status, assignee and the like through commands, which have one arbiter; a
 * direct write to those fields is undone here, in the same commit, and the undo is sent back.
 */
export function revertOwnedFields(doc: Y.Doc, before: Map<string, unknown>, log: Logger): void {
  const meta = metaOf(doc)
  const changed = [...before].filter(([k, v]) => meta.get(k) !== v)
  if (!changed.length) return
  log.warn({ fields: changed.map(([k]) => k) }, 'reverted a direct write to server-owned fields')
  Y.transact(
    doc,
    () => {
      for (const [k, v] of changed) if (v === undefined) meta.delete(k)
      else meta.set(k, v)
    },
    REVERT,
  )
}

/** The room a commit is built for. */
export interface CommitContext {
  workspace: string
  /** The document's name. */
  name: string
  ref: DocRef
  doc: Y.Doc
  now: number
  /** The conversation's record as last committed. */
  lastRecord: ConversationRecord | null
}

/**
 * The store commit for what a change wrote, with `extra` from its caller: the updates, an event
 * for each new message and note and for a plain status change, and the conversation's record
 * when its meta moved (`record`, to keep as the last one). Null when there is nothing to commit.
 */
export function toCommit(
  ctx: CommitContext,
  origin: Origin,
  c: Collected,
  extra: Omit<Commit, 'workspace'>,
): { commit: Commit | null; record?: ConversationRecord } {
  const { ref, now } = ctx
  const events: NewEvent[] = [...(extra.events ?? [])]
  const byAgent = origin.agentId
  for (const m of c.messages) {
    // The files as the message describes them (ids, names): for previews. What reaches a visitor is re-read from the server's records.
    const attachments = sanitizeAttachments(m.attachments).map(({ id, name, type, size }) => ({ id, name, type, size }))
    events.push({
      type: EventType.message,
      at: now,
      conversationId: ref.kind === 'conversation' ? ref.conversationId : undefined,
      data: {
        messageId: m.id,
        clientId: m.clientId,
        kind: m.kind,
        // The server's word on who wrote it, not the client's claim.
        authorId: m.kind === 'visitor' ? m.authorId : (byAgent ?? m.authorId),
        authorName: m.authorName,
        text: m.text,
        ...(attachments.length ? { attachments } : {}),
        ...(m.internal ? { internal: true } : {}),
      },
    })
  }
  for (const n of c.notes) {
    const mentions = Array.isArray(n.mentions) ? [...new Set(n.mentions.filter((id) => typeof id === 'string'))].slice(0, 20) : []
    events.push({
      type: EventType.note,
      at: now,
      conversationId: ref.kind === 'notes' ? ref.conversationId : undefined,
      data: { noteId: n.id, authorId: byAgent ?? n.authorId, authorName: n.authorName, text: n.text, mentions },
    })
  }
  const conversations = [...(extra.conversations ?? [])]
  let kept: ConversationRecord | undefined
  if (c.conversationChanged && ref.kind === 'conversation') {
    const meta = readMeta(ctx.doc)
    if (meta) {
      const prev = ctx.lastRecord
      const record: ConversationRecord = {
        id: meta.id,
        workspace: ctx.workspace,
        visitorId: meta.visitorId,
        status: meta.status,
        groupId: meta.groupId,
        assigneeId: meta.assigneeId,
        createdAt: meta.createdAt,
        snoozedUntil: meta.snoozedUntil,
        skillId: meta.skillId,
        ...(metaOf(ctx.doc).get('bot') === true ? { bot: true } : {}),
      }
      // Assignments, snoozes and closes are logged by their commands; the plain status change is logged here.
      if (prev && prev.status !== record.status)
        events.push({ type: EventType.statusChanged, at: now, conversationId: meta.id, data: { status: record.status, by: byAgent ?? null } })
      if (!conversations.some((r) => r.id === record.id)) conversations.push(record)
      kept = record
    }
  }
  if (!c.updates.length && !events.length && !conversations.length && !extra.visitors?.length && !extra.visitorPatches?.length && !extra.widgetAcks?.length) return { commit: null, record: kept }
  return {
    commit: {
      workspace: ctx.workspace,
      ...extra,
      updates: [...(extra.updates ?? []), ...c.updates.map((update) => ({ doc: ctx.name, update }))],
      events,
      conversations,
    },
    record: kept,
  }
}
