import { describe, expect, it } from 'vitest'
import { Conversations } from '../../sync-server/Conversations.ts'
import { SqliteStore } from '../../sync-server/store/SqliteStore.ts'
import type { ConversationRecord } from '../../sync-server/store/Store.ts'

describe('the conversation records cache', () => {
  it('never caches a read that a committed change overtook (a store read is a round trip on PostgreSQL)', async () => {
    const store = new SqliteStore({ file: ':memory:' })
    const waiting: ConversationRecord = { id: 'c1', workspace: 'w', visitorId: 'v', status: 'waiting', groupId: null, assigneeId: null, createdAt: 1, snoozedUntil: null }
    await store.commit({ workspace: 'w', conversations: [waiting] })
    // The read answers only when the test says so, as a slow round trip would.
    let answer!: () => void
    const held = new Promise<void>((r) => (answer = r))
    const slow = Object.assign(Object.create(store) as SqliteStore, {
      getConversation: async (ws: string, id: string) => {
        const r = await store.getConversation(ws, id)
        await held
        return r
      },
    })
    const cache = new Conversations(slow)
    const reading = cache.get('w', 'c1')
    // Meanwhile the take commits and its record is remembered.
    const taken = { ...waiting, status: 'open', assigneeId: 'a1' }
    cache.remember(taken)
    answer()
    expect(await reading).toEqual(taken)
    expect(await cache.get('w', 'c1')).toEqual(taken)

    await store.close()
  })
})
