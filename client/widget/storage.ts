import type { Attachment, WidgetHistoryMessage } from '../../shared/protocol.ts'
import { isHistoryMessage } from './frames.ts'

/** A message the visitor wrote that the server has not acknowledged yet. */
export interface OutboxItem {
  clientId: string
  text: string
  at: number
  /** Files already uploaded (the frame names their ids). */
  attachments?: Attachment[]
  /** The value of the bot's button clicked (the text is its label). */
  choice?: string
}

/**
 * How many messages the local history cache keeps. The cache only has to paint the panel
 * before `welcome` arrives; the server's history stays the truth, so a bounded tail is enough
 * and keeps us well inside the ~5 MB localStorage quota shared with the host page.
 */
export const HISTORY_CACHE_SIZE = 200

type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/**
 * Everything the widget keeps in the host page's localStorage, namespaced per workspace.
 * Every read goes back to localStorage (no in-memory copy) so that two tabs of the same site
 * read-modify-write one shared outbox instead of overwriting each other's.
 */
export class WidgetStorage {
  private readonly store: KeyValue
  private readonly prefix: string

  constructor(workspace: string, store: KeyValue | null = openLocalStorage()) {
    this.store = store ?? memoryStore()
    this.prefix = `parley:${workspace}:`
  }

  loadToken(): string | null {
    const token = this.read('token')
    return typeof token === 'string' && token ? token : null
  }

  saveToken(token: string): void {
    this.write('token', token)
  }

  clearToken(): void {
    this.remove('token')
  }

  loadOutbox(): OutboxItem[] {
    const items = this.read('outbox')
    return Array.isArray(items) ? items.filter(isOutboxItem) : []
  }

  appendOutbox(item: OutboxItem): void {
    const items = this.loadOutbox()
    if (!items.some((i) => i.clientId === item.clientId)) items.push(item)
    this.write('outbox', items)
  }

  removeFromOutbox(clientIds: Iterable<string>): void {
    const drop = new Set(clientIds)
    if (drop.size === 0) return
    const items = this.loadOutbox()
    const kept = items.filter((i) => !drop.has(i.clientId))
    if (kept.length !== items.length) this.write('outbox', kept)
  }

  /** The cached history, or null when there is none yet (a first visit, or storage was cleared). */
  loadHistory(): WidgetHistoryMessage[] | null {
    const list = this.read('history')
    return Array.isArray(list) ? list.filter(isHistoryMessage) : null
  }

  saveHistory(messages: readonly WidgetHistoryMessage[]): void {
    this.write('history', messages.slice(-HISTORY_CACHE_SIZE))
  }

  clearHistory(): void {
    this.remove('history')
  }

  loadUnread(): number {
    const n = this.read('unread')
    return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0
  }

  saveUnread(count: number): void {
    if (count > 0) this.write('unread', count)
    else this.remove('unread')
  }

  /** A yes/no the loader reads raw (`'1'`) before the chat is loaded, e.g. `refused` (an invitation). */
  setFlag(key: 'refused', on: boolean): void {
    if (on) this.write(key, '1')
    else this.remove(key)
  }

  private read(key: string): unknown {
    try {
      const raw = this.store.getItem(this.prefix + key)
      if (raw === null) return null
      // The token is stored raw so that it reads naturally in devtools; everything else is JSON.
      return key === 'token' ? raw : JSON.parse(raw)
    } catch {
      return null
    }
  }

  private write(key: string, value: unknown): void {
    try {
      this.store.setItem(this.prefix + key, typeof value === 'string' ? value : JSON.stringify(value))
    } catch {
      // Quota exceeded or storage revoked mid-session: the widget keeps working from memory
      // for this page view, it only loses persistence across reloads.
    }
  }

  private remove(key: string): void {
    try {
      this.store.removeItem(this.prefix + key)
    } catch {
      // Same as write(): persistence is best effort.
    }
  }
}

function isOutboxItem(x: unknown): x is OutboxItem {
  if (typeof x !== 'object' || x === null) return false
  const i = x as Record<string, unknown>
  return typeof i.clientId === 'string' && i.clientId !== '' && typeof i.text === 'string' && typeof i.at === 'number'
}

/**
 * localStorage, or null where touching it throws: sandboxed iframes, Safari with cookies
 * blocked, or a host page with a restrictive permissions policy.
 */
function openLocalStorage(): KeyValue | null {
  try {
    const s = window.localStorage
    const probe = 'parley:probe'
    s.setItem(probe, '1')
    s.removeItem(probe)
    return s
  } catch {
    return null
  }
}

function memoryStore(): KeyValue {
  const m = new Map<string, string>()
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  }
}
