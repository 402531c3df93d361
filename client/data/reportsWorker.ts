/**
 * The reports worker: holds this device's conversation facts in memory and computes the live view,
 * the agents board and period reports from them (shared/reports/), off the page's thread. It reads
 * IndexedDB itself: after the first full read, each request reads only the facts whose sequence
 * number moved since, so a report over a hundred thousand conversations costs its fold alone.
 */
/// <reference lib="webworker" />
import { computeAgentsBoard } from '../../shared/reports/agentsBoard.ts'
import type { AgentState } from '../../shared/reports/agentStates.ts'
import { isFact, type ConversationFact } from '../../shared/reports/facts.ts'
import { computeLive } from '../../shared/reports/live.ts'
import { computeReport } from '../../shared/reports/periodReport.ts'
import { rebuildFact } from './applyEvents.ts'
import { createDb, type ParleyDb } from './db.ts'
import type { ReportsAnswer, ReportsRequest } from './reportsProtocol.ts'

declare const self: DedicatedWorkerGlobalScope

let db: ParleyDb | null = null
const facts = new Map<string, ConversationFact>()
/** The highest fact sequence number held: a refresh reads the facts above it. */
let factsSeq = 0
let chain: Promise<unknown> = Promise.resolve()

/** Takes a fact read from storage; a damaged one is folded afresh from the log (and stored again), never counted as it is. */
async function take(d: ParleyDb, row: unknown): Promise<void> {
  let fact: ConversationFact | undefined
  if (isFact(row)) fact = row
  else {
    const id = typeof (row as { id?: unknown })?.id === 'string' ? (row as { id: string }).id : null
    if (!id) return
    fact = await rebuildFact(d, id)
    if (fact) await d.facts.put(fact)
    else await d.facts.delete(id)
    console.warn('[reports] rebuilt a damaged fact from the log', id)
  }
  if (!fact) return
  facts.set(fact.id, fact)
  if (fact.seq > factsSeq) factsSeq = fact.seq
}

async function refresh(d: ParleyDb): Promise<void> {
  // The local log was reset (a restored server): start again from what is stored.
  if ((await d.facts.count()) < facts.size) {
    facts.clear()
    factsSeq = 0
  }
  const rows: unknown[] = factsSeq === 0 ? await d.facts.toArray() : await d.facts.where('seq').above(factsSeq).toArray()
  for (const row of rows) await take(d, row)
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
    return null
  }
  if (!db) throw new Error('the reports worker has no database open')
  await refresh(db)
  switch (req.type) {
    case 'live':
      return computeLive(facts.values(), await agentStates(db), req.ctx)
    case 'agents':
      return computeAgentsBoard(facts.values(), await agentStates(db), req.ctx)
    case 'period': {
      const teams = new Map(req.ctx.groupTeams)
      return computeReport(facts.values(), req.query, { timezone: req.ctx.timezone, now: req.ctx.now, teamOfGroup: (g) => teams.get(g) ?? null })
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
