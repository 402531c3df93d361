/** Small event-log scenes for the report tests: each chat's events are written in time order, folded into facts by the real fold. */
import { factsFromLog, type ConversationFact } from '../../shared/reports/facts.ts'
import type { LogEvent } from '../../shared/protocol.ts'

export const MIN = 60_000
export const HOUR = 60 * MIN
/** 2026-03-02 00:00 UTC, a Monday. */
export const T0 = Date.UTC(2026, 2, 2)

/** A workspace's log being written. */
export class Scene {
  readonly events: LogEvent[] = []
  private seq = 0

  add(type: string, at: number, conversationId: string, data: Record<string, unknown> = {}): void {
    this.events.push({ seq: ++this.seq, type: type as LogEvent['type'], at, conversationId, data })
  }

  /** A conversation created at `at` (plus `minutes`); every step below takes minutes after that creation. */
  chat(id: string, at: number, data: Record<string, unknown> = {}): Chat {
    this.add('conversation.created', at, id, { channel: 'widget', status: 'waiting', ...data })
    return new Chat(this, id, at)
  }

  facts(): ConversationFact[] {
    return [...factsFromLog(this.events).values()]
  }
}

/** One conversation's events, in order; `m` is minutes since its creation. */
export class Chat {
  constructor(
    private readonly scene: Scene,
    readonly id: string,
    readonly t0: number,
  ) {}

  private at(m: number): number {
    return this.t0 + m * MIN
  }
  private add(type: string, m: number, data: Record<string, unknown> = {}): this {
    this.scene.add(type, this.at(m), this.id, data)
    return this
  }
  routed(m: number, teamId: string | null, groupId: string | null) {
    return this.add('conversation.routed', m, { teamId, groupId })
  }
  queued(m: number, groupId: string | null = null) {
    return this.add('queue.joined', m, { groupId })
  }
  assigned(m: number, assigneeId: string | null) {
    return this.add('conversation.assigned', m, { assigneeId })
  }
  visitor(m: number, text = 'hello') {
    return this.add('message', m, { kind: 'visitor', text })
  }
  reply(m: number, authorId: string, internal = false) {
    return this.add('message', m, { kind: 'agent', authorId, internal })
  }
  bot(m: number) {
    return this.add('message', m, { kind: 'bot', authorId: 'bot', text: 'Hi, I am the bot' })
  }
  system(m: number) {
    return this.add('message', m, { kind: 'system', text: 'Ana joined' })
  }
  transferToAgent(m: number, from: string | null, to: string, by = from) {
    return this.add('conversation.transferred', m, { from, by, toAgentId: to })
  }
  transferToGroup(m: number, from: string | null, groupId: string, by = from) {
    return this.add('conversation.transferred', m, { from, by, toGroupId: groupId })
  }
  snoozed(m: number, untilMinutes: number) {
    return this.add('conversation.snoozed', m, { until: this.at(untilMinutes) })
  }
  woke(m: number) {
    return this.add('conversation.woke', m)
  }
  closed(m: number, by: string | null, tags: string[] = []) {
    return this.add('conversation.closed', m, { by, tags })
  }
  reopened(m: number, by: string | null) {
    return this.add('conversation.reopened', m, { by })
  }
  surveyed(m: number) {
    return this.add('survey.sent', m)
  }
  rated(m: number, kind: 'csat' | 'nps', score: number) {
    return this.add('conversation.rated', m, { kind, score })
  }
}
