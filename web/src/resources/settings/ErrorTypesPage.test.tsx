import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AdminContext } from 'react-admin';
import { ErrorTypesPage } from './ErrorTypesPage';

const session = vi.hoisted(() => ({ isAdmin: true }));
const api = vi.hoisted(() => vi.fn());
vi.mock('../../api/useSession', () => ({
  useSession: () => ({ tenant: { id: 1, name: 't' }, isAdmin: session.isAdmin, canEdit: session.isAdmin }),
}));
vi.mock('../../api/session', () => ({ tenantPath: () => '/tenants/1' }));
vi.mock('../../api/http', () => ({ api }));

const stored = [
  { id: 1, uuid: 'u1', name: 'Unmapped', operator: 'CONTAINS', value: 'no mapping', follow_up_step: 'Process', priority: 1 },
  { id: 2, uuid: 'u2', name: 'Gone', operator: 'EQUALS', value: 'not found', follow_up_step: 'Terminal', priority: 2 },
];

function names() {
  return within(screen.getByRole('table')).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell')[1].textContent);
}

describe('ErrorTypesPage', { timeout: 30_000 }, () => {
  beforeEach(() => {
    api.mockReset();
    session.isAdmin = true;
  });

  it('moves a type up by keyboard, keeps the focus on it, and saves the whole set in order', async () => {
    api.mockImplementation(async (_path: string, options?: { method?: string; json?: { error_types: unknown[] } }) => {
      if (options?.method === 'PUT') return { error_types: options.json!.error_types, reclassified: 2, superseded: false };
      return { error_types: stored };
    });
    const user = userEvent.setup();
    render(
      <AdminContext>
        <ErrorTypesPage />
      </AdminContext>,
    );
    expect(await screen.findByText('Unmapped')).toBeInTheDocument();
    expect(names()).toEqual(['Unmapped', 'Gone']);
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();

    act(() => screen.getByRole('button', { name: 'Move Gone up' }).focus());
    await user.keyboard('{Enter}');
    expect(names()).toEqual(['Gone', 'Unmapped']);
    // At the top its up button is disabled: the focus moves to its down button.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move Gone down' }));

    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved. 2 error records changed type.')).toBeInTheDocument();
    const put = api.mock.calls.find((c) => c[1]?.method === 'PUT')!;
    expect(put[0]).toBe('/tenants/1/error-types');
    expect(put[1].json.error_types.map((t: { name: string; priority: number; uuid: string }) => [t.name, t.priority, t.uuid])).toEqual([
      ['Gone', 10, 'u2'],
      ['Unmapped', 20, 'u1'],
    ]);
  });

  it('shows the API’s refusal', async () => {
    api.mockImplementation(async (_path: string, options?: { method?: string }) => {
      if (options?.method === 'PUT') throw new Error("error_types[0].value: missing ) in pattern");
      return { error_types: stored };
    });
    const user = userEvent.setup();
    render(
      <AdminContext>
        <ErrorTypesPage />
      </AdminContext>,
    );
    await user.click(await screen.findByRole('button', { name: 'Remove Gone' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findAllByText(/missing \) in pattern/)).length).toBeGreaterThan(0);
  });

  it('gives a reader no edit controls', async () => {
    session.isAdmin = false;
    api.mockResolvedValue({ error_types: stored });
    render(
      <AdminContext>
        <ErrorTypesPage />
      </AdminContext>,
    );
    expect(await screen.findByText('Gone')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Move|Remove|Edit/ })).toBeNull();
  });
});
