import { describe, expect, it, beforeEach, afterEach } from 'vitest'
import * as Y from 'yjs'
import type { Commit, ConversationRecord, Store } from '../../sync-server/store/Store.ts'
import { ConflictError, StaleStateError } from '../../sync-server/store/Store.ts'
import { visitorPatchOf } from '../../sync-server/store/records.ts'

/** The contract every store adapter passes: SQLite now, PostgreSQL with the scale-out work. */
export function storeContract(name: string, open: () => Promise<{ store: Store; reopen: () => Promise<Store>; cleanup: () => Promise<void> }>) {
  describe(`store contract: ${name}`, () => {
    let store: Store
    let reopen: () => Promise<Store>
    let cleanup: () => Promise<void>

    beforeEach(async () => {
      ;({ store, reopen, cleanup } = await open())
      await store.createWorkspace({ id: 'w1', secret: 's', createdAt: 1 })
    })
    afterEach(async () => {
      await store.close()
      await cleanup()
    })

    it('numbers events per workspace, in commit order, without gaps', async () => {
      await store.createWorkspace({ id: 'w2', secret: 's', createdAt: 1 })
      const [a, b, c] = await Promise.all([
        store.commit({ workspace: 'w1', events: [{ type: 'message', at: 1, data: { n: 1 } }, { type: 'message', at: 2, data: { n: 2 } }] }),
        store.commit({ workspace: 'w2', events: [{ type: 'message', at: 3, data: { n: 3 } }] }),
        store.commit({ workspace: 'w1', events: [{ type: 'message', at: 4, conversationId: 'c1', data: { n: 4 } }] }),
      ])
      expect(a!.map((e) => e.seq)).toEqual([1, 2])
      expect(b!.map((e) => e.seq)).toEqual([1])
      expect(c!.map((e) => e.seq)).toEqual([3])
      expect(await store.readEvents('w1', 1, 10)).toEqual([
        { seq: 2, type: 'message', at: 2, data: { n: 2 } },
        { seq: 3, type: 'message', at: 4, conversationId: 'c1', data: { n: 4 } },
      ])
      expect(await store.readEvents('w1', 0, 1)).toHaveLength(1)
      expect(await store.lastSeq('w1')).toBe(3)
    })

    it('refuses a commit whose expected conversation state no longer holds, whole, and keeps the others of its group', async () => {
      const rec = (over: Partial<ConversationRecord>): ConversationRecord => ({
        id: 'c1', workspace: 'w1', visitorId: 'v1', status: 'waiting', groupId: null, assigneeId: null, createdAt: 1, snoozedUntil: null, ...over,
      })
      await store.commit({ workspace: 'w1', conversations: [rec({})] })
      const take = (agent: string): Commit => ({
        workspace: 'w1',
        conversations: [rec({ status: 'open', assigneeId: agent })],
        events: [{ type: 'conversation.assigned', at: 2, conversationId: 'c1', data: { assigneeId: agent } }],
        expect: [{ conversationId: 'c1', status: 'waiting', assigneeId: null }],
      })
      // Two takes decided on the same state, committed together: the first applies, the second is refused.
      const results = await Promise.allSettled([store.commit(take('ana')), store.commit(take('bo')), store.commit({ workspace: 'w1', events: [{ type: 'message', at: 3, data: {} }] })])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(StaleStateError)
      expect((await store.getConversation('w1', 'c1'))!.assigneeId).toBe('ana')
      const log = await store.readEvents('w1', 0, 10)
      expect(log.map((e) => [e.seq, e.type, e.data.assigneeId])).toEqual([
        [1, 'conversation.assigned', 'ana'],
        [2, 'message', undefined],
      ])
      // An expectation on what an earlier commit of the same group wrote holds.
      const [next] = await Promise.all([
        store.commit({ workspace: 'w1', conversations: [rec({ status: 'closed', assigneeId: 'ana' })], expect: [{ conversationId: 'c1', status: 'open', assigneeId: 'ana' }] }),
      ])
      expect(next).toEqual([])
      await expect(store.commit({ workspace: 'w1', expect: [{ conversationId: 'nope', status: 'waiting', assigneeId: null }] })).rejects.toBeInstanceOf(StaleStateError)
    })

    it('reads the agents’ connection events alone, in order, per workspace, after a sequence number', async () => {
      await store.createWorkspace({ id: 'w2', secret: 's', createdAt: 1 })
      await store.commit({
        workspace: 'w1',
        events: [
          { type: 'agent.connected', at: 1, data: { agentId: 'a' } },
          { type: 'message', at: 2, conversationId: 'c1', data: {} },
          { type: 'agent.connected', at: 3, data: { agentId: 'b' } },
          { type: 'agent.status', at: 4, data: { agentId: 'a' } },
          { type: 'agent.disconnected', at: 5, data: { agentId: 'a' } },
        ],
      })
      await store.commit({ workspace: 'w2', events: [{ type: 'agent.connected', at: 6, data: { agentId: 'z' } }] })
      const all = await store.readAgentConnectionEvents('w1', 0, 10)
      expect(all.map((e) => [e.seq, e.type, e.data.agentId])).toEqual([
        [1, 'agent.connected', 'a'],
        [3, 'agent.connected', 'b'],
        [5, 'agent.disconnected', 'a'],
      ])
      expect((await store.readAgentConnectionEvents('w1', 1, 1)).map((e) => e.seq)).toEqual([3])
      expect((await store.readAgentConnectionEvents('w2', 0, 10)).map((e) => e.data.agentId)).toEqual(['z'])
    })

    it('keeps document updates in order and compacts them into one snapshot', async () => {
      const doc = new Y.Doc()
      const updates: Uint8Array[] = []
      doc.on('update', (u: Uint8Array) => updates.push(u))
      for (let i = 0; i < 5; i++) doc.getArray('a').push([i])
      for (const u of updates) await store.commit({ workspace: 'w1', updates: [{ doc: 'conv/x', update: u }] })
      expect(await store.countUpdates('w1', 'conv/x')).toBe(5)
      await store.commit({ workspace: 'w1', compact: [{ doc: 'conv/x', snapshot: Y.encodeStateAsUpdate(doc) }] })
      doc.getArray('a').push([5])
      await store.commit({ workspace: 'w1', updates: [{ doc: 'conv/x', update: updates.at(-1)! }] })
      expect(await store.countUpdates('w1', 'conv/x')).toBe(2)
      const copy = new Y.Doc()
      for (const u of await store.loadDocument('w1', 'conv/x')) Y.applyUpdate(copy, u)
      expect(copy.getArray('a').toJSON()).toEqual([0, 1, 2, 3, 4, 5])
      expect(await store.loadDocument('w1', 'conv/none')).toEqual([])
    })

    it('writes a commit whole, and a failing commit fails alone', async () => {
      const ok = store.commit({
        workspace: 'w1',
        visitors: [{ id: 'v1', workspace: 'w1', name: 'V', email: '', createdAt: 1, currentConversationId: 'c1', blocked: false }],
        conversations: [{ id: 'c1', workspace: 'w1', visitorId: 'v1', status: 'waiting', groupId: null, assigneeId: null, createdAt: 1, snoozedUntil: null }],
        widgetAcks: [{ visitorId: 'v1', clientId: 'k1', messageId: 'm1', conversationId: 'c1' }],
        events: [{ type: 'conversation.created', at: 1, conversationId: 'c1', data: {} }],
      })
      // A visitor without a name breaks the schema; it must not take the other commit down with it.
      const bad = store.commit({ workspace: 'w1', visitors: [{ id: 'v2', workspace: 'w1', name: null as unknown as string, email: '', createdAt: 1, currentConversationId: null, blocked: false }] })
      await expect(ok).resolves.toHaveLength(1)
      await expect(bad).rejects.toThrow()
      expect(await store.getVisitor('w1', 'v1')).toMatchObject({ currentConversationId: 'c1' })
      expect(await store.getVisitor('w1', 'v2')).toBeNull()
      expect(await store.getConversation('w1', 'c1')).toMatchObject({ visitorId: 'v1', status: 'waiting' })
      expect(await store.listConversationsOfVisitor('w1', 'v1')).toHaveLength(1)
      expect(await store.getWidgetAck('w1', 'v1', 'k1')).toEqual({ visitorId: 'v1', clientId: 'k1', messageId: 'm1', conversationId: 'c1' })
      expect(await store.getWidgetAck('w1', 'v1', 'k2')).toBeNull()
    })

    it('answers many point reads asked at once, each with its own row, and a read asked after a commit sees it', async () => {
      await store.createWorkspace({ id: 'w2', secret: 's', createdAt: 1 })
      const visitor = (ws: string, id: string, name: string) => ({ id, workspace: ws, name, email: '', createdAt: 1, currentConversationId: null, blocked: false })
      await store.commit({ workspace: 'w1', visitors: [visitor('w1', 'v1', 'One'), visitor('w1', 'v2', 'Two')], widgetAcks: [{ visitorId: 'v1', clientId: 'k1', messageId: 'm1', conversationId: 'c1' }] })
      // Another workspace's visitor is not read through this one; an ack's key is workspace, visitor and client.
      await store.commit({ workspace: 'w2', visitors: [visitor('w2', 'v3', 'Other')], widgetAcks: [{ visitorId: 'v1', clientId: 'k1', messageId: 'm2', conversationId: 'c2' }] })
      const asked = [
        ['w1', 'v1'],
        ['w1', 'v2'],
        ['w2', 'v3'],
        ['w1', 'none'],
        ['w1', 'v1'],
        ['w1', 'v3'],
      ] as const
      const got = await Promise.all(asked.map(([ws, id]) => store.getVisitor(ws, id)))
      expect(got.map((v) => v?.name ?? null)).toEqual(['One', 'Two', 'Other', null, 'One', null])
      const acks = await Promise.all([store.getWidgetAck('w1', 'v1', 'k1'), store.getWidgetAck('w2', 'v1', 'k1'), store.getWidgetAck('w1', 'v1', 'k2'), store.getWidgetAck('w1', 'v2', 'k1')])
      expect(acks.map((a) => a?.messageId ?? null)).toEqual(['m1', 'm2', null, null])
      // A read asked once a commit has resolved, while others are on their way, sees what it wrote.
      const before = Promise.all([store.getVisitor('w1', 'v1'), store.getVisitor('w1', 'v2')])
      await store.commit({ workspace: 'w1', visitors: [{ ...visitor('w1', 'v1', 'Renamed') }] })
      const after = await store.getVisitor('w1', 'v1')
      await before
      expect(after?.name).toBe('Renamed')
    })

    it('updates a conversation record in place', async () => {
      const rec = { id: 'c1', workspace: 'w1', visitorId: 'v1', status: 'waiting', groupId: null, assigneeId: null, createdAt: 1, snoozedUntil: null }
      await store.commit({ workspace: 'w1', conversations: [rec] })
      await store.commit({ workspace: 'w1', conversations: [{ ...rec, status: 'open', assigneeId: 'a1' }] })
      expect(await store.getConversation('w1', 'c1')).toMatchObject({ status: 'open', assigneeId: 'a1', createdAt: 1 })
    })

    it('lists the conversations of a workspace that are not closed, oldest first', async () => {
      const rec = (id: string, status: string, createdAt: number, workspace = 'w1') => ({ id, workspace, visitorId: 'v1', status, groupId: null, assigneeId: null, createdAt, snoozedUntil: null })
      await store.commit({ workspace: 'w1', conversations: [rec('c2', 'open', 2), rec('c1', 'waiting', 1), rec('c3', 'closed', 3), rec('c4', 'snoozed', 4)] })
      await store.commit({ workspace: 'w2', conversations: [rec('c9', 'waiting', 0, 'w2')] })
      expect((await store.listActiveConversations('w1')).map((c) => c.id)).toEqual(['c1', 'c2', 'c4'])
    })

    it('keeps a visitor\'s client-card fields, and one visitor per verified email', async () => {
      const v = { id: 'v1', workspace: 'w1', name: 'V', email: 'v@x.io', createdAt: 1, currentConversationId: null, blocked: false }
      await store.commit({ workspace: 'w1', visitors: [{ ...v, phone: '+1 555', fields: { plan: 'pro', company: 'Acme' }, formDone: true, verifiedEmail: 'v@x.io' }] })
      expect(await store.getVisitor('w1', 'v1')).toMatchObject({ phone: '+1 555', fields: { plan: 'pro', company: 'Acme' }, formDone: true, verifiedEmail: 'v@x.io' })
      expect((await store.getVisitorByVerifiedEmail('w1', 'v@x.io'))?.id).toBe('v1')
      expect(await store.getVisitorByVerifiedEmail('w2', 'v@x.io')).toBeNull()
      expect(await store.getVisitorByVerifiedEmail('w1', 'other@x.io')).toBeNull()
      // A second visitor cannot claim the same verified email.
      await expect(store.commit({ workspace: 'w1', visitors: [{ ...v, id: 'v2', verifiedEmail: 'v@x.io' }] })).rejects.toThrow()
      // Unverified visitors: defaults, and any number may share an email.
      await store.commit({ workspace: 'w1', visitors: [{ ...v, id: 'v3' }, { ...v, id: 'v4' }] })
      expect(await store.getVisitor('w1', 'v3')).toMatchObject({ fields: {}, formDone: false })
      expect((await store.getVisitor('w1', 'v3'))?.verifiedEmail).toBeUndefined()
    })

    it('patches only the fields a writer names: two writers holding the same old copy keep each other\'s changes', async () => {
      const v = { id: 'v1', workspace: 'w1', name: 'V', email: '', createdAt: 1, currentConversationId: null, blocked: false, fields: { plan: 'free' } }
      await store.commit({ workspace: 'w1', visitors: [v] })
      // The page writer and the form writer read the same copy, then each stores what it changed.
      const copy = (await store.getVisitor('w1', 'v1'))!
      await store.commit({ workspace: 'w1', visitorPatches: [visitorPatchOf(copy, { ...copy, name: 'Vera', email: 'vera@x.io', phone: '+1 555', formDone: true, fields: { ...copy.fields, company: 'Acme' } })!] })
      await store.commit({ workspace: 'w1', visitorPatches: [visitorPatchOf(copy, { ...copy, pageUrl: 'https://shop.test/cart', pageTitle: 'Cart' })!] })
      await store.commit({ workspace: 'w1', visitorPatches: [visitorPatchOf(copy, { ...copy, fields: { ...copy.fields, plan: 'pro' } })!] })
      expect(await store.getVisitor('w1', 'v1')).toMatchObject({
        name: 'Vera',
        email: 'vera@x.io',
        phone: '+1 555',
        formDone: true,
        pageUrl: 'https://shop.test/cart',
        pageTitle: 'Cart',
        fields: { plan: 'pro', company: 'Acme' },
        currentConversationId: null,
      })
      // Several patches of one visitor in one group: each field's last value, custom fields merged; a patch of nobody changes nothing.
      await Promise.all([
        store.commit({ workspace: 'w1', visitorPatches: [{ id: 'v1', currentConversationId: 'c1', fields: { a: '1' } }] }),
        store.commit({ workspace: 'w1', visitorPatches: [{ id: 'v1', pageTitle: 'Checkout', fields: { b: '2' } }] }),
        store.commit({ workspace: 'w1', visitorPatches: [{ id: 'v1', currentConversationId: 'c2', verifiedEmail: 'vera@x.io' }, { id: 'nobody', name: 'X' }] }),
      ])
      expect(await store.getVisitor('w1', 'v1')).toMatchObject({
        name: 'Vera',
        pageTitle: 'Checkout',
        currentConversationId: 'c2',
        verifiedEmail: 'vera@x.io',
        fields: { plan: 'pro', company: 'Acme', a: '1', b: '2' },
      })
      expect(await store.getVisitor('w1', 'nobody')).toBeNull()
      await store.commit({ workspace: 'w1', visitorPatches: [{ id: 'v1', currentConversationId: null, verifiedEmail: null }] })
      expect(await store.getVisitor('w1', 'v1')).toMatchObject({ currentConversationId: null, pageTitle: 'Checkout' })
      expect((await store.getVisitor('w1', 'v1'))?.verifiedEmail).toBeUndefined()
    })

    it('changes a visitor\'s block only by a patch: a rewrite from an older copy never undoes it', async () => {
      const v = { id: 'v1', workspace: 'w1', name: 'V', email: '', createdAt: 1, currentConversationId: null, blocked: false }
      await store.commit({ workspace: 'w1', visitors: [v] })
      // A writer read the visitor (unblocked), an agent blocks them, then the writer stores its copy.
      const stale = (await store.getVisitor('w1', 'v1'))!
      await store.commit({ workspace: 'w1', visitorPatches: [{ id: 'v1', blocked: true }] })
      await store.commit({ workspace: 'w1', visitors: [{ ...stale, pageUrl: 'https://shop.test/cart' }] })
      expect(await store.getVisitor('w1', 'v1')).toMatchObject({ blocked: true, pageUrl: 'https://shop.test/cart' })
      // Several commits at once (one group on PostgreSQL): the last patch wins, rewrites aside.
      await Promise.all([
        store.commit({ workspace: 'w1', visitorPatches: [{ id: 'v1', blocked: false }] }),
        store.commit({ workspace: 'w1', visitors: [{ ...stale, blocked: true, pageTitle: 'Cart' }] }),
        store.commit({ workspace: 'w1', visitorPatches: [{ id: 'v1', blocked: true }] }),
        store.commit({ workspace: 'w1', visitors: [{ ...stale, pageTitle: 'Checkout' }] }),
      ])
      expect(await store.getVisitor('w1', 'v1')).toMatchObject({ blocked: true, pageTitle: 'Checkout' })
      // A new visitor starts as its record says; a patch of nobody changes nothing.
      await store.commit({ workspace: 'w1', visitors: [{ ...v, id: 'v2', blocked: true }], visitorPatches: [{ id: 'nobody', blocked: true }] })
      expect((await store.getVisitor('w1', 'v2'))?.blocked).toBe(true)
      expect(await store.getVisitor('w1', 'nobody')).toBeNull()
    })

    it('finds a messenger visitor by (workspace, kind, external id), one visitor per messenger account', async () => {
      const v = { id: 'v1', workspace: 'w1', name: 'Ann', email: '', createdAt: 1, currentConversationId: null, blocked: false }
      const channel = { kind: 'telegram' as const, externalId: '42', username: '@ann', profileUrl: 'https://t.me/ann' }
      await store.commit({ workspace: 'w1', visitors: [{ ...v, channel }] })
      expect((await store.getVisitor('w1', 'v1'))?.channel).toEqual(channel)
      expect((await store.getVisitorByChannel('w1', 'telegram', '42'))?.id).toBe('v1')
      expect(await store.getVisitorByChannel('w1', 'whatsapp', '42')).toBeNull()
      expect(await store.getVisitorByChannel('w2', 'telegram', '42')).toBeNull()
      await expect(store.commit({ workspace: 'w1', visitors: [{ ...v, id: 'v2', channel }] })).rejects.toThrow()
      // The same id on another messenger is another person; widget visitors have no channel.
      await store.commit({ workspace: 'w1', visitors: [{ ...v, id: 'v3', channel: { ...channel, kind: 'whatsapp' } }, { ...v, id: 'v4' }] })
      expect((await store.getVisitorByChannel('w1', 'whatsapp', '42'))?.id).toBe('v3')
      expect((await store.getVisitor('w1', 'v4'))?.channel).toBeUndefined()
    })

    it('keeps messenger connections per workspace and kind, replaced by a new connect, gone after a disconnect', async () => {
      const c = { workspace: 'w1', kind: 'telegram' as const, secrets: { token: 't1' }, details: { username: '@bot' }, connectedAt: 5 }
      await store.putChannelConnection(c)
      await store.putChannelConnection({ ...c, secrets: { token: 't2' }, connectedAt: 6 })
      await store.putChannelConnection({ ...c, kind: 'whatsapp', secrets: { accessToken: 'a' }, details: { phoneNumberId: '1' } })
      expect(await store.getChannelConnection('w1', 'telegram')).toEqual({ ...c, secrets: { token: 't2' }, connectedAt: 6 })
      expect(await store.getChannelConnection('w2', 'telegram')).toBeNull()
      expect((await store.listChannelConnections('w1')).map((x) => x.kind)).toEqual(['telegram', 'whatsapp'])
      expect(await store.deleteChannelConnection('w1', 'telegram')).toBe(true)
      expect(await store.deleteChannelConnection('w1', 'telegram')).toBe(false)
      expect(await store.getChannelConnection('w1', 'telegram')).toBeNull()
      expect(await store.listChannelConnections('w1')).toHaveLength(1)
    })

    it('keeps owed email notices per conversation, replaced when set again, gone when cleared', async () => {
      await store.commit({ workspace: 'w1', emailNotices: [{ conversationId: 'c1', dueAt: 300 }, { conversationId: 'c2', dueAt: 100 }] })
      await store.commit({ workspace: 'w2', emailNotices: [{ conversationId: 'c1', dueAt: 200 }] })
      await store.commit({ workspace: 'w1', emailNotices: [{ conversationId: 'c1', dueAt: 50 }] })
      expect(await store.listEmailNotices()).toEqual([
        { workspace: 'w1', conversationId: 'c1', dueAt: 50 },
        { workspace: 'w1', conversationId: 'c2', dueAt: 100 },
        { workspace: 'w2', conversationId: 'c1', dueAt: 200 },
      ])
      await store.commit({ workspace: 'w1', emailNotices: [{ conversationId: 'c1', dueAt: null }, { conversationId: 'nope', dueAt: null }] })
      expect((await store.listEmailNotices()).map((n) => `${n.workspace}/${n.conversationId}`)).toEqual(['w1/c2', 'w2/c1'])
      expect((await store.listEmailNotices('w2')).map((n) => `${n.workspace}/${n.conversationId}`)).toEqual(['w2/c1'])
    })

    it('keeps agents unique by email and sessions revocable', async () => {
      const agent = { id: 'a1', workspace: 'w1', email: 'a@x.io', name: 'A', role: 'agent' as const, groups: ['g'], passwordHash: 'h', createdAt: 1, status: 'offline' as const }
      await store.createAgent(agent)
      await expect(store.createAgent({ ...agent, id: 'a2' })).rejects.toBeInstanceOf(ConflictError)
      expect(await store.getAgentByEmail('w1', 'a@x.io')).toEqual(agent)
      expect(await store.countAgents('w1')).toBe(1)
      await store.createSession({ tokenHash: 't', agentId: 'a1', workspace: 'w1', createdAt: 1, expiresAt: 2, revoked: false })
      expect(await store.getSession('t')).toMatchObject({ revoked: false })
      await store.revokeSession('t')
      expect(await store.getSession('t')).toMatchObject({ revoked: true })
    })

    it('records uploaded files and finds them by id, and by workspace for a message', async () => {
      const file = { id: 'f1', workspace: 'w1', sha256: 'ab'.repeat(32), name: 'a.png', type: 'image/png', size: 3, uploaderKind: 'visitor' as const, uploaderId: 'v1', createdAt: 5 }
      await store.createFile(file)
      // The same bytes uploaded again: another record, the same blob.
      await store.createFile({ ...file, id: 'f2', name: 'copy.png', uploaderKind: 'agent', uploaderId: 'a1' })
      await store.createWorkspace({ id: 'w2', secret: 's', createdAt: 1 })
      await store.createFile({ ...file, id: 'f3', workspace: 'w2' })
      expect(await store.getFile('f1')).toEqual(file)
      expect(await store.getFile('f3')).toMatchObject({ workspace: 'w2' })
      expect(await store.getFile('nope')).toBeNull()
      const found = await store.getFiles('w1', ['f2', 'f1', 'f3', 'nope', 'f1'])
      expect(found.map((f) => f.id).sort()).toEqual(['f1', 'f2'])
      expect(found.find((f) => f.id === 'f2')).toMatchObject({ uploaderKind: 'agent', uploaderId: 'a1', sha256: file.sha256 })
      expect(await store.getFiles('w1', [])).toEqual([])
      await expect(store.createFile(file)).rejects.toThrow()
    })

    it('resolves commits in the order they were called, numbered in that order', async () => {
      const resolved: number[] = []
      const commits = Array.from({ length: 40 }, (_, i) =>
        store.commit({ workspace: 'w1', events: i % 3 === 0 ? [] : [{ type: 'message', at: i, data: { i } }] }).then((events) => {
          resolved.push(i)
          return events
        }),
      )
      const results = await Promise.all(commits)
      expect(resolved).toEqual([...Array(40).keys()])
      const seqs = results.flat().map((e) => e.seq)
      expect(seqs).toEqual([...Array(seqs.length).keys()].map((k) => k + 1))
      expect(results.flat().map((e) => e.data.i)).toEqual([...Array(40).keys()].filter((i) => i % 3 !== 0))
    })

    it('ends a burst of commits of every kind, sent together, as if they were written one by one', async () => {
      await store.createAgent({ id: 'a1', workspace: 'w1', email: 'a@x.io', name: 'A', role: 'agent', groups: [], passwordHash: 'h', createdAt: 1, status: 'offline' })
      const doc = new Y.Doc()
      const updates: Uint8Array[] = []
      doc.on('update', (u: Uint8Array) => updates.push(u))
      for (let i = 0; i < 3; i++) doc.getArray('a').push([i])
      const snapshot = Y.encodeStateAsUpdate(doc)
      doc.getArray('a').push([3])
      const v = { id: 'v1', workspace: 'w1', email: '', createdAt: 1, currentConversationId: null, blocked: false }
      const conv = { id: 'c1', workspace: 'w1', visitorId: 'v1', groupId: null, assigneeId: null, createdAt: 1, snoozedUntil: null }
      const all = await Promise.all([
        store.commit({ workspace: 'w1', updates: [{ doc: 'conv/c1', update: updates[0]! }], visitors: [{ ...v, name: 'First' }], conversations: [{ ...conv, status: 'waiting' }] }),
        store.commit({ workspace: 'w1', updates: [{ doc: 'conv/c1', update: updates[1]! }, { doc: 'conv/c1', update: updates[2]! }], events: [{ type: 'conversation.created', at: 1, conversationId: 'c1', data: {} }] }),
        store.commit({ workspace: 'w1', compact: [{ doc: 'conv/c1', snapshot }], emailNotices: [{ conversationId: 'c1', dueAt: 100 }] }),
        store.commit({ workspace: 'w1', updates: [{ doc: 'conv/c1', update: updates[3]! }], visitors: [{ ...v, name: 'Second' }], visitorPatches: [{ id: 'v1', blocked: true }], conversations: [{ ...conv, status: 'open', assigneeId: 'a1' }] }),
        store.commit({ workspace: 'w1', widgetAcks: [{ visitorId: 'v1', clientId: 'k', messageId: 'm1', conversationId: 'c1' }], commandResults: [{ key: 'x', agentId: 'a1', status: 200, body: { n: 1 } }], agentStatuses: [{ agentId: 'a1', status: 'online' }] }),
        store.commit({ workspace: 'w1', widgetAcks: [{ visitorId: 'v1', clientId: 'k', messageId: 'm2', conversationId: 'c1' }], commandResults: [{ key: 'x', agentId: 'a1', status: 409, body: { n: 2 } }], agentStatuses: [{ agentId: 'a1', status: 'away' }] }),
        store.commit({ workspace: 'w1', emailNotices: [{ conversationId: 'c1', dueAt: null }, { conversationId: 'c2', dueAt: 50 }], events: [{ type: 'message', at: 2, conversationId: 'c1', data: {} }] }),
        store.commit({ workspace: 'w2', events: [{ type: 'message', at: 3, data: {} }] }),
        store.commit({ workspace: 'w1', events: [{ type: 'message', at: 4, data: {} }, { type: 'message', at: 5, data: {} }] }),
      ])
      expect(all.map((events) => events.map((e) => e.seq))).toEqual([[], [1], [], [], [], [], [2], [1], [3, 4]])
      expect(await store.countUpdates('w1', 'conv/c1')).toBe(2)
      const copy = new Y.Doc()
      for (const u of await store.loadDocument('w1', 'conv/c1')) Y.applyUpdate(copy, u)
      expect(copy.getArray('a').toJSON()).toEqual([0, 1, 2, 3])
      expect(await store.getVisitor('w1', 'v1')).toMatchObject({ name: 'Second', blocked: true })
      expect(await store.getConversation('w1', 'c1')).toMatchObject({ status: 'open', assigneeId: 'a1' })
      expect(await store.getWidgetAck('w1', 'v1', 'k')).toMatchObject({ messageId: 'm1' })
      expect(await store.getCommandResult('w1', 'x')).toMatchObject({ status: 200, body: { n: 1 } })
      expect((await store.getAgent('w1', 'a1'))?.status).toBe('away')
      expect(await store.listEmailNotices()).toEqual([{ workspace: 'w1', conversationId: 'c2', dueAt: 50 }])
      expect(await store.conversationNumber('w1', 'c1')).toBe(1)
    })

    it('keeps the sequence gapless across a failed commit, alone or among others', async () => {
      const badVisitor = { id: 'bad', workspace: 'w1', name: null as unknown as string, email: '', createdAt: 1, currentConversationId: null, blocked: false }
      const ev = (n: number) => ({ type: 'message' as const, at: n, data: { n } })
      expect((await store.commit({ workspace: 'w1', events: [ev(1)] })).map((e) => e.seq)).toEqual([1])
      // Alone: its events were numbered inside its transaction, and the rollback gives the numbers back.
      await expect(store.commit({ workspace: 'w1', events: [ev(2), ev(3)], visitors: [badVisitor] })).rejects.toThrow()
      expect((await store.commit({ workspace: 'w1', events: [ev(4)] })).map((e) => e.seq)).toEqual([2])
      // Among others written in the same batch.
      const [a, bad, c] = [
        store.commit({ workspace: 'w1', events: [ev(5)] }),
        store.commit({ workspace: 'w1', events: [ev(6)], visitors: [badVisitor] }),
        store.commit({ workspace: 'w1', events: [ev(7), ev(8)] }),
      ]
      await expect(bad).rejects.toThrow()
      expect((await a).map((e) => e.seq)).toEqual([3])
      expect((await c).map((e) => e.seq)).toEqual([4, 5])
      expect((await store.readEvents('w1', 0, 100)).map((e) => [e.seq, e.data.n])).toEqual([[1, 1], [2, 4], [3, 5], [4, 7], [5, 8]])
      expect(await store.lastSeq('w1')).toBe(5)
    })

    it('stores a command’s answer once: a replay of its key keeps the first answer', async () => {
      await store.commit({ workspace: 'w1', commandResults: [{ key: 'k1', agentId: 'a1', status: 200, body: { conversation: { id: 'c1', tags: ['x'], ticket: false, assigneeId: null } } }] })
      await store.commit({ workspace: 'w1', commandResults: [{ key: 'k1', agentId: 'a2', status: 409, body: { error: 'late' } }] })
      expect(await store.getCommandResult('w1', 'k1')).toEqual({ key: 'k1', agentId: 'a1', status: 200, body: { conversation: { id: 'c1', tags: ['x'], ticket: false, assigneeId: null } } })
      expect(await store.getCommandResult('w2', 'k1')).toBeNull()
      expect(await store.getCommandResult('w1', 'k2')).toBeNull()
    })

    it('keeps the first ack of a widget message: a duplicate clientId changes nothing and fails nothing', async () => {
      await store.commit({ workspace: 'w1', widgetAcks: [{ visitorId: 'v1', clientId: 'k1', messageId: 'm1', conversationId: 'c1' }] })
      const again = await store.commit({
        workspace: 'w1',
        widgetAcks: [{ visitorId: 'v1', clientId: 'k1', messageId: 'm2', conversationId: 'c2' }],
        events: [{ type: 'message', at: 1, data: {} }],
      })
      expect(again).toHaveLength(1)
      expect(await store.getWidgetAck('w1', 'v1', 'k1')).toEqual({ visitorId: 'v1', clientId: 'k1', messageId: 'm1', conversationId: 'c1' })
      expect(await store.getWidgetAck('w1', 'v2', 'k1')).toBeNull()
      expect(await store.getWidgetAck('w2', 'v1', 'k1')).toBeNull()
    })

    it('keeps agents’ statuses, and lists agents by name', async () => {
      const agent = { workspace: 'w1', role: 'agent' as const, groups: [], passwordHash: 'h', createdAt: 1, status: 'offline' as const }
      await store.createAgent({ ...agent, id: 'a1', email: 'b@x.io', name: 'Bea' })
      await store.createAgent({ ...agent, id: 'a2', email: 'a@x.io', name: 'Al', groups: ['g1', 'g2'] })
      await store.commit({ workspace: 'w1', agentStatuses: [{ agentId: 'a1', status: 'online' }, { agentId: 'a2', status: 'away' }] })
      await store.commit({ workspace: 'w1', agentStatuses: [{ agentId: 'a2', status: 'online' }, { agentId: 'nobody', status: 'online' }] })
      expect((await store.getAgent('w1', 'a1'))?.status).toBe('online')
      expect(await store.getAgent('w2', 'a1')).toBeNull()
      expect((await store.listAgents('w1')).map((a) => [a.name, a.status, a.groups])).toEqual([['Al', 'online', ['g1', 'g2']], ['Bea', 'online', []]])
      expect(await store.listAgents('w2')).toEqual([])
    })

    it('lists snoozed conversations of every workspace, and those an agent holds', async () => {
      const rec = (id: string, over: Partial<ConversationRecord> = {}) => ({ id, workspace: 'w1', visitorId: 'v1', status: 'open', groupId: 'g', assigneeId: 'a1', createdAt: 1, snoozedUntil: null, ...over })
      await store.commit({
        workspace: 'w1',
        conversations: [
          rec('c1', { createdAt: 3 }),
          rec('c2', { status: 'snoozed', snoozedUntil: 500, createdAt: 2 }),
          rec('c3', { status: 'closed' }),
          rec('c4', { assigneeId: 'a2' }),
          rec('c5', { status: 'waiting', assigneeId: null, skillId: 's1' }),
        ],
      })
      await store.commit({ workspace: 'w2', conversations: [rec('c9', { workspace: 'w2', status: 'snoozed', snoozedUntil: 100 })] })
      expect((await store.listSnoozed()).map((c) => [c.workspace, c.id, c.snoozedUntil]).sort()).toEqual([['w1', 'c2', 500], ['w2', 'c9', 100]])
      expect((await store.listSnoozed('w1')).map((c) => c.id)).toEqual(['c2'])
      expect((await store.listHeldConversations('w1', 'a1')).map((c) => c.id)).toEqual(['c2', 'c1'])
      expect(await store.listHeldConversations('w2', 'a1')).toHaveLength(1)
      expect((await store.getConversation('w1', 'c5'))?.skillId).toBe('s1')
      // Woken: no longer in the snooze list.
      await store.commit({ workspace: 'w1', conversations: [rec('c2', { status: 'open', snoozedUntil: null, createdAt: 2 })] })
      expect((await store.listSnoozed()).map((c) => c.id)).toEqual(['c9'])
    })

    it('numbers a conversation by the sequence of its creation event', async () => {
      await store.commit({ workspace: 'w1', events: [{ type: 'message', at: 1, data: {} }] })
      await store.commit({ workspace: 'w1', events: [{ type: 'conversation.created', at: 2, conversationId: 'c1', data: {} }, { type: 'message', at: 3, conversationId: 'c1', data: {} }] })
      await store.commit({ workspace: 'w1', events: [{ type: 'conversation.created', at: 4, conversationId: 'c2', data: {} }] })
      expect(await store.conversationNumber('w1', 'c1')).toBe(2)
      expect(await store.conversationNumber('w1', 'c2')).toBe(4)
      expect(await store.conversationNumber('w1', 'nope')).toBeNull()
      expect(await store.conversationNumber('w2', 'c1')).toBeNull()
    })

    it('stores text a visitor may type that a database could refuse (NUL, lone surrogates), losing at most those characters', async () => {
      const text = 'a\u0000b\uD800c'
      const [e] = await store.commit({
        workspace: 'w1',
        visitors: [{ id: 'v1', workspace: 'w1', name: text, email: '', createdAt: 1, currentConversationId: null, blocked: false, fields: { [text]: text } }],
        events: [{ type: 'message', at: 1, data: { text } }],
      })
      expect(e!.seq).toBe(1)
      const same = (s: unknown) => expect(String(s).replace(/\uFFFD/g, '?')).toMatch(/^a(\u0000|\?)b(\uD800|\?+)c$/)
      same((await store.readEvents('w1', 0, 1))[0]!.data.text)
      const v = await store.getVisitor('w1', 'v1')
      same(v!.name)
      same(Object.values(v!.fields!)[0])
    })

    it('keeps everything across a reopen', async () => {
      await store.commit({ workspace: 'w1', events: [{ type: 'message', at: 1, data: {} }] })
      await store.close()
      store = await reopen()
      expect(await store.getWorkspace('w1')).toMatchObject({ secret: 's' })
      expect(await store.lastSeq('w1')).toBe(1)
      expect((await store.commit({ workspace: 'w1', events: [{ type: 'message', at: 2, data: {} }] }))[0]!.seq).toBe(2)
    })
  })
}
