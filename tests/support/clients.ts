import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import type { CommandName } from '../../shared/commands.ts'
import { readMeta, type ConversationMeta } from '../../shared/documents.ts'
import type { LoginResponse, ToWidget } from '../../shared/protocol.ts'
import { ADMIN } from './server.ts'

/** A scripted visitor speaking the widget protocol over a real socket. */
export class Visitor {
  ws!: WebSocket
  frames: ToWidget[] = []
  token: string | null = null
  visitorId: string | null = null
  private waiters: { pred: (f: ToWidget) => boolean; resolve: (f: ToWidget) => void }[] = []

  constructor(
    private wsUrl: string,
    private user: { name?: string; email?: string; hash?: string } = {},
    /** `referrer`: the host page's `document.referrer`, as the widget sends it in hello. */
    private page: { url: string; title: string; referrer?: string } = { url: 'http://shop.test/', title: 'Shop' },
    /** The loopback address to connect from (127.x.y.z): visitors on the web come from many, and the server limits frames per address. */
    private localAddress?: string,
  ) {}

  /** Connects and says hello; resolves with the welcome. */
  async connect(token: string | null = this.token): Promise<Extract<ToWidget, { type: 'welcome' }>> {
    this.ws = new WebSocket(`${this.wsUrl}/widget/ws`, this.localAddress ? { localAddress: this.localAddress } : {})
    this.ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as ToWidget
      this.frames.push(f)
      this.waiters = this.waiters.filter((w) => (w.pred(f) ? (w.resolve(f), false) : true))
    })
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('error', reject)
    })
    const welcome = this.next((f) => f.type === 'welcome' || f.type === 'error')
    this.ws.send(JSON.stringify({ type: 'hello', workspace: 'default', visitorToken: token, page: this.page, user: this.user }))
    const w = await welcome
    if (w.type !== 'welcome') throw new Error(`hello refused: ${JSON.stringify(w)}`)
    this.token = w.visitorToken
    this.visitorId = w.visitorId
    return w
  }

  /** The next frame (from now on) that satisfies `pred`. */
  next<T extends ToWidget>(pred: (f: ToWidget) => boolean, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a widget frame')), timeoutMs)
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer)
          resolve(f as T)
        },
      })
    })
  }

  /** Sends any frame as JSON (forms, ratings, garbage…). */
  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Sends a frame and resolves with the next frame of `type` (e.g. `saved` or `error`). */
  async request<T extends ToWidget['type']>(frame: unknown, ...types: T[]): Promise<Extract<ToWidget, { type: T }>> {
    const reply = this.next<Extract<ToWidget, { type: T }>>((f) => (types as string[]).includes(f.type))
    this.send(frame)
    return reply
  }

  /** Sends a message and resolves with its ack. */
  async say(text: string, clientId = `c${Math.random().toString(36).slice(2, 14)}`) {
    const ack = this.next<Extract<ToWidget, { type: 'ack' }>>((f) => f.type === 'ack' && f.clientId === clientId)
    this.ws.send(JSON.stringify({ type: 'message', clientId, text }))
    return ack
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    const closed = new Promise((r) => this.ws.once('close', r))
    this.ws.close()
    await closed
  }
}

export async function login(url: string, creds: { email: string; password: string } = ADMIN): Promise<LoginResponse> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(creds) })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as LoginResponse
}

export async function createAgent(url: string, adminToken: string, agent: { email: string; name: string; password: string; role?: string; groups?: string[] }) {
  const res = await fetch(`${url}/api/agents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(agent),
  })
  return { status: res.status, body: (await res.json()) as { id?: string; error?: string } }
}

/** An agent's Yjs document synced through the real y-websocket client provider. */
export async function openDoc(wsUrl: string, name: string, token: string, doc = new Y.Doc()) {
  const provider = new WebsocketProvider(`${wsUrl}/sync`, name, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    params: { token },
    disableBc: true,
  })
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()))
  return {
    doc,
    provider,
    // The doc too: it keeps an awareness timer alive that would hold the process open.
    close: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** Resolves when `check` holds, re-checked on every change of any of `docs`. */
export function whenDoc(docs: Y.Doc | Y.Doc[], check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const all = Array.isArray(docs) ? docs : [docs]
  if (check()) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer)
      for (const d of all) d.off('update', onUpdate)
    }
    const timer = setTimeout(() => {
      stop()
      reject(new Error('timed out waiting for the document'))
    }, timeoutMs)
    const onUpdate = () => {
      if (!check()) return
      stop()
      resolve()
    }
    for (const d of all) d.on('update', onUpdate)
  })
}

/** A conversation's `meta` once it satisfies `until`, read from a copy of its document opened for the purpose. */
export async function metaWhen(wsUrl: string, token: string, conversationId: string, until: (m: ConversationMeta) => boolean): Promise<ConversationMeta> {
  const conv = await openDoc(wsUrl, `conv/${conversationId}`, token)
  try {
    await whenDoc(conv.doc, () => {
      const m = readMeta(conv.doc)
      return m !== null && until(m)
    })
    return readMeta(conv.doc)!
  } finally {
    conv.close()
  }
}

/** Opens a raw socket and resolves with the close code the server gives it. */
export function closeCodeOf(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once('close', (code) => resolve(code))
    ws.once('error', () => {})
    setTimeout(() => reject(new Error('socket was not closed')), 10_000)
  })
}

/** Sends a conversation command over REST, as the app's outbox does. */
export async function command(
  url: string,
  token: string,
  conversationId: string,
  name: CommandName,
  body: Record<string, unknown> = {},
  key = `key-${Math.random().toString(36).slice(2)}-${Date.now()}`,
) {
  const res = await fetch(`${url}/api/conversations/${conversationId}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}
