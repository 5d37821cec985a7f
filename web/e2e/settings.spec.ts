// Tenant settings: config secrets stay write-only, API keys are shown once and revoked, error
// types are ordered and saved, the bundle exports and imports; a viewer sees no edit controls
// and a forced write is refused.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, signIn, screenshot, apiToken, apiCall, tenantId } from './fixtures';

const t = () => `/tenants/${tenantId()}`;

// Opens a screen through the menu (as a user does; it works whatever the router's URLs).
async function open(page: Page, item: string) {
  await page.getByRole('menuitem', { name: item }).click();
}

test('config: a secret is shown as set, replaced, never displayed, and audited without its value', async ({
  page,
  request,
}) => {
  const first = 'first-e2e-value-4711';
  const second = 'second-e2e-value-0815';
  await signIn(page, 'admin');
  await open(page, 'Config');
  await expect(page.getByRole('row', { name: /avni_user/ })).toBeVisible();

  // Add: the key names a token, so it is secret whatever the switch says.
  await page.getByRole('button', { name: 'Add key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Key').fill('e2e_token');
  await expect(dialog.getByLabel('Value')).toHaveAttribute('type', 'password');
  await dialog.getByLabel('Value').fill(first);
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row', { name: /e2e_token/ });
  await expect(row).toContainText('set');
  await expect(row).not.toContainText('*');
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, 'settings-config');
  expect(await page.content()).not.toContain(first);

  // Replace it through a password field; the page stays masked, before and after a reload.
  await page.getByRole('button', { name: 'Replace e2e_token' }).click();
  await expect(dialog.getByLabel('New value')).toHaveAttribute('type', 'password');
  await dialog.getByLabel('New value').fill(second);
  await dialog.getByRole('button', { name: 'Replace' }).click();
  await expect(page.getByText('secret e2e_token replaced')).toBeVisible();
  await expect(dialog).toBeHidden();
  await page.reload();
  await expect(row).toContainText('set');
  const html = await page.content();
  expect(html).not.toContain(first);
  expect(html).not.toContain(second);
  expect(html).not.toContain('***');

  // A refused value shows the service's message, naming the key.
  await page.getByRole('button', { name: 'Add key' }).click();
  await dialog.getByLabel('Key').fill('e2e_secret_unset');
  await dialog.getByLabel('Value').fill('***');
  await dialog.getByRole('button', { name: 'Add' }).click();
  await expect(dialog.getByRole('alert')).toContainText("'e2e_secret_unset' has no secret value stored");
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // The audit log recorded the creation and the change, never the value.
  const token = await apiToken(request, 'admin');
  const audit = await apiCall(request, token, 'GET', `${t()}/audit?size=200`);
  expect(audit.status).toBe(200);
  const entries = (audit.body.items as { action: string; entity_id: string; after: { value: string } }[]).filter(
    (e) => e.entity_id === 'e2e_token',
  );
  expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['config.create', 'config.update']));
  for (const e of entries) expect(e.after.value).toBe('***');
  const text = JSON.stringify(audit.body);
  expect(text).not.toContain(first);
  expect(text).not.toContain(second);

  // Delete it, after a confirmation.
  await page.getByRole('button', { name: 'Delete e2e_token' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  // (An open dialog hides the rows from the accessibility tree: wait for it to close.)
  await expect(page.getByText('e2e_token deleted')).toBeVisible();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('row', { name: /e2e_token/ })).toHaveCount(0);
  const after = await apiCall(request, token, 'GET', `${t()}/config`);
  expect((after.body.items as { key: string }[]).map((e) => e.key)).not.toContain('e2e_token');
});

test('API keys: shown once with a copy button, then revoked', async ({ page, request, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signIn(page, 'admin');
  await open(page, 'API keys');
  await page.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('e2e nightly key');
  await dialog.getByRole('button', { name: 'Create' }).click();

  const shown = page.getByRole('dialog', { name: /e2e nightly key.*created/ });
  await expect(shown).toContainText('it will not be shown again');
  const key = await shown.getByLabel('API key').inputValue();
  expect(key.length).toBeGreaterThan(20);
  await shown.getByRole('button', { name: 'Copy the key' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await screenshot(page, 'settings-api-keys');

  // The key works, as a viewer of the tenant.
  expect((await apiCall(request, key, 'GET', `${t()}/config`)).status).toBe(200);

  await shown.getByRole('button', { name: /close/i }).click();
  await expect(shown).toBeHidden();
  const row = page.getByRole('row', { name: /e2e nightly key/ });
  await expect(row).toContainText('active');
  expect(await page.content()).not.toContain(key);
  await page.reload();
  await expect(row).toBeVisible();
  expect(await page.content()).not.toContain(key);

  await row.getByRole('button', { name: 'Revoke e2e nightly key' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  await expect(row.getByRole('button', { name: /Revoke/ })).toHaveCount(0);
  expect((await apiCall(request, key, 'GET', `${t()}/config`)).status).toBe(401);
});

test('error types: add two, reorder by keyboard, save, reload, remove', async ({ page, request }) => {
  await signIn(page, 'admin');
  await open(page, 'Error types');
  await expect(page.getByRole('table', { name: /Error types/ })).toBeVisible();

  const add = async (name: string, value: string, step: string) => {
    await page.getByRole('button', { name: 'Add error type' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Text').fill(value);
    if (step !== 'Process') {
      await dialog.getByLabel('Follow-up step').click();
      await page.getByRole('option', { name: new RegExp(`^${step}:`) }).click();
    }
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog).toBeHidden();
  };
  await add('E2E unmapped answer', 'no mapping for answer', 'Process');
  await add('E2E never', 'e2e-this-never-matches', 'Terminal');

  // Move the second above the first with the keyboard; the focus follows the row.
  const names = () => page.getByRole('table', { name: /Error types/ }).locator('tbody tr td:nth-child(2)');
  const up = page.getByRole('button', { name: 'Move E2E never up' });
  await up.focus();
  await page.keyboard.press('Enter');
  const list = await names().allTextContents();
  expect(list.indexOf('E2E never')).toBe(list.indexOf('E2E unmapped answer') - 1);
  await expect(page.locator(':focus')).toHaveAttribute('aria-label', /^Move E2E never (up|down)$/);

  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Saved.' })).toContainText(/\d+ error records? changed type/);
  await screenshot(page, 'settings-error-types');

  await page.reload();
  await expect(page.getByRole('cell', { name: 'E2E unmapped answer', exact: true })).toBeVisible();
  const reloaded = await names().allTextContents();
  expect(reloaded.indexOf('E2E never')).toBe(reloaded.indexOf('E2E unmapped answer') - 1);
  const token = await apiToken(request, 'admin');
  const saved = await apiCall(request, token, 'GET', `${t()}/error-types`);
  const mine = (saved.body.error_types as { name: string; operator: string; follow_up_step: string }[]).find(
    (e) => e.name === 'E2E unmapped answer',
  );
  expect(mine).toMatchObject({ operator: 'CONTAINS', follow_up_step: 'Process' });

  await page.getByRole('button', { name: 'Remove E2E unmapped answer' }).click();
  await page.getByRole('button', { name: 'Remove E2E never' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Saved.' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('table', { name: /Error types/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: /^E2E / })).toHaveCount(0);
});

test('bundle: export downloads a zip; a bad upload shows the refusal; the export imports back', async ({ page }) => {
  await signIn(page, 'admin');
  await open(page, 'Bundle');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export bundle' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.zip$/);
  const zip = readFileSync(await download.path());
  expect(zip.subarray(0, 2).toString()).toBe('PK');

  const file = page.getByLabel('Bundle file');
  await file.setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
  await page.getByRole('button', { name: 'Import bundle' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('alert')).toContainText(/zip|bundle/i);

  await file.setInputFiles({ name: download.suggestedFilename(), mimeType: 'application/zip', buffer: zip });
  await page.getByRole('button', { name: 'Import bundle' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Imported:' })).toContainText('0 created');
  await expect(page.getByRole('table', { name: /per file/ })).toContainText('mappingMetadata.json');
  await screenshot(page, 'settings-bundle');
});

test('members: add by email, change a role, the last admin is kept, remove', async ({ page, request }) => {
  // Two fresh users: one stays the tenant's admin member (a tenant always keeps one, so the
  // test cannot take it back; nobody else uses this user), the other is added and removed.
  const token = await apiToken(request, 'admin');
  const stamp = Date.now();
  const keeper = `e2e-admin-${stamp}@example.org`;
  const passing = `e2e-member-${stamp}@example.org`;
  for (const email of [keeper, passing]) {
    const made = await apiCall(request, token, 'POST', '/users', { email, password: 'quartz ember valley lantern' });
    expect(made.status).toBe(201);
  }
  await signIn(page, 'admin');
  await open(page, 'Members');
  const dialog = page.getByRole('dialog');
  const add = async (email: string, role: string) => {
    await page.getByRole('button', { name: 'Add member' }).click();
    await dialog.getByLabel('User’s email').fill(email);
    await dialog.getByLabel('Role').click();
    await page.getByRole('option', { name: new RegExp(`^${role}:`) }).click();
    await dialog.getByRole('button', { name: 'Add' }).click();
  };
  await add('nobody-e2e@example.org', 'viewer');
  await expect(dialog.getByRole('alert')).toContainText("no user with email 'nobody-e2e@example.org'");
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  const role = (email: string) => page.getByRole('combobox', { name: `Role of ${email}` });
  const admins = (await apiCall(request, token, 'GET', `${t()}/members?size=100`)).body.items.filter(
    (m: { role: string }) => m.role === 'admin',
  );
  await add(keeper, 'admin');
  await expect(dialog).toBeHidden();
  await expect(role(keeper)).toHaveText('admin');
  if (admins.length === 0) {
    // The only admin member: demoting them is refused with the API's message.
    await role(keeper).click();
    await page.getByRole('option', { name: 'viewer' }).click();
    await expect(page.getByText(/last admin of tenant/)).toBeVisible();
    await expect(role(keeper)).toHaveText('admin');
  }

  await add(passing, 'viewer');
  await expect(dialog).toBeHidden();
  await role(passing).click();
  await page.getByRole('option', { name: 'editor' }).click();
  await expect(page.getByText(`${passing} is now editor`)).toBeVisible();
  await page.getByRole('button', { name: `Remove ${passing}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText(`${passing} removed`)).toBeVisible();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('row', { name: new RegExp(passing) })).toHaveCount(0);
  await screenshot(page, 'settings-members');
  const members = (await apiCall(request, token, 'GET', `${t()}/members?size=100`)).body.items as { email: string }[];
  expect(members.map((m) => m.email)).not.toContain(passing);
});

test('a viewer reads the settings without edit controls; a forced write is refused', async ({ page, request }) => {
  await page.setViewportSize({ width: 1024, height: 768 }); // a tablet
  await signIn(page, 'viewer');
  await open(page, 'Config');
  const secret = page.getByRole('row', { name: /avni_password/ });
  await expect(secret).toContainText('set');
  await expect(page.getByRole('row', { name: /avni_user/ })).toContainText('admin@sim');
  await expect(page.getByRole('button', { name: 'Add key' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^(Replace|Change|Delete) / })).toHaveCount(0);
  // Nothing sideways off a tablet's screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);

  await open(page, 'Members');
  await expect(page.getByRole('row', { name: /viewer@example.org/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add member' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Remove / })).toHaveCount(0);

  await open(page, 'Error types');
  await expect(page.getByRole('table', { name: /Error types/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add error type' })).toHaveCount(0);

  await expect(page.getByRole('menuitem', { name: 'API keys' })).toHaveCount(0);
  await expect(page.getByRole('menuitem', { name: 'Bundle' })).toHaveCount(0);

  const token = await apiToken(request, 'viewer');
  const forced = await apiCall(request, token, 'PUT', `${t()}/config/x`, { value: 'y' });
  expect(forced.status).toBe(403);
  expect((await apiCall(request, token, 'GET', `${t()}/api-keys`)).status).toBe(403);
});
