/**
 * The command outbox. Take, transfer, snooze, close and reopen need one arbiter (the server), so
 * they are requests, not document edits. Each is stored first (offline too) with an idempotency
 * key, then a sender posts them one at a time in the order they were given; a network failure
 * keeps the command and retries with capped backoff and jitter; the server's refusal keeps it as
 * `rejected` with the server's reason until the agent dismisses it.
 */
import { decide, type Actor, type CommandInput, type CommandName, type CommandState } from '../../shared/commands.ts'
import { newId } from '../../shared/id.ts'
import type { CommandRow, ConversationRow, ParleyDb } from './db.ts'
import type { Api } from './api.ts'
import { createDrainer, type Drainer } from './drainer.ts'
import { backoffDelay } from './reconnectingSocket.ts'

/** First retry delay after a network failure: the network often comes back within a second. */
export const COMMAND_BACKOFF_BASE_MS = 1_000

/** What the agent reads for each command ("Take — waiting for the network"). */
export const COMMAND_LABELS: Record<CommandName, string> = {
  take: 'Take',
  transfer: 'Transfer',
  snooze: 'Snooze',
  close: 'Close',
  reopen: 'Reopen',
  block: 'Block',
  unblock: 'Unblock',
}

/** The delay before retry number `attempt` (0-based): the feed's backoff (capped, with jitter) from a longer first step. */
export const commandBackoff = (attempt: number, random: () => number = Math.random): number => backoffDelay(attempt, random, COMMAND_BACKOFF_BASE_MS)

/** What to do after the server answered a command. */
export type CommandOutcome = { kind: 'done' } | { kind: 'rejected'; reason: string } | { kind: 'retry' } | { kind: 'unauthenticated' }

/** Reads a response: success, a refusal to keep and show, a transient failure to retry, or a dead session. */
export function outcomeOf(status: number, body: unknown): CommandOutcome {
  if (status >= 200 && status < 300) return { kind: 'done' }
  if (status === 401) return { kind: 'unauthenticated' }
  // Timeouts, rate limits and server errors say nothing about the command itself: try again.
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry' }
  const b = (typeof body === 'object' && body !== null ? body : {}) as { reason?: unknown; error?: unknown }
  const reason = typeof b.reason === 'string' && b.reason ? b.reason : typeof b.error === 'string' && b.error ? b.error : `refused (${status})`
  return { kind: 'rejected', reason }
}

/** The request body of a command. */
export function bodyOf(input: CommandInput): Record<string, unknown> {
  const { command: _command, ...body } = input
  return body
}

/** The conversation as the rules see it, from its inbox row. */
export function commandStateOf(row: ConversationRow): CommandState {
  return { status: row.status, assigneeId: row.assigneeId, groupId: row.groupId ?? null, snoozedUntil: row.snoozedUntil ?? null }
}

/**
 * Checks what the agent asked for against the shared rules before it goes into the outbox: a
 * mistake in the input (a snooze in the past) is said at once, offline too. Races (someone else
 * took it) are left to the server, which knows better than this device's index. Returns the
 * reason to show, or null when the command may go.
 */
export function precheck(input: CommandInput, row: ConversationRow | undefined, actor: Actor, now: number): string | null {
  if (!row) return null
  const d = decide(input, commandStateOf(row), actor, now, () => undefined, () => true)
  return !d.ok && d.status === 400 ? d.reason : null
}

let lastCreatedAt = 0

/** Puts a command into the outbox; the sender picks it up (now when online, later when not). */
export async function enqueueCommand(db: ParleyDb, conversationId: string, input: CommandInput): Promise<CommandRow> {
  // Strictly increasing in this tab, so that two commands given in one millisecond keep their order.
  const createdAt = (lastCreatedAt = Math.max(Date.now(), lastCreatedAt + 1))
  const row: CommandRow = { key: newId(), conversationId, command: input.command, body: bodyOf(input), createdAt, state: 'pending', attempts: 0 }
  await db.commands.add(row)
  return row
}

/** Forgets a refused command once the agent has read why. */
export async function dismissCommand(db: ParleyDb, key: string): Promise<void> {
  await db.commands.delete(key)
}

export interface CommandSender {
  /** Sends what is pending now, skipping any backoff wait (the network or the feed came back). */
  kick(): void
  close(): void
}

export interface CommandSenderOptions {
  random?: () => number
}

/** Drains the command outbox of one signed-in agent, in order, for as long as it runs. */
export function createCommandSender(api: Api, db: ParleyDb, options: CommandSenderOptions = {}): CommandSender {
  // Assigned right below: the steps call back into the loop that runs them.
  let outbox!: Drainer

  /** Sends one command; false when draining must stop for now. */
  async function sendOne(row: CommandRow): Promise<boolean> {
    const answer = await api.send('POST', `/api/conversations/${encodeURIComponent(row.conversationId)}/${row.command}`, {
      json: row.body,
      headers: { 'idempotency-key': row.key },
    })
    if (!answer.reached) {
      // The network failed: keep the command (and its key) and retry later.
      await db.commands.update(row.key, { attempts: (row.attempts ?? 0) + 1 }).catch(() => {})
      outbox.retryLater()
      return false
    }
    const outcome = outcomeOf(answer.status, answer.body)
    switch (outcome.kind) {
      case 'done':
        outbox.reached()
        await db.commands.delete(row.key)
        return true
      case 'rejected':
        outbox.reached()
        await db.commands.update(row.key, { state: 'rejected', reason: outcome.reason })
        return true
      case 'retry':
        outbox.retryLater()
        return false
      case 'unauthenticated':
        // The API client has signed the agent out.
        outbox.stop()
        return false
    }
  }

  outbox = createDrainer({
    label: 'commands',
    next: () => db.commands.orderBy('createdAt').filter((r) => r.state === 'pending').first(),
    step: sendOne,
    // New commands (from this tab or another) start a drain.
    changes: () => db.commands.where('createdAt').above(0).count(),
    delay: (attempt) => commandBackoff(attempt, options.random),
  })
  return { kick: outbox.kick, close: outbox.close }
}
