import { describe, expect, it } from 'vitest'
import type { OnSiteVisitor } from '../../shared/supervision.ts'
import { cameFrom } from '../../client/app/src/supervision/visitorText.ts'
import { compareOnSite } from '../../client/data/visitorsLive.ts'

const visitor = (visitorId: string, visitStartedAt: number, chatting = false): OnSiteVisitor => ({
  visitorId,
  name: '',
  email: '',
  page: { url: 'https://shop.test/', title: 'Shop' },
  visitStartedAt,
  pages: 1,
  referrer: '',
  returning: false,
  chat: chatting ? { conversationId: `c-${visitorId}`, status: 'open' } : null,
})

describe('the visitors list', () => {
  it('puts those not chatting first (an agent can start a chat with them), each group longest on the site first', () => {
    const list = [visitor('d', 40, true), visitor('a', 30), visitor('c', 10, true), visitor('b', 20), visitor('e', 20)]
    expect(list.sort(compareOnSite).map((v) => v.visitorId)).toEqual(['b', 'e', 'a', 'c', 'd'])
  })

  it('says where a visit came from by the referring host, else Direct', () => {
    expect(cameFrom('https://www.google.com/search?q=jackets')).toBe('www.google.com')
    expect(cameFrom('http://news.test:8080/a')).toBe('news.test:8080')
    expect(cameFrom('')).toBe('Direct')
    expect(cameFrom('not a url')).toBe('Direct')
    expect(cameFrom('android-app://com.example')).toBe('Direct')
  })
})
