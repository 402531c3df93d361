import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  answerOf,
  botConfigProblem,
  chooseGroup,
  DEFAULT_BOT_CONFIG,
  nextStep,
  parseBotConfig,
  readBotConfig,
  writeBotConfig,
  type BotConfig,
  type BotQuestion,
} from '../../shared/bot.ts'

const topic: BotQuestion = {
  id: 'topic',
  text: 'What is it about?',
  attribute: 'topic',
  options: [
    { label: 'Billing', value: 'billing' },
    { label: 'Tech support', value: 'tech' },
  ],
}
const plan: BotQuestion = { id: 'plan', text: 'Which plan?', attribute: 'plan', options: [{ label: 'Pro', value: 'pro' }, { label: 'Free', value: 'free' }] }
const order: BotQuestion = { id: 'order', text: 'Your order number?', attribute: 'order', options: [] }

const config: BotConfig = {
  ...DEFAULT_BOT_CONFIG,
  enabled: true,
  questions: [topic, plan],
  routes: [
    { when: [{ attribute: 'topic', value: 'billing' }, { attribute: 'plan', value: 'pro' }], groupId: 'vip-billing' },
    { when: [{ attribute: 'topic', value: 'billing' }], groupId: 'billing' },
    { when: [{ attribute: 'topic', value: 'tech' }], groupId: 'tech' },
  ],
  fallbackGroupId: 'general',
}

describe('nextStep', () => {
  it.each([
    ['nothing answered: the first question', {}, { question: topic }],
    ['one answered: the next', { topic: 'tech' }, { question: plan }],
    ['answered out of order: the one left', { plan: 'pro' }, { question: topic }],
    ['all answered: hand over to the chosen group', { topic: 'billing', plan: 'pro' }, { escalate: 'vip-billing' }],
    ['all answered, no route: the fallback', { topic: 'other', plan: 'free' }, { escalate: 'general' }],
  ])('%s', (_name, answers, step) => {
    expect(nextStep(config, answers)).toEqual(step)
  })

  it('escalates at once when there is nothing to ask', () => {
    expect(nextStep({ ...config, questions: [], fallbackGroupId: null }, {})).toEqual({ escalate: null })
  })
})

describe('answerOf', () => {
  it.each([
    ['a button’s value', { text: 'Billing', choice: 'billing' }, { value: 'billing' }],
    ['a button’s value wins over its text', { text: 'whatever', choice: 'tech' }, { value: 'tech' }],
    ['a typed label, any case', { text: '  tech SUPPORT ' }, { value: 'tech' }],
    ['a typed value', { text: 'BILLING' }, { value: 'billing' }],
    ['an unknown choice falls back to the text', { text: 'Billing', choice: 'nope' }, { value: 'billing' }],
  ])('%s', (_name, input, reading) => {
    expect(answerOf(topic, input)).toEqual(reading)
  })

  it('asks again, naming the buttons, when the text matches none', () => {
    expect(answerOf(topic, { text: 'hello?' })).toEqual({ retry: 'Please choose one of: Billing, Tech support.' })
  })

  it('takes any text for a question without buttons, but not an empty one', () => {
    expect(answerOf(order, { text: ' A-1234 ' })).toEqual({ value: 'A-1234' })
    expect(answerOf(order, { text: '   ' })).toEqual({ retry: 'Please type your answer.' })
  })
})

describe('chooseGroup', () => {
  it.each([
    [{ topic: 'billing', plan: 'pro' }, 'vip-billing'],
    [{ topic: 'billing', plan: 'free' }, 'billing'],
    [{ topic: 'Tech' }, 'tech'],
    [{ plan: 'pro' }, 'general'],
    [{}, 'general'],
  ])('%j → %s', (answers, group) => {
    expect(chooseGroup(config, answers)).toBe(group)
  })

  it('null without a fallback: the workspace-wide queue', () => {
    expect(chooseGroup({ ...config, fallbackGroupId: null }, { topic: 'x' })).toBeNull()
  })
})

describe('parseBotConfig', () => {
  it.each([null, 42, 'x', [], { enabled: 'yes', questions: 'no', routes: {} }])('reads %j as the defaults', (v) => {
    expect(parseBotConfig(v)).toEqual(DEFAULT_BOT_CONFIG)
  })

  it('keeps what is good and skips what is not', () => {
    const parsed = parseBotConfig({
      enabled: true,
      greeting: 'Hello',
      questions: [
        topic,
        { id: 'bad', text: 'Bad field', attribute: 'no spaces', options: [] },
        { id: 'dup', text: 'Same field again', attribute: 'topic', options: [] },
        { id: 'empty', text: '  ', attribute: 'empty', options: [] },
        { text: 'No id', attribute: 'noid', options: [{ label: 'Yes' }, { label: '' }, 7, { label: 'Yes', value: 'Yes' }] },
      ],
      routes: [{ when: [{ attribute: 'topic', value: 'tech' }, 'junk'], groupId: 'tech' }, { when: [], groupId: '' }, null],
      fallbackGroupId: '',
      handoffText: 5,
    })
    expect(parsed.questions).toEqual([topic, { id: 'noid', text: 'No id', attribute: 'noid', options: [{ label: 'Yes', value: 'Yes' }] }])
    expect(parsed.routes).toEqual([{ when: [{ attribute: 'topic', value: 'tech' }], groupId: 'tech' }])
    expect(parsed.fallbackGroupId).toBeNull()
    expect(parsed.handoffText).toBe(DEFAULT_BOT_CONFIG.handoffText)
  })

  it('round-trips through the settings document', () => {
    const doc = new Y.Doc()
    writeBotConfig(doc, config)
    expect(readBotConfig(doc)).toEqual(config)
  })
})

describe('botConfigProblem', () => {
  const groups = ['vip-billing', 'billing', 'tech', 'general']
  it.each<[string, (c: BotConfig) => BotConfig, string | null]>([
    ['a good configuration', (c) => c, null],
    ['a question without text', (c) => ({ ...c, questions: [{ ...topic, text: ' ' }] }), 'Question 1: write the question.'],
    ['a bad field name', (c) => ({ ...c, questions: [{ ...topic, attribute: 'a b' }] }), 'Question 1: the field name uses letters, digits, _ and - only (1–64).'],
    ['two questions on one field', (c) => ({ ...c, questions: [topic, { ...plan, attribute: 'topic' }] }), 'Question 2: another question already stores its answer as “topic”.'],
    ['a button without a label', (c) => ({ ...c, questions: [{ ...topic, options: [{ label: '', value: 'x' }] }] }), 'Question 1: every button needs a label.'],
    ['two buttons with one value', (c) => ({ ...c, questions: [{ ...topic, options: [{ label: 'A', value: 'x' }, { label: 'B', value: 'X' }] }] }), 'Question 1: two buttons have the value “X”.'],
    ['a route to a deleted group', (c) => ({ ...c, routes: [{ when: [{ attribute: 'topic', value: 'x' }], groupId: 'gone' }] }), 'Route 1: choose a group.'],
    ['a route on a field nobody asks', (c) => ({ ...c, routes: [{ when: [{ attribute: 'size', value: 'x' }], groupId: 'tech' }] }), 'Route 1: “size” is not asked by any question.'],
    ['a route without conditions', (c) => ({ ...c, routes: [{ when: [], groupId: 'tech' }] }), 'Route 1: add a condition.'],
    ['a deleted fallback', (c) => ({ ...c, fallbackGroupId: 'gone' }), 'The fallback group no longer exists.'],
    ['enabled with nothing to say', (c) => ({ ...c, greeting: '', questions: [], routes: [] }), 'Give the bot a greeting or a question.'],
  ])('%s', (_name, edit, problem) => {
    expect(botConfigProblem(edit(config), groups)).toBe(problem)
  })
})
