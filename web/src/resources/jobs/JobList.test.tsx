import { describe, expect, it, vi, beforeEach } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { AdminContext, ResourceContextProvider, type DataProvider } from 'react-admin';
import { JobList } from './JobList';
import type { Job } from './types';

const session = { canEdit: false, isAdmin: false };
vi.mock('../../api/useSession', () => ({
  useSession: () => ({ ...session, tenant: { id: 1 }, role: null, session: null, superAdmin: false }),
}));

const job = (name: string, extra: Partial<Job> = {}): Job => ({
  id: name,
  name,
  cron: '0 */5 * * * ?',
  timezone: 'Asia/Kolkata',
  enabled: true,
  paused: false,
  pause_reason: '',
  consecutive_failures: 0,
  run_requested: false,
  running: false,
  next_fire_at: '2026-12-06T16:35:00Z',
  last_run: null,
  settings: { page_size: null, max_run_minutes: null, ping_url: null },
  ...extra,
});

function renderJobs(jobs: Job[]) {
  const dataProvider = {
    getList: async () => ({ data: jobs, total: jobs.length }),
  } as unknown as DataProvider;
  return render(
    <MemoryRouter>
      <AdminContext dataProvider={dataProvider}>
        <ResourceContextProvider value="jobs">
          <JobList />
        </ResourceContextProvider>
      </AdminContext>
    </MemoryRouter>,
  );
}

describe('JobList', () => {
  beforeEach(() => {
    session.canEdit = false;
    session.isAdmin = false;
  });

  it('shows each job’s reading, zone and fire times in its zone, the pause reason, and no buttons to a viewer', async () => {
    renderJobs([
      job('main', {
        next_fires: ['2026-12-06T16:35:00Z', '2026-12-06T16:40:00Z'],
      }),
      job('errors', { paused: true, pause_reason: 'paused by admin@example.org', next_fire_at: null, next_fires: [] }),
    ]);
    const main = await screen.findByRole('region', { name: 'main' });
    expect(within(main).getByText('Every 5 minutes')).toBeInTheDocument();
    const fires = within(main).getByRole('list', { name: 'Next fire times of main' });
    expect(within(fires).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'Sun, 6 Dec 2026, 22:05:00 GMT+5:30',
      'Sun, 6 Dec 2026, 22:10:00 GMT+5:30',
    ]);
    const errors = screen.getByRole('region', { name: 'errors' });
    expect(within(errors).getByText('paused by admin@example.org')).toBeInTheDocument();
    expect(within(errors).getByText('none: the job is paused')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /run now|pause|resume/i })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Edit' })).toBeNull();
  });

  it('falls back to next_fire_at when the service sends no next_fires', async () => {
    renderJobs([job('main')]);
    const main = await screen.findByRole('region', { name: 'main' });
    const fires = within(main).getByRole('list', { name: 'Next fire times of main' });
    expect(within(fires).getAllByRole('listitem')).toHaveLength(1);
  });

  it('gives an editor run now only, an admin edit, pause or resume too', async () => {
    session.canEdit = true;
    const { unmount } = renderJobs([job('main')]);
    const main = await screen.findByRole('region', { name: 'main' });
    expect(within(main).getByRole('button', { name: 'Run now' })).toBeInTheDocument();
    expect(within(main).queryByRole('button', { name: 'Pause' })).toBeNull();
    expect(within(main).queryByRole('link', { name: 'Edit' })).toBeNull();
    unmount();

    session.isAdmin = true;
    renderJobs([job('main'), job('errors', { paused: true })]);
    const adminMain = await screen.findByRole('region', { name: 'main' });
    expect(within(adminMain).getByRole('button', { name: 'Pause' })).toBeInTheDocument();
    expect(within(adminMain).getByRole('link', { name: 'Edit' })).toBeInTheDocument();
    const adminErrors = screen.getByRole('region', { name: 'errors' });
    expect(within(adminErrors).getByRole('button', { name: 'Resume' })).toBeInTheDocument();
  });
});
