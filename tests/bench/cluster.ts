/**
 * Several instances on PostgreSQL + Redis, measured as their clients see them, against one SQLite
 * instance in the same run:
 * - `roundtrip_p99_ms`: visitors on one instance, their agents' documents on another, so every
 *   message and reply crosses between instances (the single instance's figure as the baseline);
 * - `durable_messages_per_s`: visitor messages acknowledged per second (each acknowledged only once
 *   committed), visitors spread over the instances, each sending its next message on the previous
 *   one's acknowledgement;
 * - `failover_s`: from the leader's kill -9 to a new chat's assignment by the instance that takes over.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { LogEvent, ToLive } from '../../shared/protocol.ts'
import { login, Visitor } from '../support/clients.ts'
import { startCluster } from '../support/cluster.ts'
import { kill9, spawnServer } from '../support/process.ts'
import { agentOnDuty } from '../support/settings.ts'
import { benchAddress, roundtripOn, type RoundtripOptions } from './roundtrip.ts'
import { quantile, round } from './stats.ts'

export const CLUSTER_BUDGET = { roundtrip_p99_ms: 50, durable_messages_per_s: 5000, failover_s: 5 }

type Server = { url: string; wsUrl: string }

export interface ClusterOptions {
  instances: number
  /** The round trip across instances: 600 visitors and 60 agents by default. */
  roundtrip: RoundtripOptions
  /** The single instance's round trip, the baseline: 200 visitors. */
  baselineVisitors: number
  /** Visitors sending at once for the throughput, and the messages each sends. */
  senders: number
  messagesEach: number
  log: (msg: string) => void
}

/** Visitor messages acknowledged per second, `senders` visitors spread over `servers`, each sending on the last acknowledgement. */
async function throughputOn(servers: readonly Server[], senders: number, each: number): Promise<number> {
  const visitors: Visitor[] = []
  try {
    for (let i = 0; i < senders; i++) {
      // Addresses apart from the round trip's.
      const v = new Visitor(servers[i % servers.length]!.wsUrl, { name: `Sender ${i}` }, undefined, benchAddress(2000 + i))
      await v.connect()
      await v.say('opening')
      visitors.push(v)
    }
    const t0 = performance.now()
    await Promise.all(
      visitors.map(async (v, i) => {
        for (let n = 0; n < each; n++) await v.say(`message ${n}`, `bench-${i}-${n}-${Math.random().toString(36).slice(2, 8)}`)
      }),
    )
    return (senders * each) / ((performance.now() - t0) / 1000)
  } finally {
    for (const v of visitors) v.ws.terminate()
  }
}

/** Seconds from the leader's kill to a chat started after it being assigned by the next leader. */
async function failover(cluster: Awaited<ReturnType<typeof startCluster>>): Promise<number> {
  const [leader, survivor] = cluster.instances
  const admin = await login(survivor!.url)
  await agentOnDuty(survivor!, admin.token, { email: 'failover@x.io', name: 'Failover', group: 'failover', path: 'failover', slots: 1000 })
  const assigned = new Map<string, number>()
  const ws = new WebSocket(`${survivor!.wsUrl}/api/live?token=${encodeURIComponent(admin.token)}&after=0`)
  ws.on('message', (d) => {
    const f = JSON.parse(String(d)) as ToLive
    if (f.type === 'events') for (const e of f.events as LogEvent[]) if (e.type === 'conversation.assigned' && e.conversationId) assigned.set(e.conversationId, performance.now())
  })
  const until = async (id: string, timeoutMs: number) => {
    const end = performance.now() + timeoutMs
    while (!assigned.has(id)) {
      if (performance.now() > end) throw new Error('failover: the chat was never assigned')
      await new Promise((r) => setTimeout(r, 10))
    }
    return assigned.get(id)!
  }
  const page = { url: 'https://shop.test/failover', title: 'Failover' }
  try {
    // The leader (the first instance started) assigns a chat; then it is killed.
    const before = new Visitor(survivor!.wsUrl, {}, page, benchAddress(4000))
    await before.connect()
    await until((await before.say('before the kill')).conversationId, 10_000)
    before.ws.terminate()
    await kill9(leader!.child)
    const killedAt = performance.now()
    const after = new Visitor(survivor!.wsUrl, {}, page, benchAddress(4001))
    await after.connect()
    const at = await until((await after.say('after the kill')).conversationId, 30_000)
    after.ws.terminate()
    return (at - killedAt) / 1000
  } finally {
    ws.close()
  }
}

export async function measureCluster(o: ClusterOptions) {
  o.log(`cluster: the baseline, one SQLite instance with ${o.baselineVisitors} visitors…`)
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-single-'))
  const single = await spawnServer(dataDir, { DATABASE_URL: '' })
  let baseline: number[]
  let baselineThroughput: number
  try {
    baseline = await roundtripOn([single], { ...o.roundtrip, visitors: o.baselineVisitors, agents: Math.max(1, Math.round(o.roundtrip.agents / o.instances)) })
    baselineThroughput = await throughputOn([single], o.senders, o.messagesEach)
  } finally {
    await kill9(single.child)
    rmSync(dataDir, { recursive: true, force: true })
  }
  o.log(`cluster: ${o.instances} instances on PostgreSQL + Redis, ${o.roundtrip.visitors} visitors and ${o.roundtrip.agents} agents…`)
  const cluster = await startCluster(Array.from({ length: o.instances }, (_, i) => `bench-${i}`))
  try {
    const samples = await roundtripOn(cluster.instances, o.roundtrip)
    o.log(`cluster: ${o.senders} visitors sending ${o.messagesEach} messages each…`)
    const throughput = await throughputOn(cluster.instances, o.senders, o.messagesEach)
    o.log('cluster: killing the leader…')
    const failoverS = await failover(cluster)
    return {
      instances: o.instances,
      visitors: o.roundtrip.visitors,
      agents: o.roundtrip.agents,
      samples: samples.length,
      roundtrip_p50_ms: round(quantile(samples, 0.5)),
      roundtrip_p99_ms: round(quantile(samples, 0.99)),
      baseline_single_visitors: o.baselineVisitors,
      baseline_single_p50_ms: round(quantile(baseline, 0.5)),
      baseline_single_p99_ms: round(quantile(baseline, 0.99)),
      durable_messages_per_s: Math.round(throughput),
      baseline_single_messages_per_s: Math.round(baselineThroughput),
      senders: o.senders,
      failover_s: round(failoverS),
    }
  } finally {
    await cluster.destroy()
  }
}
