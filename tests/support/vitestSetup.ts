import { afterAll } from 'vitest'
import { dropAllTestDatabases, testStoreIsPostgres } from './postgres.ts'

// Each y-websocket provider in a test listens for the process's exit; tests open many at once.
process.setMaxListeners(100)

// Servers on PostgreSQL (PARLEY_TEST_STORE=postgres) each have a database: none outlives its test file.
if (testStoreIsPostgres()) afterAll(dropAllTestDatabases)
