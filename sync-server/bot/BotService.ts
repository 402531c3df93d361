import type { Logger } from 'pino'
import type * as Y from 'yjs'
import { answerOf, botActive, nextStep, type BotAnswers, type BotConfig, type BotQuestion } from '../../shared/bot.ts'
import { appendMessageOnce, conversationDocName, metaOf } from '../../shared/documents.ts'
import { newId } from '../../shared/id.ts'
import { EventType, type ChatMessage } from '../../shared/protocol.ts'
import type { RouteDecision, RouteRequest } from '../../shared/routing/route.ts'
import type { Room } from '../rooms/Room.ts'
import type { RoomManager } from '../rooms/RoomManager.ts'
import type { NewEvent, Store, VisitorRecord } from '../store/Store.ts'
import { MAX_CUSTOM_FIELDS } from '../widget/VisitorActions.ts'
import { visitorWrite } from '../store/records.ts'

/** The author id of the bot's messages; agents' ids are random, so it names nobody. */
export const BOT_AUTHOR_ID = 'bot'
/** The name the visitor and agents see on the bot's messages. */
const BOT_NAME = 'Bot'

export interface BotServiceDeps {
  store: Store
  rooms: RoomManager
  log: Logger
  now: () => number
  /** The workspace's bot configuration (settings › bot). */
  config: (workspace: string) => Promise<BotConfig>
  /** The dispatcher: routes the conversation and queues it when the bot hands over. */
  routing: { route(workspace: string, conversationId: string, req: RouteRequest): Promise<RouteDecision> }
}

/**
 * The bot before routing (shared/bot.ts): a new widget conversation starts in bot mode (meta
 * `bot: true`, waiting but not queued); the bot greets, asks its questions, stores each answer on
 * the visitor's client card, then hands the conversation to the dispatcher, targeted at the group
 * the answers chose. An agent's command on the conversation ends the bot's part (CommandService);
 * every step here looks at the meta again inside its change, so a stopped bot says nothing more.
 *
 * The gateway calls `start` and `reply` in turn with the visitor's other writes, so the answers
 * written to the visitor's record never race a form or attributes frame.
 */
export class BotService {
  constructor(private deps: BotServiceDeps) {}

  /** Whether a new widget conversation of this workspace meets the bot first. */
  async active(workspace: string): Promise<boolean> {
    return botActive(await this.deps.config(workspace))
  }

  /** Greets a conversation just created in bot mode and asks the first question (or hands over at once). */
  async start(workspace: string, conversationId: string): Promise<void> {
    const config = await this.deps.config(workspace)
    await this.withRoom(workspace, conversationId, async (room) => {
      const step = nextStep(config, {})
      const now = this.deps.now()
      const lines: ChatMessage[] = []
      if (config.greeting.trim()) lines.push(this.line(config.greeting, now))
      if ('question' in step) lines.push(this.ask(step.question, step.question.text, now))
      await room.change((doc) => {
        if (!holding(doc)) return
        for (const m of lines) appendMessageOnce(doc, m)
      })
      if ('escalate' in step) await this.escalate(workspace, conversationId, room, config, step.escalate)
    })
  }

  /** A visitor's message in a conversation the bot holds: an answer to the current question, or a line asking again. */
  async reply(workspace: string, conversationId: string, visitorId: string, text: string, choice: string | undefined): Promise<void> {
    const config = await this.deps.config(workspace)
    await this.withRoom(workspace, conversationId, async (room) => {
      if (!holding(room.doc)) return
      const answers = answersOf(room.doc)
      const step = nextStep(config, answers)
      // Every question was answered (the configuration changed meanwhile): hand over now.
      if ('escalate' in step) return this.escalate(workspace, conversationId, room, config, step.escalate)
      const q = step.question
      const reading = answerOf(q, { text, choice })
      const now = this.deps.now()
      if ('retry' in reading) {
        await room.change((doc) => {
          if (holding(doc)) appendMessageOnce(doc, this.ask(q, reading.retry, now))
        })
        return
      }
      const next: BotAnswers = { ...answers, [q.attribute]: reading.value }
      const visitor = await this.deps.store.getVisitor(workspace, visitorId)
      const card = visitor && withAnswer(visitor, q.attribute, reading.value)
      const after = nextStep(config, next)
      const events: NewEvent[] = [
        { type: EventType.botAnswered, at: now, conversationId, data: { visitorId, questionId: q.id, attribute: q.attribute, value: reading.value } },
      ]
      let stopped = false
      await room.change(
        (doc) => {
          if (!holding(doc)) {
            stopped = true
            return
          }
          metaOf(doc).set('botAnswers', next)
          if ('question' in after) appendMessageOnce(doc, this.ask(after.question, after.question.text, now))
        },
        // An agent took it between the look and the change: the answer is still the visitor's, kept on the card.
        { events, ...(visitor && card ? visitorWrite(visitor, card) : {}) },
      )
      if (!stopped && 'escalate' in after) await this.escalate(workspace, conversationId, room, config, after.escalate)
    })
  }

  /**
   * Says the handoff text and gives the conversation to the dispatcher: to the chosen group, or
   * routed as any new conversation (scripts by page) when no route and no fallback chose one. A
   * group at its maximum does not strand the visitor: the workspace-wide queue takes them.
   */
  private async escalate(workspace: string, conversationId: string, room: Room, config: BotConfig, groupId: string | null): Promise<void> {
    if (!holding(room.doc)) return
    const visitorId = metaOf(room.doc).get('visitorId')
    const visitor = typeof visitorId === 'string' ? await this.deps.store.getVisitor(workspace, visitorId) : null
    const route = (req: RouteRequest) => this.deps.routing.route(workspace, conversationId, req)
    // A messenger's chat is routed as one (scripts match widget pages only).
    const channel = visitor?.channel?.kind ?? 'widget'
    let decision = await route(groupId ? { pageUrl: null, channel, target: { groupId } } : { pageUrl: visitor?.pageUrl ?? null, channel })
    if (decision.outcome === 'full' || decision.requestForm) decision = await route({ pageUrl: null, channel })
    const now = this.deps.now()
    let handed = false
    await room.change(
      (doc) => {
        if (!holding(doc)) return
        handed = true
        const meta = metaOf(doc)
        meta.set('bot', false)
        meta.set('groupId', decision.groupId)
        if (decision.skillId) meta.set('skillId', decision.skillId)
        if (config.handoffText.trim()) appendMessageOnce(doc, this.line(config.handoffText, now))
      },
      {
        events: [
          { type: EventType.botEscalated, at: now, conversationId, data: { groupId: decision.groupId, chosen: groupId } },
          {
            type: EventType.routed,
            at: now,
            conversationId,
            data: { groupId: decision.groupId, teamId: decision.teamId, scriptId: decision.scriptId, outcome: decision.outcome, requestForm: false },
          },
          { type: EventType.queueJoined, at: now, conversationId, data: { groupId: decision.groupId, reason: 'bot' } },
        ],
      },
    )
    if (handed) this.deps.log.info({ workspace, conversationId, groupId: decision.groupId }, 'the bot handed over')
  }

  private async withRoom(workspace: string, conversationId: string, fn: (room: Room) => Promise<void>): Promise<void> {
    const room = await this.deps.rooms.hold(workspace, conversationDocName(conversationId), { kind: 'conversation', conversationId })
    try {
      await fn(room)
    } finally {
      this.deps.rooms.release(room)
    }
  }

  private line(text: string, at: number): ChatMessage {
    const id = newId()
    return { id, clientId: id, kind: 'bot', authorId: BOT_AUTHOR_ID, authorName: BOT_NAME, text, at }
  }

  private ask(q: BotQuestion, text: string, at: number): ChatMessage {
    return { ...this.line(text, at), ...(q.options.length ? { buttons: q.options.map((o) => ({ label: o.label, value: o.value })) } : {}) }
  }
}

/** Whether the bot still holds the conversation: in bot mode, waiting and nobody's. */
function holding(doc: Y.Doc): boolean {
  const meta = metaOf(doc)
  return meta.get('bot') === true && meta.get('status') === 'waiting' && !meta.get('assigneeId')
}

/** This conversation's answers so far, by attribute; anything else in the meta is ignored. */
function answersOf(doc: Y.Doc): Record<string, string> {
  const raw = metaOf(doc).get('botAnswers')
  const out: Record<string, string> = {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') out[k] = v
  return out
}

/** The visitor with the answer among their custom fields; unchanged past the fields' bound (a new field is then dropped). */
function withAnswer(visitor: VisitorRecord, attribute: string, value: string): VisitorRecord | null {
  const fields = { ...(visitor.fields ?? {}), [attribute]: value }
  if (Object.keys(fields).length > MAX_CUSTOM_FIELDS) return null
  return { ...visitor, fields }
}
