import { defineConfig } from '@playwright/test'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'tests/e2e',
  // Most tests drive two or three browsers and a server at once: on a busy two-core machine one
  // takes up to a minute, so the limit leaves room (a stuck step still fails on its own 10 s).
  timeout: 90_000,
  expect: { timeout: 10_000 },
  // Each test has its own server and data folder, so two run side by side (one per core on CI).
  workers: 2,
  // A test that fails is run once more, recording a trace of that run for the failure's report.
  // One that then passes is reported as flaky, not hidden; one that fails twice fails the run.
  retries: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    // Recording every test's trace costs about a third of the run's time; a retried test records one.
    trace: 'on-first-retry',
  },
})
