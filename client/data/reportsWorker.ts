/**
 * The reports worker: holds this device's conversation facts in memory and computes the live view,
 * the agents board and period reports from them (shared/reports/), off the page's thread. It reads
 * IndexedDB itself: after the first full read, each request reads only the facts whose sequence
 * number moved since, so a report over a hundred thousand conversations costs its fold alone.
 */
/// <reference lib="webworker" />
import { computeAgentsBoard } from '../../shared/reports/agentsBoard.ts'
import type { AgentState } from '../../shared/reports/agentStates.ts'
import type { ConversationFact } from '../../shared/reports/facts.ts'
import { computeLive } from '../../shared/reports/live.ts'
import { computeReport } from '../../shared/reports/periodReport.ts'
import { readLogEpoch } from './applyEvents.ts'
import { createDb, type ParleyDb } from './db.ts'
import { lastEvent } from './eventLog.ts'
import { checkedFacts } from './factPages.ts'
import type { DatedReport } from './reports.ts'
import type { ReportsAnswer, ReportsRequest } from './reportsProtocol.ts'

declare const self: DedicatedWorkerGlobalScope

let db: ParleyDb | null = null
const facts = new Map<string, ConversationFact>()
/** The highest fact sequence number held: a refresh reads the facts above it. */
let factsSeq = 0
let chain: Promise<unknown> = Promise.resolve()

/** The log epoch the held facts belong to: when it moves, the device's log was forgotten and they go. */
let epoch = -1

async function refresh(d: ParleyDb): Promise<void> {
  const now = await readLogEpoch(d)
  if (now !== epoch) {
    facts.clear()
    factsSeq = 0
    epoch = now
  }
  // Pages whose facts moved since: a page's `seq` is its newest fact's.
  const pages: unknown[] = factsSeq === 0 ? await d.factPages.toArray() : await d.factPages.where('seq').above(factsSeq).toArray()
  for (const fact of await checkedFacts(d, pages)) {
    facts.set(fact.id, fact)
    if (fact.seq > factsSeq) factsSeq = fact.seq
  }
}

async function agentStates(d: ParleyDb): Promise<Map<string, AgentState>> {
  return new Map((await d.agentStates.toArray()).map((a) => [a.agentId, a]))
}

async function answer(req: ReportsRequest): Promise<unknown> {
  if (req.type === 'open') {
    db?.close()
    db = createDb(req.workspace, req.agentId)
    facts.clear()
    factsSeq = 0
    epoch = -1
    return null
  }
  if (!db) throw new Error('the reports worker has no database open')
  // Read before the facts: what the report says it holds is never newer than what it folded.
  const newest = req.type === 'period' ? await lastEvent(db) : undefined
  await refresh(db)
  switch (req.type) {
    case 'live':
      return computeLive(facts.values(), await agentStates(db), req.ctx)
    case 'agents':
      return computeAgentsBoard(facts.values(), await agentStates(db), req.ctx)
    case 'period': {
      const teams = new Map(req.ctx.groupTeams)
      const report = computeReport(facts.values(), req.query, { timezone: req.ctx.timezone, now: req.ctx.now, teamOfGroup: (g) => teams.get(g) ?? null })
      return { report, dataUpTo: newest?.at ?? null } satisfies DatedReport
    }
  }
}

self.onmessage = (e: MessageEvent<ReportsRequest>) => {
  const req = e.data
  chain = chain.then(async () => {
    let reply: ReportsAnswer
    try {
      const value = await answer(req)
      reply = { id: req.id, ok: true, value }
    } catch (err) {
      reply = { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }
    }
    self.postMessage(reply)
  })
}
