// Jobs and runs: the admin pauses and resumes the `errors` job (never `main`, which the other
// areas' tests need running) and sees a refused cron's message, sees main's next five fire
// times, asks for a run of main, finds the demo's first run with its counts and its counts per
// entity type, and sees the chart; a viewer sees no action on a job.
import { test, expect, signIn, screenshot, apiToken, apiCall, tenantId } from './fixtures';
import type { Page } from '@playwright/test';

// Opens a screen from the menu (the app's router decides how its URLs look).
// A count as the screens show it (grouped: 1,503).
const count = (n: number) => n.toLocaleString('en-US');

async function open(page: Page, item: 'Jobs' | 'Runs'): Promise<void> {
  await page.getByRole('menuitem', { name: item }).click();
  await expect(page).toHaveURL(new RegExp(`/${item.toLowerCase()}$`));
}

// Whatever happens in a test, `errors` is left resumed on its demo schedule for the other areas.
let errorsCron: string | undefined;
test.afterEach(async ({ request }) => {
  if (!errorsCron) return;
  const token = await apiToken(request, 'admin');
  const path = `/tenants/${tenantId()}/jobs/errors`;
  const job = (await apiCall(request, token, 'GET', path)).body;
  if (job.paused) await apiCall(request, token, 'POST', `${path}/resume`);
  if (job.cron !== errorsCron) await apiCall(request, token, 'PATCH', path, { cron: errorsCron });
});

test('the admin pauses and resumes errors, sees main’s fire times, a refused cron, and runs main now', async ({
  page,
  request,
}) => {
  const token = await apiToken(request, 'admin');
  const jobs = `/tenants/${tenantId()}/jobs`;
  const original = (await apiCall(request, token, 'GET', `${jobs}/errors`)).body;
  expect(original.paused).toBe(false);
  errorsCron = original.cron;

  await signIn(page, 'admin');
  await open(page, 'Jobs');
  const main = page.getByRole('region', { name: 'main' });
  const errors = page.getByRole('region', { name: 'errors' });

  // main's next five fire times, in its zone (UTC).
  const fires = main.getByRole('list', { name: 'Next fire times of main' }).getByRole('listitem');
  await expect(fires).toHaveCount(5);
  await expect(fires.first()).toContainText(/\d\d:\d\d:00 UTC$/);
  await expect(main.getByText('Every minute')).toBeVisible();
  await screenshot(page, 'jobs');

  // Pause errors: it shows paused with the reason, and the API says paused.
  await errors.getByRole('button', { name: 'Pause' }).click();
  await expect(errors.getByText('paused by admin@example.org')).toBeVisible();
  await expect(errors.getByText('none: the job is paused')).toBeVisible();
  expect((await apiCall(request, token, 'GET', `${jobs}/errors`)).body.paused).toBe(true);

  // Resume it: paused is gone, here and in the API.
  await errors.getByRole('button', { name: 'Resume' }).click();
  await expect(errors.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(errors.getByText('paused by admin@example.org')).toHaveCount(0);
  await expect(errors.getByRole('list', { name: 'Next fire times of errors' })).toBeVisible();
  const resumed = (await apiCall(request, token, 'GET', `${jobs}/errors`)).body;
  expect(resumed.paused).toBe(false);
  expect(resumed.pause_reason).toBe('');

  // An invalid cron: the API's message, naming the field, under the field and in a notice.
  await errors.getByRole('link', { name: 'Edit' }).click();
  const cron = page.getByLabel('Cron');
  await expect(cron).toHaveValue(original.cron);
  await cron.fill('0 61 * * *');
  const refused = page.waitForResponse(
    (r) => r.url().endsWith(`${jobs}/errors`) && r.request().method() === 'PATCH',
  );
  await page.getByRole('button', { name: 'Save' }).click();
  const answer = await refused;
  expect(answer.status()).toBe(400);
  const error = ((await answer.json()) as { error: { message: string; details: { field: string } } }).error;
  expect(error.details.field).toBe('cron');
  await expect(cron).toHaveAccessibleDescription(error.message);
  await expect(page.getByRole('alert').filter({ hasText: `cron: ${error.message}` }).first()).toBeVisible();
  expect((await apiCall(request, token, 'GET', `${jobs}/errors`)).body.cron).toBe(original.cron);

  // Set it back to what it was.
  await cron.fill(original.cron);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(errors.getByText(original.cron, { exact: true })).toBeVisible();
  expect((await apiCall(request, token, 'GET', `${jobs}/errors`)).body.cron).toBe(original.cron);

  // Run main now: 202 (asked for) or, while it runs, the API's 409 message.
  const ran = page.waitForResponse((r) => r.url().endsWith(`${jobs}/main/run`));
  await main.getByRole('button', { name: 'Run now' }).click();
  const run = await ran;
  if (run.status() === 202) {
    await expect(page.getByText('A run of main is asked for: it starts within a second')).toBeVisible();
  } else {
    expect(run.status()).toBe(409);
    const message = ((await run.json()) as { error: { message: string } }).error.message;
    await expect(page.getByText(message)).toBeVisible();
  }
});

test('the runs list shows the demo’s first run and its counts per entity type, and the chart', async ({
  page,
  request,
}) => {
  const token = await apiToken(request, 'admin');
  const runs = `/tenants/${tenantId()}/runs`;
  // The demo's first run of main: the last of main's runs, newest first.
  let first: { id: number; status: string; started_at: string; counts: Record<string, number> } | undefined;
  await expect
    .poll(async () => {
      const total = (await apiCall(request, token, 'GET', `${runs}?job=main&size=1`)).body.total as number;
      first = (await apiCall(request, token, 'GET', `${runs}?job=main&size=1&page=${total - 1}`)).body.items[0];
      return first?.status;
    }, { timeout: 30_000 })
    .not.toBe('running');
  const detail = (await apiCall(request, token, 'GET', `${runs}/${first!.id}`)).body as {
    counts: Record<string, number>;
    entity_types: { entity_type: string; read: number; written: number; skipped: number; failed: number }[];
  };
  expect(detail.counts.written).toBeGreaterThan(0);
  expect(detail.entity_types.length).toBeGreaterThan(0);

  await signIn(page, 'admin');
  await open(page, 'Runs');
  // The chart: one bar per run on the page.
  const rows = page.locator('table tbody tr');
  await expect(rows.first()).toBeVisible();
  const chart = page.getByRole('img', { name: /Records written and failed per run/ });
  await expect(chart).toBeVisible();
  // The same runs, by id, in the chart as in the table (the list refreshes itself: poll).
  const ids = async () => {
    const bars = await chart.locator('g.run-bar').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-run')));
    const listed = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent));
    return { bars: [...bars].sort().join(','), listed: [...listed].sort().join(',') };
  };
  await expect.poll(async () => {
    const { bars, listed } = await ids();
    return bars !== '' && bars === listed;
  }).toBe(true);
  await screenshot(page, 'runs');

  // The first run, found by the filters (job main, started before just after it started).
  const to = new Date(Date.parse(first!.started_at) + 1).toISOString();
  await page.goto(`${page.url()}?filter=${encodeURIComponent(JSON.stringify({ job: 'main', to }))}`);
  const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: String(first!.id), exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(rows).toHaveCount(1);
  const cells = row.getByRole('cell');
  await expect(cells.nth(1)).toHaveText('main');
  await expect(cells.nth(5)).toHaveText(count(first!.counts.read));
  await expect(cells.nth(6)).toHaveText(count(first!.counts.written));
  await expect(cells.nth(7)).toHaveText(count(first!.counts.skipped));
  await expect(cells.nth(8)).toHaveText(count(first!.counts.failed));

  // Its page: the counts per entity type.
  await row.click();
  await expect(page).toHaveURL(new RegExp(`/runs/${first!.id}/show$`));
  const perType = page.getByRole('table', { name: 'Counts per entity type' });
  for (const item of detail.entity_types) {
    const line = perType.getByRole('row').filter({ has: page.getByRole('rowheader', { name: item.entity_type, exact: true }) });
    await expect(line.getByRole('cell')).toHaveText([
      count(item.read),
      count(item.written),
      count(item.skipped),
      count(item.failed),
    ]);
  }
});

test('a viewer sees the jobs but no edit, pause, resume or run button', async ({ page }) => {
  await signIn(page, 'viewer');
  await open(page, 'Jobs');
  const main = page.getByRole('region', { name: 'main' });
  await expect(main.getByRole('list', { name: 'Next fire times of main' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'errors' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^(Pause|Resume|Run now)$/ })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  // The edit route itself offers nothing to save.
  await page.goto(page.url().replace(/jobs$/, 'jobs/errors'));
  await expect(page.getByText('Only the tenant’s admins change a job’s schedule and settings.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save' })).toHaveCount(0);
});
