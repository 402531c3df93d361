import type { Store, ConversationRecord } from './store/Store.ts'

/** A cache of conversation records: permission checks run on every connect and every event pushed. */
export class Conversations {
  private cache = new Map<string, ConversationRecord>()
  private static readonly MAX = 50_000

  constructor(private store: Store) {}

  async get(workspace: string, id: string): Promise<ConversationRecord | null> {
    const hit = this.cache.get(`${workspace}/${id}`)
    if (hit) return hit
    const r = await this.store.getConversation(workspace, id)
    if (r) this.remember(r)
    return r
  }

  remember(r: ConversationRecord): void {
    if (this.cache.size >= Conversations.MAX) this.cache.delete(this.cache.keys().next().value!)
    this.cache.set(`${r.workspace}/${r.id}`, r)
  }
}
