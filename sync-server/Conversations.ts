import type { Store, ConversationRecord } from './store/Store.ts'

/** A cache of conversation records: permission checks run on every connect and every event pushed. */
export class Conversations {
  private cache = new Map<string, ConversationRecord>()
  /** Bumped by every `remember`: a store read that a change overtook must not be cached. */
  private changes = 0
  private static readonly MAX = 50_000

  constructor(private store: Store) {}

  async get(workspace: string, id: string): Promise<ConversationRecord | null> {
    const key = `${workspace}/${id}`
    const hit = this.cache.get(key)
    if (hit) return hit
    const before = this.changes
    const r = await this.store.getConversation(workspace, id)
    // A record committed while the read was on its way (a real round trip on PostgreSQL) is newer
    // than what the read found: it wins, and the read is not cached over it.
    const fresher = this.cache.get(key)
    if (fresher) return fresher
    if (r && this.changes === before) {
      this.cache.set(key, r)
      this.trim()
    }
    return r
  }

  /** A committed record: the newest there is. */
  remember(r: ConversationRecord): void {
    this.changes++
    this.cache.delete(`${r.workspace}/${r.id}`)
    this.cache.set(`${r.workspace}/${r.id}`, r)
    this.trim()
  }

  private trim(): void {
    while (this.cache.size > Conversations.MAX) this.cache.delete(this.cache.keys().next().value!)
  }
}
