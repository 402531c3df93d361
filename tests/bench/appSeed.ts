/**
 * Filling a real server for the app benchmarks. Bulk history goes straight into the server's
 * store (the same `commit` the server uses, so the app later pulls it through /api/live exactly
 * as in production); a conversation that needs a real Yjs document is made through the widget
 * protocol and an agent's y-websocket document, as a visitor and an agent would.
 */
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { messagesOf } from '../../shared/documents.ts'
import { EventType, type ChatMessage } from '../../shared/protocol.ts'
import type { ConversationRecord, NewEvent, Store } from '../../sync-server/store/Store.ts'
import { Visitor, whenDoc } from '../support/clients.ts'
import { messageText, visitorName } from './appData.ts'

const WORKSPACE = 'default'
/** Events per store commit: big enough to seed 100,000 messages in seconds, small enough to stay one modest transaction. */
const SEED_BATCH = 5000
/** Messages per Yjs transaction when filling a document: one update of ~80 KB, well under the sync frame limit. */
const DOC_BATCH = 500

const SEED_AGENTS = [
  { id: 'seed-agent-1', name: 'Ana' },
  { id: 'seed-agent-2', name: 'Ben' },
  { id: 'seed-agent-3', name: 'Chiara' },
]

export interface SeedOptions {
  /** Conversation ids are `<prefix>-<n>`. */
  prefix: string
  conversations: number
  /** Messages in all, at least one per conversation. */
  messages: number
  /** Server times of the first and the last conversation. */
  fromAt: number
  toAt: number
  rand: () => number
}

/**
 * Commits conversation.created and message events (and the server's conversation records) in
 * batches. Half the conversations are taken by a made-up agent; none is closed, so that every
 * one of them is in the inbox's All list. Returns the order numbers the messages mention.
 */
export async function seedHistory(store: Store, o: SeedOptions): Promise<{ orderNumbers: string[] }> {
  if (o.messages < o.conversations) throw new Error('seedHistory: at least one message per conversation')
  // One message each, the rest spread at random (so some conversations are long, some short).
  const counts = new Array<number>(o.conversations).fill(1)
  for (let k = o.conversations; k < o.messages; k++) counts[Math.floor(o.rand() * o.conversations)]!++

  const orderNumbers: string[] = []
  let events: NewEvent[] = []
  let records: ConversationRecord[] = []
  const flush = async () => {
    if (!events.length) return
    await store.commit({ workspace: WORKSPACE, events, conversations: records })
    events = []
    records = []
  }
  const step = (o.toAt - o.fromAt) / Math.max(1, o.conversations - 1)
  for (let c = 0; c < o.conversations; c++) {
    const id = `${o.prefix}-${c}`
    const visitorId = `${o.prefix}-v${c}`
    const name = visitorName(o.rand)
    let at = Math.round(o.fromAt + c * step)
    const agent = o.rand() < 0.5 ? SEED_AGENTS[Math.floor(o.rand() * SEED_AGENTS.length)]! : null
    events.push({
      type: EventType.conversationCreated,
      at,
      conversationId: id,
      data: { visitorId, visitorName: name, visitorEmail: o.rand() < 0.4 ? `${name.split(' ')[0]!.toLowerCase()}.${c}@mail.test` : undefined, channel: 'widget', status: 'waiting' },
    })
    records.push({ id, workspace: WORKSPACE, visitorId, status: agent ? 'open' : 'waiting', groupId: null, assigneeId: agent?.id ?? null, createdAt: at, snoozedUntil: null })
    for (let m = 0; m < counts[c]!; m++) {
      at += 20_000 + Math.floor(o.rand() * 240_000)
      // The visitor opens; after that, the agent (if any) answers about every other line.
      const byAgent = agent && m > 0 && o.rand() < 0.45
      if (agent && m === 1) events.push({ type: EventType.assigned, at, conversationId: id, data: { assigneeId: agent.id, by: agent.id } })
      const text = messageText(o.rand)
      const order = /#\d+/.exec(text)
      if (order) orderNumbers.push(order[0].slice(1))
      const messageId = `${id}-m${m}`
      events.push({
        type: EventType.message,
        at,
        conversationId: id,
        data: {
          messageId,
          clientId: messageId,
          kind: byAgent ? 'agent' : 'visitor',
          authorId: byAgent ? agent.id : visitorId,
          authorName: byAgent ? agent.name : name,
          text,
        },
      })
    }
    if (events.length >= SEED_BATCH) await flush()
  }
  await flush()
  return { orderNumbers }
}

export interface RealConversation {
  id: string
  /** The id of the newest message in its document. */
  newestId: string
  messages: number
}

/**
 * A conversation the way production makes one: a visitor writes through the widget socket, then
 * an agent appends the rest to its Yjs document over y-websocket. Resolves once the server has
 * committed everything (a second agent document sees all of it: the server relays only what is durable).
 */
export async function realConversation(
  server: { wsUrl: string },
  agent: { token: string; id: string; name: string },
  messages: number,
  rand: () => number,
): Promise<RealConversation> {
  const visitor = new Visitor(server.wsUrl, { name: visitorName(rand) })
  const closers: (() => void | Promise<void>)[] = []
  try {
    await visitor.connect()
    closers.push(() => visitor.close())
    const { conversationId: id } = await visitor.say(messageText(rand))
    const writer = await syncedDoc(server.wsUrl, `conv/${id}`, agent.token, closers)
    const reader = await syncedDoc(server.wsUrl, `conv/${id}`, agent.token, closers)
    const arr = messagesOf(writer)
    let newestId = arr.get(arr.length - 1)?.id ?? ''
    for (let k = 1; k < messages; ) {
      const batch: ChatMessage[] = []
      for (; batch.length < DOC_BATCH && k < messages; k++) {
        newestId = `${id}-a${k}`
        batch.push({ id: newestId, clientId: newestId, kind: 'agent', authorId: agent.id, authorName: agent.name, text: messageText(rand), at: Date.now() })
      }
      writer.transact(() => arr.push(batch))
    }
    await whenDoc(reader, () => messagesOf(reader).length >= messages, 60_000)
    return { id, newestId, messages }
  } finally {
    for (const c of closers.reverse()) await c()
  }
}

/**
 * An agent's document synced through the real y-websocket client, with a deadline: a refused
 * document never syncs (y-websocket redials it forever). The closer destroys the document too:
 * the provider leaves its awareness, whose interval timer would keep Node running, to the document.
 */
async function syncedDoc(wsUrl: string, name: string, token: string, closers: (() => void | Promise<void>)[]): Promise<Y.Doc> {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(`${wsUrl}/sync`, name, doc, { WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket, params: { token }, disableBc: true })
  closers.push(() => {
    provider.destroy()
    doc.destroy()
  })
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} did not sync within 30 s`)), 30_000)
      if (provider.synced) resolve()
      else provider.once('sync', () => resolve())
    })
  } finally {
    clearTimeout(timer)
  }
  return doc
}
