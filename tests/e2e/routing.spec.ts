import { putEntry, type RoutingGroup } from '../../shared/settings.ts'
import { createAgent, login, openDoc, whenDoc } from '../support/clients.ts'
import { ADMIN } from '../support/server.ts'
import { routingGroup, writeSettings } from '../support/settings.ts'
import type { Browser, Page } from '@playwright/test'
import { expect, openWidget, signIn, test, visitorSays } from './fixtures.ts'

const support: RoutingGroup = {
  id: 'support',
  name: 'Support',
  teamId: null,
  maxConversations: null,
  fullMessage: 'Support is full',
  assignment: 'leastBusy',
  onlyWhenOnline: false,
  skills: [],
  access: { omnichannel: true, unassignedQueue: true, management: false, settings: false },
}

test('the dispatcher gives a chat from the demo page to the online agent, queues the next with its place, and serves it when a slot frees', async ({ browser, parley }) => {
  const admin = await login(parley.url, ADMIN)
  const created = await createAgent(parley.url, admin.token, { email: 'ana@x.io', name: 'Ana', password: 'password-ana' })
  const settings = await openDoc(parley.wsUrl, 'settings', admin.token)
  settings.doc.transact(() => {
    putEntry(settings.doc, 'groups', support)
    putEntry(settings.doc, 'members', { agentId: created.body.id!, groups: ['support'], skills: [], slots: 1 })
    putEntry(settings.doc, 'scripts', { id: 'demo', name: 'Demo shop', url: '/demo', match: 'partial', teamId: null, groupId: 'support', onlyWhenOnline: false, requestFormWhenNobody: false, active: true, order: 0 })
  })
  const check = await openDoc(parley.wsUrl, 'settings', admin.token)
  await whenDoc(check.doc, () => check.doc.getMap('scripts').has('demo'))
  check.close()
  settings.close()

  const agentCtx = await browser.newContext()
  const agent = await agentCtx.newPage()
  await signIn(agent, parley.url, { email: 'ana@x.io', password: 'password-ana' })
  await agent.getByTestId('status-select').selectOption('online')
  await expect(agent.getByTestId('status-select')).toHaveAttribute('data-status', 'online')

  // The first visitor's chat is Ana's at once: it shows in her Mine list.
  const v1Ctx = await browser.newContext()
  const v1 = await v1Ctx.newPage()
  await openWidget(v1, parley.url)
  await visitorSays(v1, 'Do you ship to Norway?')
  await agent.getByTestId('tab').and(agent.locator('[data-tab="mine"]')).click()
  const row = agent.getByTestId('conversation-row').first()
  await expect(row).toHaveAttribute('data-assignee', created.body.id!)
  await row.click()
  await expect(agent.getByTestId('message').filter({ hasText: 'Assigned to Ana' })).toBeVisible()

  // Ana has one slot: the second visitor waits and sees their place in line.
  const v2Ctx = await browser.newContext()
  const v2 = await v2Ctx.newPage()
  await openWidget(v2, parley.url)
  await visitorSays(v2, 'Hello?')
  await expect(v2.getByTestId('parley-queue')).toHaveText('You are number 1 in the queue')

  // Ana drops off the network for a moment: nothing is lost; closing the first chat when she is
  // back frees her slot, and the waiting visitor is served.
  await agentCtx.setOffline(true)
  await expect(agent.getByTestId('connection')).toHaveText('Offline')
  await agentCtx.setOffline(false)
  await expect(agent.getByTestId('connection')).toHaveText('Online')
  await agent.getByTestId('action-close').click()
  await agent.getByTestId('close-confirm').click()
  await expect(v2.getByTestId('parley-queue')).toBeHidden()
  await expect(agent.getByTestId('conversation-row').filter({ hasText: 'Hello?' })).toHaveAttribute('data-assignee', created.body.id!)

  for (const c of [agentCtx, v1Ctx, v2Ctx]) await c.close()
})

test('a chat transferred to a skill, even from offline, goes to the agent who has it', async ({ browser, parley }) => {
  const admin = await login(parley.url, ADMIN)
  const ana = await createAgent(parley.url, admin.token, { email: 'ana@x.io', name: 'Ana', password: 'password-ana' })
  await createAgent(parley.url, admin.token, { email: 'bea@x.io', name: 'Bea', password: 'password-bea' })
  const settings = await openDoc(parley.wsUrl, 'settings', admin.token)
  settings.doc.transact(() => {
    putEntry(settings.doc, 'skills', { id: 'fr', name: 'French' })
    putEntry(settings.doc, 'members', { agentId: ana.body.id!, groups: [], skills: ['fr'], slots: 3 })
    settings.doc.getMap('workspace').set('defaultAssignment', 'leastBusy')
  })
  const check = await openDoc(parley.wsUrl, 'settings', admin.token)
  await whenDoc(check.doc, () => check.doc.getMap('skills').has('fr'))
  check.close()
  settings.close()

  // Ana stays away until the chat needs French: the workspace queue would otherwise give it to her.
  const { adminPage, colleague: anaPage } = await transferredOffline(browser, parley.url, {
    colleague: { email: 'ana@x.io', password: 'password-ana' },
    visitorText: 'Bonjour, je cherche une veste',
    target: '[data-testid="transfer-skill"][data-id="fr"]',
  })
  await expect(adminPage.getByTestId('message').filter({ hasText: 'transferred the chat to someone with the French skill' })).toHaveCount(1)
  await expect(adminPage.getByTestId('conversation-assignee')).toHaveText('Assigned to Ana')

  await anaPage.getByTestId('tab').and(anaPage.locator('[data-tab="mine"]')).click()
  await expect(anaPage.getByTestId('conversation-row').filter({ hasText: 'Bonjour' })).toHaveAttribute('data-assignee', ana.body.id!)
})

test('a chat transferred to a team, chosen offline, goes to the team’s group whose agent is online', async ({ browser, parley }) => {
  const admin = await login(parley.url, ADMIN)
  const bea = await createAgent(parley.url, admin.token, { email: 'bea@x.io', name: 'Bea', password: 'password-bea' })
  const cy = await createAgent(parley.url, admin.token, { email: 'cy@x.io', name: 'Cy', password: 'password-cy' })
  const group = (id: string, name: string) => routingGroup(id, { name, teamId: 'sales' })
  await writeSettings(parley.wsUrl, admin.token, (doc) => {
    putEntry(doc, 'teams', { id: 'sales', name: 'Sales' })
    // Exchanges is listed first; only Orders has someone online (Bea).
    putEntry(doc, 'groups', group('exchanges', 'Exchanges'))
    putEntry(doc, 'groups', group('orders', 'Orders'))
    putEntry(doc, 'members', { agentId: cy.body.id!, groups: ['exchanges'], skills: [], slots: 3 })
    putEntry(doc, 'members', { agentId: bea.body.id!, groups: ['orders'], skills: [], slots: 3 })
  })

  const { adminPage, colleague: beaPage } = await transferredOffline(browser, parley.url, {
    colleague: { email: 'bea@x.io', password: 'password-bea' },
    visitorText: 'I ordered the wrong size',
    target: '[data-testid="transfer-team"][data-id="sales"]',
    targetText: '2 groups',
  })
  await expect(adminPage.getByTestId('message').filter({ hasText: 'transferred the chat to the Sales team (Orders queue)' })).toHaveCount(1)
  // Orders assigns round robin: Bea, online, gets it.
  await expect(adminPage.getByTestId('conversation-assignee')).toHaveText('Assigned to Bea')
  await beaPage.getByTestId('tab').and(beaPage.locator('[data-tab="mine"]')).click()
  await expect(beaPage.getByTestId('conversation-row').filter({ hasText: 'wrong size' })).toHaveAttribute('data-assignee', bea.body.id!)
})

/**
 * A visitor writes; the admin takes the chat while a colleague is away, the colleague goes online,
 * and the admin, offline, transfers the chat to `target` in the dialog: the command waits in the
 * outbox (its chip shows) until the network is back. (The fixture closes the contexts.)
 */
async function transferredOffline(
  browser: Browser,
  url: string,
  o: { colleague: { email: string; password: string }; visitorText: string; target: string; targetText?: string },
): Promise<{ adminPage: Page; colleague: Page }> {
  const colleague = await (await browser.newContext()).newPage()
  await signIn(colleague, url, o.colleague)
  const adminCtx = await browser.newContext()
  const adminPage = await adminCtx.newPage()
  await signIn(adminPage, url)
  const visitor = await (await browser.newContext()).newPage()
  await openWidget(visitor, url)
  await visitorSays(visitor, o.visitorText)
  await adminPage.getByTestId('conversation-row').filter({ hasText: o.visitorText }).click()
  await adminPage.getByTestId('action-take').click()
  await expect(adminPage.getByTestId('conversation-assignee')).toHaveText('Assigned to you')
  await colleague.getByTestId('status-select').selectOption('online')
  await expect(colleague.getByTestId('status-select')).toHaveAttribute('data-status', 'online')

  await adminCtx.setOffline(true)
  await adminPage.getByTestId('action-transfer').click()
  const dialog = adminPage.getByTestId('transfer-dialog')
  if (o.targetText) await expect(dialog.locator(o.target)).toContainText(o.targetText)
  await dialog.locator(o.target).click()
  await dialog.getByTestId('transfer-confirm').click()
  await expect(adminPage.getByTestId('command-pending')).toBeVisible()
  await adminCtx.setOffline(false)
  return { adminPage, colleague }
}
