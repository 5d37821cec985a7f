// The mappings screens as an editor and as a viewer: CSV import with its dry-run preview, a
// clash shown with the row in the way, void and restore, filters, export, and a viewer who
// sees no edit control and whose forced write is refused. Every row made here is in the
// groups "E2E..." with Avni values "e2e-...": the demo's rows are left alone.
import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect, signIn, screenshot, apiToken, apiCall, tenantId } from './fixtures';

const tenant = () => `/tenants/${tenantId()}`;

// Distinct per run, so that the spec also passes against a server it ran on before.
const run = Date.now().toString(36);
const HEADER = 'group,type,avni_value,int_system_value,data_type_hint,about';

// A group and a type (made unless there), and a live mapping between two values (made unless
// there); answers the mapping.
async function seedMapping(
  request: APIRequestContext,
  token: string,
  group: string,
  type: string,
  avni: string,
  other: string,
): Promise<{ id: number; voided: boolean }> {
  for (const [path, name] of [
    ['mapping-groups', group],
    ['mapping-types', type],
  ]) {
    const made = await apiCall(request, token, 'POST', `${tenant()}/${path}`, { name });
    expect([201, 409]).toContain(made.status);
  }
  const made = await apiCall(request, token, 'POST', `${tenant()}/mappings`, {
    group,
    type,
    avni_value: avni,
    int_system_value: other,
    data_type_hint: 'Coded',
    about: 'made by the e2e test',
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body;
}

// Through the menu, as a person would (and whichever router the app uses).
async function open(page: Page, item: 'Mappings' | 'Groups and types' | 'Import mappings') {
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}

// A screen with no menu item, by its address (the app's router keeps it after a '#').
async function goTo(page: Page, path: string) {
  await page.goto(page.url().includes('#') ? `/#${path}` : path);
}

async function pickGroupFilter(page: Page, name: string) {
  await page.getByRole('combobox', { name: 'Group' }).click();
  await page.getByRole('option', { name, exact: true }).click();
}

test('imports a CSV: an error shows its line and blocks the import; a good file previews, imports and lists', async ({
  page,
  request,
}) => {
  const G = `E2E-Import-${run}`;
  const T = `E2E-Import-Type-${run}`;
  await signIn(page, 'editor');
  await open(page, 'Import mappings');
  await expect(page.getByText('Import mappings into')).toBeVisible();

  // A file with a bad hint on its third line.
  await page
    .getByLabel('Or paste the CSV here')
    .fill(`${HEADER}\n${G},${T},e2e-imp-alpha,e2e-uuid-alpha,Coded,\n${G},${T},e2e-imp-beta,e2e-uuid-beta,Colour,\n`);
  await page.getByRole('button', { name: 'Check the file' }).click();
  const errors = page.getByRole('table', { name: 'Errors in the file' });
  await expect(errors).toBeVisible();
  const bad = errors.getByRole('row').filter({ hasText: 'Colour' });
  await expect(bad.getByRole('cell').nth(0)).toHaveText('3');
  await expect(bad.getByRole('cell').nth(1)).toHaveText('data_type_hint');
  await expect(page.getByText(/The file has 1 error; nothing was written/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Confirm import' })).toHaveCount(0);
  await screenshot(page, 'mappings-import-preview');

  // A good file, picked as a file: the preview counts, then the import for real.
  const good = [
    HEADER,
    `${G},${T},e2e-imp-alpha,e2e-uuid-alpha-${run},Coded,imported by the e2e test`,
    `${G},${T},e2e-imp-beta,e2e-uuid-beta-${run},Text,`,
    `${G},${T},e2e-imp-gamma,e2e-uuid-gamma-${run},Numeric,`,
  ].join('\n');
  await page.getByLabel('Or paste the CSV here').fill('');
  await page.getByLabel('CSV file').setInputFiles({ name: 'e2e-mappings.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await expect(page.getByText('e2e-mappings.csv')).toBeVisible();
  await page.getByRole('button', { name: 'Check the file' }).click();
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.getByText('Created: 3')).toBeVisible();
  await expect(preview.getByText('Groups created: 1')).toBeVisible();
  await expect(preview.getByText('Types created: 1')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Errors in the file' })).toHaveCount(0);
  // Nothing was written by the dry run.
  const token = await apiToken(request, 'editor');
  const before = await apiCall(request, token, 'GET', `${tenant()}/mappings?q=e2e-uuid-alpha-${run}`);
  expect(before.status).toBe(200);
  expect(before.body.total).toBe(0);

  await page.getByRole('button', { name: 'Confirm import' }).click();
  const outcome = page.getByRole('region', { name: 'Outcome' });
  await expect(outcome.getByText('Imported: 3 mappings created, 0 updated, 0 unchanged.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Confirm import' })).toHaveCount(0);

  // The new rows are in the list: filtered by group, then by text.
  await outcome.getByRole('link', { name: 'Back to the mappings' }).click();
  await expect(page.getByRole('cell', { name: 'AvniUUID_Concept', exact: true })).toBeVisible();
  await screenshot(page, 'mappings-list');
  await pickGroupFilter(page, G);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(page.getByRole('cell', { name: 'e2e-imp-gamma', exact: true })).toBeVisible();
  await page.getByLabel('Search').fill(`uuid-beta-${run}`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('e2e-imp-beta');
  // The export holds what the filter shows, no more.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const { readFileSync } = await import('node:fs');
  const exported = readFileSync((await (await download).path())!, 'utf8').trim().split(/\r?\n/);
  expect(exported).toHaveLength(2);
  expect(exported[1]).toContain(`e2e-imp-beta`);
});

test('a mapping that clashes with another is refused, naming the row in the way', async ({ page, request }) => {
  const token = await apiToken(request, 'editor');
  const held = await seedMapping(request, token, 'E2E', 'E2E-Type', `e2e-clash-${run}`, `e2e-clash-uuid-${run}`);

  await signIn(page, 'editor');
  await open(page, 'Mappings');
  await page.getByRole('link', { name: 'New mapping' }).click();
  await expect(page.getByLabel(/^Avni value/)).toBeVisible();
  await page.getByRole('combobox', { name: /^Group/ }).click();
  await page.getByRole('option', { name: 'E2E', exact: true }).click();
  await page.getByRole('combobox', { name: /^Type/ }).click();
  await page.getByRole('option', { name: 'E2E-Type', exact: true }).click();
  await page.getByLabel(/^Avni value/).fill(`e2e-clash-${run}`);
  await page.getByLabel(/^Other-system value/).fill(`e2e-clash-other-${run}`);
  await page.getByRole('button', { name: 'Save' }).click();

  const alert = page.getByRole('alert').filter({ hasText: 'Another mapping is in the way' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(`by mapping ${held.id} (avni_value 'e2e-clash-${run}'`);
  // It stays (not a toast that vanishes) and links to the row.
  await page.waitForTimeout(4_500);
  await expect(alert).toBeVisible();
  await alert.getByRole('link', { name: `Open mapping ${held.id}` }).click();
  await expect(page.getByLabel(/^Avni value/)).toHaveValue(`e2e-clash-${run}`);
  await expect(page).toHaveURL(new RegExp(`/mappings/${held.id}$`));
});

test('voids and restores a mapping from the list; a blocked restore names the row in the way', async ({ page, request }) => {
  const token = await apiToken(request, 'editor');
  const row = await seedMapping(request, token, 'E2E', 'E2E-Type', `e2e-void-${run}`, `e2e-void-uuid-a-${run}`);

  await signIn(page, 'editor');
  await open(page, 'Mappings');
  await page.getByLabel('Search').fill(`e2e-void-${run}`);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await rows.first().getByRole('button', { name: /^Void mapping/ }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Void' }).click();
  await expect(page.getByRole('cell', { name: `e2e-void-${run}`, exact: true })).toHaveCount(0);
  expect((await apiCall(request, token, 'GET', `${tenant()}/mappings/${row.id}`)).body.voided).toBe(true);

  // Shown again with the voided ones; meanwhile another live mapping takes its Avni value.
  const taker = await seedMapping(request, token, 'E2E', 'E2E-Type', `e2e-void-${run}`, `e2e-void-uuid-b-${run}`);
  await page.getByLabel('Include voided').check();
  const voided = rows.filter({ hasText: `e2e-void-uuid-a-${run}` });
  await expect(voided.getByText('voided', { exact: true })).toBeVisible();
  await voided.getByRole('button', { name: /^Restore mapping/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Another mapping is in the way' });
  await expect(dialog).toContainText(`by mapping ${taker.id}`);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // With the other one voided, the restore goes through.
  expect((await apiCall(request, token, 'DELETE', `${tenant()}/mappings/${taker.id}`)).status).toBe(200);
  await voided.getByRole('button', { name: /^Restore mapping/ }).click();
  await expect(voided.getByText('voided', { exact: true })).toHaveCount(0);
  await expect(voided.getByRole('button', { name: /^Void mapping/ })).toBeVisible();
  expect((await apiCall(request, token, 'GET', `${tenant()}/mappings/${row.id}`)).body.voided).toBe(false);
});

test('a viewer reads and exports the mappings but sees no edit control, and a forced write is refused', async ({
  page,
  request,
}) => {
  await signIn(page, 'viewer');
  await open(page, 'Mappings');
  await expect(page.getByRole('cell', { name: 'Common', exact: true }).first()).toBeVisible();
  for (const name of ['New mapping', 'Import CSV', /^Edit/]) {
    await expect(page.getByRole('button', { name }).or(page.getByRole('link', { name }))).toHaveCount(0);
  }
  await expect(page.getByRole('button', { name: /^Void mapping/ })).toHaveCount(0);

  // The export is a read: a viewer downloads it.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`mappings-tenant-${tenantId()}.csv`);
  const path = await file.path();
  const { readFileSync } = await import('node:fs');
  const csv = readFileSync(path, 'utf8');
  expect(csv.split('\n')[0].replace(/^\uFEFF/, '').trim()).toBe(HEADER);
  expect(csv).toContain('Common,AvniUUID_Concept');

  await goTo(page, '/mappings/import');
  await expect(page.getByText('A viewer cannot import mappings')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Check the file' })).toHaveCount(0);
  await open(page, 'Groups and types');
  await expect(page.getByRole('cell', { name: 'Observation', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: /^New (group|type)/ })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Rename' })).toHaveCount(0);

  const token = await apiToken(request, 'viewer');
  const forced = await apiCall(request, token, 'POST', `${tenant()}/mappings`, {
    group: 'Common',
    type: 'AvniUUID_Concept',
    avni_value: 'e2e-viewer',
    int_system_value: 'e2e-viewer-uuid',
    data_type_hint: 'Text',
  });
  expect(forced.status).toBe(403);
  const imported = await request.post(`/api/v1${tenant()}/mappings/import`, {
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
    data: `${HEADER}\nE2E,E2E-Type,e2e-viewer,e2e-viewer-uuid,Text,\n`,
  });
  expect(imported.status()).toBe(403);
});

test('an editor makes and renames a mapping group', async ({ page }) => {
  await signIn(page, 'editor');
  await open(page, 'Groups and types');
  await page.getByRole('link', { name: 'New group' }).click();
  await page.getByLabel(/^Name/).fill(`E2E-Group-Draft-${run}`);
  await page.getByRole('button', { name: 'Save' }).click();
  const row = page.locator('tbody tr').filter({ hasText: `E2E-Group-Draft-${run}` });
  await expect(row).toBeVisible();
  await row.getByRole('link', { name: 'Rename' }).click();
  await page.getByLabel(/^Name/).fill(`E2E-Group-Renamed-${run}`);
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(page.locator('tbody tr').filter({ hasText: `E2E-Group-Renamed-${run}` })).toBeVisible();
  await expect(page.locator('tbody tr').filter({ hasText: `E2E-Group-Draft-${run}` })).toHaveCount(0);
});
