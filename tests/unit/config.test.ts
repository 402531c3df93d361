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

  it('refuses the scale-out variables rather than silently using SQLite', () => {
    expect(() => readConfig({ DATABASE_URL: 'postgres://localhost/parley' })).toThrow(/DATABASE_URL/)
  })
})
