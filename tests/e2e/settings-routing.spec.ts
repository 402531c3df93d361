import type { Page } from '@playwright/test'
import { AGENT_RIGHTS, DEFAULT_OPTIONS, putEntry, readSettings, type RoutingGroup } from '../../shared/settings.ts'
import { createAgent, login, openDoc, whenDoc } from '../support/clients.ts'
import { expect, signIn, test } from './fixtures.ts'

const ANA = { email: 'ana@example.com', name: 'Ana', password: 'password-ana' }
const FULL_MESSAGE = 'All our agents are busy right now. Please try again a little later.'
const NINE_TO_SIX: [number, number][] = [[9 * 60, 18 * 60]]

async function openSection(page: Page, id: string) {
  await page.getByTestId(`settings-nav-${id}`).click()
  await expect(page.getByTestId(`settings-${id}`)).toBeVisible()
}

test('an admin sets up a team, a group, a skill, a member, working hours and a script; the server holds exactly that, after a reload too', async ({ browser, parley }) => {
  const admin = await login(parley.url)
  const anaId = (await createAgent(parley.url, admin.token, ANA)).body.id!
  const server = await openDoc(parley.wsUrl, 'settings', admin.token)
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  await page.getByTestId('nav-settings').click()

  await openSection(page, 'groups')
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')
  await page.getByTestId('team-new-name').fill('Europe')
  await page.getByTestId('team-add').click()
  await expect(page.getByTestId('team-row')).toHaveCount(1)

  await page.getByTestId('group-add').click()
  await page.getByTestId('group-name').fill('Sales')
  await page.getByTestId('group-team').selectOption({ label: 'Europe' })
  await page.getByTestId('group-max').fill('50')
  await page.getByTestId('group-assignment').selectOption('roundRobin')
  await page.getByTestId('group-save').click()
  await expect(page.getByTestId('group-row')).toHaveCount(1)
  await expect(page.getByTestId('group-row-facts')).toHaveText('Europe · at most 50 · Round-robin')

  await openSection(page, 'skills')
  await page.getByTestId('skill-new-name').fill('French')
  await page.getByTestId('skill-add').click()
  await expect(page.getByTestId('skill-row')).toHaveCount(1)

  await openSection(page, 'members')
  const ana = page.locator(`[data-testid="member-row"][data-agent="${anaId}"]`)
  await ana.getByTestId('member-group').check()
  await ana.getByTestId('member-skill').check()
  await ana.getByTestId('member-slots').fill('3')
  await ana.getByTestId('member-save').click()
  await expect(ana.getByTestId('member-saved')).toBeVisible()

  await openSection(page, 'hours')
  await page.getByTestId('hours-timezone').fill('Europe/Paris')
  await page.locator('[data-testid="hours-day"][data-day="mon"]').getByTestId('hours-interval-add').click()
  await expect(page.getByTestId('hours-interval')).toHaveValue('09:00–18:00')
  await page.getByTestId('hours-copy-monday').click()
  await expect(page.getByTestId('hours-interval')).toHaveCount(5)
  await page.getByTestId('hours-holiday-date').fill('2025-12-25')
  await page.getByTestId('hours-holiday-add').click()
  await expect(page.getByTestId('hours-holiday')).toHaveAttribute('data-date', '2025-12-25')
  await page.getByTestId('hours-save').click()
  await expect(page.getByTestId('hours-saved')).toBeVisible()

  await openSection(page, 'scripts')
  await page.getByTestId('script-add').click()
  await page.getByTestId('script-name').fill('Pricing page')
  await page.getByTestId('script-url').fill('/pricing')
  await page.getByTestId('script-team').selectOption({ label: 'Europe' })
  await page.getByTestId('script-group').selectOption({ label: 'Sales' })
  await page.getByTestId('script-save').click()
  await expect(page.getByTestId('script-row')).toHaveCount(1)

  // The server's copy: exactly what was entered.
  await whenDoc(server.doc, () => readSettings(server.doc).scripts.length === 1)
  const s = readSettings(server.doc)
  const teamId = s.teams[0]!.id
  const groupId = s.groups[0]!.id
  const skillId = s.skills[0]!.id
  expect(s).toEqual({
    workspace: DEFAULT_OPTIONS,
    teams: [{ id: teamId, name: 'Europe' }],
    groups: [
      {
        id: groupId,
        name: 'Sales',
        teamId,
        maxConversations: 50,
        fullMessage: FULL_MESSAGE,
        assignment: 'roundRobin',
        onlyWhenOnline: false,
        skills: [],
        access: AGENT_RIGHTS,
      },
    ],
    skills: [{ id: skillId, name: 'French' }],
    members: [{ agentId: anaId, groups: [groupId], skills: [skillId], slots: 3 }],
    hours: [
      {
        teamId,
        timezone: 'Europe/Paris',
        week: { mon: NINE_TO_SIX, tue: NINE_TO_SIX, wed: NINE_TO_SIX, thu: NINE_TO_SIX, fri: NINE_TO_SIX, sat: [], sun: [] },
        holidays: ['2025-12-25'],
        outOfHours: 'async',
      },
    ],
    scripts: [
      {
        id: s.scripts[0]!.id,
        name: 'Pricing page',
        url: '/pricing',
        match: 'partial',
        teamId,
        groupId,
        onlyWhenOnline: false,
        requestFormWhenNobody: false,
        active: true,
        order: 0,
      },
    ],
    tags: [],
  })

  // After a reload every section shows what was saved.
  await page.reload()
  await expect(page.getByTestId('script-row-facts')).toHaveText('address contains “/pricing” → Europe, Sales')
  await openSection(page, 'groups')
  await expect(page.getByTestId('group-row-facts')).toHaveText('Europe · at most 50 · Round-robin')
  await openSection(page, 'members')
  await expect(ana.getByTestId('member-group')).toBeChecked()
  await expect(ana.getByTestId('member-skill')).toBeChecked()
  await expect(ana.getByTestId('member-slots')).toHaveValue('3')
  await openSection(page, 'hours')
  await expect(page.getByTestId('hours-timezone')).toHaveValue('Europe/Paris')
  await expect(page.locator('[data-testid="hours-day"][data-day="fri"]').getByTestId('hours-interval')).toHaveValue('09:00–18:00')
  await expect(page.locator('[data-testid="hours-day"][data-day="sat"]').getByTestId('hours-closed')).toBeVisible()
  await expect(page.getByTestId('hours-holiday')).toHaveAttribute('data-date', '2025-12-25')

  server.close()
  await ctx.close()
})

test('invalid input shows what is wrong and writes nothing', async ({ browser, parley }) => {
  const admin = await login(parley.url)
  const server = await openDoc(parley.wsUrl, 'settings', admin.token)
  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  await page.goto(`${parley.url}/settings/groups`)
  await expect(page.getByTestId('settings-groups')).toBeVisible()

  // A team without a name.
  await page.getByTestId('team-add').click()
  await expect(page.getByTestId('team-error')).toHaveText('Enter a name for the team')
  await page.getByTestId('team-new-name').fill('Europe')
  await page.getByTestId('team-add').click()
  await expect(page.getByTestId('team-row')).toHaveCount(1)

  // A group without a name, and with a limit that is no number of chats.
  await page.getByTestId('group-add').click()
  await page.getByTestId('group-max').fill('0')
  await page.getByTestId('group-save').click()
  await expect(page.locator('[data-testid="group-error"][data-field="name"]')).toHaveText('Enter a name for the group')
  await expect(page.locator('[data-testid="group-error"][data-field="maxConversations"]')).toContainText('A whole number from 1')
  await expect(page.getByTestId('group-name')).toBeFocused()
  await expect(page.getByTestId('group-row')).toHaveCount(0)
  await page.getByTestId('group-cancel').click()

  // Hours that end before they start, and a timezone that does not exist.
  await openSection(page, 'hours')
  await page.getByTestId('hours-timezone').fill('Europe/Atlantis')
  await page.locator('[data-testid="hours-day"][data-day="mon"]').getByTestId('hours-interval-add').click()
  await page.getByTestId('hours-interval').fill('18:00–09:00')
  await page.getByTestId('hours-save').click()
  await expect(page.locator('[data-testid="hours-error"][data-field="mon.0"]')).toHaveText('The end (09:00) is before the start (18:00); split hours past midnight over two days')
  await expect(page.locator('[data-testid="hours-error"][data-field="timezone"]')).toContainText('not a known timezone')
  await expect(page.getByTestId('hours-saved')).toHaveCount(0)
  // Fixing the interval clears its error as it is typed.
  await page.getByTestId('hours-interval').fill('09:00–18:00')
  await expect(page.locator('[data-testid="hours-error"][data-field="mon.0"]')).toHaveCount(0)

  // A script without an address.
  await openSection(page, 'scripts')
  await page.getByTestId('script-add').click()
  await page.getByTestId('script-name').fill('Pricing')
  await page.getByTestId('script-save').click()
  await expect(page.locator('[data-testid="script-error"][data-field="url"]')).toContainText('Enter the address')
  await expect(page.getByTestId('script-row')).toHaveCount(0)

  // A valid edit after all of those: once it reached the server, nothing else did before it.
  await page.getByTestId('script-url').fill('/pricing')
  await page.getByTestId('script-save').click()
  await whenDoc(server.doc, () => readSettings(server.doc).scripts.length === 1)
  const s = readSettings(server.doc)
  expect(s.teams.map((t) => t.name)).toEqual(['Europe'])
  expect(s.groups).toEqual([])
  expect(s.hours).toEqual([])
  server.close()
  await ctx.close()
})

test('offline, an admin edits a group; it is kept on the device, survives a reload, and reaches the server when back online', async ({ browser, parley }) => {
  const admin = await login(parley.url)
  const server = await openDoc(parley.wsUrl, 'settings', admin.token)
  const sales: RoutingGroup = {
    id: 'sales',
    name: 'Sales',
    teamId: null,
    maxConversations: 50,
    fullMessage: FULL_MESSAGE,
    assignment: 'roundRobin',
    onlyWhenOnline: false,
    skills: [],
    access: { ...AGENT_RIGHTS },
  }
  putEntry(server.doc, 'groups', sales)

  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  // The app shell must be in the service worker's cache before the network goes.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
  await page.getByTestId('nav-settings').click()
  await openSection(page, 'groups')
  const facts = page.locator('[data-testid="group-row"][data-id="sales"]').getByTestId('group-row-facts')
  await expect(facts).toHaveText('No team · at most 50 · Round-robin')
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')
  const sectionUrl = page.url()

  await ctx.setOffline(true)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await page.getByTestId('group-edit').click()
  await page.getByTestId('group-max').fill('20')
  await page.getByTestId('group-assignment').selectOption('leastBusy')
  await page.getByTestId('group-save').click()
  await expect(facts).toHaveText('No team · at most 20 · Least busy')
  await expect(page.getByTestId('sync-status')).toHaveText('Saved on this device — will sync when online')

  // The app opens from its cache, on the same section, with the edit read from this device.
  await page.reload()
  expect(page.url()).toBe(sectionUrl)
  await expect(page.getByTestId('connection')).toHaveText('Offline')
  await expect(facts).toHaveText('No team · at most 20 · Least busy')
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'pending')
  expect(readSettings(server.doc).groups[0]?.maxConversations).toBe(50)

  await ctx.setOffline(false)
  await whenDoc(server.doc, () => readSettings(server.doc).groups[0]?.maxConversations === 20)
  expect(readSettings(server.doc).groups).toEqual([{ ...sales, maxConversations: 20, assignment: 'leastBusy' }])
  await expect(page.getByTestId('sync-status')).toHaveText('Synced')

  server.close()
  await ctx.close()
})

test('removing a team or a skill asks first and clears what referred to it; scripts reorder; agents do not see these sections', async ({ browser, parley }) => {
  const admin = await login(parley.url)
  const anaId = (await createAgent(parley.url, admin.token, ANA)).body.id!
  const server = await openDoc(parley.wsUrl, 'settings', admin.token)
  const group = (id: string, name: string): RoutingGroup => ({
    id,
    name,
    teamId: 'europe',
    maxConversations: null,
    fullMessage: FULL_MESSAGE,
    assignment: 'manual',
    onlyWhenOnline: false,
    skills: ['french'],
    access: { ...AGENT_RIGHTS },
  })
  const script = { match: 'partial', teamId: 'europe', groupId: 'sales', onlyWhenOnline: false, requestFormWhenNobody: false, active: true } as const
  server.doc.transact(() => {
    putEntry(server.doc, 'teams', { id: 'europe', name: 'Europe' })
    putEntry(server.doc, 'skills', { id: 'french', name: 'French' })
    putEntry(server.doc, 'groups', group('sales', 'Sales'))
    putEntry(server.doc, 'groups', group('support', 'Support'))
    putEntry(server.doc, 'members', { agentId: anaId, groups: ['sales'], skills: ['french'], slots: 4 })
    putEntry(server.doc, 'scripts', { ...script, id: 'pricing', name: 'Pricing', url: '/pricing', order: 0 })
    putEntry(server.doc, 'scripts', { ...script, id: 'help', name: 'Help', url: '/help', order: 1 })
  })

  const ctx = await browser.newContext()
  const page = await ctx.newPage()
  await signIn(page, parley.url)
  await page.goto(`${parley.url}/settings/groups`)
  await expect(page.getByTestId('group-row')).toHaveCount(2)

  // The admin changes their mind once, then confirms.
  await page.getByTestId('team-delete').click()
  await expect(page.getByTestId('confirm-dialog')).toContainText('2 groups (Sales, Support) will have no team')
  await page.getByTestId('confirm-dialog-cancel').click()
  await expect(page.getByTestId('team-row')).toHaveCount(1)
  await page.getByTestId('team-delete').click()
  await page.getByTestId('confirm-dialog-ok').click()
  await expect(page.getByTestId('team-row')).toHaveCount(0)
  await whenDoc(server.doc, () => readSettings(server.doc).teams.length === 0)
  expect(readSettings(server.doc).groups.map((g) => g.teamId)).toEqual([null, null])
  expect(readSettings(server.doc).scripts.map((x) => x.teamId)).toEqual([null, null])

  await openSection(page, 'skills')
  await page.getByTestId('skill-delete').click()
  await expect(page.getByTestId('confirm-dialog')).toContainText('2 groups will stop requiring it; 1 agent will lose it')
  await page.getByTestId('confirm-dialog-ok').click()
  await whenDoc(server.doc, () => readSettings(server.doc).skills.length === 0)
  const s = readSettings(server.doc)
  expect(s.groups.map((g) => g.skills)).toEqual([[], []])
  expect(s.members).toEqual([{ agentId: anaId, groups: ['sales'], skills: [], slots: 4 }])

  await openSection(page, 'scripts')
  await expect(page.getByTestId('script-row-name')).toHaveText(['Pricing', 'Help'])
  await expect(page.getByTestId('script-up').first()).toBeDisabled()
  await page.getByTestId('script-down').first().click()
  await expect(page.getByTestId('script-row-name')).toHaveText(['Help', 'Pricing'])
  await page.locator('[data-testid="script-row"][data-id="pricing"]').getByTestId('script-active').uncheck()
  await whenDoc(server.doc, () => readSettings(server.doc).scripts.some((x) => x.id === 'pricing' && !x.active))
  expect(readSettings(server.doc).scripts.map((x) => [x.id, x.order, x.active])).toEqual([
    ['help', 0, true],
    ['pricing', 1, false],
  ])

  // An agent sees none of the routing sections.
  const agentCtx = await browser.newContext()
  const agent = await agentCtx.newPage()
  await signIn(agent, parley.url, ANA)
  await agent.getByTestId('nav-settings').click()
  await expect(agent.getByTestId('settings')).toBeVisible()
  for (const id of ['groups', 'members', 'skills', 'hours', 'scripts']) await expect(agent.getByTestId(`settings-nav-${id}`)).toHaveCount(0)
  await agent.goto(`${parley.url}/settings/hours`)
  await expect(agent.getByTestId('settings-hours')).toHaveCount(0)

  server.close()
  await agentCtx.close()
  await ctx.close()
})
