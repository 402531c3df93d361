import { describe, expect, it } from 'vitest'
import { arrive, depart, pageSeen, VISIT_GAP_MS, visitEnded, type Visit } from '../../shared/siteVisit.ts'
import { isOnSiteVisitor, isVisitorsLiveFrame, type OnSiteVisitor } from '../../shared/supervision.ts'
import { SiteVisitors } from '../../sync-server/widget/SiteVisitors.ts'

const at = (url: string, now: number, createdNow = false, referrer = '') => ({ now, url, referrer, createdNow })

describe('the visit model', () => {
  const cases: { name: string; prev: Visit | null; arrival: ReturnType<typeof at>; expect: Partial<Visit> }[] = [
    { name: 'a first-time visitor starts a new visit, not returning', prev: null, arrival: at('/a', 1000, true, 'https://g.co/'), expect: { startedAt: 1000, pages: 1, referrer: 'https://g.co/', returning: false } },
    { name: 'a visitor whose record existed is returning on their first visit since a restart', prev: null, arrival: at('/a', 1000, false), expect: { returning: true, pages: 1 } },
    {
      name: 'another page within the visit counts, keeping the start and the first referrer',
      prev: { startedAt: 10, pages: 2, lastUrl: '/a', referrer: 'https://g.co/', returning: false, leftAt: null },
      arrival: at('/b', 5000, false, 'https://shop.test/a'),
      expect: { startedAt: 10, pages: 3, lastUrl: '/b', referrer: 'https://g.co/', returning: false },
    },
    {
      name: 'a reload or second tab on the same page does not count',
      prev: { startedAt: 10, pages: 2, lastUrl: '/a', referrer: '', returning: false, leftAt: null },
      arrival: at('/a', 5000),
      expect: { pages: 2 },
    },
    {
      name: 'back just inside the gap: the same visit',
      prev: { startedAt: 10, pages: 1, lastUrl: '/a', referrer: '', returning: false, leftAt: 100 },
      arrival: at('/b', 100 + VISIT_GAP_MS - 1),
      expect: { startedAt: 10, pages: 2, leftAt: null, returning: false },
    },
    {
      name: 'back at the gap: a new visit, returning, with the new referrer',
      prev: { startedAt: 10, pages: 5, lastUrl: '/a', referrer: '', returning: false, leftAt: 100 },
      arrival: at('/a', 100 + VISIT_GAP_MS, false, 'https://news.test/'),
      expect: { startedAt: 100 + VISIT_GAP_MS, pages: 1, referrer: 'https://news.test/', returning: true, leftAt: null },
    },
  ]
  for (const c of cases) it(c.name, () => expect(arrive(c.prev, c.arrival)).toMatchObject(c.expect))

  it('counts a page frame only when the address changes, and ends a visit only after the gap without a socket', () => {
    const v = arrive(null, at('/a', 0, true))
    expect(pageSeen(v, '/a')).toBe(v)
    expect(pageSeen(v, '/b').pages).toBe(2)
    expect(visitEnded(v, 10 * VISIT_GAP_MS)).toBe(false)
    const gone = depart(v, 50)
    expect(visitEnded(gone, 50 + VISIT_GAP_MS - 1)).toBe(false)
    expect(visitEnded(gone, 50 + VISIT_GAP_MS)).toBe(true)
  })
})

describe('the visitors socket frames', () => {
  const ok: OnSiteVisitor = {
    visitorId: 'v1',
    name: '',
    email: '',
    page: { url: 'https://shop.test/', title: 'Shop' },
    visitStartedAt: 1,
    pages: 1,
    referrer: '',
    returning: false,
    chat: { conversationId: 'c1', status: 'waiting' },
  }
  it('accepts well-formed frames and refuses malformed ones', () => {
    expect(isOnSiteVisitor(ok)).toBe(true)
    expect(isOnSiteVisitor({ ...ok, chat: null })).toBe(true)
    expect(isOnSiteVisitor({ ...ok, chat: { conversationId: 'c1', status: 'closed' } })).toBe(false)
    expect(isOnSiteVisitor({ ...ok, pages: -1 })).toBe(false)
    expect(isOnSiteVisitor({ ...ok, page: { url: 1, title: '' } })).toBe(false)
    expect(isOnSiteVisitor({ ...ok, visitorId: '' })).toBe(false)
    expect(isVisitorsLiveFrame({ type: 'snapshot', visitors: [ok] })).toBe(true)
    expect(isVisitorsLiveFrame({ type: 'snapshot', visitors: [ok, { ...ok, returning: 'yes' }] })).toBe(false)
    expect(isVisitorsLiveFrame({ type: 'visitor', visitor: ok })).toBe(true)
    expect(isVisitorsLiveFrame({ type: 'left', visitorId: 'v1' })).toBe(true)
    expect(isVisitorsLiveFrame({ type: 'left' })).toBe(false)
    expect(isVisitorsLiveFrame({ type: 'other' })).toBe(false)
    expect(isVisitorsLiveFrame(null)).toBe(false)
  })
})

describe('SiteVisitors', () => {
  const arrival = (visitorId: string, url = '/a') => ({ visitorId, name: '', email: '', page: { url, title: url }, referrer: '', createdNow: true })

  it('remembers the visits of those who left up to its bound, the oldest forgotten first', () => {
    let now = 0
    const site = new SiteVisitors(() => now, 2)
    for (const id of ['a', 'b', 'c']) {
      site.arrived('w', arrival(id), id)
      now += 1000
      site.left('w', id, id)
    }
    // `a` was forgotten: back within the gap, a new visit (returning, from now); `c` continues.
    now += 1000
    site.arrived('w', arrival('a'), 'a2')
    site.arrived('w', arrival('c', '/b'), 'c2')
    const byId = new Map(site.snapshot('w').map((v) => [v.visitorId, v]))
    expect(byId.get('a')).toMatchObject({ visitStartedAt: now, pages: 1, returning: false })
    expect(byId.get('c')).toMatchObject({ visitStartedAt: 2000, pages: 2 })
  })

  it('tells each workspace’s listeners of its own visitors only, and stops after the unsubscribe', () => {
    const site = new SiteVisitors(() => 0)
    const seen: string[] = []
    const off = site.subscribe('w1', (f) => seen.push(f.type === 'left' ? `left ${f.visitorId}` : `visitor ${f.visitor.visitorId}`))
    site.arrived('w1', arrival('a'), 'tab1')
    site.arrived('w2', arrival('b'), 'tab1')
    site.pageChanged('w1', 'a', '/b', 'B')
    site.pageChanged('w1', 'a', '/b', 'B')
    // A second tab (or the loader's presence socket beside the chat's): listed until the last one closes.
    site.arrived('w1', arrival('a', '/b'), 'tab2')
    site.left('w1', 'a', 'tab1')
    site.left('w1', 'a', 'tab1')
    expect(site.snapshot('w1').map((v) => [v.visitorId, v.pages])).toEqual([['a', 2]])
    site.left('w1', 'a', 'tab2')
    off()
    site.arrived('w1', arrival('c'), 'tab1')
    expect(seen).toEqual(['visitor a', 'visitor a', 'visitor a', 'left a'])
    expect(site.snapshot('w2').map((v) => v.visitorId)).toEqual(['b'])
  })
})
