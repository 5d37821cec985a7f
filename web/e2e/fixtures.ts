// What every end-to-end test shares: signing in as one of the three users, the demo tenant's
// id, calls to the API beside the browser (to seed or to check), and a guard that fails a test
// on a console error the app caused (failed fetches the test expects, such as a refused write,
// are told apart by the `allowConsole` patterns).
import { test as base, expect, type Page, type APIRequestContext } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { users, type Who } from './users';

export const tenantId = () => Number(process.env.AVNI_E2E_TENANT);

export async function signIn(page: Page, who: Who): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(users[who].email);
  await page.getByLabel('Password').fill(users[who].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Signed in once the tenant switcher shows (react-admin draws its menu before it redirects
  // to the sign-in page, so the menu proves nothing).
  await expect(page.getByLabel('Tenant')).toBeVisible();
}

// A bearer token for direct API calls (seeding, checking what the app did).
export async function apiToken(request: APIRequestContext, who: Who): Promise<string> {
  const response = await request.post('/api/v1/auth/login', {
    data: { email: users[who].email, password: users[who].password },
  });
  expect(response.ok()).toBeTruthy();
  return ((await response.json()) as { token: string }).token;
}

export async function apiCall(
  request: APIRequestContext,
  token: string,
  method: string,
  path: string,
  data?: unknown,
) {
  const response = await request.fetch(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
    data,
  });
  const text = await response.text();
  return { status: response.status(), body: text ? JSON.parse(text) : undefined };
}

// Screenshots for the README, taken by the tests as they pass through the main screens.
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.AVNI_SCREENSHOTS) return;
  mkdirSync(process.env.AVNI_SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${process.env.AVNI_SCREENSHOTS}/${name}.png` });
}

export const test = base.extend<{ allowConsole: RegExp[] }>({
  allowConsole: [[], { option: true }],
  page: async ({ page, allowConsole }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      // Chromium logs every failed fetch (a 401 before sign-in, a refusal the test provokes).
      if (/Failed to load resource: the server responded with a status of (401|403|404|409|400|429)/.test(text)) return;
      if (allowConsole.some((pattern) => pattern.test(text))) return;
      errors.push(text);
    });
    page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
    await use(page);
    expect(errors, 'console errors').toEqual([]);
  },
});

export { expect };
