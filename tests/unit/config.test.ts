import { describe, expect, it } from 'vitest'
import { readConfig } from '../../sync-server/config.ts'

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = readConfig({})
    expect(c).toMatchObject({ port: 8080, host: '0.0.0.0', logLevel: 'info', sqliteSynchronous: 'full', sessionHours: 720, documentIdleSeconds: 30 })
    expect(c.dataDir.endsWith('/data')).toBe(true)
    expect(c.filesDir).toBe(`${c.dataDir}/files`)
  })

  it('keeps the files in DATA_DIR/files unless FILES_DIR names a folder (shared by several servers)', () => {
    expect(readConfig({ DATA_DIR: '/srv/parley' }).filesDir).toBe('/srv/parley/files')
    expect(readConfig({ DATA_DIR: '/srv/parley', FILES_DIR: '/mnt/shared/parley-files' }).filesDir).toBe('/mnt/shared/parley-files')
    expect(readConfig({ DATA_DIR: '/srv/parley', FILES_DIR: '  ' }).filesDir).toBe('/srv/parley/files')
  })

  it('names the variable that is wrong', () => {
    expect(() => readConfig({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => readConfig({ PORT: '70000' })).toThrow(/PORT/)
    expect(() => readConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(/SQLITE_SYNCHRONOUS/)
    expect(() => readConfig({ DOCUMENT_IDLE_SECONDS: '0' })).toThrow(/DOCUMENT_IDLE_SECONDS/)
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

  it('takes a PostgreSQL DATABASE_URL, refuses anything else without echoing a password, and takes REDIS_URL only beside it', () => {
    expect(readConfig({}).databaseUrl).toBeUndefined()
    expect(readConfig({ DATABASE_URL: 'postgres://parley:pw@db.internal:5432/parley' }).databaseUrl).toBe('postgres://parley:pw@db.internal:5432/parley')
    expect(readConfig({ DATABASE_URL: 'postgresql://localhost/parley' }).databaseUrl).toBe('postgresql://localhost/parley')
    expect(() => readConfig({ DATABASE_URL: 'mysql://root:hunter2@localhost/parley' })).toThrow(/^DATABASE_URL must start with postgres:\/\/ .*"mysql:\/\/"$/)
    expect(() => readConfig({ DATABASE_URL: 'hunter2 not a url' })).toThrow(/^DATABASE_URL must be a URL like postgres:/)
    expect(() => readConfig({ DATABASE_URL: 'hunter2 not a url' })).not.toThrow(/hunter2/)
    expect(() => readConfig({ DATABASE_URL: 'postgres://localhost' })).toThrow(/DATABASE_URL must name a database/)
    expect(() => readConfig({ REDIS_URL: 'redis://localhost:6379' })).toThrow(/^REDIS_URL needs DATABASE_URL/)
    const both = readConfig({ DATABASE_URL: 'postgres://localhost/parley', REDIS_URL: 'redis://localhost:6379' })
    expect([both.redisUrl, both.redisPrefix]).toEqual(['redis://localhost:6379', 'parley:'])
    expect(() => readConfig({ DATABASE_URL: 'postgres://localhost/parley', REDIS_URL: 'http://localhost:6379' })).toThrow(/^REDIS_URL must start with redis:\/\//)
    expect(() => readConfig({ DATABASE_URL: 'postgres://localhost/parley', REDIS_URL: 'not a url' })).toThrow(/^REDIS_URL must be a URL/)
    expect(() => readConfig({ DATABASE_URL: 'postgres://localhost/parley', REDIS_URL: 'redis://localhost:6379', REDIS_PREFIX: 'a b' })).toThrow(/^REDIS_PREFIX/)
    expect(readConfig({ DATABASE_URL: 'postgres://localhost/parley', REDIS_URL: 'redis://localhost:6379', REDIS_PREFIX: 'shop1:' }).redisPrefix).toBe('shop1:')
  })
})
