/**
 * A second process committing to a PostgreSQL store (tests/integration/store.postgres.test.ts):
 * `node --import tsx tests/support/pgCommitter.ts <url> <workspace> <commits> <tag>` waits for a
 * line on stdin (so both processes start together), makes the commits, each with 1 to 3 events,
 * up to 4 at a time, and prints the sequence numbers it was given as one JSON line.
 */
import { once } from 'node:events'
import { PostgresStore } from '../../sync-server/store/PostgresStore.ts'

const [url, workspace, count, tag] = process.argv.slice(2)
const store = new PostgresStore({ url: url!, poolSize: 4 })
await store.open()
process.stdout.write('ready\n')
await once(process.stdin, 'data')
process.stdin.destroy()
const seqs: number[] = []
const inFlight = new Set<Promise<unknown>>()
for (let i = 0; i < Number(count); i++) {
  const p = store
    .commit({ workspace: workspace!, events: Array.from({ length: 1 + (i % 3) }, (_, k) => ({ type: 'message' as const, at: i, data: { tag, i, k } })) })
    .then((events) => seqs.push(...events.map((e) => e.seq)))
  inFlight.add(p)
  void p.finally(() => inFlight.delete(p))
  if (inFlight.size >= 4) await Promise.race(inFlight)
}
await Promise.all(inFlight)
await store.close()
// Exit once the line is out: the stdin pipe may otherwise keep the process alive.
process.stdout.write(JSON.stringify(seqs) + '\n', () => process.exit(0))
