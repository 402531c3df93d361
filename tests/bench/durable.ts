/**
 * Durable throughput: visitor messages appended to conversation documents and committed
 * (document update + event + acknowledgement row, SQLite synchronous=FULL) per second,
 * through the server's own room pipeline. Baseline, same run: one fsynced transaction per
 * message, which is what the pipeline would do without group commit.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { appendMessageOnce, metaOf } from '../../shared/documents.ts'
import { RoomManager } from '../../sync-server/rooms/RoomManager.ts'
import { SqliteStore } from '../../sync-server/store/SqliteStore.ts'

export async function measureDurable(opts: { conversations: number; messages: number }): Promise<{ messages_per_s: number; baseline_unbatched_per_s: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-durable-'))
  try {
    const store = new SqliteStore({ file: join(dir, 'bench.db'), synchronous: 'full' })
    await store.createWorkspace({ id: 'w', secret: 's', createdAt: 0 })
    const rooms = new RoomManager({
      store,
      log: pino({ level: 'silent' }),
      now: Date.now,
      conversationMessages: () => {},
    })
    const held = await Promise.all(
      Array.from({ length: opts.conversations }, (_, i) => rooms.hold('w', `conv/c${i}`, { kind: 'conversation', conversationId: `c${i}` })),
    )
    for (const [i, room] of held.entries()) await room.change((doc) => metaOf(doc).set('id', `c${i}`))

    const perConv = Math.ceil(opts.messages / opts.conversations)
    const start = performance.now()
    await Promise.all(
      held.map(async (room, c) => {
        for (let k = 0; k < perConv; k++) {
          const id = `m-${c}-${k}`
          await room.change((doc) => appendMessageOnce(doc, { id, clientId: id, kind: 'visitor', authorId: 'v', authorName: 'V', text: 'a question of ordinary length, about shipping', at: Date.now() }), {
            widgetAcks: [{ visitorId: `v${c}`, clientId: id, messageId: id, conversationId: `c${c}` }],
          })
        }
      }),
    )
    const total = perConv * opts.conversations
    const messagesPerS = total / ((performance.now() - start) / 1000)

    // Baseline: the same rows, one message per awaited commit (no grouping possible).
    const baselineCount = 300
    const t0 = performance.now()
    const room = held[0]!
    for (let k = 0; k < baselineCount; k++) {
      const id = `b-${k}`
      await room.change((doc) => appendMessageOnce(doc, { id, clientId: id, kind: 'visitor', authorId: 'v', authorName: 'V', text: 'a question of ordinary length, about shipping', at: Date.now() }), {
        widgetAcks: [{ visitorId: 'v0', clientId: id, messageId: id, conversationId: 'c0' }],
      })
    }
    const baseline = baselineCount / ((performance.now() - t0) / 1000)
    for (const r of held) rooms.release(r)
    await rooms.closeAll()
    await store.close()
    return { messages_per_s: Math.round(messagesPerS), baseline_unbatched_per_s: Math.round(baseline) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
