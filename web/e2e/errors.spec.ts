// Error records and sync status, in the browser against the real binary. The demo tenant's first
// run parks records on the unmapped answer "O+": the viewer sees them without any edit control
// or payload; the editor opens one, disables and enables it, maps "O+", reprocesses all matching
// the filter, runs the errors job and sees the list empty; the sync status screen lists every
// entity type's cursor, with Set/Rewind for admins only.
import type { Page } from '@playwright/test';
import { test, expect, signIn, screenshot, apiToken, apiCall, tenantId } from './fixtures';

test.describe.configure({ mode: 'serial' });

const tenant = () => `/tenants/${tenantId()}`;

// The list's data rows (the header row has column headers, not cells).
const dataRows = (page: Page) => page.locator('tbody tr');

// Reloads the list until it shows a row with `text`, within a bounded time (the first run
// starts within a second or two of the server's start and takes a few more).
async function waitForRecords(page: Page, text: string) {
  await expect(async () => {
    await page.goto('/error-records');
    await expect(dataRows(page).filter({ hasText: text }).first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 40_000, intervals: [1_000] });
}

test('a viewer sees the error records with no action control and no payload', async ({ page, request }) => {
  await signIn(page, 'viewer');
  await waitForRecords(page, 'O+');
  await expect(page.getByRole('heading', { name: 'Error records by type' })).toBeVisible();
  // A type's count filters the list by that type (the demo's records are all Unclassified).
  await page.getByRole('button', { name: /^Show the \d+ error records? of type Unclassified$/ }).click();
  await expect(page).toHaveURL(/error_type%22%3A%22Unclassified/);
  await expect(page.getByLabel('Error type')).toContainText('Unclassified');
  await expect(dataRows(page).filter({ hasText: 'O+' }).first()).toBeVisible();
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  for (const name of ['Reprocess', 'Disable', 'Enable', 'Delete']) {
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  }
  await dataRows(page).filter({ hasText: 'O+' }).first().click();
  await expect(page.getByTestId('latest-message')).toContainText('O+');
  await expect(page.getByText('The failed payload is shown to editors and admins only.')).toBeVisible();
  await expect(page.getByLabel('Failed payload content')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Reprocess' })).toHaveCount(0);

  // The API refuses what the screen does not offer.
  const token = await apiToken(request, 'viewer');
  const forced = await apiCall(request, token, 'POST', `${tenant()}/error-records/actions`, {
    action: 'reprocess',
    filter: { text: 'O+' },
  });
  expect(forced.status).toBe(403);
});

test('an editor maps "O+", reprocesses all matching records and sees them gone', async ({ page, request }) => {
  test.setTimeout(90_000);
  const token = await apiToken(request, 'editor');
  await signIn(page, 'editor');
  await waitForRecords(page, 'O+');
  await expect(page.getByText(/of them disabled|Counts unavailable/)).toBeVisible();
  await screenshot(page, 'errors-list');

  // One record: its message names the answer, and the editor sees the failed payload.
  const row = dataRows(page).filter({ hasText: 'O+' }).first();
  await row.click();
  await expect(page).toHaveURL(/\/error-records\/\d+$/);
  const id = Number(page.url().split('/').pop());
  await expect(page.getByTestId('latest-message')).toContainText('O+');
  const payload = page.getByLabel('Failed payload content');
  await expect(payload).toBeVisible();
  await expect(payload).not.toBeEmpty();
  await expect(page.getByRole('heading', { name: 'Log (newest first)' })).toBeVisible();
  await screenshot(page, 'errors-detail');

  // Disable it then enable it again, each confirmed, and each seen by the API.
  await page.getByRole('button', { name: 'Disable' }).click();
  const disable = page.getByRole('dialog');
  await expect(disable).toContainText('Disable 1 error record?');
  await disable.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByText('1 error record disabled')).toBeVisible();
  expect((await apiCall(request, token, 'GET', `${tenant()}/error-records/${id}`)).body.processing_disabled).toBe(true);
  await page.getByRole('button', { name: 'Enable' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Enable' }).click();
  await expect(page.getByText('1 error record enabled')).toBeVisible();
  expect((await apiCall(request, token, 'GET', `${tenant()}/error-records/${id}`)).body.processing_disabled).toBe(false);

  // The same from the list: one row selected, disabled, enabled.
  await page.getByRole('link', { name: 'Back to the list' }).click();
  await dataRows(page).filter({ hasText: 'O+' }).first().getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByRole('dialog')).toContainText('This will disable the selected error record.');
  await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
  await expect(page.getByText('1 error record disabled')).toBeVisible();
  await expect(dataRows(page).filter({ hasText: 'O+' }).getByText('Disabled', { exact: true })).toHaveCount(1);
  await dataRows(page).filter({ hasText: 'Disabled' }).first().getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Enable' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Enable' }).click();
  await expect(page.getByText('1 error record enabled')).toBeVisible();
  await expect(dataRows(page).getByText('Disabled', { exact: true })).toHaveCount(0);

  // The missing mapping, made on the mappings screen as an editor would, then seen by the API.
  await page.goto('/mappings/create');
  await expect(page.getByLabel(/^Avni value/)).toBeVisible();
  await page.getByRole('combobox', { name: /^Group/ }).click();
  await page.getByRole('option', { name: 'Observation', exact: true }).click();
  await page.getByRole('combobox', { name: /^Type/ }).click();
  await page.getByRole('option', { name: 'Concept', exact: true }).click();
  await page.getByLabel(/^Avni value/).fill('O+');
  await page.getByLabel(/^Other-system value/).fill('4ea2ebc7-a1f4-4bc8-bdac-483e9e075d9f');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(async () => {
    const mapped = await apiCall(request, token, 'GET', `${tenant()}/mappings?avni_value=O%2B&group=Observation`);
    expect(mapped.body.items.map((m: { int_system_value: string }) => m.int_system_value)).toEqual([
      '4ea2ebc7-a1f4-4bc8-bdac-483e9e075d9f',
    ]);
  }).toPass({ timeout: 10_000 });
  await page.goto('/error-records');
  await expect(dataRows(page).first()).toBeVisible();

  // All matching a filter that narrows: the confirmation says how many the list counts.
  const count = async (query: string) =>
    (await apiCall(request, token, 'GET', `${tenant()}/error-records?size=1${query}`)).body.total as number;
  const plural = (n: number) => `${n} error record${n === 1 ? '' : 's'}`;
  await page.getByLabel('Search messages').fill('O+');
  await expect(page).toHaveURL(/O%2B/);
  const matching = await count('&text=O%2B');
  expect(matching).toBeGreaterThan(0);
  // (The demo also parks Bahmni encounters, naming the concept's uuid rather than "O+".)
  expect(matching).toBeLessThan(await count(''));
  await expect(dataRows(page)).toHaveCount(matching);
  await page.getByRole('checkbox', { name: 'Select all', exact: true }).check();
  await page.getByRole('button', { name: `Select all ${matching} matching this filter` }).click();
  await expect(page.getByText(`All ${matching} matching this filter selected`)).toBeVisible();
  await page.getByRole('button', { name: 'Reprocess' }).click();
  let confirm = page.getByRole('dialog');
  await expect(confirm).toContainText(`Reprocess ${plural(matching)}?`);
  await expect(confirm).toContainText(`all ${plural(matching)} matching this filter`);
  await confirm.getByRole('button', { name: 'Reprocess' }).click();
  await expect(page.getByText(`${plural(matching)} scheduled for reprocessing`)).toBeVisible();

  // All matching no filter at all: every record of the tenant (the API wants "all": true). The
  // demo's errors job may retry the records just made due at any minute: the count is the list's.
  await page.getByLabel('Search messages').fill('');
  await expect(page).not.toHaveURL(/O%2B/);
  const range = page.getByText(/^\d+-\d+ of \d+$/);
  await expect(range).toBeVisible();
  const shown = Number((await range.innerText()).split(' of ')[1]);
  expect(shown).toBeGreaterThan(matching);
  await page.getByRole('checkbox', { name: 'Select all', exact: true }).check();
  await page.getByRole('button', { name: `Select all ${shown} matching this filter` }).click();
  await page.getByRole('button', { name: 'Reprocess' }).click();
  confirm = page.getByRole('dialog');
  await expect(confirm).toContainText(`Reprocess ${plural(shown)}?`);
  await expect(confirm).toContainText(`all ${plural(shown)} of the tenant`);
  await confirm.getByRole('button', { name: 'Reprocess' }).click();
  const done = page.getByText(/^\d+ error records? scheduled for reprocessing$/);
  await expect(done).toBeVisible();
  expect(Number((await done.innerText()).split(' ')[0])).toBeLessThanOrEqual(shown);

  // The errors job retries them now; reloading shows the list empty within a bounded time.
  const run = await apiCall(request, token, 'POST', `${tenant()}/jobs/errors/run`);
  expect([200, 202, 409]).toContain(run.status);
  await expect(async () => {
    await page.reload();
    await expect(page.getByText('No error records match')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 45_000, intervals: [1_500] });
  expect(await count('')).toBe(0);
});

test('sync status lists every entity type with its cursor; only admins may set or rewind', async ({ page, request }) => {
  const token = await apiToken(request, 'admin');
  const statuses = (await apiCall(request, token, 'GET', `${tenant()}/sync-status?size=500`)).body.items as {
    entity_type: string;
    read_upto_time: string | null;
    read_upto_numeric: number | null;
    read_upto_marker: string | null;
  }[];
  expect(statuses.length).toBeGreaterThan(0);

  await signIn(page, 'admin');
  // A flow may move its cursor between the API's answer and the screen's: read both again until
  // they agree.
  await expect(async () => {
    const now = (await apiCall(request, token, 'GET', `${tenant()}/sync-status?size=500`)).body.items as typeof statuses;
    await page.goto('/sync-status');
    for (const s of now) {
      const row = dataRows(page).filter({ has: page.getByRole('cell', { name: s.entity_type, exact: true }) });
      await expect(row).toHaveCount(1, { timeout: 3_000 });
      const cursor =
        s.read_upto_time ?? (s.read_upto_numeric !== null ? `number ${s.read_upto_numeric}` : `marker ${s.read_upto_marker}`);
      await expect(row).toContainText(cursor, { timeout: 1_000 });
      await expect(row.getByRole('button', { name: `Set the ${s.entity_type} cursor` })).toBeVisible();
      await expect(row.getByRole('button', { name: `Rewind the ${s.entity_type} cursor to the start` })).toBeVisible();
    }
  }).toPass({ timeout: 30_000, intervals: [1_000] });
  await screenshot(page, 'sync-status');

  // The rewind asks first, naming the entity type and what happens; cancelled, nothing changes.
  const first = statuses[0].entity_type;
  await page.getByRole('button', { name: `Rewind the ${first} cursor to the start` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Rewind ${first} to the start?`);
  await expect(dialog).toContainText('from the beginning again');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  // The set dialog: the confirmation names the entity type; cancelled too.
  await page.getByRole('button', { name: `Set the ${first} cursor` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Set cursor' }).click();
  await expect(page.getByRole('dialog', { name: `Set the ${first} cursor?` })).toContainText('read again');
  await page.getByRole('dialog', { name: `Set the ${first} cursor?` }).getByRole('button', { name: 'Cancel' }).click();
  const form = page.getByRole('dialog', { name: `Set the ${first} cursor`, exact: true });
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toHaveCount(0);
  const after = (await apiCall(request, token, 'GET', `${tenant()}/sync-status?size=500`)).body.items as { entity_type: string }[];
  expect(after.map((s) => s.entity_type)).toContain(first);

  // A viewer sees the same rows and no Set or Rewind button.
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Logout' }).click();
  await signIn(page, 'viewer');
  await page.goto('/sync-status');
  for (const s of statuses) {
    await expect(dataRows(page).filter({ has: page.getByRole('cell', { name: s.entity_type, exact: true }) })).toHaveCount(1);
  }
  await expect(page.getByRole('button', { name: /Set the|Rewind/ })).toHaveCount(0);
});
