// Tenants and users (super-admins), the audit log (tenant admins), and what every caller shares:
// sign-in, sign-out, password change and a tenant switcher listing only the caller's tenants.
// Every tenant and user made here has a name of its own (never admin, editor or viewer, whose
// passwords the other specs use), sorted after demo-bahmni so that it stays the first tenant.
import type { Page } from '@playwright/test';
import { test, expect, signIn, apiToken, apiCall, screenshot, tenantId } from './fixtures';

const stamp = Date.now().toString(36);

async function signInAs(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Logout' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
}

// The switcher's choices, as shown ("name (role)").
async function switcherOptions(page: Page): Promise<string[]> {
  await switcher(page).click();
  const options = page.getByRole('listbox').getByRole('option');
  await expect(options.first()).toBeVisible();
  const texts = await options.allTextContents();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toBeHidden();
  return texts;
}

async function pickTenant(page: Page, name: string): Promise<void> {
  await switcher(page).click();
  await page.getByRole('option', { name: new RegExp(`^${name} \\(`) }).click();
  await expect(page.getByRole('listbox')).toBeHidden();
  await expect(switcher(page)).toContainText(name);
}

// Lets a panel's opening or a menu's closing animation end before a screenshot.
async function settled(page: Page): Promise<void> {
  if (process.env.AVNI_SCREENSHOTS) await page.waitForTimeout(500);
}

// The tenant switcher in the top bar (its label also names the list it opens).
function switcher(page: Page) {
  return page.locator('[role="combobox"][aria-label="Tenant"]');
}

function row(page: Page, text: string) {
  return page.getByRole('row').filter({ hasText: text });
}

test('a super-admin creates, renames, deactivates a tenant; the switcher and the audit log follow', async ({ page, request }) => {
  const name = `tenant-e2e-${stamp}`;
  const renamed = `tenant-e2e-${stamp}-renamed`;
  await signIn(page, 'admin');
  await page.getByRole('menuitem', { name: 'Tenants' }).click();
  await expect(row(page, 'demo-bahmni')).toContainText('bahmni');

  await page.getByRole('link', { name: 'New tenant' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('combobox', { name: 'Type' }).click();
  await page.getByRole('option', { name: /^demo/ }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(row(page, name)).toContainText('demo');
  expect(await switcherOptions(page)).toContain(`${name} (admin)`);

  // A second tenant of the same name: the API's refusal, as it says it.
  await page.getByRole('link', { name: 'New tenant' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(`a tenant named '${name}' already exists`)).toBeVisible();
  await page.getByRole('menuitem', { name: 'Tenants' }).click();

  await row(page, name).getByRole('link', { name: 'Rename' }).click();
  await expect(page.getByRole('textbox', { name: 'Name' })).toHaveValue(name);
  await page.getByRole('textbox', { name: 'Name' }).fill(renamed);
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(row(page, renamed)).toBeVisible();
  await settled(page);
  await screenshot(page, 'tenants');
  const options = await switcherOptions(page);
  expect(options).toContain(`${renamed} (admin)`);
  expect(options).not.toContain(`${name} (admin)`);

  await row(page, renamed).getByRole('button', { name: 'Deactivate' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Its jobs stop running');
  await dialog.getByRole('button', { name: 'Deactivate' }).click();
  await expect(row(page, renamed).getByRole('button', { name: 'Activate' })).toBeVisible();
  const token = await apiToken(request, 'admin');
  const list = await apiCall(request, token, 'GET', '/tenants?size=500');
  const made = list.body.items.find((t: { name: string }) => t.name === renamed);
  expect(made.active).toBe(false);
  await row(page, renamed).getByRole('button', { name: 'Activate' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Activate' }).click();
  await expect(row(page, renamed).getByRole('button', { name: 'Deactivate' })).toBeVisible();

  // The new tenant's log: its creation, the rename (the oldest update) with both names, and
  // the deactivation and activation.
  await pickTenant(page, renamed);
  await page.getByRole('menuitem', { name: 'Audit log' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'tenant.update' })).toHaveCount(3);
  await expect(row(page, 'tenant.create')).toBeVisible();
  await row(page, 'tenant.update').last().getByRole('button', { name: 'Show before and after' }).click();
  await expect(page.getByRole('region', { name: 'Before' })).toContainText(`"name": "${name}"`);
  await expect(page.getByRole('region', { name: 'After' })).toContainText(`"name": "${renamed}"`);
  await expect(page.getByRole('list', { name: 'Changes' })).toContainText(`name changed: "${name}" → "${renamed}"`);
  await settled(page);
  await screenshot(page, 'audit');

  // The demo tenant's log has the demo's mapping import.
  await pickTenant(page, 'demo-bahmni');
  await expect(page.getByText('Audit log of demo-bahmni')).toBeVisible();
  await expect(row(page, 'mapping.import').first()).toBeVisible();
});

test('a super-admin creates a user, resets their password and deactivates them; the password rules show', async ({ page, request }) => {
  const email = `user-e2e-${stamp}@example.org`;
  const first = 'lighthouse pebble saffron kite';
  const second = 'quartz meadow violin ember';
  await signIn(page, 'admin');
  await page.getByRole('menuitem', { name: 'Users' }).click();
  await expect(row(page, 'admin@example.org')).toBeVisible();

  await page.getByRole('link', { name: 'New user' }).click();
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  // The policy's refusal shows beside the field the API named.
  const password = page.getByRole('textbox', { name: 'Password', exact: true });
  await password.fill('too short');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(password).toHaveAccessibleDescription(/^password must have at least 12 characters, not 9/);
  await password.fill('password1234');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(password).toHaveAccessibleDescription(/^password is one of the most common passwords/);
  await password.fill(first);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(row(page, email)).toBeVisible();
  await row(page, email).getByRole('button', { name: 'Details' }).click();
  const details = page.getByRole('region', { name: `Details of ${email}` });
  await expect(details).toContainText('None yet: add them under Members of a tenant.');

  // The administrator's reset: the rules again, then a good one that signs in.
  await details.getByRole('button', { name: 'Reset password' }).click();
  const reset = page.getByRole('dialog');
  await reset.getByLabel('New password').fill('tiny');
  await reset.getByRole('button', { name: 'Set password' }).click();
  await expect(reset.getByRole('alert')).toContainText('password must have at least 12 characters');
  await reset.getByLabel('New password').fill(second);
  await reset.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText(`Password of ${email} set`)).toBeVisible();
  const login = await request.post('/api/v1/auth/login', { data: { email, password: second } });
  expect(login.status()).toBe(200);
  const token = ((await login.json()) as { token: string }).token;
  await settled(page);
  await screenshot(page, 'users');

  await details.getByRole('button', { name: 'Make super-admin' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Make super-admin' }).click();
  await expect(details.getByRole('button', { name: 'Revoke super-admin' })).toBeVisible();
  await details.getByRole('button', { name: 'Revoke super-admin' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(details.getByRole('button', { name: 'Make super-admin' })).toBeVisible();

  // Deactivating says the sessions end, and ends the one just opened.
  await row(page, email).getByRole('button', { name: 'Deactivate' }).click();
  const confirm = page.getByRole('dialog');
  await expect(confirm).toContainText(`Every session of ${email} ends at once`);
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByText(`${email} deactivated; 1 session ended`)).toBeVisible();
  expect((await apiCall(request, token, 'GET', '/me')).status).toBe(401);
  const refused = await request.post('/api/v1/auth/login', { data: { email, password: second } });
  expect(refused.status()).toBe(401);
  await row(page, email).getByRole('button', { name: 'Activate' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Activate' }).click();
  await expect(row(page, email).getByRole('button', { name: 'Deactivate' })).toBeVisible();
  expect((await request.post('/api/v1/auth/login', { data: { email, password: second } })).status()).toBe(200);
});

test('a member of one tenant sees only it, changes their password, signs out and in with the new one', async ({ page, request }) => {
  const admin = await apiToken(request, 'admin');
  const tenant = await apiCall(request, admin, 'POST', '/tenants', { name: `tenant-e2e-solo-${stamp}`, type: 'bahmni' });
  expect(tenant.status).toBe(201);
  const email = `solo-e2e-${stamp}@example.org`;
  const first = 'harbor thistle comet lantern';
  const second = 'juniper anvil drizzle sonnet';
  const user = await apiCall(request, admin, 'POST', '/users', { email, password: first });
  expect(user.status).toBe(201);
  expect(
    (await apiCall(request, admin, 'POST', `/tenants/${tenant.body.id}/members`, { email, role: 'editor' })).status,
  ).toBe(201);

  await signInAs(page, email, first);
  await expect(switcher(page)).toBeVisible();
  expect(await switcherOptions(page)).toEqual([`tenant-e2e-solo-${stamp} (editor)`]);
  await expect(page.getByRole('menuitem', { name: 'Tenants' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Change password' }).click();
  await page.keyboard.press('Escape'); // the user menu stays open over the page
  await page.getByLabel('Current password').fill(first);
  await page.getByLabel('New password', { exact: true }).fill('short one');
  await page.getByLabel('New password again').fill('short one');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'new_password must have at least 12 characters' })).toBeVisible();
  await page.getByLabel('Current password').fill(first);
  await page.getByLabel('New password', { exact: true }).fill(second);
  await page.getByLabel('New password again').fill(second);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed.')).toBeVisible();

  await signOut(page);
  await signInAs(page, email, first);
  await expect(page.getByRole('alert').first()).toBeVisible();
  await expect(switcher(page)).toHaveCount(0);
  await signInAs(page, email, second);
  await expect(switcher(page)).toContainText(`tenant-e2e-solo-${stamp}`);
});

test('an editor has no Tenants, Users or Audit log, and the API refuses them', async ({ page, request }) => {
  await signIn(page, 'editor');
  await expect(page.getByRole('menuitem', { name: 'Mappings', exact: true })).toBeVisible();
  for (const name of ['Tenants', 'Users', 'Audit log']) {
    await expect(page.getByRole('menuitem', { name })).toHaveCount(0);
  }
  await page.goto('/audit');
  await expect(page.getByText("Only the tenant's admins read its audit log.")).toBeVisible();
  const token = await apiToken(request, 'editor');
  expect((await apiCall(request, token, 'GET', '/users')).status).toBe(403);
  expect((await apiCall(request, token, 'GET', `/tenants/${tenantId()}/audit`)).status).toBe(403);
  const tenants = await apiCall(request, token, 'GET', '/tenants');
  expect(tenants.body.items.map((t: { name: string }) => t.name)).toEqual(['demo-bahmni']);
});
