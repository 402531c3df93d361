import { defineConfig } from 'vitest/config'

/** The integration tests that also run against a server on PostgreSQL (`PARLEY_TEST_STORE=postgres`, a fresh database per server). */
const ON_POSTGRES = ['chat', 'commands', 'widget', 'widget-agents', 'dispatch', 'crash', 'operations'].map((name) => `tests/integration/${name}.test.ts`)

export default defineConfig({
  test: {
    environment: 'node',
    setupFiles: ['tests/support/vitestSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and child processes; two cores, so keep it modest.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'postgres', include: ON_POSTGRES, env: { PARLEY_TEST_STORE: 'postgres' } } },
    ],
  },
})
