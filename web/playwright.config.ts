import { defineConfig } from '@playwright/test';

// End-to-end tests: Debian's Chromium (never a downloaded browser) driving the app as the real
// binary serves it, on a fresh SQLite database with the demo tenant (e2e/global-setup.ts).
export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  workers: 1, // one server, two cores
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: process.env.AVNI_E2E_URL,
    viewport: { width: 1366, height: 800 },
    launchOptions: {
      executablePath: process.env.AVNI_CHROMIUM ?? '/usr/lib/chromium/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
