import { pino } from 'pino'
import { instanceId, readConfig } from './config.ts'
import { createParleyServer } from './server.ts'
import { BusOpenError } from './cluster/RedisBus.ts'
import { StoreOpenError, where as databaseAt } from './store/PostgresStore.ts'

const log = pino({ level: process.env.LOG_LEVEL || 'info', base: { instance: instanceId() } })

// Defence in depth: a bug that leaves a promise unhandled is logged, not allowed to take every chat down.
process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'))

let config
try {
  config = readConfig()
} catch (err) {
  log.fatal((err as Error).message)
  process.exit(2)
}

const server = createParleyServer({
  dataDir: config.dataDir,
  filesDir: config.filesDir,
  databaseUrl: config.databaseUrl,
  redisUrl: config.redisUrl,
  redisPrefix: config.redisPrefix,
  port: config.port,
  host: config.host,
  staticDir: config.staticDir,
  adminEmail: config.adminEmail,
  adminPassword: config.adminPassword,
  sessionHours: config.sessionHours,
  roomIdleMs: config.documentIdleSeconds * 1000,
  sqliteSynchronous: config.sqliteSynchronous,
  mail: { smtpUrl: config.smtpUrl, from: config.mailFrom },
  trustProxy: config.trustProxy,
  metricsToken: config.metricsToken,
  instanceId: config.instanceId,
  channels: { publicUrl: config.publicUrl, telegramApiUrl: config.telegramApiUrl, whatsappApiUrl: config.whatsappApiUrl },
  logger: log,
})

let url: string
try {
  ;({ url } = await server.listen())
} catch (err) {
  // One line, then out: a store that cannot be used is never replaced by another one.
  log.fatal(err instanceof StoreOpenError ? `DATABASE_URL: ${err.message}` : err instanceof BusOpenError ? err.message : `could not start: ${(err as Error).message}`)
  process.exit(2)
}
if (server.firstAdmin?.generatedPassword) {
  // Printed once, on the first start only: it is not stored anywhere in clear.
  console.log(`\nFirst start: sign in at ${url} as ${server.firstAdmin.email} with password ${server.firstAdmin.generatedPassword}\n`)
}
const data = config.databaseUrl ? `data in PostgreSQL at ${databaseAt(config.databaseUrl)}, files in ${config.dataDir}/files` : `data in ${config.dataDir}`
console.log(`Parley is running at ${url} (agent app), ${url}/demo (widget demo); ${data}`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  })
}
