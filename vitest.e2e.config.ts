// End-to-end tests (`npm run test:e2e`): the real app booted from the production build, driven by
// Debian's Chromium through playwright-core (tests/e2e), and the route × role policy walk over
// HTTP (tests/policy). Files are named *.e2e.ts so the unit test run (`npm test`) never picks
// them up. One file at a time: each boots its own app and 2 cores are all there is.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts', 'tests/policy/**/*.e2e.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // a failing end-to-end test is not retried: flakiness is a defect to fix
    retry: 0,
    // expect.poll: a page may take a few seconds on a loaded 2-core machine
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
})
