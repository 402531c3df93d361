import { describe, expect, it } from 'vitest'
import { readConfig } from '../../sync-server/config.ts'

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = readConfig({})
    expect(c).toMatchObject({ port: 8080, host: '0.0.0.0', logLevel: 'info', sqliteSynchronous: 'full', sessionHours: 720 })
    expect(c.dataDir.endsWith('/data')).toBe(true)
  })

  it('names the variable that is wrong', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/)
    expect(() => readConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(/SQLITE_SYNCHRONOUS/)
  })

  it('reads the email and proxy settings, off by default', () => {
    expect(readConfig({})).toMatchObject({ smtpUrl: undefined, mailFrom: undefined, trustProxy: false })
    expect(readConfig({ SMTP_URL: 'smtp://u:p@mail.test:587', MAIL_FROM: 'Help <help@shop.test>', TRUST_PROXY: 'true' })).toMatchObject({
      smtpUrl: 'smtp://u:p@mail.test:587',
      mailFrom: 'Help <help@shop.test>',
      trustProxy: true,
    })
    expect(() => readConfig({ SMTP_URL: 'http://mail.test' })).toThrow(/SMTP_URL/)
    expect(() => readConfig({ SMTP_URL: 'not a url' })).toThrow(/SMTP_URL/)
    expect(() => readConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/)
  })

  it('reads the messengers\' addresses: the public URL (no trailing slash) and the platforms\' API bases', () => {
    expect(readConfig({})).toMatchObject({ publicUrl: undefined, telegramApiUrl: 'https://api.telegram.org', whatsappApiUrl: 'https://graph.facebook.com/v21.0' })
    expect(readConfig({ PUBLIC_URL: 'https://chat.shop.test/', TELEGRAM_API_URL: 'http://127.0.0.1:8081', WHATSAPP_API_URL: 'http://127.0.0.1:8082/v21.0' })).toMatchObject({
      publicUrl: 'https://chat.shop.test',
      telegramApiUrl: 'http://127.0.0.1:8081',
      whatsappApiUrl: 'http://127.0.0.1:8082/v21.0',
    })
    expect(() => readConfig({ PUBLIC_URL: 'chat.shop.test' })).toThrow(/PUBLIC_URL/)
    expect(() => readConfig({ PUBLIC_URL: 'ftp://chat.shop.test' })).toThrow(/PUBLIC_URL/)
    expect(() => readConfig({ TELEGRAM_API_URL: 'https://x.test/?a=1' })).toThrow(/TELEGRAM_API_URL/)
  })

  it('refuses the scale-out variables rather than silently using SQLite', () => {
    expect(() => readConfig({ DATABASE_URL: 'postgres://localhost/parley' })).toThrow(/DATABASE_URL/)
  })
})
