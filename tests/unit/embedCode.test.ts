import { describe, expect, it } from 'vitest'
import { chatUrl, embedCode } from '../../client/app/src/settings/embedCode.ts'

describe('embedCode', () => {
  it('is one script tag with the server and the workspace', () => {
    expect(embedCode('https://desk.example.com/', 'acme')).toBe('<script src="https://desk.example.com/widget.js" data-workspace="acme" async></script>')
  })

  it('adds the identity attributes when asked', () => {
    const code = embedCode('http://127.0.0.1:8080', 'default', true)
    expect(code).toContain('data-workspace="default"')
    for (const a of ['data-user-name=', 'data-user-email=', 'data-user-hash=']) expect(code).toContain(a)
    expect(code.trim().endsWith('async></script>')).toBe(true)
  })

  it('escapes what could break out of an attribute', () => {
    expect(embedCode('https://x.test', 'a"><b')).toContain('data-workspace="a&quot;&gt;&lt;b"')
  })
})

describe('chatUrl', () => {
  it('is the full-page chat of the workspace', () => {
    expect(chatUrl('https://desk.example.com', 'acme')).toBe('https://desk.example.com/chat/acme')
    expect(chatUrl('https://desk.example.com/', 'a b')).toBe('https://desk.example.com/chat/a%20b')
  })
})
