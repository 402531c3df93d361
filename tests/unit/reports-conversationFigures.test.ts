import { describe, expect, it } from 'vitest'
import { agentHandlingMs, firstResponseMs, handlingMs, holderOf, isAgentsConversation, resolutionMs, teamOf, waitMs } from '../../shared/reports/conversationFigures.ts'
import { MIN, Scene, T0 } from './reportFixtures.ts'

const fact = (build: (s: Scene) => void) => {
  const s = new Scene()
  build(s)
  return s.facts()[0]!
}

describe("a conversation's own figures", () => {
  it.each([
    ['queued, then assigned', (s: Scene) => s.chat('x', T0).queued(3).assigned(5, 'ana'), 2 * MIN],
    ['assigned without a queue: from creation', (s: Scene) => s.chat('x', T0).assigned(4, 'ana'), 4 * MIN],
    ['assigned, then queued by a transfer: from creation', (s: Scene) => s.chat('x', T0).assigned(1, 'ana').transferToGroup(2, 'ana', 'g2').queued(2, 'g2').assigned(9, 'bob'), 1 * MIN],
    ['queued twice: the first join counts', (s: Scene) => s.chat('x', T0).queued(1).assigned(2, 'ana').transferToGroup(3, 'ana', 'g2').queued(3, 'g2').assigned(20, 'bob'), 1 * MIN],
    ['never assigned', (s: Scene) => s.chat('x', T0).queued(0), null],
  ])('wait: %s', (_, build, expected) => expect(waitMs(fact(build))).toBe(expected))

  it.each([
    ['an agent reply', (s: Scene) => s.chat('x', T0).assigned(0, 'ana').reply(3, 'ana'), 3 * MIN],
    ['the bot and system lines do not count', (s: Scene) => s.chat('x', T0).bot(0).system(1).assigned(1, 'ana').reply(7, 'ana'), 7 * MIN],
    ['an internal note does not count', (s: Scene) => s.chat('x', T0).assigned(0, 'ana').reply(2, 'ana', true).reply(5, 'ana'), 5 * MIN],
    ['a reopen does not start another', (s: Scene) => s.chat('x', T0).assigned(0, 'ana').reply(1, 'ana').closed(2, 'ana').reopened(30, 'ana').reply(31, 'ana'), 1 * MIN],
    ['no reply', (s: Scene) => s.chat('x', T0).bot(0), null],
  ])('first response: %s', (_, build, expected) => expect(firstResponseMs(fact(build))).toBe(expected))

  it.each([
    ['closed', (s: Scene) => s.chat('x', T0).closed(12, 'ana'), 12 * MIN],
    ['closed, reopened, closed: the last close', (s: Scene) => s.chat('x', T0).assigned(0, 'ana').closed(5, 'ana').reopened(10, 'ana').closed(40, 'ana'), 40 * MIN],
    ['reopened and open', (s: Scene) => s.chat('x', T0).assigned(0, 'ana').closed(5, 'ana').reopened(10, 'ana'), null],
  ])('resolution: %s', (_, build, expected) => expect(resolutionMs(fact(build))).toBe(expected))

  it('handling: open and assigned only, per agent their own stretches, a running one up to now', () => {
    const f = fact((s) => s.chat('x', T0).queued(0).assigned(2, 'ana').snoozed(5, 60).woke(60).transferToAgent(70, 'ana', 'bob').closed(100, 'bob'))
    expect(handlingMs(f, 0)).toBe((3 + 10 + 30) * MIN)
    expect(agentHandlingMs(f, 0, 'ana')).toBe(13 * MIN)
    expect(agentHandlingMs(f, 0, 'bob')).toBe(30 * MIN)
    expect(holderOf(f)).toBe('bob')
    const running = fact((s) => s.chat('y', T0).assigned(0, 'ana'))
    expect(handlingMs(running, T0 + 15 * MIN)).toBe(15 * MIN)
  })

  it("whose it is, and its team", () => {
    const f = fact((s) => s.chat('x', T0).routed(0, 't9', 'g1').assigned(1, 'ana').transferToAgent(2, 'ana', 'bob'))
    expect([isAgentsConversation(f, 'ana'), isAgentsConversation(f, 'bob'), isAgentsConversation(f, 'cara')]).toEqual([true, true, false])
    expect(teamOf(f, (g) => (g === 'g1' ? 't1' : null))).toBe('t1')
    expect(teamOf(f, () => null)).toBe('t9')
  })
})
