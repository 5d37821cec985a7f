import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AdminContext } from 'react-admin';
import { RewindButton, SetCursorButton } from './SyncStatusList';
import type { SyncStatus } from './format';

vi.mock('../../api/session', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api/session')>()),
  currentTenantId: () => 7,
  tenantPath: () => '/tenants/7',
}));

const subject: SyncStatus = {
  entity_type: 'Subject',
  read_upto_time: '2024-02-01T10:00:00.002Z',
  read_upto_id: 'd0000000-0003',
  read_upto_numeric: null,
  read_upto_marker: null,
  updated_at: '2026-12-06T17:00:00.000Z',
  running: true,
};

const running = { error: { code: 'conflict', message: 'the Subject flow is running; set its cursor when the run has finished' } };

function answer(status: number, body: unknown) {
  return vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status }));
}

afterEach(() => vi.unstubAllGlobals());

describe('Set cursor', () => {
  it('confirms naming the entity type, sends the cursor whole, and shows the 409 while the flow runs', async () => {
    const fetch = answer(409, running);
    vi.stubGlobal('fetch', fetch);
    render(
      <AdminContext>
        <SetCursorButton status={subject} />
      </AdminContext>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Set the Subject cursor' }));
    const form = screen.getByRole('dialog', { name: 'Set the Subject cursor' });
    const time = within(form).getByLabelText('Read up to time');
    expect(time).toHaveValue('2024-02-01T10:00:00.002Z');
    await userEvent.clear(time);
    await userEvent.type(time, '2024-01-01T00:00:00Z');
    await userEvent.click(within(form).getByRole('button', { name: 'Set cursor' }));
    const confirm = await screen.findByRole('dialog', { name: 'Set the Subject cursor?' });
    expect(confirm).toHaveTextContent('read again');
    expect(fetch).not.toHaveBeenCalled();
    await userEvent.click(within(confirm).getByRole('button', { name: 'Set cursor' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent('the Subject flow is running');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/tenants/7/sync-status/Subject');
    expect(init.method).toBe('PUT');
    expect(JSON.parse(String(init.body))).toEqual({ read_upto_time: '2024-01-01T00:00:00Z', read_upto_id: 'd0000000-0003' });
  });

  it('says what is missing before sending anything', async () => {
    const fetch = answer(200, subject);
    vi.stubGlobal('fetch', fetch);
    render(
      <AdminContext>
        <SetCursorButton status={{ ...subject, read_upto_time: null, read_upto_id: '' }} />
      </AdminContext>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Set the Subject cursor' }));
    const form = screen.getByRole('dialog', { name: 'Set the Subject cursor' });
    await userEvent.click(within(form).getByRole('button', { name: 'Set cursor' }));
    expect(within(form).getByRole('alert')).toHaveTextContent('rewind instead');
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('Rewind to start', () => {
  it('asks first, naming the entity type and that records are read again, then DELETEs', async () => {
    const fetch = answer(204, undefined);
    vi.stubGlobal('fetch', fetch);
    render(
      <AdminContext>
        <RewindButton status={subject} />
      </AdminContext>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Rewind the Subject cursor to the start' }));
    const confirm = screen.getByRole('dialog', { name: 'Rewind Subject to the start?' });
    expect(confirm).toHaveTextContent('reads every Subject record from the beginning again');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Rewind' }));
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/tenants/7/sync-status/Subject');
    expect(init.method).toBe('DELETE');
  });
});
